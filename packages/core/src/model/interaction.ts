import { z } from 'zod';
import { InteractionSourceSchema, InteractionTypeSchema, SourceSystemSchema, VisibilitySchema } from './enums.js';
import { TimestampSchema } from './incident.js';

/**
 * One entry of an incident's timeline (R-MODEL-5): a comment, a status change,
 * an assignment or a closure. INTERNAL entries are visible to operators and services only.
 */
export const InteractionSchema = z.object({
  interaction_id: z.string().min(1),
  incident_id: z.string().min(1),
  type: InteractionTypeSchema,
  author: z.string(),
  created_at: TimestampSchema,
  text: z.string().default(''),
  visibility: VisibilitySchema,
  source: InteractionSourceSchema,
  /** Id of the comment in the source system, when imported or pushed (prevents echo on sync). */
  external_id: z.string().optional(),
  /** The incident revision this interaction was written with. */
  revision: z.number().int().positive().optional(),
  metadata: z.record(z.string(), z.unknown()).default({}),
});
export type Interaction = z.infer<typeof InteractionSchema>;

/**
 * A record in a source system that belongs to an incident (R-SOURCE-3): the Zendesk ticket, the Slack
 * message that reported it, the Shortcut story that fixes it. Keyed by `source_system#record_id`.
 */
export const SourceRecordSchema = z.object({
  incident_id: z.string().min(1),
  source_system: SourceSystemSchema,
  record_id: z.string().min(1),
  url: z.string().optional(),
  title: z.string().optional(),
  status: z.string().optional(),
  priority: z.string().optional(),
  author: z.string().optional(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  /** The vendor payload fields worth keeping (never secrets). */
  data: z.record(z.string(), z.unknown()).default({}),
});
export type SourceRecord = z.infer<typeof SourceRecordSchema>;

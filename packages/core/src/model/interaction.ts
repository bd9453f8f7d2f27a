import * as z from 'zod';
import { lazy } from './lazy.js';
import {
  type InteractionSource,
  InteractionSourceSchema,
  type InteractionType,
  InteractionTypeSchema,
  type SourceSystem,
  SourceSystemSchema,
  type Visibility,
  VisibilitySchema,
} from './enums.js';
import { TimestampSchema } from './incident.js';

/** {@link InteractionSchema}, built on its first call. */
export const interactionSchema = lazy(() =>
  z.object({
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
  }),
);
/** Validates an {@link Interaction}; `text` defaults to `''` and `metadata` to `{}`. */
export const InteractionSchema = /* @__PURE__ */ interactionSchema();
/**
 * One entry of an incident's timeline: a comment, a status change, an assignment or a closure.
 * INTERNAL entries are visible to operators and services only.
 */
export type Interaction = {
  /** Id of the entry. */
  interaction_id: string;
  /** The incident it belongs to. */
  incident_id: string;
  /** comment, status_change, assignment or closure. */
  type: InteractionType;
  /** Who wrote it or made the change (normalised email or service id). */
  author: string;
  /** When it happened (ISO 8601). */
  created_at: string;
  /** The comment's text, or a human summary of the change (`''` when none). */
  text: string;
  /** PUBLIC, or INTERNAL (operators and services only). */
  visibility: Visibility;
  /** Where it was written (CLI, a vendor, the desk…). */
  source: InteractionSource;
  /** Id of the comment in the source system, when imported or pushed (prevents echo on sync). */
  external_id?: string;
  /** The incident revision this interaction was written with. */
  revision?: number;
  /** Details of the change (`from`/`to` status, assignee…); `{}` when none. */
  metadata: Record<string, unknown>;
};

/** {@link SourceRecordSchema}, built on its first call. */
export const sourceRecordSchema = lazy(() =>
  z.object({
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
  }),
);
/** Validates a {@link SourceRecord}; `data` defaults to `{}`. */
export const SourceRecordSchema = /* @__PURE__ */ sourceRecordSchema();
/**
 * A record in a source system that belongs to an incident: the Zendesk ticket, the Slack message
 * that reported it, the Shortcut story that fixes it. Keyed by `source_system#record_id`.
 */
export type SourceRecord = {
  /** The incident it belongs to. */
  incident_id: string;
  /** The vendor system that holds it. */
  source_system: SourceSystem;
  /** Id of the record in that system (ticket key, message timestamp, story id). */
  record_id: string;
  /** Link to the record. */
  url?: string;
  /** Its title or first line, as the vendor shows it. */
  title?: string;
  /** Its status in the vendor's words. */
  status?: string;
  /** Its priority in the vendor's words. */
  priority?: string;
  /** Who wrote it, as the vendor names them. */
  author?: string;
  /** When it was created in the vendor system (ISO 8601). */
  created_at: string;
  /** When it last changed in the vendor system (ISO 8601). */
  updated_at: string;
  /** The vendor payload fields worth keeping (never secrets); `{}` when none. */
  data: Record<string, unknown>;
};

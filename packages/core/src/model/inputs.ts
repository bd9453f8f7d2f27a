/**
 * Input schemas of the use cases, with their defaults. The service parses every input with these, so
 * a bad field is reported as a {@link ValidationError} naming its path.
 *
 * @module
 */
import { z } from 'zod';
import {
  EnvironmentSchema,
  InteractionSourceSchema,
  PrioritySchema,
  ResolutionTypeSchema,
  RoleSchema,
  SeveritySchema,
  SourceSystemSchema,
  StatusSchema,
  VisibilitySchema,
} from './enums.js';
import {
  AnalysisSchema,
  AttachmentSchema,
  CodeChangeSchema,
  TechnicalDetailsSchema,
  TimestampSchema,
} from './incident.js';

const IncidentIdSchema = z.string().trim().min(1, 'incident_id is required');
/** Optional optimistic-concurrency token: the revision the caller read. A stale one is refused. */
const ExpectedRevisionSchema = z.number().int().positive().optional();

export const CreateIncidentInputSchema = z.object({
  /** Explicit id (imports keep the source id, e.g. `JIRA-12345`); generated when omitted. */
  incident_id: z.string().trim().min(1).max(200).optional(),
  title: z.string().trim().min(1, 'title is required').max(500),
  description: z.string().max(100_000).default(''),
  category: z.string().trim().min(1).default('General'),
  subcategory: z.string().optional(),
  severity: SeveritySchema.default('MEDIUM'),
  /** Defaults to the priority that goes with the severity (CRITICAL → P1 … LOW → P4). */
  priority: PrioritySchema.optional(),
  source_system: SourceSystemSchema.default('MANUAL'),
  /** Id in the source system; defaults to the incident id for MANUAL incidents. */
  external_id: z.string().trim().min(1).optional(),
  source_url: z.string().optional(),
  team: z.string().trim().min(1).optional(),
  /** Defaults to created_at + the SLA of the severity. */
  due_date: TimestampSchema.optional(),
  /** Keeps the source system's creation time on imports; defaults to now. */
  created_at: TimestampSchema.optional(),
  affected_systems: z.array(z.string()).default([]),
  affected_services: z.array(z.string()).default([]),
  environment: EnvironmentSchema.default('PRODUCTION'),
  technical_details: TechnicalDetailsSchema.default({}),
  attachments: z.array(AttachmentSchema).default([]),
  tags: z.array(z.string()).default([]),
  labels: z.array(z.string()).default([]),
  /** Assign on creation (admins and services only). */
  assigned_to: z.string().trim().min(1).optional(),
});
export type CreateIncidentInput = z.input<typeof CreateIncidentInputSchema>;

export const IncidentRefSchema = z.object({
  incident_id: IncidentIdSchema,
  expected_revision: ExpectedRevisionSchema,
});
export type IncidentRef = z.input<typeof IncidentRefSchema>;

export const AssignInputSchema = IncidentRefSchema.extend({
  assignee: z.string().trim().min(1, 'assignee is required'),
});
export type AssignInput = z.input<typeof AssignInputSchema>;

export const ReasonInputSchema = IncidentRefSchema.extend({
  reason: z.string().trim().max(10_000).optional(),
});
export type ReasonInput = z.input<typeof ReasonInputSchema>;

export const UpdateProgressInputSchema = IncidentRefSchema.extend({
  analysis: AnalysisSchema.optional(),
  progress_notes: z.string().trim().max(100_000).optional(),
  /** Minutes worked in this session; recorded as a time-tracking session ending now. */
  time_spent_minutes: z
    .number()
    .nonnegative()
    .max(24 * 60)
    .optional(),
  session_id: z.string().optional(),
  workspace: z.string().optional(),
}).refine((v) => v.analysis || v.progress_notes || v.time_spent_minutes !== undefined, {
  message: 'give at least one of analysis, progress_notes or time_spent_minutes',
  path: ['progress_notes'],
});
export type UpdateProgressInput = z.input<typeof UpdateProgressInputSchema>;

export const ResolveInputSchema = IncidentRefSchema.extend({
  /** What was done, in a sentence or two (`solution.description`). */
  solution: z.string().trim().min(1, 'solution is required'),
  steps: z.array(z.string().min(1)).default([]),
  commands_executed: z.array(z.string()).optional(),
  tests_performed: z.array(z.string()).optional(),
  code_changes: z.array(CodeChangeSchema).optional(),
  resolution_type: ResolutionTypeSchema.default('FIXED'),
  /** Defaults to the analysis' root cause when one was recorded. */
  root_cause: z.string().trim().min(1).optional(),
  preventive_actions: z.array(z.string()).optional(),
  documentation_updated: z.boolean().default(false),
  time_spent_minutes: z
    .number()
    .nonnegative()
    .max(24 * 60)
    .optional(),
});
export type ResolveInput = z.input<typeof ResolveInputSchema>;

export const AddCommentInputSchema = IncidentRefSchema.extend({
  text: z.string().trim().min(1, 'text is required').max(100_000),
  visibility: VisibilitySchema.default('PUBLIC'),
  source: InteractionSourceSchema.default('MANUAL'),
  /** Id of the comment in its source system (imports). */
  external_id: z.string().optional(),
  /** Author of an imported comment (sync and admin only); defaults to the actor. */
  author: z.string().optional(),
  /** Time of an imported comment; defaults to now. */
  created_at: TimestampSchema.optional(),
});
export type AddCommentInput = z.input<typeof AddCommentInputSchema>;

export const LinkInputSchema = z.object({
  from: IncidentIdSchema,
  to: IncidentIdSchema,
});
export type LinkInput = z.input<typeof LinkInputSchema>;

export const MetricsInputSchema = z.object({
  team: z.string().optional(),
  assigned_to: z.string().optional(),
  from: TimestampSchema.optional(),
  to: TimestampSchema.optional(),
});
export type MetricsInput = z.input<typeof MetricsInputSchema>;

export const PageInputSchema = z.object({
  limit: z.number().int().min(1).max(500).optional(),
  cursor: z.string().nullish(),
});

const StatusOrList = z.union([StatusSchema, z.array(StatusSchema).min(1)]);

/** The access patterns as a validated input (see `IncidentQuery`). */
export const IncidentQuerySchema = z.discriminatedUnion('by', [
  z.object({ by: z.literal('status'), status: StatusOrList, priority: PrioritySchema.optional() }),
  z.object({ by: z.literal('assignee'), assigned_to: z.string().min(1), status: StatusOrList.optional() }),
  z.object({ by: z.literal('team'), team: z.string().min(1), status: StatusOrList.optional() }),
  z.object({ by: z.literal('category'), category: z.string().min(1), severity: SeveritySchema.optional() }),
  z.object({ by: z.literal('source'), source_system: SourceSystemSchema, external_id: z.string().optional() }),
  z.object({ by: z.literal('due'), status: StatusOrList, due_before: TimestampSchema.optional() }),
]);

export const CreateUserInputSchema = z.object({
  email: z.email(),
  name: z.string().trim().min(1).optional(),
  role: RoleSchema.default('operator'),
  team: z.string().optional(),
  active: z.boolean().default(true),
});
export type CreateUserInput = z.input<typeof CreateUserInputSchema>;

/** Changes to an existing user (`users.update`): name, role, team, active. At least one field. */
export const UpdateUserInputSchema = z
  .object({
    name: z.string().trim().min(1).optional(),
    role: RoleSchema.optional(),
    team: z.string().trim().min(1).nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change: pass name, role, team or active' });
export type UpdateUserInput = z.input<typeof UpdateUserInputSchema>;

/** A new password hash for a user (the caller hashes; the SDK never sees the password). */
export const SetUserCredentialsInputSchema = z.object({ password_hash: z.string().min(1).max(1024) }).strict();
export type SetUserCredentialsInput = z.input<typeof SetUserCredentialsInputSchema>;

export const FindSimilarInputSchema = z.union([
  z.object({ incident_id: IncidentIdSchema }),
  z.object({ text: z.string().trim().min(1, 'text is required') }),
]);
export type FindSimilarInput = z.input<typeof FindSimilarInputSchema>;

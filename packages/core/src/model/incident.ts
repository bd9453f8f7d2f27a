import { z } from 'zod';
import {
  EnvironmentSchema,
  InteractionSourceSchema,
  KbSyncStateSchema,
  PrioritySchema,
  ResolutionTypeSchema,
  SeveritySchema,
  SourceSystemSchema,
  StatusSchema,
  VisibilitySchema,
} from './enums.js';

/** Whether the `YYYY-MM-DD` date at the start of an ISO timestamp exists in the calendar (no 2026-02-30). */
function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/**
 * ISO 8601 timestamp with offset, as stored (`2026-01-31T10:00:00.000Z`); the date must exist
 * (`2026-02-30` is refused rather than rolled over to March).
 */
export const TimestampSchema = z.iso.datetime({ offset: true }).refine(isCalendarDate, {
  message: 'not a calendar date (e.g. February 30)',
  // Only a well-formed timestamp is checked against the calendar: one issue per bad value.
  when: (payload) => payload.issues.length === 0,
});

/** Technical context of an incident (R-MODEL-1). */
export const TechnicalDetailsSchema = z.object({
  error_messages: z.array(z.string()).optional(),
  stack_traces: z.array(z.string()).optional(),
  log_references: z.array(z.string()).optional(),
  affected_components: z.array(z.string()).optional(),
  related_incidents: z.array(z.string()).optional(),
});
export type TechnicalDetails = z.infer<typeof TechnicalDetailsSchema>;

export const AnalysisSchema = z.object({
  root_cause: z.string().optional(),
  diagnosis: z.string().optional(),
  similar_incidents_found: z.number().int().nonnegative().optional(),
});
export type Analysis = z.infer<typeof AnalysisSchema>;

export const CodeChangeSchema = z.object({
  file: z.string().min(1),
  description: z.string().default(''),
  diff: z.string().optional(),
});
export type CodeChange = z.infer<typeof CodeChangeSchema>;

export const SolutionSchema = z.object({
  description: z.string(),
  steps: z.array(z.string()).default([]),
  code_changes: z.array(CodeChangeSchema).optional(),
  commands_executed: z.array(z.string()).optional(),
  tests_performed: z.array(z.string()).optional(),
});
export type Solution = z.infer<typeof SolutionSchema>;

export const WorkSessionSchema = z.object({
  session_id: z.string(),
  started_at: TimestampSchema,
  ended_at: TimestampSchema,
  duration_minutes: z.number().nonnegative(),
});
export type WorkSession = z.infer<typeof WorkSessionSchema>;

/** Progress notes recorded by `updateProgress` (kept in order; the timeline also gets an interaction). */
export const ProgressNoteSchema = z.object({
  at: TimestampSchema,
  by: z.string(),
  text: z.string(),
});
export type ProgressNote = z.infer<typeof ProgressNoteSchema>;

/** `cline_work` (R-MODEL-4): the work done from a coding assistant or the CLI. Owned locally, never overwritten by sync. */
export const ClineWorkSchema = z.object({
  started_at: TimestampSchema,
  last_updated: TimestampSchema,
  developer: z.string(),
  session_id: z.string().optional(),
  workspace: z.string().optional(),
  analysis: AnalysisSchema.optional(),
  progress_notes: z.array(ProgressNoteSchema).default([]),
  solution: SolutionSchema.optional(),
  time_tracking: z.object({
    total_minutes: z.number().nonnegative(),
    sessions: z.array(WorkSessionSchema),
  }),
});
export type ClineWork = z.infer<typeof ClineWorkSchema>;

export const ResolutionSchema = z.object({
  resolved_by: z.string(),
  resolved_at: TimestampSchema,
  resolution_type: ResolutionTypeSchema,
  resolution_description: z.string(),
  root_cause: z.string(),
  preventive_actions: z.array(z.string()).optional(),
  documentation_updated: z.boolean(),
  kb_article_created: z.string().optional(),
});
export type Resolution = z.infer<typeof ResolutionSchema>;

export const AttachmentSchema = z.object({
  attachment_id: z.string(),
  filename: z.string(),
  s3_path: z.string(),
  uploaded_by: z.string(),
  uploaded_at: TimestampSchema,
  size_bytes: z.number().int().nonnegative(),
  mime_type: z.string(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

/** A field changed both locally and in the source system since the last sync; both values are kept. */
export const SyncConflictSchema = z.object({
  field: z.string(),
  local_value: z.unknown(),
  remote_value: z.unknown(),
  detected_at: TimestampSchema,
  source_system: SourceSystemSchema.optional(),
  resolved: z.boolean().default(false),
  /** When someone resolved it (`resolveConflict` of the sync engine). */
  resolved_at: TimestampSchema.optional(),
});
export type SyncConflict = z.infer<typeof SyncConflictSchema>;

export const SyncMetadataSchema = z.object({
  last_sync_at: TimestampSchema.optional(),
  last_sync_status: z.enum(['SUCCESS', 'FAILED', 'PARTIAL']).optional(),
  sync_errors: z.array(z.string()).optional(),
  external_version: z.string().optional(),
  needs_sync: z.boolean().default(false),
  /** Values of synced fields as last seen in the source system (change detection base). */
  remote_snapshot: z.record(z.string(), z.unknown()).optional(),
  conflicts: z.array(SyncConflictSchema).optional(),
});
export type SyncMetadata = z.infer<typeof SyncMetadataSchema>;

export const IncidentMetricsSchema = z.object({
  response_time_minutes: z.number().nonnegative().optional(),
  resolution_time_minutes: z.number().nonnegative().optional(),
  reopened_count: z.number().int().nonnegative().default(0),
  escalated: z.boolean().default(false),
  sla_breached: z.boolean().default(false),
});
export type IncidentMetrics = z.infer<typeof IncidentMetricsSchema>;

/** `kb_sync_status` (R-KB-1, R-KB-5), with an explicit state so that "closed and not yet synced" is indexable. */
export const KbSyncStatusSchema = z.object({
  state: KbSyncStateSchema,
  synced: z.boolean(),
  synced_at: TimestampSchema.optional(),
  sync_attempts: z.number().int().nonnegative().default(0),
  last_sync_attempt: TimestampSchema.optional(),
  last_sync_error: z.string().optional(),
  /** Object key of the published document, when synced. */
  document_key: z.string().optional(),
});
export type KbSyncStatus = z.infer<typeof KbSyncStatusSchema>;

export const IncidentMetadataSchema = z.object({
  created_by: z.string(),
  last_modified_by: z.string(),
  version_notes: z.string().optional(),
});
export type IncidentMetadata = z.infer<typeof IncidentMetadataSchema>;

/**
 * The persisted incident record (R-MODEL-1, every field group) — version 0 is the current record,
 * versions ≥ 1 are history snapshots (the state after the N-th change).
 *
 * Comments and interactions are stored as their own rows/items and presented on
 * {@link IncidentDetails}; `revision` is the optimistic-concurrency token.
 */
export const IncidentSchema = z.object({
  incident_id: z.string().min(1),
  /** 0 for the current record; N ≥ 1 for the N-th history version. */
  version: z.number().int().nonnegative(),
  /** Number of changes applied so far; a write must name the revision it read. */
  revision: z.number().int().positive(),

  external_id: z.string().min(1),
  source_system: SourceSystemSchema,
  source_url: z.string().optional(),

  title: z.string().min(1),
  description: z.string(),
  category: z.string().min(1),
  subcategory: z.string().optional(),
  severity: SeveritySchema,
  priority: PrioritySchema,

  status: StatusSchema,
  assigned_to: z.string().optional(),
  assigned_at: TimestampSchema.optional(),
  team: z.string().optional(),

  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  due_date: TimestampSchema.optional(),
  resolved_at: TimestampSchema.optional(),
  closed_at: TimestampSchema.optional(),

  affected_systems: z.array(z.string()).default([]),
  affected_services: z.array(z.string()).default([]),
  environment: EnvironmentSchema,

  technical_details: TechnicalDetailsSchema.default({}),
  cline_work: ClineWorkSchema.optional(),
  resolution: ResolutionSchema.optional(),
  attachments: z.array(AttachmentSchema).default([]),
  sync_metadata: SyncMetadataSchema.default({ needs_sync: false }),
  metrics: IncidentMetricsSchema.default({ reopened_count: 0, escalated: false, sla_breached: false }),
  kb_sync_status: KbSyncStatusSchema.default({ state: 'NOT_APPLICABLE', synced: false, sync_attempts: 0 }),

  tags: z.array(z.string()).default([]),
  labels: z.array(z.string()).default([]),
  metadata: IncidentMetadataSchema,

  /** Set when this id was linked into another incident: the id redirects there. */
  merged_into: z.string().optional(),
});
export type Incident = z.infer<typeof IncidentSchema>;

/** A comment as presented on an incident (`comments[]`, R-MODEL-5); stored as an interaction of type `comment`. */
export const CommentSchema = z.object({
  comment_id: z.string(),
  author: z.string(),
  timestamp: TimestampSchema,
  text: z.string(),
  source: InteractionSourceSchema,
  visibility: VisibilitySchema,
  external_id: z.string().optional(),
});
export type Comment = z.infer<typeof CommentSchema>;

import * as z from 'zod';
import { lazy } from './lazy.js';
import {
  type Environment,
  EnvironmentSchema,
  type InteractionSource,
  InteractionSourceSchema,
  type KbSyncState,
  KbSyncStateSchema,
  type Priority,
  PrioritySchema,
  type ResolutionType,
  ResolutionTypeSchema,
  type Severity,
  SeveritySchema,
  type SourceSystem,
  SourceSystemSchema,
  type Status,
  StatusSchema,
  type Visibility,
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

/** {@link TechnicalDetailsSchema}, built on its first call. */
export const technicalDetailsSchema = lazy(() =>
  z.object({
    error_messages: z.array(z.string()).optional(),
    stack_traces: z.array(z.string()).optional(),
    log_references: z.array(z.string()).optional(),
    affected_components: z.array(z.string()).optional(),
    related_incidents: z.array(z.string()).optional(),
  }),
);
/** Validates {@link TechnicalDetails} (every list optional). */
export const TechnicalDetailsSchema = /* @__PURE__ */ technicalDetailsSchema();
/** Technical evidence gathered about an incident: what failed, where, and what it relates to. */
export type TechnicalDetails = {
  /** Error messages seen (verbatim). */
  error_messages?: string[];
  /** Stack traces, one per entry. */
  stack_traces?: string[];
  /** Where the logs are: log group and query, file path, dashboard URL. */
  log_references?: string[];
  /** Components of the affected systems involved (`payments-api`, `checkout-worker`). */
  affected_components?: string[];
  /** Ids of incidents believed to be related. */
  related_incidents?: string[];
};

/** {@link AnalysisSchema}, built on its first call. */
export const analysisSchema = lazy(() =>
  z.object({
    root_cause: z.string().optional(),
    diagnosis: z.string().optional(),
    similar_incidents_found: z.number().int().nonnegative().optional(),
  }),
);
/** Validates {@link Analysis}. */
export const AnalysisSchema = /* @__PURE__ */ analysisSchema();
/** The diagnosis recorded while working on an incident (`updateProgress`). */
export type Analysis = {
  /** The cause found, in a sentence; becomes the resolution's root cause when none is given. */
  root_cause?: string;
  /** How the problem was diagnosed (free text). */
  diagnosis?: string;
  /** How many similar past incidents were consulted (whole number ≥ 0). */
  similar_incidents_found?: number;
};

/** {@link CodeChangeSchema}, built on its first call. */
export const codeChangeSchema = lazy(() =>
  z.object({
    file: z.string().min(1),
    description: z.string().default(''),
    diff: z.string().optional(),
  }),
);
/** Validates {@link CodeChange}; `description` defaults to `''`. */
export const CodeChangeSchema = /* @__PURE__ */ codeChangeSchema();
/** One file changed by a fix. */
export type CodeChange = {
  /** Path of the file in its repository (non-empty). */
  file: string;
  /** What changed in it; `''` when not given. */
  description: string;
  /** The unified diff, when recorded. */
  diff?: string;
};

/** {@link SolutionSchema}, built on its first call. */
export const solutionSchema = lazy(() =>
  z.object({
    description: z.string(),
    steps: z.array(z.string()).default([]),
    code_changes: z.array(codeChangeSchema()).optional(),
    commands_executed: z.array(z.string()).optional(),
    tests_performed: z.array(z.string()).optional(),
  }),
);
/** Validates {@link Solution}; `steps` defaults to `[]`. */
export const SolutionSchema = /* @__PURE__ */ solutionSchema();
/** How an incident was fixed, recorded by `resolve`. */
export type Solution = {
  /** What was done, in a sentence or two. */
  description: string;
  /** The steps taken, in order (`[]` when none). */
  steps: string[];
  /** Files changed by the fix. */
  code_changes?: CodeChange[];
  /** Shell or admin commands run while fixing. */
  commands_executed?: string[];
  /** Tests run to confirm the fix. */
  tests_performed?: string[];
};

/** {@link WorkSessionSchema}, built on its first call. */
export const workSessionSchema = lazy(() =>
  z.object({
    session_id: z.string(),
    started_at: TimestampSchema,
    ended_at: TimestampSchema,
    duration_minutes: z.number().nonnegative(),
  }),
);
/** Validates {@link WorkSession}. */
export const WorkSessionSchema = /* @__PURE__ */ workSessionSchema();
/** One stretch of work on an incident, for time tracking. */
export type WorkSession = {
  /** Id of the working session (given by the caller or generated). */
  session_id: string;
  /** When the session started (ISO 8601). */
  started_at: string;
  /** When the session ended (ISO 8601). */
  ended_at: string;
  /** Minutes worked in the session (≥ 0). */
  duration_minutes: number;
};

/** {@link ProgressNoteSchema}, built on its first call. */
export const progressNoteSchema = lazy(() =>
  z.object({
    at: TimestampSchema,
    by: z.string(),
    text: z.string(),
  }),
);
/** Validates {@link ProgressNote}. */
export const ProgressNoteSchema = /* @__PURE__ */ progressNoteSchema();
/** A progress note recorded by `updateProgress` (kept in order; the timeline also gets an interaction). */
export type ProgressNote = {
  /** When it was written (ISO 8601). */
  at: string;
  /** Who wrote it (normalised email or service id). */
  by: string;
  /** The note. */
  text: string;
};

/** {@link ClineWorkSchema}, built on its first call. */
export const clineWorkSchema = lazy(() =>
  z.object({
    started_at: TimestampSchema,
    last_updated: TimestampSchema,
    developer: z.string(),
    session_id: z.string().optional(),
    workspace: z.string().optional(),
    analysis: analysisSchema().optional(),
    progress_notes: z.array(progressNoteSchema()).default([]),
    solution: solutionSchema().optional(),
    time_tracking: z.object({
      total_minutes: z.number().nonnegative(),
      sessions: z.array(workSessionSchema()),
    }),
  }),
);
/** Validates {@link ClineWork}; `progress_notes` defaults to `[]`. */
export const ClineWorkSchema = /* @__PURE__ */ clineWorkSchema();
/**
 * The work done on an incident from a coding assistant, the CLI or the desk: analysis, notes, the
 * solution and the time spent. Owned locally: a vendor sync never overwrites it.
 */
export type ClineWork = {
  /** When work started (the first `updateProgress` or `resolve`). */
  started_at: string;
  /** When the work record last changed. */
  last_updated: string;
  /** Who works on it (normalised email or service id). */
  developer: string;
  /** Id of the assistant or CLI session, when given. */
  session_id?: string;
  /** Workspace or repository the work happened in, when given. */
  workspace?: string;
  /** The diagnosis so far. */
  analysis?: Analysis;
  /** Progress notes, oldest first (`[]` when none). */
  progress_notes: ProgressNote[];
  /** The fix, once resolved. */
  solution?: Solution;
  /** Time spent: the total and each session. */
  time_tracking: {
    /** Sum of the sessions' minutes. */
    total_minutes: number;
    /** Every recorded working session. */
    sessions: WorkSession[];
  };
};

/** {@link ResolutionSchema}, built on its first call. */
export const resolutionSchema = lazy(() =>
  z.object({
    resolved_by: z.string(),
    resolved_at: TimestampSchema,
    resolution_type: ResolutionTypeSchema,
    resolution_description: z.string(),
    root_cause: z.string(),
    preventive_actions: z.array(z.string()).optional(),
    documentation_updated: z.boolean(),
    kb_article_created: z.string().optional(),
  }),
);
/** Validates {@link Resolution}. */
export const ResolutionSchema = /* @__PURE__ */ resolutionSchema();
/** How and by whom an incident was resolved, recorded by `resolve`. */
export type Resolution = {
  /** Who resolved it (normalised email or service id). */
  resolved_by: string;
  /** When it was resolved (ISO 8601). */
  resolved_at: string;
  /** The kind of resolution: fixed, workaround, duplicate… */
  resolution_type: ResolutionType;
  /** What was done (the solution's description). */
  resolution_description: string;
  /** Why it happened. */
  root_cause: string;
  /** What was or will be done so that it does not happen again. */
  preventive_actions?: string[];
  /** Whether documentation was updated as part of the fix. */
  documentation_updated: boolean;
  /** Key or URL of the knowledge-base article written for it, when one was. */
  kb_article_created?: string;
};

/** {@link AttachmentSchema}, built on its first call. */
export const attachmentSchema = lazy(() =>
  z.object({
    attachment_id: z.string(),
    filename: z.string(),
    s3_path: z.string(),
    uploaded_by: z.string(),
    uploaded_at: TimestampSchema,
    size_bytes: z.number().int().nonnegative(),
    mime_type: z.string(),
  }),
);
/** Validates {@link Attachment}. */
export const AttachmentSchema = /* @__PURE__ */ attachmentSchema();
/** A file attached to an incident. The SDK stores the reference; the bytes live in object storage. */
export type Attachment = {
  /** Id of the attachment. */
  attachment_id: string;
  /** Original file name. */
  filename: string;
  /** Where the bytes are (an object key or `s3://bucket/key`). */
  s3_path: string;
  /** Who uploaded it. */
  uploaded_by: string;
  /** When it was uploaded (ISO 8601). */
  uploaded_at: string;
  /** Size in bytes (whole number ≥ 0). */
  size_bytes: number;
  /** Media type (`image/png`, `text/plain`). */
  mime_type: string;
};

/** {@link SyncConflictSchema}, built on its first call. */
export const syncConflictSchema = lazy(() =>
  z.object({
    field: z.string(),
    local_value: z.unknown(),
    remote_value: z.unknown(),
    detected_at: TimestampSchema,
    source_system: SourceSystemSchema.optional(),
    resolved: z.boolean().default(false),
    /** When someone resolved it (`resolveConflict` of the sync engine). */
    resolved_at: TimestampSchema.optional(),
  }),
);
/** Validates {@link SyncConflict}; `resolved` defaults to `false`. */
export const SyncConflictSchema = /* @__PURE__ */ syncConflictSchema();
/** A field changed both locally and in the source system since the last sync; both values are kept. */
export type SyncConflict = {
  /** The incident field in conflict (`status`, `priority`…). */
  field: string;
  /** The local value when the conflict was found. */
  local_value: unknown;
  /** The source system's value when the conflict was found. */
  remote_value: unknown;
  /** When the sync found it (ISO 8601). */
  detected_at: string;
  /** The source system it conflicts with. */
  source_system?: SourceSystem;
  /** Whether someone resolved it (`false` until then). */
  resolved: boolean;
  /** When someone resolved it (`resolveConflict` of the sync engine). */
  resolved_at?: string;
};

/** {@link SyncMetadataSchema}, built on its first call. */
export const syncMetadataSchema = lazy(() =>
  z.object({
    last_sync_at: TimestampSchema.optional(),
    last_sync_status: z.enum(['SUCCESS', 'FAILED', 'PARTIAL']).optional(),
    sync_errors: z.array(z.string()).optional(),
    external_version: z.string().optional(),
    needs_sync: z.boolean().default(false),
    /** Values of synced fields as last seen in the source system (change detection base). */
    remote_snapshot: z.record(z.string(), z.unknown()).optional(),
    conflicts: z.array(syncConflictSchema()).optional(),
  }),
);
/** Validates {@link SyncMetadata}; `needs_sync` defaults to `false`. */
export const SyncMetadataSchema = /* @__PURE__ */ syncMetadataSchema();
/** State of the incident's synchronisation with its source system (Jira, ServiceNow, Zendesk…). */
export type SyncMetadata = {
  /** When the last sync of this incident ran (ISO 8601). */
  last_sync_at?: string;
  /** How the last sync of this incident went. */
  last_sync_status?: 'SUCCESS' | 'FAILED' | 'PARTIAL';
  /** Errors of the last sync (redacted: no secrets). */
  sync_errors?: string[];
  /** The source system's version or update stamp of the record, as last seen. */
  external_version?: string;
  /** Whether local changes wait to be pushed to the source system. */
  needs_sync: boolean;
  /** Values of synced fields as last seen in the source system (change detection base). */
  remote_snapshot?: Record<string, unknown>;
  /** Fields changed on both sides since the last sync. */
  conflicts?: SyncConflict[];
};

/** {@link IncidentMetricsSchema}, built on its first call. */
export const incidentMetricsSchema = lazy(() =>
  z.object({
    response_time_minutes: z.number().nonnegative().optional(),
    resolution_time_minutes: z.number().nonnegative().optional(),
    reopened_count: z.number().int().nonnegative().default(0),
    escalated: z.boolean().default(false),
    sla_breached: z.boolean().default(false),
  }),
);
/** Validates {@link IncidentMetrics}; counters default to 0 and flags to `false`. */
export const IncidentMetricsSchema = /* @__PURE__ */ incidentMetricsSchema();
/** Service-level figures of one incident, kept up to date by the state machine. */
export type IncidentMetrics = {
  /** Minutes from creation to the first response (assignment or operator reply). */
  response_time_minutes?: number;
  /** Minutes from creation to resolution. */
  resolution_time_minutes?: number;
  /** How many times it was reopened after being resolved or closed. */
  reopened_count: number;
  /** Whether it was escalated. */
  escalated: boolean;
  /** Whether it was resolved after its `due_date` (or is still open past it). */
  sla_breached: boolean;
};

/** {@link KbSyncStatusSchema}, built on its first call. */
export const kbSyncStatusSchema = lazy(() =>
  z.object({
    state: KbSyncStateSchema,
    synced: z.boolean(),
    synced_at: TimestampSchema.optional(),
    sync_attempts: z.number().int().nonnegative().default(0),
    last_sync_attempt: TimestampSchema.optional(),
    last_sync_error: z.string().optional(),
    /** Object key of the published document, when synced. */
    document_key: z.string().optional(),
  }),
);
/** Validates {@link KbSyncStatus}; `sync_attempts` defaults to 0. */
export const KbSyncStatusSchema = /* @__PURE__ */ kbSyncStatusSchema();
/**
 * Whether the incident's knowledge-base document is published, with an explicit state so that
 * "closed and not yet synced" is indexable.
 */
export type KbSyncStatus = {
  /** Where the document stands: not applicable, pending, synced, failed, withdrawal pending. */
  state: KbSyncState;
  /** Whether the current document is published. */
  synced: boolean;
  /** When it was last published (ISO 8601). */
  synced_at?: string;
  /** Attempts since the last success. */
  sync_attempts: number;
  /** When the last attempt ran (ISO 8601). */
  last_sync_attempt?: string;
  /** The last attempt's error (redacted). */
  last_sync_error?: string;
  /** Object key of the published document, when synced. */
  document_key?: string;
};

/** {@link IncidentMetadataSchema}, built on its first call. */
export const incidentMetadataSchema = lazy(() =>
  z.object({
    created_by: z.string(),
    last_modified_by: z.string(),
    version_notes: z.string().optional(),
  }),
);
/** Validates {@link IncidentMetadata}. */
export const IncidentMetadataSchema = /* @__PURE__ */ incidentMetadataSchema();
/** Who created and last changed an incident. */
export type IncidentMetadata = {
  /** Who created it (normalised email or service id). */
  created_by: string;
  /** Who made the last change. */
  last_modified_by: string;
  /** The reason given for the last change (`UseCaseContext.notes`), when one was. */
  version_notes?: string;
};

/** {@link IncidentSchema}, built on its first call. */
export const incidentSchema = lazy(() =>
  z.object({
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

    technical_details: technicalDetailsSchema().default({}),
    cline_work: clineWorkSchema().optional(),
    resolution: resolutionSchema().optional(),
    attachments: z.array(attachmentSchema()).default([]),
    sync_metadata: syncMetadataSchema().default({ needs_sync: false }),
    metrics: incidentMetricsSchema().default({ reopened_count: 0, escalated: false, sla_breached: false }),
    kb_sync_status: kbSyncStatusSchema().default({ state: 'NOT_APPLICABLE', synced: false, sync_attempts: 0 }),

    tags: z.array(z.string()).default([]),
    labels: z.array(z.string()).default([]),
    metadata: incidentMetadataSchema(),

    /** Set when this id was linked into another incident: the id redirects there. */
    merged_into: z.string().optional(),
  }),
);
/**
 * Validates an {@link Incident} as stored; the list and group fields have defaults (`[]`, `{}`,
 * `NOT_APPLICABLE`), so a parsed record always has them.
 */
export const IncidentSchema = /* @__PURE__ */ incidentSchema();
/**
 * The persisted incident record — version 0 is the current record, versions ≥ 1 are history
 * snapshots (the state after the N-th change).
 *
 * Comments and interactions are stored as their own rows/items and presented on
 * {@link IncidentDetails}; `revision` is the optimistic-concurrency token. Timestamps are ISO 8601
 * strings with an offset (`2026-01-31T10:00:00.000Z`).
 */
export type Incident = {
  /** The incident's id (`INC-…` when generated; imports keep the source id, e.g. `JIRA-12345`). */
  incident_id: string;
  /** 0 for the current record; N ≥ 1 for the N-th history version. */
  version: number;
  /** Number of changes applied so far; a write must name the revision it read. */
  revision: number;

  /** Id of the record in its source system (the incident id for MANUAL incidents). */
  external_id: string;
  /** The system the incident came from (`MANUAL` when created here). */
  source_system: SourceSystem;
  /** Link to the record in its source system. */
  source_url?: string;

  /** One-line summary (non-empty). */
  title: string;
  /** What happened, in free text (may be empty). */
  description: string;
  /** Category (`General` by default). */
  category: string;
  /** Finer category, when given. */
  subcategory?: string;
  /** Impact: CRITICAL, HIGH, MEDIUM, LOW. */
  severity: Severity;
  /** Urgency: P1 (most urgent) to P4; by default the one that goes with the severity. */
  priority: Priority;

  /** Lifecycle status; changed only through the state machine's transitions. */
  status: Status;
  /** Who works on it (normalised email or service id). */
  assigned_to?: string;
  /** When it was last assigned. */
  assigned_at?: string;
  /** The team that owns it. */
  team?: string;

  /** When it was created (or created in its source system, for imports). */
  created_at: string;
  /** When it last changed. */
  updated_at: string;
  /** When it is due: creation time + the SLA of its severity, unless given. */
  due_date?: string;
  /** When it was resolved (cleared when reopened). */
  resolved_at?: string;
  /** When it was closed. */
  closed_at?: string;

  /** Systems affected (`[]` when none). */
  affected_systems: string[];
  /** Services affected (`[]` when none). */
  affected_services: string[];
  /** Environment where it happens (`PRODUCTION` by default). */
  environment: Environment;

  /** Technical evidence: errors, traces, logs, related incidents. */
  technical_details: TechnicalDetails;
  /** The work record: analysis, progress notes, solution, time spent. Owned locally. */
  cline_work?: ClineWork;
  /** How it was resolved, once resolved. */
  resolution?: Resolution;
  /** Attached files (references). */
  attachments: Attachment[];
  /** Synchronisation with the source system. */
  sync_metadata: SyncMetadata;
  /** Response and resolution times, reopen count, SLA. */
  metrics: IncidentMetrics;
  /** Knowledge-base publication state. */
  kb_sync_status: KbSyncStatus;

  /** Free-form tags (`[]` when none). */
  tags: string[];
  /** Labels, as used by the source system (`[]` when none). */
  labels: string[];
  /** Who created and last changed it. */
  metadata: IncidentMetadata;

  /** Set when this id was linked into another incident: the id redirects there. */
  merged_into?: string;
};

/** {@link CommentSchema}, built on its first call. */
export const commentSchema = lazy(() =>
  z.object({
    comment_id: z.string(),
    author: z.string(),
    timestamp: TimestampSchema,
    text: z.string(),
    source: InteractionSourceSchema,
    visibility: VisibilitySchema,
    external_id: z.string().optional(),
  }),
);
/** Validates {@link Comment}. */
export const CommentSchema = /* @__PURE__ */ commentSchema();
/** A comment as presented on an incident; stored as an {@link Interaction} of type `comment`. */
export type Comment = {
  /** Id of the comment (the interaction id). */
  comment_id: string;
  /** Who wrote it. */
  author: string;
  /** When it was written (ISO 8601). */
  timestamp: string;
  /** The comment's text. */
  text: string;
  /** Where it was written (CLI, a vendor, the desk…). */
  source: InteractionSource;
  /** PUBLIC, or INTERNAL (operators and services only). */
  visibility: Visibility;
  /** Id of the comment in its source system, when imported or pushed. */
  external_id?: string;
};

/**
 * Input schemas of the use cases, with their defaults. The service parses every input with these, so
 * a bad field is reported as a {@link ValidationError} naming its path.
 *
 * @module
 */
import * as z from 'zod';
import { lazy } from './lazy.js';
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
import { EmailSchema, HttpUrlSchema, IncidentIdInputSchema, PersonRefSchema } from './fields.js';
import {
  analysisSchema,
  attachmentSchema,
  codeChangeSchema,
  TimestampSchema,
  technicalDetailsSchema,
} from './incident.js';

const IncidentIdSchema = IncidentIdInputSchema;

/** Bounds of the list inputs and their items (tags, steps, commands…). */
export const MAX_LIST_ITEMS = 100;
const MAX_ITEM_LENGTH = 10_000;
/** A bounded list of non-empty strings. */
const boundedList = (itemMax = MAX_ITEM_LENGTH) =>
  z
    .array(z.string().max(itemMax, `at most ${itemMax} characters`))
    .max(MAX_LIST_ITEMS, `at most ${MAX_LIST_ITEMS} items`);
const shortText = (max = 200) => z.string().trim().max(max, `at most ${max} characters`);
/** Free-text fields (descriptions, notes, solutions): at most 100,000 characters. */
const longText = () => z.string().max(100_000, 'at most 100000 characters');
/** Optional optimistic-concurrency token: the revision the caller read. A stale one is refused. */
const expectedRevisionSchema = lazy(() => z.number().int().positive().optional());

/** {@link CreateIncidentInputSchema}, built on its first call. */
export const createIncidentInputSchema = lazy(() =>
  z.object({
    /** Explicit id (imports keep the source id, e.g. `JIRA-12345`); generated when omitted. */
    incident_id: IncidentIdInputSchema.optional(),
    title: z.string().trim().min(1, 'title is required').max(500),
    description: z.string().max(100_000).default(''),
    category: shortText().min(1).default('General'),
    subcategory: shortText().optional(),
    severity: SeveritySchema.default('MEDIUM'),
    /** Defaults to the priority that goes with the severity (CRITICAL → P1 … LOW → P4). */
    priority: PrioritySchema.optional(),
    source_system: SourceSystemSchema.default('MANUAL'),
    /** Id in the source system; defaults to the incident id for MANUAL incidents. */
    external_id: shortText().min(1).optional(),
    source_url: HttpUrlSchema.optional(),
    team: shortText().min(1).optional(),
    /** Defaults to created_at + the SLA of the severity. */
    due_date: TimestampSchema.optional(),
    /** Keeps the source system's creation time on imports; defaults to now. */
    created_at: TimestampSchema.optional(),
    affected_systems: boundedList(200).default([]),
    affected_services: boundedList(200).default([]),
    environment: EnvironmentSchema.default('PRODUCTION'),
    technical_details: technicalDetailsSchema().default({}),
    attachments: z.array(attachmentSchema()).max(MAX_LIST_ITEMS).default([]),
    tags: boundedList(200).default([]),
    labels: boundedList(200).default([]),
    /** Assign on creation (admins and services only). */
    assigned_to: PersonRefSchema.optional(),
  }),
);
/** Validates a {@link CreateIncidentInput} and fills its defaults (`createIncident`). */
export const CreateIncidentInputSchema = /* @__PURE__ */ createIncidentInputSchema();
/** What `create` takes: a title is enough; every other field has a default or is optional. */
export type CreateIncidentInput = z.input<typeof CreateIncidentInputSchema>;

/** {@link IncidentRefSchema}, built on its first call. */
export const incidentRefSchema = lazy(() =>
  z.object({
    incident_id: IncidentIdSchema,
    expected_revision: expectedRevisionSchema(),
  }),
);
/** Validates an {@link IncidentRef}. */
export const IncidentRefSchema = /* @__PURE__ */ incidentRefSchema();
/** An incident id, with the revision the caller read when it wants a stale write refused. */
export type IncidentRef = z.input<typeof IncidentRefSchema>;

/** {@link AssignInputSchema}, built on its first call. */
export const assignInputSchema = lazy(() =>
  incidentRefSchema().extend({
    assignee: PersonRefSchema,
  }),
);
/** Validates an {@link AssignInput}. */
export const AssignInputSchema = /* @__PURE__ */ assignInputSchema();
/** What `assign` takes: the incident and the assignee (email or service id). */
export type AssignInput = z.input<typeof AssignInputSchema>;

/** {@link ReasonInputSchema}, built on its first call. */
export const reasonInputSchema = lazy(() =>
  incidentRefSchema().extend({
    reason: z.string().trim().max(10_000).optional(),
  }),
);
/** Validates a {@link ReasonInput}. */
export const ReasonInputSchema = /* @__PURE__ */ reasonInputSchema();
/** An incident and an optional free-text reason (`close`, `reopen`, `cancel`…). */
export type ReasonInput = z.input<typeof ReasonInputSchema>;

/** {@link UpdateProgressInputSchema}, built on its first call. */
export const updateProgressInputSchema = lazy(() =>
  incidentRefSchema()
    .extend({
      analysis: analysisSchema().optional(),
      progress_notes: z.string().trim().max(100_000).optional(),
      /** Minutes worked in this session; recorded as a time-tracking session ending now. */
      time_spent_minutes: z
        .number()
        .nonnegative()
        .max(24 * 60)
        .optional(),
      session_id: shortText().optional(),
      workspace: shortText(1000).optional(),
    })
    .refine((v) => v.analysis || v.progress_notes || v.time_spent_minutes !== undefined, {
      message: 'give at least one of analysis, progress_notes or time_spent_minutes',
      path: ['progress_notes'],
    }),
);
/** Validates an {@link UpdateProgressInput}: at least one of analysis, notes or time spent. */
export const UpdateProgressInputSchema = /* @__PURE__ */ updateProgressInputSchema();
/** What `updateProgress` takes: an analysis, a progress note and/or minutes worked. */
export type UpdateProgressInput = z.input<typeof UpdateProgressInputSchema>;

/** {@link ResolveInputSchema}, built on its first call. */
export const resolveInputSchema = lazy(() =>
  incidentRefSchema().extend({
    /** What was done, in a sentence or two (`solution.description`). */
    solution: z.string().trim().min(1, 'solution is required').max(100_000),
    steps: z
      .array(z.string().min(1).max(MAX_ITEM_LENGTH))
      .max(MAX_LIST_ITEMS, `at most ${MAX_LIST_ITEMS} steps`)
      .default([]),
    commands_executed: boundedList().optional(),
    tests_performed: boundedList().optional(),
    code_changes: z
      .array(codeChangeSchema().extend({ file: z.string().min(1).max(1000), description: longText().default('') }))
      .max(MAX_LIST_ITEMS, `at most ${MAX_LIST_ITEMS} code changes`)
      .optional(),
    resolution_type: ResolutionTypeSchema.default('FIXED'),
    /** Defaults to the analysis' root cause when one was recorded. */
    root_cause: z.string().trim().min(1).max(MAX_ITEM_LENGTH).optional(),
    preventive_actions: boundedList().optional(),
    documentation_updated: z.boolean().default(false),
    time_spent_minutes: z
      .number()
      .nonnegative()
      .max(24 * 60)
      .optional(),
  }),
);
/** Validates a {@link ResolveInput} and fills its defaults. */
export const ResolveInputSchema = /* @__PURE__ */ resolveInputSchema();
/** What `resolve` takes: the solution (required), steps, code changes, root cause, resolution type. */
export type ResolveInput = z.input<typeof ResolveInputSchema>;

/** {@link AddCommentInputSchema}, built on its first call. */
export const addCommentInputSchema = lazy(() =>
  incidentRefSchema().extend({
    text: z.string().trim().min(1, 'text is required').max(100_000),
    visibility: VisibilitySchema.default('PUBLIC'),
    source: InteractionSourceSchema.default('MANUAL'),
    /** Id of the comment in its source system (imports). */
    external_id: shortText().min(1).optional(),
    /** Author of an imported comment (sync and admin only); defaults to the actor. */
    author: PersonRefSchema.optional(),
    /** Time of an imported comment; defaults to now. */
    created_at: TimestampSchema.optional(),
  }),
);
/** Validates an {@link AddCommentInput} and fills its defaults (PUBLIC, MANUAL). */
export const AddCommentInputSchema = /* @__PURE__ */ addCommentInputSchema();
/** What `addComment` takes: the text, its visibility, and the source fields of an imported comment. */
export type AddCommentInput = z.input<typeof AddCommentInputSchema>;

/** {@link LinkInputSchema}, built on its first call. */
export const linkInputSchema = lazy(() =>
  z.object({
    from: IncidentIdSchema,
    to: IncidentIdSchema,
  }),
);
/** Validates a {@link LinkInput}. */
export const LinkInputSchema = /* @__PURE__ */ linkInputSchema();
/** What `link` takes: the duplicate (`from`) and the incident it is merged into (`to`). */
export type LinkInput = z.input<typeof LinkInputSchema>;

/** {@link MetricsInputSchema}, built on its first call. */
export const metricsInputSchema = lazy(() =>
  z
    .object({
      team: shortText().optional(),
      assigned_to: PersonRefSchema.optional(),
      from: TimestampSchema.optional(),
      to: TimestampSchema.optional(),
    })
    .refine((v) => !v.from || !v.to || Date.parse(v.from) <= Date.parse(v.to), {
      message: 'from must not be after to',
      path: ['from'],
    }),
);
/** Validates a {@link MetricsInput}: `from` must not be after `to`. */
export const MetricsInputSchema = /* @__PURE__ */ metricsInputSchema();
/** Filters of `metrics`: a team, an assignee and a time window `from`–`to` (all optional). */
export type MetricsInput = z.input<typeof MetricsInputSchema>;

/** {@link PageInputSchema}, built on its first call. */
export const pageInputSchema = lazy(() =>
  z.object({
    limit: z.number().int().min(1).max(500).optional(),
    cursor: z.string().nullish(),
  }),
);
/** Validates a page request: `limit` 1–500 and an opaque `cursor`. */
export const PageInputSchema = /* @__PURE__ */ pageInputSchema();

const statusOrList = lazy(() => z.union([StatusSchema, z.array(StatusSchema).min(1)]));
/** The `text` filter of a query: a substring of the id, title or description (see `IncidentQuery`). */
const queryText = lazy(() => z.string().trim().min(1, 'text must not be empty').max(200).optional());

/** {@link IncidentQuerySchema}, built on its first call. */
export const incidentQuerySchema = lazy(() =>
  z.discriminatedUnion('by', [
    z.object({
      by: z.literal('status'),
      status: statusOrList(),
      priority: PrioritySchema.optional(),
      text: queryText(),
    }),
    z.object({
      by: z.literal('assignee'),
      assigned_to: PersonRefSchema,
      status: statusOrList().optional(),
      priority: PrioritySchema.optional(),
      text: queryText(),
    }),
    z.object({ by: z.literal('team'), team: z.string().min(1), status: statusOrList().optional(), text: queryText() }),
    z.object({ by: z.literal('category'), category: z.string().min(1), severity: SeveritySchema.optional() }),
    z.object({ by: z.literal('source'), source_system: SourceSystemSchema, external_id: z.string().optional() }),
    z.object({
      by: z.literal('due'),
      status: statusOrList(),
      due_before: TimestampSchema.optional(),
      text: queryText(),
    }),
  ]),
);
/** The access patterns as a validated input (see `IncidentQuery`). */
export const IncidentQuerySchema = /* @__PURE__ */ incidentQuerySchema();

/** {@link CreateUserInputSchema}, built on its first call. */
export const createUserInputSchema = lazy(() =>
  z.object({
    email: EmailSchema,
    name: shortText().min(1).optional(),
    role: RoleSchema.default('operator'),
    team: shortText().optional(),
    active: z.boolean().default(true),
  }),
);
/** Validates a {@link CreateUserInput} and fills its defaults (role operator, active). */
export const CreateUserInputSchema = /* @__PURE__ */ createUserInputSchema();
/** What `users.create` takes: an email, and optionally a name, role, team and active flag. */
export type CreateUserInput = z.input<typeof CreateUserInputSchema>;

/** {@link UpdateUserInputSchema}, built on its first call. */
export const updateUserInputSchema = lazy(() =>
  z
    .object({
      name: z.string().trim().min(1).optional(),
      role: RoleSchema.optional(),
      team: z.string().trim().min(1).nullable().optional(),
      active: z.boolean().optional(),
    })
    .strict()
    .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change: pass name, role, team or active' }),
);
/** Changes to an existing user (`users.update`): name, role, team, active. At least one field. */
export const UpdateUserInputSchema = /* @__PURE__ */ updateUserInputSchema();
/** What `users.update` takes (see {@link UpdateUserInputSchema}); `team: null` removes the team. */
export type UpdateUserInput = z.input<typeof UpdateUserInputSchema>;

/** {@link SetUserCredentialsInputSchema}, built on its first call. */
export const setUserCredentialsInputSchema = lazy(() =>
  z.object({ password_hash: z.string().min(1).max(1024) }).strict(),
);
/** A new password hash for a user (the caller hashes; the SDK never sees the password). */
export const SetUserCredentialsInputSchema = /* @__PURE__ */ setUserCredentialsInputSchema();
/** What `setUserCredentials` takes: the encoded hash computed by the caller. */
export type SetUserCredentialsInput = z.input<typeof SetUserCredentialsInputSchema>;

/** {@link FindSimilarInputSchema}, built on its first call. */
export const findSimilarInputSchema = lazy(() =>
  z.union([
    z.object({ incident_id: IncidentIdSchema }),
    z.object({ text: z.string().trim().min(1, 'text is required').max(MAX_ITEM_LENGTH) }),
  ]),
);
/** Validates a {@link FindSimilarInput}. */
export const FindSimilarInputSchema = /* @__PURE__ */ findSimilarInputSchema();
/** What `findSimilar` looks for: incidents like an existing incident, or like a free text. */
export type FindSimilarInput = z.input<typeof FindSimilarInputSchema>;

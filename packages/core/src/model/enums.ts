import * as z from 'zod';

/** Lifecycle statuses. Version 0 of an incident is always in exactly one of them. */
export const STATUSES = ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'PENDING', 'RESOLVED', 'CLOSED', 'CANCELLED'] as const;
/** Validates a {@link Status}. */
export const StatusSchema = z.enum(STATUSES);
/** A lifecycle status: NEW → ASSIGNED → IN_PROGRESS ⇄ PENDING → RESOLVED → CLOSED, or CANCELLED. */
export type Status = z.infer<typeof StatusSchema>;

/** Statuses in which work is still expected ("open"). */
export const OPEN_STATUSES = ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'PENDING'] as const satisfies readonly Status[];

/** Severities (impact), most severe first. */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
/** Validates a {@link Severity}. */
export const SeveritySchema = z.enum(SEVERITIES);
/** Impact of an incident: CRITICAL, HIGH, MEDIUM or LOW; it sets the default priority and SLA. */
export type Severity = z.infer<typeof SeveritySchema>;

/** Priorities; `P1` is the most urgent. They sort lexicographically in urgency order. */
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
/** Validates a {@link Priority}. */
export const PrioritySchema = z.enum(PRIORITIES);
/** Urgency of an incident: P1 (most urgent) to P4. */
export type Priority = z.infer<typeof PrioritySchema>;

/** Systems an incident can come from: the vendors the connectors sync, or MANUAL (created here). */
export const SOURCE_SYSTEMS = ['JIRA', 'REMEDY', 'SERVICENOW', 'ZENDESK', 'SLACK', 'SHORTCUT', 'MANUAL'] as const;
/** Validates a {@link SourceSystem}. */
export const SourceSystemSchema = z.enum(SOURCE_SYSTEMS);
/** The system an incident or record comes from (`JIRA`, `ZENDESK`… or `MANUAL`). */
export type SourceSystem = z.infer<typeof SourceSystemSchema>;

/** Deployment environments an incident can happen in. */
export const ENVIRONMENTS = ['PRODUCTION', 'STAGING', 'DEVELOPMENT', 'QA'] as const;
/** Validates an {@link Environment}. */
export const EnvironmentSchema = z.enum(ENVIRONMENTS);
/** Where an incident happens: PRODUCTION, STAGING, DEVELOPMENT or QA. */
export type Environment = z.infer<typeof EnvironmentSchema>;

/** Ways an incident can be resolved. */
export const RESOLUTION_TYPES = ['FIXED', 'WORKAROUND', 'DUPLICATE', 'NOT_REPRODUCIBLE', 'WONT_FIX'] as const;
/** Validates a {@link ResolutionType}. */
export const ResolutionTypeSchema = z.enum(RESOLUTION_TYPES);
/** How an incident was resolved: FIXED, WORKAROUND, DUPLICATE, NOT_REPRODUCIBLE or WONT_FIX. */
export type ResolutionType = z.infer<typeof ResolutionTypeSchema>;

/** Visibilities of comments and timeline entries. */
export const VISIBILITIES = ['PUBLIC', 'INTERNAL'] as const;
/** Validates a {@link Visibility}. */
export const VisibilitySchema = z.enum(VISIBILITIES);
/** PUBLIC (the customer sees it) or INTERNAL (operators and services only). */
export type Visibility = z.infer<typeof VisibilitySchema>;

/** Where a comment or interaction was written. */
export const INTERACTION_SOURCES = [
  'CLINE',
  'CLI',
  'JIRA',
  'REMEDY',
  'SERVICENOW',
  'ZENDESK',
  'SLACK',
  'SHORTCUT',
  'MANUAL',
] as const;
/** Validates an {@link InteractionSource}. */
export const InteractionSourceSchema = z.enum(INTERACTION_SOURCES);
/** Where a comment or interaction was written: a vendor, the CLI, a coding assistant or the desk. */
export type InteractionSource = z.infer<typeof InteractionSourceSchema>;

/** Interaction types of the support-desk timeline: comment, status change, assignment, closure. */
export const INTERACTION_TYPES = ['comment', 'status_change', 'assignment', 'closure'] as const;
/** Validates an {@link InteractionType}. */
export const InteractionTypeSchema = z.enum(INTERACTION_TYPES);
/** The kind of a timeline entry. */
export type InteractionType = z.infer<typeof InteractionTypeSchema>;

/** People roles. */
export const PERSON_ROLES = ['customer', 'operator', 'admin'] as const;
/** Service roles: the API server, batch workers, the vendor sync and the knowledge-base job. */
export const SERVICE_ROLES = ['api_server', 'batch_worker', 'sync', 'kb_sync'] as const;
/** Every role: people first, then services. */
export const ROLES = [...PERSON_ROLES, ...SERVICE_ROLES] as const;
/** Validates a {@link Role}. */
export const RoleSchema = z.enum(ROLES);
/** A role of a person (customer, operator, admin) or a service; it grants the permissions of `ROLE_PERMISSIONS`. */
export type Role = z.infer<typeof RoleSchema>;

/** States of an incident's knowledge-base document. */
export const KB_SYNC_STATES = ['NOT_APPLICABLE', 'PENDING', 'SYNCED', 'FAILED', 'WITHDRAW_PENDING'] as const;
/** Validates a {@link KbSyncState}. */
export const KbSyncStateSchema = z.enum(KB_SYNC_STATES);
/** Where an incident's knowledge-base document stands (see {@link KbSyncStatus}). */
export type KbSyncState = z.infer<typeof KbSyncStateSchema>;

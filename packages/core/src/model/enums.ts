import { z } from 'zod';

/** Lifecycle statuses. Version 0 of an incident is always in exactly one of them. */
export const STATUSES = ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'PENDING', 'RESOLVED', 'CLOSED', 'CANCELLED'] as const;
export const StatusSchema = z.enum(STATUSES);
export type Status = z.infer<typeof StatusSchema>;

/** Statuses in which work is still expected ("open"). */
export const OPEN_STATUSES = ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'PENDING'] as const satisfies readonly Status[];

export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/** Priorities; `P1` is the most urgent. They sort lexicographically in urgency order. */
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export const PrioritySchema = z.enum(PRIORITIES);
export type Priority = z.infer<typeof PrioritySchema>;

export const SOURCE_SYSTEMS = ['JIRA', 'REMEDY', 'SERVICENOW', 'ZENDESK', 'SLACK', 'SHORTCUT', 'MANUAL'] as const;
export const SourceSystemSchema = z.enum(SOURCE_SYSTEMS);
export type SourceSystem = z.infer<typeof SourceSystemSchema>;

export const ENVIRONMENTS = ['PRODUCTION', 'STAGING', 'DEVELOPMENT', 'QA'] as const;
export const EnvironmentSchema = z.enum(ENVIRONMENTS);
export type Environment = z.infer<typeof EnvironmentSchema>;

export const RESOLUTION_TYPES = ['FIXED', 'WORKAROUND', 'DUPLICATE', 'NOT_REPRODUCIBLE', 'WONT_FIX'] as const;
export const ResolutionTypeSchema = z.enum(RESOLUTION_TYPES);
export type ResolutionType = z.infer<typeof ResolutionTypeSchema>;

export const VISIBILITIES = ['PUBLIC', 'INTERNAL'] as const;
export const VisibilitySchema = z.enum(VISIBILITIES);
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
export const InteractionSourceSchema = z.enum(INTERACTION_SOURCES);
export type InteractionSource = z.infer<typeof InteractionSourceSchema>;

/** Interaction types of the support-desk timeline (R-DESK-2: comentario, cambio_estado, asignacion, cierre). */
export const INTERACTION_TYPES = ['comment', 'status_change', 'assignment', 'closure'] as const;
export const InteractionTypeSchema = z.enum(INTERACTION_TYPES);
export type InteractionType = z.infer<typeof InteractionTypeSchema>;

/** People roles. */
export const PERSON_ROLES = ['customer', 'operator', 'admin'] as const;
/** Service roles (R-SEC-1: the API server and the batch worker, plus the sync and knowledge-base jobs). */
export const SERVICE_ROLES = ['api_server', 'batch_worker', 'sync', 'kb_sync'] as const;
export const ROLES = [...PERSON_ROLES, ...SERVICE_ROLES] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** State of an incident's knowledge-base document (`kb_sync_status`, R-KB-1). */
export const KB_SYNC_STATES = ['NOT_APPLICABLE', 'PENDING', 'SYNCED', 'FAILED', 'WITHDRAW_PENDING'] as const;
export const KbSyncStateSchema = z.enum(KB_SYNC_STATES);
export type KbSyncState = z.infer<typeof KbSyncStateSchema>;

/**
 * Pure mapper: a ServiceNow Table API `incident` record → the core incident input. Accepts records
 * read with any `sysparm_display_value` (`false`: plain values; `true`; `all`: `{ value,
 * display_value }` pairs); codes are read from `value`, names from `display_value`.
 *
 * ## State table ({@link SERVICENOW_STATE_MAP})
 * `1` New → NEW (ASSIGNED when `assigned_to` is set), `2` In Progress → IN_PROGRESS, `3` On Hold →
 * PENDING, `6` Resolved → RESOLVED, `7` Closed → CLOSED, `8` Canceled → CANCELLED (names work too).
 *
 * ## Priority table ({@link SERVICENOW_PRIORITY_MAP})
 * `1` Critical → P1, `2` High → P2, `3` Moderate → P3, `4` Low and `5` Planning → P4.
 *
 * Dates are read as UTC (`sys_updated_on` values are UTC with `sysparm_display_value=false|all`).
 *
 * @module
 */
import { PRIORITY_TO_SEVERITY, type Priority, type ResolutionType, type Status } from '@incidents/core';
import * as z from 'zod';
import type { ImportedComment, MappedIncident } from '../connector.js';
import { type BaseMappingOptions, finishInput, firstText, lookup, parseVendor } from '../mapping/common.js';

/** ServiceNow incident `state` (code or label) → core status. Override with `mapping.statuses`. */
export const SERVICENOW_STATE_MAP: Readonly<Record<string, Status>> = {
  '1': 'NEW',
  new: 'NEW',
  '2': 'IN_PROGRESS',
  'in progress': 'IN_PROGRESS',
  '3': 'PENDING',
  'on hold': 'PENDING',
  '6': 'RESOLVED',
  resolved: 'RESOLVED',
  '7': 'CLOSED',
  closed: 'CLOSED',
  '8': 'CANCELLED',
  canceled: 'CANCELLED',
  cancelled: 'CANCELLED',
};

/** Core status → the ServiceNow state code `pushStatus` writes. */
export const SERVICENOW_PUSH_STATES: Readonly<Record<Status, string>> = {
  NEW: '1',
  ASSIGNED: '1',
  IN_PROGRESS: '2',
  PENDING: '3',
  RESOLVED: '6',
  CLOSED: '7',
  CANCELLED: '8',
};

/** ServiceNow `priority` (code or label) → core priority. Override with `mapping.priorities`. */
export const SERVICENOW_PRIORITY_MAP: Readonly<Record<string, Priority>> = {
  '1': 'P1',
  '1 - critical': 'P1',
  critical: 'P1',
  '2': 'P2',
  '2 - high': 'P2',
  high: 'P2',
  '3': 'P3',
  '3 - moderate': 'P3',
  moderate: 'P3',
  '4': 'P4',
  '4 - low': 'P4',
  low: 'P4',
  '5': 'P4',
  '5 - planning': 'P4',
  planning: 'P4',
};

/** Core resolution type → ServiceNow `close_code` (the Utah+ default choices). */
export const SERVICENOW_CLOSE_CODES: Readonly<Record<ResolutionType, string>> = {
  FIXED: 'Solution provided',
  WORKAROUND: 'Workaround provided',
  DUPLICATE: 'Duplicate',
  NOT_REPRODUCIBLE: 'No resolution provided',
  WONT_FIX: 'No resolution provided',
};

const CLOSE_CODE_TYPES: Readonly<Record<string, ResolutionType>> = {
  'solution provided': 'FIXED',
  'solved (permanently)': 'FIXED',
  'workaround provided': 'WORKAROUND',
  'solved (work around)': 'WORKAROUND',
  duplicate: 'DUPLICATE',
  'not solved (not reproducible)': 'NOT_REPRODUCIBLE',
  'not solved (too costly)': 'WONT_FIX',
  // The other Utah+ choices of incident.close_code, and the older "Closed/Resolved by Caller".
  'known error': 'WORKAROUND',
  'no resolution provided': 'WONT_FIX',
  'resolved by caller': 'FIXED',
  'closed/resolved by caller': 'FIXED',
  'resolved by change': 'FIXED',
  'resolved by problem': 'FIXED',
  'resolved by request': 'FIXED',
  'user error': 'NOT_REPRODUCIBLE',
};

/** Options of {@link mapServiceNowIncident}. */
export interface ServiceNowMappingOptions extends BaseMappingOptions {
  /** Instance URL for `source_url` (`<baseUrl>/nav_to.do?uri=incident.do?sys_id=…`). */
  baseUrl?: string;
  /** Table the record comes from. Default `incident`. */
  table?: string;
}

/** A Table API field: a plain string, or `{ value, display_value }` with `sysparm_display_value=all`. */
const FieldSchema = z.union([
  z.string(),
  z.looseObject({ value: z.string().nullish(), display_value: z.string().nullish(), link: z.string().optional() }),
]);
type Field = z.infer<typeof FieldSchema>;

const RequiredText = FieldSchema.refine((f) => fieldValue(f) !== '', { message: 'expected a non-empty value' });

/** The fields of an incident record the mapper reads. */
export const ServiceNowIncidentSchema = z.looseObject({
  sys_id: RequiredText,
  number: RequiredText,
  short_description: FieldSchema,
  description: FieldSchema.optional(),
  state: RequiredText,
  priority: FieldSchema.optional(),
  category: FieldSchema.optional(),
  subcategory: FieldSchema.optional(),
  assigned_to: FieldSchema.optional(),
  'assigned_to.email': FieldSchema.optional(),
  assignment_group: FieldSchema.optional(),
  opened_at: FieldSchema.optional(),
  sys_created_on: FieldSchema.refine((f) => snDate(f) !== undefined, { message: 'expected a date-time' }),
  sys_updated_on: FieldSchema.refine((f) => snDate(f) !== undefined, { message: 'expected a date-time' }),
  due_date: FieldSchema.optional(),
  close_code: FieldSchema.optional(),
  close_notes: FieldSchema.optional(),
  cmdb_ci: FieldSchema.optional(),
  business_service: FieldSchema.optional(),
  caller_id: FieldSchema.optional(),
  sys_mod_count: FieldSchema.optional(),
});

/** A `sys_journal_field` row (comments and work notes). */
export const ServiceNowJournalSchema = z.looseObject({
  sys_id: FieldSchema,
  element: FieldSchema,
  element_id: FieldSchema,
  value: FieldSchema,
  sys_created_on: FieldSchema,
  sys_created_by: FieldSchema.optional(),
});

function fieldValue(f: Field | undefined): string {
  if (f === undefined) return '';
  return (typeof f === 'string' ? f : (f.value ?? '')).trim();
}

function fieldDisplay(f: Field | undefined): string {
  if (f === undefined) return '';
  return (typeof f === 'string' ? f : (f.display_value ?? f.value ?? '')).trim();
}

/** Parses a ServiceNow date-time (`2026-01-20 09:45:00`, UTC) to ISO. */
export function snDate(f: Field | undefined): string | undefined {
  const v = fieldValue(f);
  if (!v) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v) ? `${v.replace(' ', 'T')}Z` : v;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** Formats an instant as ServiceNow `gs.dateGenerate` arguments (UTC). */
export function snDateArgs(iso: string): { date: string; time: string } {
  const [date = '', rest = ''] = new Date(iso).toISOString().split('T');
  return { date, time: rest.slice(0, 8) };
}

/** Maps one journal row to a comment (`work_notes` → INTERNAL, `comments` → PUBLIC). */
export function mapServiceNowJournal(row: z.infer<typeof ServiceNowJournalSchema>): ImportedComment {
  return {
    external_id: fieldValue(row.sys_id),
    author: fieldDisplay(row.sys_created_by) || 'unknown',
    text: fieldValue(row.value),
    created_at: snDate(row.sys_created_on) ?? new Date(0).toISOString(),
    visibility: fieldValue(row.element) === 'work_notes' ? 'INTERNAL' : 'PUBLIC',
  };
}

/** Core status of a ServiceNow state code/label. */
export function serviceNowStateToCore(state: string, overrides?: Readonly<Record<string, Status>>): Status {
  return lookup(state, SERVICENOW_STATE_MAP, overrides) ?? 'NEW';
}

/**
 * Maps a ServiceNow incident record (Table API JSON, one element of `result`) to a
 * {@link MappedIncident}. `external_id` is the `sys_id`; the suggested `incident_id` is the number.
 * Comments are not part of the record (they live in `sys_journal_field`): `comments` is empty.
 *
 * @example
 * ```ts
 * const mapped = mapServiceNowIncident(record, { baseUrl: 'https://acme.service-now.com' });
 * mapped.input.incident_id; // 'INC0010002'
 * ```
 */
export function mapServiceNowIncident(record: unknown, options: ServiceNowMappingOptions = {}): MappedIncident {
  const r = parseVendor('servicenow', ServiceNowIncidentSchema, record, 'ServiceNow incident');
  const sysId = fieldValue(r.sys_id);
  const number = fieldValue(r.number);
  const stateCode = fieldValue(r.state);
  let status =
    lookup(stateCode, SERVICENOW_STATE_MAP, options.statuses) ??
    serviceNowStateToCore(fieldDisplay(r.state), options.statuses);
  const assignee = firstText(fieldValue(r['assigned_to.email']));
  if (status === 'NEW' && fieldValue(r.assigned_to)) status = 'ASSIGNED';
  const priority =
    lookup(fieldValue(r.priority), SERVICENOW_PRIORITY_MAP, options.priorities) ??
    lookup(fieldDisplay(r.priority), SERVICENOW_PRIORITY_MAP, options.priorities) ??
    'P3';
  const created = snDate(r.opened_at) ?? (snDate(r.sys_created_on) as string);
  const updated = snDate(r.sys_updated_on) as string;
  const table = options.table ?? 'incident';
  const url = options.baseUrl
    ? `${options.baseUrl.replace(/\/+$/, '')}/nav_to.do?uri=${table}.do?sys_id=${sysId}`
    : undefined;
  const closeCode = firstText(fieldDisplay(r.close_code));
  const input = finishInput('servicenow', 'ServiceNow incident', {
    incident_id: number,
    external_id: sysId,
    source_system: 'SERVICENOW',
    source_url: url,
    title: fieldDisplay(r.short_description),
    description: fieldDisplay(r.description),
    category: firstText(fieldDisplay(r.category), options.defaultCategory) ?? 'General',
    subcategory: firstText(fieldDisplay(r.subcategory)),
    severity: PRIORITY_TO_SEVERITY[priority],
    priority,
    team: firstText(fieldDisplay(r.assignment_group), options.team),
    created_at: created,
    due_date: snDate(r.due_date),
    affected_systems: firstText(fieldDisplay(r.cmdb_ci)) ? [fieldDisplay(r.cmdb_ci)] : [],
    affected_services: firstText(fieldDisplay(r.business_service)) ? [fieldDisplay(r.business_service)] : [],
    environment: options.environment,
    assigned_to: assignee,
  });
  return {
    external_id: sysId,
    updated_at: updated,
    input,
    status,
    remote_status: fieldDisplay(r.state) || stateCode,
    comments: [],
    sourceRecord: {
      source_system: 'SERVICENOW',
      record_id: sysId,
      ...(url ? { url } : {}),
      title: fieldDisplay(r.short_description),
      status: fieldDisplay(r.state) || stateCode,
      ...(fieldDisplay(r.priority) ? { priority: fieldDisplay(r.priority) } : {}),
      ...(fieldDisplay(r.caller_id) ? { author: fieldDisplay(r.caller_id) } : {}),
      created_at: created,
      updated_at: updated,
      data: {
        number,
        state: stateCode,
        ...(fieldValue(r.sys_mod_count) ? { sys_mod_count: fieldValue(r.sys_mod_count) } : {}),
        ...(fieldValue(r.assigned_to) ? { assigned_to_sys_id: fieldValue(r.assigned_to) } : {}),
      },
    },
    ...(closeCode || fieldDisplay(r.close_notes)
      ? {
          resolution: {
            ...(closeCode ? { code: closeCode } : {}),
            ...(fieldDisplay(r.close_notes) ? { notes: fieldDisplay(r.close_notes) } : {}),
            ...(lookup(closeCode, CLOSE_CODE_TYPES) ? { type: lookup(closeCode, CLOSE_CODE_TYPES) } : {}),
          },
        }
      : {}),
  };
}

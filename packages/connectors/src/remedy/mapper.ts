/**
 * Pure mapper: one element of `entries` of the BMC Remedy / Helix ITSM REST API
 * (`GET /api/arsys/v1/entry/HPD:Help Desk`) → the core incident input.
 *
 * ## Status table ({@link REMEDY_STATUS_MAP})
 * Remedy's incident statuses match the core ones: New, Assigned, In Progress, Pending, Resolved,
 * Closed, Cancelled.
 *
 * ## Priority table ({@link REMEDY_PRIORITY_MAP})
 * Critical → P1, High → P2, Medium → P3, Low → P4.
 *
 * @module
 */
import { PRIORITY_TO_SEVERITY, type Priority, type Status } from '@incidents/core';
import * as z from 'zod';
import type { ImportedComment, MappedIncident } from '../connector.js';
import {
  type BaseMappingOptions,
  finishInput,
  firstText,
  lookup,
  parseVendor,
  vendorTimestamp,
} from '../mapping/common.js';

/** Remedy `Status` → core status. Override with `mapping.statuses`. */
export const REMEDY_STATUS_MAP: Readonly<Record<string, Status>> = {
  new: 'NEW',
  assigned: 'ASSIGNED',
  'in progress': 'IN_PROGRESS',
  pending: 'PENDING',
  resolved: 'RESOLVED',
  closed: 'CLOSED',
  cancelled: 'CANCELLED',
};

/** Core status → the Remedy `Status` value `pushStatus` writes. */
export const REMEDY_PUSH_STATUSES: Readonly<Record<Status, string>> = {
  NEW: 'New',
  ASSIGNED: 'Assigned',
  IN_PROGRESS: 'In Progress',
  PENDING: 'Pending',
  RESOLVED: 'Resolved',
  CLOSED: 'Closed',
  CANCELLED: 'Cancelled',
};

/** Remedy `Priority` → core priority. Override with `mapping.priorities`. */
export const REMEDY_PRIORITY_MAP: Readonly<Record<string, Priority>> = {
  critical: 'P1',
  high: 'P2',
  medium: 'P3',
  low: 'P4',
};

/** Options of {@link mapRemedyEntry}. */
export interface RemedyMappingOptions extends BaseMappingOptions {
  /** Mid-tier / Smart IT URL prefix for `source_url`; the incident number is appended. */
  recordUrlPrefix?: string;
}

const Text = z.string().nullish();

/** The `values` of an HPD:Help Desk entry the mapper reads. */
export const RemedyEntrySchema = z.looseObject({
  values: z.looseObject({
    'Incident Number': z.string().min(1),
    'Entry ID': Text,
    'Request ID': Text,
    Description: z.string(),
    'Detailed Decription': Text,
    Status: z.string(),
    Priority: Text,
    Impact: Text,
    Urgency: Text,
    'Categorization Tier 1': Text,
    'Categorization Tier 2': Text,
    'Product Categorization Tier 1': Text,
    'Assigned Group': Text,
    Assignee: Text,
    'Assignee Login ID': Text,
    'Submit Date': vendorTimestamp,
    'Reported Date': vendorTimestamp.nullish(),
    'Last Modified Date': vendorTimestamp,
    'Estimated Resolution Date': vendorTimestamp.nullish(),
    Resolution: Text,
    'Resolution Category': Text,
    'Internet E-mail': Text,
    'First Name': Text,
    'Last Name': Text,
    HPD_CI: Text,
    'Service Type': Text,
  }),
});

/** An HPD:WorkLog entry. */
export const RemedyWorkLogSchema = z.looseObject({
  values: z.looseObject({
    'Work Log ID': z.string().min(1),
    'Incident Number': Text,
    'Detailed Description': z.string().nullish(),
    Description: Text,
    Submitter: Text,
    'Submit Date': vendorTimestamp,
    'View Access': Text,
  }),
});

/** Maps a work-log entry; `View Access` = Internal → INTERNAL. */
export function mapRemedyWorkLog(entry: z.infer<typeof RemedyWorkLogSchema>): ImportedComment {
  const v = entry.values;
  return {
    external_id: v['Work Log ID'],
    author: firstText(v.Submitter) ?? 'unknown',
    text: firstText(v['Detailed Description'], v.Description) ?? '',
    created_at: v['Submit Date'],
    visibility: (v['View Access'] ?? '').toLowerCase() === 'internal' ? 'INTERNAL' : 'PUBLIC',
  };
}

/**
 * Maps one element of `entries` (HPD:Help Desk JSON) to a {@link MappedIncident}. `external_id`
 * and the suggested `incident_id` are the `Incident Number`. Work logs are not part of the entry:
 * `comments` is empty.
 *
 * @example
 * ```ts
 * const mapped = mapRemedyEntry(body.entries[0]);
 * mapped.input.incident_id; // 'INC000000000026'
 * ```
 */
export function mapRemedyEntry(entry: unknown, options: RemedyMappingOptions = {}): MappedIncident {
  const v = parseVendor('remedy', RemedyEntrySchema, entry, 'Remedy entry').values;
  const number = v['Incident Number'];
  const status = lookup(v.Status, REMEDY_STATUS_MAP, options.statuses) ?? 'NEW';
  const priority = lookup(v.Priority, REMEDY_PRIORITY_MAP, options.priorities) ?? 'P3';
  const url = options.recordUrlPrefix ? `${options.recordUrlPrefix}${encodeURIComponent(number)}` : undefined;
  const created = v['Reported Date'] ?? v['Submit Date'];
  const customer = firstText([v['First Name'], v['Last Name']].filter(Boolean).join(' '), v['Internet E-mail']);
  const input = finishInput('remedy', 'Remedy entry', {
    incident_id: number,
    external_id: number,
    source_system: 'REMEDY',
    source_url: url,
    title: v.Description,
    description: v['Detailed Decription'] ?? '',
    category:
      firstText(v['Categorization Tier 1'], v['Product Categorization Tier 1'], options.defaultCategory) ?? 'General',
    subcategory: firstText(v['Categorization Tier 2']),
    severity: PRIORITY_TO_SEVERITY[priority],
    priority,
    team: firstText(v['Assigned Group'], options.team),
    created_at: created,
    due_date: v['Estimated Resolution Date'] ?? undefined,
    affected_systems: firstText(v.HPD_CI) ? [v.HPD_CI as string] : [],
    environment: options.environment,
  });
  return {
    external_id: number,
    updated_at: v['Last Modified Date'],
    input,
    status,
    remote_status: v.Status,
    comments: [],
    sourceRecord: {
      source_system: 'REMEDY',
      record_id: number,
      ...(url ? { url } : {}),
      title: v.Description,
      status: v.Status,
      ...(v.Priority ? { priority: v.Priority } : {}),
      ...(customer ? { author: customer } : {}),
      created_at: created,
      updated_at: v['Last Modified Date'],
      data: {
        ...(v['Request ID'] ? { request_id: v['Request ID'] } : {}),
        ...(v['Entry ID'] ? { entry_id: v['Entry ID'] } : {}),
        ...(v.Impact ? { impact: v.Impact } : {}),
        ...(v.Urgency ? { urgency: v.Urgency } : {}),
        ...(v.Assignee ? { assignee: v.Assignee } : {}),
        ...(v['Assignee Login ID'] ? { assignee_login_id: v['Assignee Login ID'] } : {}),
        ...(v['Service Type'] ? { service_type: v['Service Type'] } : {}),
      },
    },
    ...(v.Resolution || v['Resolution Category']
      ? {
          resolution: {
            ...(v['Resolution Category'] ? { code: v['Resolution Category'] } : {}),
            ...(v.Resolution ? { notes: v.Resolution } : {}),
          },
        }
      : {}),
  };
}

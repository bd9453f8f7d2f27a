/**
 * Deterministic test data: incident records shaped exactly as `createIncidentService().create` writes
 * them (same fields and defaults), and timeline entries shaped as the service's interactions.
 *
 * @module
 */
import { type Incident, type Priority, type Severity, SEVERITY_TO_PRIORITY, type Status } from '@incidents/core';

/** The SLA the service applies by default (minutes per severity), for `due_date`. */
const SLA_MINUTES: Record<Severity, number> = { CRITICAL: 240, HIGH: 1440, MEDIUM: 4320, LOW: 10080 };
const SEVERITIES: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const CATEGORIES = ['Network', 'Database', 'Payments', 'Authentication', 'Storage', 'Email', 'Search', 'General'];
const TEAMS = ['payments', 'platform', 'identity', 'data', 'support'];
const WORDS = [
  'checkout',
  'returns',
  '502',
  'timeout',
  'while',
  'calling',
  'the',
  'payment',
  'gateway',
  'after',
  'deploy',
  'certificate',
  'expired',
  'queue',
  'backlog',
  'growing',
  'login',
  'fails',
  'for',
  'some',
  'users',
  'disk',
  'full',
  'on',
  'replica',
];

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `value` in Crockford base32, `width` characters (sorts like the number). */
export function crockford(value: number, width: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < width; i++) {
    out = CROCKFORD[v % 32] + out;
    v = Math.floor(v / 32);
  }
  return out;
}

/** Words picked with `rnd`, `n` of them. */
export function words(rnd: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(rnd() * WORDS.length)] as string);
  return out.join(' ');
}

/** Picks one element. */
export function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)] as T;
}

/** The operators of the data sets (`ana0@example.com` …). */
export const operator = (n: number) => `op${n}@example.com`;

/** Options of {@link incidentRecord}. */
export interface IncidentRecordOptions {
  /** Sequence number: makes the id (`INC-` + 10 characters, like the service's ids) and the times. */
  seq: number;
  rnd: () => number;
  /** Creation time in epoch ms. */
  createdAtMs: number;
  status?: Status;
  assignedTo?: string;
  createdBy?: string;
}

/**
 * A version 0 record as the service's `create` writes it (status NEW, revision 1, the default SLA due
 * date), optionally moved to another status with the fields that status implies.
 */
export function incidentRecord(o: IncidentRecordOptions): Incident {
  const severity = pick(o.rnd, SEVERITIES);
  const id = `INC-${crockford(o.seq, 10)}`;
  const created = new Date(o.createdAtMs).toISOString();
  const createdBy = o.createdBy ?? `user${o.seq % 997}@example.com`;
  const status = o.status ?? 'NEW';
  const incident: Incident = {
    incident_id: id,
    version: 0,
    revision: 1,
    external_id: id,
    source_system: 'MANUAL',
    title: `${words(o.rnd, 6)} (${o.seq})`,
    description: words(o.rnd, 30),
    category: pick(o.rnd, CATEGORIES),
    severity,
    priority: SEVERITY_TO_PRIORITY[severity] as Priority,
    status,
    team: pick(o.rnd, TEAMS),
    created_at: created,
    updated_at: created,
    due_date: new Date(o.createdAtMs + SLA_MINUTES[severity] * 60_000).toISOString(),
    affected_systems: [pick(o.rnd, ['api', 'web', 'worker', 'db'])],
    affected_services: [],
    environment: 'PRODUCTION',
    technical_details: { error_messages: [`${words(o.rnd, 5)}`] },
    attachments: [],
    sync_metadata: { needs_sync: false },
    metrics: { reopened_count: 0, escalated: false, sla_breached: false },
    kb_sync_status: { state: 'NOT_APPLICABLE', synced: false, sync_attempts: 0 },
    tags: [pick(o.rnd, ['customer-facing', 'internal', 'regression'])],
    labels: [],
    metadata: { created_by: createdBy, last_modified_by: createdBy, version_notes: 'created' },
  };
  if (status !== 'NEW' && o.assignedTo) {
    incident.assigned_to = o.assignedTo;
    incident.assigned_at = new Date(o.createdAtMs + 60_000).toISOString();
    incident.metrics.response_time_minutes = 1;
    incident.revision = 2;
  }
  if (status === 'RESOLVED' || status === 'CLOSED') {
    const resolvedAt = new Date(o.createdAtMs + 3_600_000).toISOString();
    incident.resolved_at = resolvedAt;
    incident.metrics.resolution_time_minutes = 60;
    incident.resolution = {
      resolved_by: o.assignedTo ?? createdBy,
      resolved_at: resolvedAt,
      resolution_type: 'FIXED',
      resolution_description: words(o.rnd, 12),
      root_cause: words(o.rnd, 8),
      documentation_updated: false,
    };
    incident.revision = 3;
  }
  if (status === 'CLOSED') {
    incident.closed_at = new Date(o.createdAtMs + 7_200_000).toISOString();
    incident.kb_sync_status = { state: 'SYNCED', synced: true, sync_attempts: 1, synced_at: incident.closed_at };
    incident.revision = 4;
  }
  return incident;
}

/**
 * Change detection and the mapping of a pulled record onto the local incident — pure functions.
 *
 * A three-way comparison per remote-owned field, with `sync_metadata.remote_snapshot` (the values
 * last seen in the source system) as the base:
 *
 * | remote vs base | local vs base | result |
 * |---|---|---|
 * | same | any | nothing (a local change stays) |
 * | changed | same | the remote value is applied |
 * | changed | changed, equal to remote | nothing (both sides agree) |
 * | changed | changed, different | a conflict is recorded; the local value stays, both are kept |
 *
 * Fields owned locally (`cline_work`, `resolution`, `assigned_to` after the import, `tags`,
 * `due_date` after the import…) are never written by a pull.
 *
 * @module
 */
import { pushedStatusOf, STATUS_IMAGE_KEY } from './pushed-image.js';
import {
  DEFAULT_SLA_MINUTES,
  type Incident,
  type Interaction,
  type InteractionSource,
  minutesBetween,
  type SourceRecord,
  type Status,
  type SyncConflict,
  updateSla,
} from '@incidents/core';
import { cloneJson, sameJson } from '@incidents/core/store-kit';
import type { ImportedComment, PulledIncident } from '../connector.js';

/** Fields whose value the source system owns (applied when the local copy did not change them). */
export const REMOTE_FIELDS = ['title', 'description', 'status', 'priority', 'severity', 'category', 'labels'] as const;
/** A remote-owned field. */
export type RemoteField = (typeof REMOTE_FIELDS)[number];

const DONE: ReadonlySet<Status> = new Set(['RESOLVED', 'CLOSED']);
const FINISHED: ReadonlySet<Status> = new Set(['RESOLVED', 'CLOSED', 'CANCELLED']);

/** The values of the remote-owned fields as the source system has them now, plus its version. */
export function remoteSnapshot(item: PulledIncident): Record<string, unknown> {
  const input = item.input;
  return {
    title: input.title,
    description: input.description ?? '',
    status: item.status,
    priority: input.priority,
    severity: input.severity,
    category: input.category,
    labels: input.labels ?? [],
    remote_status: item.remote_status,
    updated_at: item.updated_at,
  };
}

/** Whether the record is exactly as last seen (same vendor version and the same remote values). */
export function unchangedSince(incident: Incident, item: PulledIncident): boolean {
  const before = incident.sync_metadata.remote_snapshot;
  if (before === undefined) return false;
  // The image of a pushed status is bookkeeping, not a remote value.
  const { [STATUS_IMAGE_KEY]: _image, ...values } = before;
  return sameJson(values, remoteSnapshot(item));
}

/** Applies a status set by the source system, with the lifecycle's side effects (dates, reopen count, KB state). */
export function applyRemoteStatus(next: Incident, from: Status, to: Status, at: string): void {
  next.status = to;
  if (DONE.has(to) && !DONE.has(from)) {
    next.resolved_at = at;
    next.metrics.resolution_time_minutes = minutesBetween(next.created_at, at);
  }
  if (to === 'CLOSED') next.closed_at = at;
  if (FINISHED.has(from) && !FINISHED.has(to)) {
    next.metrics.reopened_count += 1;
    delete next.resolved_at;
    delete next.closed_at;
    delete next.metrics.resolution_time_minutes;
  }
  const kb = next.kb_sync_status;
  if (to === 'CLOSED' && from !== 'CLOSED') {
    next.kb_sync_status = {
      state: 'PENDING',
      synced: false,
      sync_attempts: 0,
      ...(kb.document_key ? { document_key: kb.document_key } : {}),
    };
  } else if (from === 'CLOSED' && to !== 'CLOSED') {
    next.kb_sync_status = { ...kb, state: 'WITHDRAW_PENDING', synced: false };
  }
}

/** What a pull does to one existing incident. */
export interface Reconciliation {
  /** The record after the pull (not yet given a revision). */
  next: Incident;
  /** Fields whose remote value was applied. */
  applied: RemoteField[];
  /** Conflicts recorded by this pull (already added to `next.sync_metadata.conflicts`). */
  conflicts: SyncConflict[];
}

/**
 * Three-way merge of the remote-owned fields of `item` into `current` (see the module table).
 * `now` stamps the conflicts and the sync metadata.
 */
export function reconcile(current: Incident, item: PulledIncident, now: string): Reconciliation {
  const next = cloneJson(current);
  const base = current.sync_metadata.remote_snapshot;
  const remote = remoteSnapshot(item);
  const applied: RemoteField[] = [];
  const conflicts: SyncConflict[] = [];
  const existing = current.sync_metadata.conflicts ?? [];
  const pushed = pushedStatusOf(current);
  /** The local status whose vendor image is `base.status` (recorded when a push was read back). */
  let image = typeof base?.[STATUS_IMAGE_KEY] === 'string' ? (base[STATUS_IMAGE_KEY] as string) : undefined;
  for (const field of REMOTE_FIELDS) {
    const remoteValue = remote[field];
    const localValue = current[field];
    if (base !== undefined && sameJson(remoteValue, base[field])) continue;
    if (field === 'status') image = undefined;
    if (sameJson(localValue, remoteValue)) continue;
    // The vendor's image of the status pushed from here (a lossy status table): not a change; the
    // local status is remembered as what that image stands for.
    if (field === 'status' && pushed !== undefined && localValue === pushed) {
      image = pushed;
      continue;
    }
    const localUnchanged =
      base !== undefined &&
      (sameJson(localValue, base[field]) || (field === 'status' && base[STATUS_IMAGE_KEY] === localValue));
    // No base (imported before snapshots existed): the source system wins, as on the first import.
    if (base === undefined || localUnchanged) {
      if (field === 'status') applyRemoteStatus(next, current.status, remoteValue as Status, item.updated_at);
      else (next as Record<string, unknown>)[field] = remoteValue;
      applied.push(field);
      continue;
    }
    const known = existing.some((c) => !c.resolved && c.field === field && sameJson(c.remote_value, remoteValue));
    if (known) continue;
    conflicts.push({
      field,
      local_value: localValue,
      remote_value: remoteValue,
      detected_at: now,
      source_system: current.source_system,
      resolved: false,
    });
  }
  next.sync_metadata = {
    ...current.sync_metadata,
    last_sync_at: now,
    last_sync_status: 'SUCCESS',
    external_version: item.updated_at,
    remote_snapshot: image !== undefined ? { ...remote, [STATUS_IMAGE_KEY]: image } : remote,
    ...(existing.length || conflicts.length ? { conflicts: [...existing, ...conflicts] } : {}),
  };
  return { next, applied, conflicts };
}

/** The new incident for a record seen for the first time (version 0, revision 1). */
export function newIncident(
  item: PulledIncident,
  incidentId: string,
  sourceSystem: Incident['source_system'],
  actorId: string,
  connectorName: string,
  now: string,
): Incident {
  const input = item.input;
  const createdAt = input.created_at ?? item.updated_at;
  const severity = input.severity ?? 'MEDIUM';
  const dueDate =
    input.due_date ?? new Date(Date.parse(createdAt) + DEFAULT_SLA_MINUTES[severity] * 60_000).toISOString();
  // The input was validated by the mapper (CreateIncidentInputSchema) and the store validates the
  // record again: build it directly, with the schema's defaults, rather than parse it a third time.
  const draft: Incident = {
    incident_id: incidentId,
    version: 0,
    revision: 1,
    external_id: item.external_id,
    source_system: sourceSystem,
    ...(input.source_url ? { source_url: input.source_url } : {}),
    title: input.title,
    description: input.description ?? '',
    category: input.category ?? 'General',
    ...(input.subcategory ? { subcategory: input.subcategory } : {}),
    severity,
    priority: input.priority ?? 'P3',
    status: 'NEW',
    ...(input.assigned_to ? { assigned_to: input.assigned_to, assigned_at: createdAt } : {}),
    ...(input.team ? { team: input.team } : {}),
    created_at: createdAt,
    updated_at: now,
    due_date: dueDate,
    affected_systems: input.affected_systems ?? [],
    affected_services: input.affected_services ?? [],
    environment: input.environment ?? 'PRODUCTION',
    technical_details: input.technical_details ?? {},
    attachments: input.attachments ?? [],
    tags: input.tags ?? [],
    labels: input.labels ?? [],
    sync_metadata: {
      last_sync_at: now,
      last_sync_status: 'SUCCESS',
      external_version: item.updated_at,
      needs_sync: false,
      remote_snapshot: remoteSnapshot(item),
    },
    metrics: { reopened_count: 0, escalated: false, sla_breached: false },
    kb_sync_status: { state: 'NOT_APPLICABLE', synced: false, sync_attempts: 0 },
    metadata: { created_by: actorId, last_modified_by: actorId, version_notes: `imported from ${connectorName}` },
  };
  if (item.status !== 'NEW') applyRemoteStatus(draft, 'NEW', item.status, item.updated_at);
  updateSla(draft, now);
  return draft;
}

/** Interactions for imported comments (they keep their external id: never pushed back). */
export function commentInteractions(
  incidentId: string,
  comments: readonly ImportedComment[],
  source: InteractionSource,
  revision: number,
  nextId: () => string,
): Interaction[] {
  return comments.map((c) => ({
    interaction_id: nextId(),
    incident_id: incidentId,
    type: 'comment',
    author: c.author,
    created_at: c.created_at,
    text: c.text,
    visibility: c.visibility,
    source,
    external_id: c.external_id,
    revision,
    metadata: { imported: true },
  }));
}

/** A status-change timeline entry for a status set by the source system. */
export function remoteStatusInteraction(
  incidentId: string,
  from: Status,
  to: Status,
  remoteStatus: string,
  source: InteractionSource,
  author: string,
  at: string,
  revision: number,
  id: string,
): Interaction {
  return {
    interaction_id: id,
    incident_id: incidentId,
    type: to === 'CLOSED' ? 'closure' : 'status_change',
    author,
    created_at: at,
    text: `${from} → ${to} (${remoteStatus} in ${source})`,
    visibility: 'PUBLIC',
    source,
    revision,
    metadata: { from, to, remote_status: remoteStatus },
  };
}

/** The source record to keep under `incidentId`. */
export function sourceRecordOf(item: PulledIncident, incidentId: string): SourceRecord {
  return { ...item.sourceRecord, incident_id: incidentId, data: item.sourceRecord.data ?? {} };
}

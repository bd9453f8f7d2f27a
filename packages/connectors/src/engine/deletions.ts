/**
 * Records deleted in the source system. A deleted vendor record is never kept as if alive: its
 * local incident's source record gets the state {@link DELETED_SOURCE_STATUS} (`status`, with
 * `data.record_state` and `data.deleted_at`), the incident's `sync_metadata.remote_snapshot` says
 * `record_state: 'DELETED'`, a version note names the vendor, and the outbound queue skips it (there
 * is nothing left to write to). The local incident itself is kept: its history stays searchable.
 *
 * How each vendor's deletions are noticed:
 * - Zendesk — the incremental export (with `exclude_deleted=false`, the default) returns deleted
 *   tickets with status `deleted`: the pulled item carries `deleted: true`;
 * - ServiceNow — `sys_audit_delete` rows of the table since the watermark (`listDeleted`);
 * - Jira — no deletion feed: the known keys are checked in batches of 100 with
 *   `POST /rest/api/3/issue/bulkfetch` (`reconcileDeletions: true`; the keys not returned are gone).
 *
 * @module
 */
import {
  type Actor,
  ConflictError,
  type Incident,
  type IncidentStore,
  nextRevision,
  type SourceRecord,
} from '@incidents/core';
import type { Connector } from '../connector.js';

/** The `status` of a source record whose vendor record was deleted. */
export const DELETED_SOURCE_STATUS = 'DELETED';

/** Whether the incident's source record was deleted in its source system. */
export function isDeletedAtSource(incident: Pick<Incident, 'sync_metadata'>): boolean {
  return incident.sync_metadata?.remote_snapshot?.record_state === DELETED_SOURCE_STATUS;
}

/** What marking needs from the engine. */
export interface DeletionContext {
  store: IncidentStore;
  actor: Actor;
  now: () => string;
}

/**
 * Marks the incident imported from `externalId` as deleted at the source. Returns `false` when no
 * local incident has that record or it is already marked. Retries a concurrent write a few times.
 */
export async function markDeleted(
  ctx: DeletionContext,
  connector: Connector,
  externalId: string,
  deletedAt?: string,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    const current = await ctx.store.findBySource(connector.sourceSystem, externalId);
    if (!current || isDeletedAtSource(current)) return false;
    const now = ctx.now();
    const at = deletedAt ?? now;
    const records = await ctx.store.listSourceRecords(current.incident_id);
    const own = records.find((r) => r.source_system === connector.sourceSystem && r.record_id === externalId);
    const record: SourceRecord = {
      ...(own ?? {
        incident_id: current.incident_id,
        source_system: connector.sourceSystem,
        record_id: externalId,
        created_at: current.created_at,
        data: {},
      }),
      status: DELETED_SOURCE_STATUS,
      updated_at: at,
      data: { ...(own?.data ?? {}), record_state: DELETED_SOURCE_STATUS, deleted_at: at },
    };
    const next = nextRevision(
      current,
      {
        ...current,
        sync_metadata: {
          ...current.sync_metadata,
          needs_sync: false,
          remote_snapshot: {
            ...(current.sync_metadata.remote_snapshot ?? {}),
            record_state: DELETED_SOURCE_STATUS,
            deleted_at: at,
          },
        },
      },
      {
        now,
        actorId: ctx.actor.id,
        notes: `${connector.name} record ${externalId} was deleted in the source system`,
      },
    );
    try {
      await ctx.store.updateIncident({
        keepKbSyncStatus: true,
        incident: next,
        expectedRevision: current.revision,
        sourceRecords: [record],
      });
      return true;
    } catch (err) {
      if (err instanceof ConflictError && err.details.reason === 'stale_revision' && attempt < 5) continue;
      throw err;
    }
  }
}

/**
 * Every external id of the incidents imported from `connector`'s source system, in batches (for a
 * connector that checks known records, such as Jira's bulk fetch). Incidents already marked deleted
 * are left out.
 */
export async function* knownExternalIds(
  store: IncidentStore,
  connector: Connector,
  batch = 100,
): AsyncIterable<string[]> {
  let cursor: string | null = null;
  let pending: string[] = [];
  do {
    const page: Awaited<ReturnType<IncidentStore['queryIncidents']>> = await store.queryIncidents(
      { by: 'source', source_system: connector.sourceSystem },
      { limit: 500, cursor },
    );
    for (const incident of page.items) {
      if (!incident.external_id || isDeletedAtSource(incident) || incident.merged_into) continue;
      pending.push(incident.external_id);
      if (pending.length === batch) {
        yield pending;
        pending = [];
      }
    }
    cursor = page.cursor;
  } while (cursor);
  if (pending.length) yield pending;
}

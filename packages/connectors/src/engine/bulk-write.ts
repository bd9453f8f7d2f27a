/**
 * The bulk write path of a pull: a page of records none of which is known yet (a first import) is
 * created in one store call, `IncidentStore.createIncidents` — an optional method of the port that
 * store-turso implements as one transaction. Stores without it, and pages that do not qualify, go
 * record by record (the pull's upsert).
 *
 * @module
 */
import { ConflictError, type CreateIncidentWrite, type InteractionSource } from '@incidents/core';
import { markValidated } from '@incidents/core/store-kit';
import type { Connector, PulledIncident } from '../connector.js';
import { COMMENTS_PER_WRITE, type EngineContext } from './context.js';
import type { ConnectorRunSummary } from './options.js';
import { commentInteractions, newIncident, sourceRecordOf } from './reconcile.js';

/** The create write of a record seen for the first time, plus the comments left for later writes. */
export function createWrite(
  ctx: EngineContext,
  connector: Connector,
  item: PulledIncident,
  incidentId: string,
  now: string,
): { write: CreateIncidentWrite; rest: PulledIncident['comments'] } {
  const incident = newIncident(item, incidentId, connector.sourceSystem, ctx.actor.id, connector.name, now);
  const source = connector.sourceSystem as InteractionSource;
  const first = item.comments.slice(0, COMMENTS_PER_WRITE);
  // Built from the connector's validated mapping (`newIncident` applies the schema's defaults): the
  // store need not parse it again.
  const write: CreateIncidentWrite = markValidated({
    incident,
    interactions: commentInteractions(incidentId, first, source, 1, ctx.ids.interactionId),
    sourceRecords: [sourceRecordOf(item, incidentId)],
  });
  return { write, rest: item.comments.slice(COMMENTS_PER_WRITE) };
}

/**
 * Tries to create the whole page in one `createIncidents` call. Returns `true` when it did (the
 * summary counts every record as created); `false` when the store has no bulk path, the page does
 * not qualify, or the bulk create collided (a known record, a taken id: the store rolled it back) —
 * the caller then upserts the records one by one.
 */
export async function tryBulkCreate(
  ctx: EngineContext,
  connector: Connector,
  items: readonly PulledIncident[],
  summary: ConnectorRunSummary,
): Promise<boolean> {
  const { store } = ctx;
  if (!store.createIncidents || items.length <= 1) return false;
  // First import of a page: when neither its first nor its last record is known, try the whole
  // page as one bulk create.
  const edges = [items[0], items[items.length - 1]] as PulledIncident[];
  const known = await Promise.all(edges.map((item) => store.findBySource(connector.sourceSystem, item.external_id)));
  const bulk =
    known.every((k) => k === null) &&
    items.every(
      (item, i) =>
        !item.ticketRef &&
        item.comments.length <= COMMENTS_PER_WRITE &&
        items.findIndex((o) => o.external_id === item.external_id) === i,
    );
  if (!bulk) return false;
  const now = ctx.nowIso();
  try {
    await store.createIncidents(
      items.map(
        (item) =>
          createWrite(
            ctx,
            connector,
            item,
            item.input.incident_id ?? `${connector.sourceSystem}-${item.external_id}`,
            now,
          ).write,
      ),
    );
  } catch (err) {
    if (err instanceof ConflictError) return false;
    throw err;
  }
  for (const item of items) {
    summary.created += 1;
    summary.commentsImported += item.comments.length;
  }
  return true;
}

/**
 * `incident-on-closed` — DynamoDB Streams handler: when version 0 of an incident moves to `CLOSED`,
 * that incident's knowledge-base document is written and ingested at once (close-to-searchable in
 * minutes instead of up to 65). The hourly batch remains the safety net.
 *
 * Partial batch failures: the sequence number of every close record whose incident could not be
 * exported (or whose ingestion failed) is returned in `batchItemFailures`; Lambda retries from the
 * lowest one and, past the retry limit, sends the batch to the on-failure destination.
 *
 * @module
 */
import type { Incident, IncidentStore, KbSyncStore, Page } from '@incidents/core';
import { createKbRuntime } from '../runtime.js';
import { emitIngestionFailureMetric, runConfiguredKbSync, summarize } from './kb-batch-sync.js';
import { type HandlerDependencies, type LambdaContextLike, once, resolveBase, timeLeft } from './shared.js';

/** One DynamoDB Streams record as Lambda delivers it (only the fields the handler reads). */
export interface StreamRecordLike {
  eventID?: string;
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | string;
  dynamodb?: {
    Keys?: Record<string, unknown>;
    NewImage?: Record<string, unknown>;
    OldImage?: Record<string, unknown>;
    SequenceNumber?: string;
  };
}

/** A DynamoDB Streams event. */
export interface StreamEventLike {
  Records: StreamRecordLike[];
}

/** The partial-batch response (`ReportBatchItemFailures`). */
export interface BatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** The handler. */
export type OnIncidentClosedHandler = (event: StreamEventLike, context?: LambdaContextLike) => Promise<BatchResponse>;

/** Sort key of version 0 in the single-table design (`V#` + 10 digits). */
const CURRENT_VERSION_SK = 'V#0000000000';
const PENDING_STATES = new Set(['PENDING', 'FAILED', 'WITHDRAW_PENDING']);

/** A record that closes an incident: its incident id and sequence number. */
export interface CloseTransition {
  incidentId: string;
  sequenceNumber: string;
}

/**
 * Reads the few top-level attributes the handler needs from a stream image (DynamoDB JSON), without
 * converting the whole item: `{ S: "…" }` → string, `{ N: "…" }` → number.
 */
function image(raw: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!raw) return undefined;
  const out: Record<string, unknown> = {};
  for (const name of ['pk', 'sk', 'incident_id', 'status', 'version']) {
    const value = raw[name] as { S?: unknown; N?: unknown } | undefined;
    if (value && typeof value === 'object') {
      if (typeof value.S === 'string') out[name] = value.S;
      else if (typeof value.N === 'string') out[name] = Number(value.N);
    }
  }
  return out;
}

/**
 * Classifies a stream record: a close transition, `null` for records that are not one (another
 * entity, another version, no status change to CLOSED), or throws for a malformed record.
 */
export function closeTransition(record: StreamRecordLike): CloseTransition | null {
  const seq = record.dynamodb?.SequenceNumber;
  if (!seq) throw new Error('record without dynamodb.SequenceNumber');
  if (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') return null;
  const next = image(record.dynamodb?.NewImage);
  if (!next) throw new Error(`record ${seq} has no NewImage (the stream must use NEW_AND_OLD_IMAGES)`);
  const sk = next.sk ?? image(record.dynamodb?.Keys)?.sk;
  const isCurrent = sk === CURRENT_VERSION_SK || (sk === undefined && next.version === 0);
  if (!isCurrent || next.status !== 'CLOSED') return null;
  const previous = image(record.dynamodb?.OldImage);
  if (previous?.status === 'CLOSED') return null;
  if (typeof next.incident_id !== 'string' || next.incident_id === '') {
    throw new Error(`record ${seq} closes an item without incident_id`);
  }
  return { incidentId: next.incident_id, sequenceNumber: seq };
}

/**
 * The store seen through a window of a few incidents: `listPendingKbSync` returns only those that
 * are still pending (read again, strongly consistent), so `runKbSync` exports exactly them.
 */
export function scopeStoreTo(
  store: KbSyncStore & Pick<IncidentStore, 'getIncident'>,
  incidentIds: readonly string[],
): KbSyncStore & Pick<IncidentStore, 'getIncident'> {
  return {
    async listPendingKbSync(): Promise<Page<Incident>> {
      const found = await Promise.all(incidentIds.map((id) => store.getIncident(id)));
      const items = found.filter((i): i is Incident => !!i && PENDING_STATES.has(i.kb_sync_status.state));
      items.sort((a, b) => a.incident_id.localeCompare(b.incident_id));
      return { items, cursor: null };
    },
    markKbSynced: (input) => store.markKbSynced(input),
    ...(store.markKbSyncedMany ? { markKbSyncedMany: store.markKbSyncedMany.bind(store) } : {}),
    markKbSyncFailed: (input) => store.markKbSyncFailed(input),
    getIncident: (id) => store.getIncident(id),
  };
}

/**
 * Creates the DynamoDB Streams handler. Configure the event source with
 * `reportBatchItemFailures: true` (the CDK stack does, with an event filter on closes).
 *
 * @example
 * ```ts
 * export const handler = createOnIncidentClosedHandler();
 * ```
 */
export function createOnIncidentClosedHandler(deps: HandlerDependencies = {}): OnIncidentClosedHandler {
  const init = once(async () => {
    const base = resolveBase(deps, 'on-incident-closed');
    const runtime = await createKbRuntime(base.config, deps.clients ?? {}, base.logger);
    return { ...base, runtime };
  });
  return async (event, context) => {
    const { config, logger, runtime } = await init();
    const log = logger.child({ request_id: context?.awsRequestId ?? null });
    const failures = new Set<string>();
    const closes: CloseTransition[] = [];
    for (const record of event?.Records ?? []) {
      try {
        const close = closeTransition(record);
        if (close) closes.push(close);
      } catch (err) {
        const seq = record.dynamodb?.SequenceNumber;
        log.error('malformed stream record', { event_id: record.eventID ?? null, error: err });
        if (seq) failures.add(seq);
      }
    }
    const ids = [...new Set(closes.map((c) => c.incidentId))];
    log.info('stream batch received', { records: event?.Records?.length ?? 0, closes: ids.length, incident_ids: ids });
    if (ids.length > 0) {
      const failAll = () => {
        for (const c of closes) failures.add(c.sequenceNumber);
      };
      try {
        const budget = timeLeft(context, 15_000, config.kb.ingestionTimeoutMs + 60_000);
        // Forced: a retried record finds its incident already synced, but its ingestion must still run.
        const result = await runConfiguredKbSync({
          runtime,
          config,
          deps,
          log,
          store: scopeStoreTo(runtime.store, ids),
          force: true,
          timeoutMs: Math.min(config.kb.ingestionTimeoutMs, budget),
          description: `incident-on-closed: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? '…' : ''}`,
        });
        emitIngestionFailureMetric(result, config, deps.metrics, log);
        if (['ingestion_failed', 'ingestion_timeout', 'ingestion_conflict'].includes(result.status)) {
          failAll();
        } else {
          const failedIds = new Set(result.errors.map((e) => e.incident_id));
          for (const c of closes) if (failedIds.has(c.incidentId)) failures.add(c.sequenceNumber);
        }
        (failures.size ? log.error : log.info)('close sync finished', {
          ...summarize(result),
          failed_records: failures.size,
        });
      } catch (err) {
        log.error('close sync failed', { error: err });
        failAll();
      }
    }
    return { batchItemFailures: [...failures].map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

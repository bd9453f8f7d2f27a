/**
 * `incident-on-closed` — DynamoDB Streams handler: when version 0 of an incident moves to `CLOSED`,
 * that incident's knowledge-base document is written and ingested at once (close-to-searchable in
 * minutes instead of up to 65). The hourly batch remains the safety net.
 *
 * Each record goes through Powertools `BatchProcessor` (DynamoDB Streams): a close record exports
 * its incident's document — made idempotent by Powertools Idempotency on the record's `eventID`, so
 * a retried batch never exports a document twice — and one ingestion then runs for the batch. The
 * sequence number of every record that failed (malformed, export failed) is returned in
 * `batchItemFailures`, and so is every close record when the ingestion failed; Lambda retries from
 * the lowest one and, past the retry limit, sends the batch to the on-failure destination.
 *
 * @module
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Incident, IncidentStore, KbSyncStore, Page } from '@incidents/core';
import middy from '@middy/core';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createDynamoClient, createKbRuntime } from '../runtime.js';
import { addIngestionFailureMetric, runConfiguredKbSync, summarize } from './kb-batch-sync.js';
import {
  type HandlerDependencies,
  idempotencyTable,
  instruments,
  type LambdaContextLike,
  once,
  resolveConfig,
  timeLeft,
} from './shared.js';

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

/** What the idempotent export of one close record returns (stored in the idempotency record). */
interface ExportOutcome {
  incidentId: string;
  synced: number;
}

const INGESTION_FAILED = new Set(['ingestion_failed', 'ingestion_timeout', 'ingestion_conflict']);

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
  const { logger, metrics, tracer, capture } = instruments(deps, 'on-incident-closed');
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  // A record's eventID is unique in the stream and identical in every retry of its batch.
  const idempotencyConfig = new IdempotencyConfig({ eventKeyJmesPath: 'eventId', expiresAfterSeconds: 24 * 3600 });
  const init = once(async () => {
    const config = resolveConfig(deps);
    const clients = deps.clients ?? {};
    const dynamodb = createDynamoClient(config, clients, capture);
    const runtime = await createKbRuntime(config, { ...clients, dynamodb }, logger.asKbLogger(), capture);
    /** Exports one incident's document (no ingestion); throws when it could not be exported. */
    const exportOne = async (input: { eventId: string; incidentId: string }): Promise<ExportOutcome> => {
      const result = await runConfiguredKbSync({
        runtime,
        config,
        deps,
        log: logger.asKbLogger(),
        metrics,
        store: scopeStoreTo(runtime.store, [input.incidentId]),
        force: false,
        ingest: false,
        timeoutMs: config.kb.ingestionTimeoutMs,
        description: `incident-on-closed: ${input.incidentId}`,
      });
      const failure = result.errors.find((e) => e.incident_id === input.incidentId);
      if (failure) throw new Error(`export of ${input.incidentId} failed: ${failure.error}`);
      return { incidentId: input.incidentId, synced: result.synced };
    };
    const table = idempotencyTable(deps);
    const exportRecord = table
      ? makeIdempotent(exportOne, {
          persistenceStore: new DynamoDBPersistenceLayer({ tableName: table, awsSdkV3Client: dynamodb }),
          config: idempotencyConfig,
        })
      : exportOne;
    return { config, runtime, exportRecord };
  });

  const handler = middy(async (event: DynamoDBStreamEvent, context: Context) => {
    const { config, runtime, exportRecord } = await init();
    idempotencyConfig.registerLambdaContext(context);
    const closes: CloseTransition[] = [];
    const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
      const close = closeTransition(record);
      if (!close) return;
      await exportRecord({ eventId: record.eventID ?? close.sequenceNumber, incidentId: close.incidentId });
      closes.push(close);
    };
    const response = await processPartialResponse(event, recordHandler, processor, {
      context,
      // Exports of one batch run one after the other: two records may close the same incident.
      processInParallel: false,
      // Report every failed record by its sequence number, even when all of them failed.
      throwOnFullBatchFailure: false,
    });
    const failures = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    const ids = [...new Set(closes.map((c) => c.incidentId))];
    logger.info('stream batch received', {
      records: event?.Records?.length ?? 0,
      closes: ids.length,
      incident_ids: ids,
      failed_records: failures.size,
    });
    if (ids.length > 0) {
      const failAll = () => {
        for (const c of closes) failures.add(c.sequenceNumber);
      };
      try {
        const budget = timeLeft(context, 15_000, config.kb.ingestionTimeoutMs + 60_000);
        // Forced: a retried record finds its incident already exported, but its ingestion must still run.
        const result = await runConfiguredKbSync({
          runtime,
          config,
          deps,
          log: logger.asKbLogger(),
          metrics,
          store: scopeStoreTo(runtime.store, ids),
          force: true,
          timeoutMs: Math.min(config.kb.ingestionTimeoutMs, budget),
          description: `incident-on-closed: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? '…' : ''}`,
        });
        addIngestionFailureMetric(result, metrics);
        if (INGESTION_FAILED.has(result.status)) failAll();
        (failures.size ? logger.error : logger.info).call(logger, 'close sync finished', {
          ...summarize(result),
          exported: closes.length,
          failed_records: failures.size,
        });
      } catch (err) {
        logger.error('close sync failed', { error: err });
        failAll();
      }
    }
    return { batchItemFailures: [...failures].map((itemIdentifier) => ({ itemIdentifier })) };
  })
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { correlationIdPath: 'Records[0].eventID', resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
  return handler as unknown as OnIncidentClosedHandler;
}

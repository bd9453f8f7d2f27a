/**
 * `incident-kb-batch-sync` (R-KB-2, R-KB-3: a periodic batch job): on an EventBridge schedule, exports every
 * closed, not-yet-synced incident to S3, withdraws reopened ones, and runs a Bedrock ingestion job
 * automatically so the documents become searchable — then returns the run's result.
 *
 * A run that did not fully succeed (an incident failed, the ingestion failed or timed out) throws
 * {@link KbSyncFailedError} after logging the result: the invocation counts as an error, is retried
 * by Lambda and ends in the dead-letter queue — it never reports success when it failed.
 *
 * @module
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { LambdaConfig } from '@incidents/config';
import { IncidentsError } from '@incidents/core';
import { type KbLogger, type KbSyncResult, runKbSync } from '@incidents/kb-sync';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { metricsRecorder } from '../observability.js';
import { createKbRuntime, type KbRuntime } from '../runtime.js';
import {
  type HandlerDependencies,
  instruments,
  type LambdaContextLike,
  once,
  resolveConfig,
  timeLeft,
} from './shared.js';

/** The run did not fully succeed; `details` summarises the result (no secrets). */
export class KbSyncFailedError extends IncidentsError<{
  status: KbSyncResult['status'];
  found: number;
  synced: number;
  failed: number;
  errors: Array<{ incident_id: string; error: string }>;
  ingestion: { status?: string; reason?: string; failureReasons: string[] };
}> {
  constructor(result: KbSyncResult) {
    const parts = [`status ${result.status}`, `${result.synced}/${result.found} synced`];
    if (result.failed)
      parts.push(
        `${result.failed} failed (${result.errors
          .slice(0, 3)
          .map((e) => e.incident_id)
          .join(', ')})`,
      );
    if (result.ingestion.status && result.ingestion.status !== 'COMPLETE')
      parts.push(`ingestion ${result.ingestion.status}`);
    if (result.ingestion.reason && result.ingestion.reason !== 'nothing_changed')
      parts.push(`ingestion ${result.ingestion.reason}`);
    super('lambda.kb_sync_failed', `Knowledge-base sync did not complete: ${parts.join(', ')}`, {
      details: {
        status: result.status,
        found: result.found,
        synced: result.synced,
        failed: result.failed,
        errors: result.errors.map(({ incident_id, error }) => ({ incident_id, error })),
        ingestion: {
          ...(result.ingestion.status ? { status: result.ingestion.status } : {}),
          ...(result.ingestion.reason ? { reason: result.ingestion.reason } : {}),
          failureReasons: result.ingestion.failureReasons,
        },
      },
      userError: false,
    });
    this.name = 'KbSyncFailedError';
  }
}

/** The scheduled event (EventBridge) or a direct invocation payload. */
export interface KbBatchSyncEvent {
  id?: string;
  source?: string;
  time?: string;
  'detail-type'?: string;
  /** Start an ingestion job even when no document changed (e.g. after a failed ingestion). */
  forceIngestion?: boolean;
}

/** The handler: returns the {@link KbSyncResult}, throws {@link KbSyncFailedError} when the run failed. */
export type KbBatchSyncHandler = (
  event?: KbBatchSyncEvent | null,
  context?: LambdaContextLike,
) => Promise<KbSyncResult>;

/** The statuses of a run that did not fully succeed. */
export function isFailedRun(result: KbSyncResult): boolean {
  return result.status !== 'completed';
}

/** What differs between the handlers that run the knowledge-base job. */
export interface ConfiguredKbSyncOptions {
  runtime: KbRuntime;
  config: LambdaConfig;
  deps: HandlerDependencies;
  log: KbLogger;
  /** Where the run's metrics go (Powertools `Metrics`, adapted to kb-sync's port). */
  metrics: Metrics;
  /** The store the job pages through (the whole table, or a view scoped to some incidents). */
  store: Parameters<typeof runKbSync>[0]['store'];
  /** Start an ingestion even when no document changed. */
  force: boolean;
  /** `false`: export only, no ingestion. */
  ingest?: boolean;
  timeoutMs: number;
  description: string;
}

/**
 * Runs `runKbSync` as the Lambda handlers do: the configured prefix, concurrency, alerts and metrics,
 * and an automatic ingestion that waits for a running job and for its own completion.
 */
export function runConfiguredKbSync(o: ConfiguredKbSyncOptions): Promise<KbSyncResult> {
  const { runtime, config, deps } = o;
  return runKbSync({
    store: o.store,
    objectStore: runtime.objectStore,
    ...(runtime.knowledgeBase ? { knowledgeBase: runtime.knowledgeBase } : {}),
    prefix: config.kb.prefix,
    concurrency: config.kb.concurrency,
    alertThreshold: config.kb.alertThreshold,
    alertSink: runtime.alertSink,
    metricsNamespace: config.kb.metricsNamespace,
    metrics: metricsRecorder(o.metrics),
    ingestion:
      o.ingest === false
        ? false
        : {
            wait: true,
            onConflict: 'wait',
            ...(config.kb.pollIntervalMs ? { pollIntervalMs: config.kb.pollIntervalMs } : {}),
            timeoutMs: o.timeoutMs,
            force: o.force,
            description: o.description,
          },
    logger: o.log,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
}

/** Adds the handler's own metric `IngestionFailures` (1 when the run's ingestion failed, timed out or conflicted). */
export function addIngestionFailureMetric(result: KbSyncResult, metrics: Metrics): void {
  const failed = ['ingestion_failed', 'ingestion_timeout', 'ingestion_conflict'].includes(result.status) ? 1 : 0;
  metrics.addMetric('IngestionFailures', MetricUnit.Count, failed);
}

/** A short, log-friendly summary of a run. */
export function summarize(result: KbSyncResult): Record<string, unknown> {
  return {
    status: result.status,
    found: result.found,
    synced: result.synced,
    withdrawn: result.withdrawn,
    failed: result.failed,
    changed: result.changed,
    alerted: result.alerted.length,
    ingestion_status: result.ingestion.status ?? null,
    ingestion_reason: result.ingestion.reason ?? null,
    ingestion_job_id: result.ingestion.jobId ?? null,
    duration_ms: result.durations.totalMs,
    sync_ms: result.durations.syncMs,
    ingestion_ms: result.durations.ingestionMs,
  };
}

/**
 * Creates the `incident-kb-batch-sync` handler. Configuration, clients and the store are created on
 * the first invocation and reused by the container; Powertools Logger (Lambda context, the
 * EventBridge event id as correlation id), Metrics (one EMF blob per invocation, cold start) and
 * Tracer wrap it through Middy.
 *
 * @example
 * ```ts
 * // src/entries/kb-batch-sync.ts — the function's entry point
 * export const handler = createKbBatchSyncHandler();
 * ```
 */
export function createKbBatchSyncHandler(deps: HandlerDependencies = {}): KbBatchSyncHandler {
  const { logger, metrics, tracer, capture } = instruments(deps, 'kb-batch-sync');
  const init = once(async () => {
    const config = resolveConfig(deps);
    const runtime: KbRuntime = await createKbRuntime(config, deps.clients ?? {}, logger.asKbLogger(), capture);
    return { config, runtime };
  });
  const handler = middy(async (event: KbBatchSyncEvent | null | undefined, context: Context) => {
    const { config, runtime } = await init();
    logger.info('kb batch sync started', { trigger: event?.source ?? 'direct', scheduled_time: event?.time ?? null });
    const budget = timeLeft(context, 20_000, config.kb.ingestionTimeoutMs + 60_000);
    const result = await runConfiguredKbSync({
      runtime,
      config,
      deps,
      log: logger.asKbLogger(),
      metrics,
      store: runtime.store,
      force: event?.forceIngestion === true,
      timeoutMs: Math.min(config.kb.ingestionTimeoutMs, budget),
      description: 'incident-kb-batch-sync (scheduled)',
    });
    addIngestionFailureMetric(result, metrics);
    if (isFailedRun(result)) {
      const error = new KbSyncFailedError(result);
      logger.error('kb batch sync failed', { ...summarize(result), errors: error.details.errors.slice(0, 20) });
      throw error;
    }
    logger.info('kb batch sync finished', summarize(result));
    return result;
  })
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { correlationIdPath: 'id', resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
  return handler as unknown as KbBatchSyncHandler;
}

/**
 * `incident-kb-batch-sync` (seeds 001 and 002, "Opción 3"): on an EventBridge schedule, exports every
 * closed, not-yet-synced incident to S3, withdraws reopened ones, and runs a Bedrock ingestion job
 * automatically so the documents become searchable — then returns the run's result.
 *
 * A run that did not fully succeed (an incident failed, the ingestion failed or timed out) throws
 * {@link KbSyncFailedError} after logging the result: the invocation counts as an error, is retried
 * by Lambda and ends in the dead-letter queue — it never reports success when it failed.
 *
 * @module
 */
import { IncidentsError } from '@incidents/core';
import { type KbSyncResult, runKbSync, stdoutMetricsSink, toEmfLine } from '@incidents/kb-sync';
import type { LambdaConfig } from '@incidents/config';
import type { Logger } from '../logger.js';
import { createKbRuntime, type KbRuntime } from '../runtime.js';
import { type HandlerDependencies, type LambdaContextLike, once, resolveBase, timeLeft } from './shared.js';

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
  log: Logger;
  /** The store the job pages through (the whole table, or a view scoped to some incidents). */
  store: Parameters<typeof runKbSync>[0]['store'];
  /** Start an ingestion even when no document changed. */
  force: boolean;
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
    ...(deps.metrics !== undefined ? { metrics: deps.metrics } : {}),
    ingestion: {
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

/** Emits the handler's own EMF line: `IngestionFailures` (same namespace and dimension as `runKbSync`'s). */
export function emitIngestionFailureMetric(
  result: KbSyncResult,
  config: LambdaConfig,
  metrics: HandlerDependencies['metrics'],
  logger: Logger,
): void {
  if (metrics === false) return;
  const failed = ['ingestion_failed', 'ingestion_timeout', 'ingestion_conflict'].includes(result.status) ? 1 : 0;
  try {
    (metrics ?? stdoutMetricsSink)(
      toEmfLine([{ name: 'IngestionFailures', value: failed, unit: 'Count' }], {
        namespace: config.kb.metricsNamespace,
      }),
    );
  } catch (err) {
    logger.error('metrics sink failed', { error: err });
  }
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
 * the first invocation and reused by the container.
 *
 * @example
 * ```ts
 * // src/entries/kb-batch-sync.ts — the function's entry point
 * export const handler = createKbBatchSyncHandler();
 * ```
 */
export function createKbBatchSyncHandler(deps: HandlerDependencies = {}): KbBatchSyncHandler {
  const init = once(async () => {
    const base = resolveBase(deps, 'kb-batch-sync');
    const runtime: KbRuntime = await createKbRuntime(base.config, deps.clients ?? {}, base.logger);
    return { ...base, runtime };
  });
  return async (event, context) => {
    const { config, logger, runtime } = await init();
    const log = logger.child({ request_id: context?.awsRequestId ?? null });
    log.info('kb batch sync started', { trigger: event?.source ?? 'direct', scheduled_time: event?.time ?? null });
    const budget = timeLeft(context, 20_000, config.kb.ingestionTimeoutMs + 60_000);
    const result = await runConfiguredKbSync({
      runtime,
      config,
      deps,
      log,
      store: runtime.store,
      force: event?.forceIngestion === true,
      timeoutMs: Math.min(config.kb.ingestionTimeoutMs, budget),
      description: 'incident-kb-batch-sync (scheduled)',
    });
    emitIngestionFailureMetric(result, config, deps.metrics, log);
    if (isFailedRun(result)) {
      const error = new KbSyncFailedError(result);
      log.error('kb batch sync failed', { ...summarize(result), errors: error.details.errors.slice(0, 20) });
      throw error;
    }
    log.info('kb batch sync finished', summarize(result));
    return result;
  };
}

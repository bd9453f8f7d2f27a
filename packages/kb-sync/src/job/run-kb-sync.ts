/**
 * The knowledge-base batch job (R-KB-1…5): every closed, unsynced incident becomes a
 * document in the object store, withdrawn incidents lose theirs, and one ingestion job makes the
 * changes searchable.
 * @module
 */
import {
  type Clock,
  type Incident,
  type IncidentStore,
  type KbSyncStore,
  type MarkKbSyncedInput,
  systemClock,
  ValidationError,
} from '@incidents/core';
import { markValidated, parseInput } from '@incidents/core/store-kit';
import * as z from 'zod';
import { createLogAlertSink } from '../alerts/index.js';
import { createLimiter, forEachLimit, sleep } from '../concurrency.js';
import {
  DEFAULT_KB_PREFIX,
  documentKey,
  metadataKey,
  serializeJson,
  toKbDocument,
  toMetadataSidecar,
} from '../document.js';
import { errorMessage, IngestionConflictError } from '../errors.js';
import { DEFAULT_METRICS_NAMESPACE, type KbMetric, type KbMetricsOption, toMetricsRecorder } from '../metrics/emf.js';
import type {
  AlertSink,
  IngestionJob,
  IngestionJobStatistics,
  IngestionJobStatus,
  KbLogger,
  KnowledgeBase,
  ObjectStore,
} from '../ports.js';

/** How the job runs the ingestion after the sync. */
export interface KbIngestionOptions {
  /** Poll the job until it finishes (default `true`); `false` returns right after starting it. */
  wait?: boolean;
  /** Give up waiting (for a conflicting job and for ours) after this long; default 15 minutes. */
  timeoutMs?: number;
  /** Time between polls; default the knowledge base's `pollIntervalMs` (5 s for Bedrock, 50 ms for the local index). */
  pollIntervalMs?: number;
  /** When another job is running: `wait` for it and retry (default), or `report` it in the result. */
  onConflict?: 'wait' | 'report';
  /** Start a job even when no document changed. */
  force?: boolean;
  /** Description of the job (Bedrock shows it in the console). */
  description?: string;
}

/** Progress of a run, for progress bars. `total` is known once every page has been listed. */
export interface KbSyncProgress {
  phase: 'sync' | 'ingestion';
  done: number;
  total?: number;
  /**
   * A line for people about what the run is doing when it is not counting documents: waiting for
   * another run's ingestion job (who runs it, its last heartbeat), or taking over a job that a
   * killed run left behind. Sent once per change.
   */
  note?: string;
}

/** Options of {@link runKbSync}. */
export interface RunKbSyncOptions {
  /** The incident store (its `listPendingKbSync`, `markKbSynced`, `markKbSyncFailed`, `getIncident`). */
  store: KbSyncStore & Pick<IncidentStore, 'getIncident'>;
  /** Where documents are written. */
  objectStore: ObjectStore;
  /** Ingests the documents once they are written; omit to only write documents (R-KB-3). */
  knowledgeBase?: KnowledgeBase;
  /** Key prefix (`<prefix>closed/<incident_id>.json`); default `incidents/`. Empty or ending in `/`. */
  prefix?: string;
  /** Incidents exported in parallel; default 16. */
  concurrency?: number;
  /** Incidents per `listPendingKbSync` page; default 200. */
  pageSize?: number;
  /** Alert when an incident has failed more than this many times; default 3 (R-KB-5). */
  alertThreshold?: number;
  /** Where alerts go; a warning in the log by default. */
  alertSink?: AlertSink;
  /**
   * Where the run's metrics go: a `KbMetricsRecorder` (the port), or a function receiving one
   * CloudWatch EMF line per run (e.g. `stdoutMetricsSink`). Omitted or `false`: none are recorded —
   * a library call never prints to stdout on its own.
   */
  metrics?: KbMetricsOption;
  /** EMF namespace; default `IncidentKBSync`. */
  metricsNamespace?: string;
  /** Ingestion settings, or `false` to skip the ingestion. */
  ingestion?: KbIngestionOptions | false;
  /** Logger; `console` by default. */
  logger?: KbLogger;
  /** Time source for `synced_at` / `attempted_at`. */
  clock?: Clock;
  /** Stops the run between steps (a document uploaded but not yet marked stays pending and is re-exported next time). */
  signal?: AbortSignal;
  /** Called as incidents are processed and while the ingestion is polled. */
  onProgress?: (progress: KbSyncProgress) => void;
}

/** One incident that could not be exported or withdrawn. */
export interface KbSyncError {
  incident_id: string;
  error: string;
  /** Failed attempts so far, as recorded by the store (`null` if it could not be recorded). */
  attempts: number | null;
}

/** The ingestion part of a {@link KbSyncResult}. */
export interface KbIngestionResult {
  /** Whether a job was started by this run. */
  started: boolean;
  /** Why no job was started or awaited to the end. */
  reason?: 'nothing_changed' | 'no_knowledge_base' | 'disabled' | 'conflict' | 'timeout' | 'error';
  jobId?: string;
  status?: IngestionJobStatus;
  statistics?: IngestionJobStatistics;
  failureReasons: string[];
  /** Jobs of runs that died that this run's job took over (marked `FAILED` with the reason). */
  tookOver?: Array<{ jobId: string; reason: string }>;
  durationMs: number;
}

/** What a run did. */
export interface KbSyncResult {
  /**
   * `completed`: everything exported and ingested; `completed_with_errors`: some incidents failed
   * (they stay pending); `ingestion_failed`, `ingestion_timeout`, `ingestion_conflict`: the documents
   * were written but the knowledge base did not (yet) ingest them.
   */
  status: 'completed' | 'completed_with_errors' | 'ingestion_failed' | 'ingestion_timeout' | 'ingestion_conflict';
  /** Pending incidents found (documents to write plus documents to withdraw). */
  found: number;
  /** Documents written and marked synced. */
  synced: number;
  /** Documents removed for reopened or cancelled incidents. */
  withdrawn: number;
  /** Incidents whose export or withdrawal failed this run. */
  failed: number;
  /** Incidents that changed while being exported: left pending for the next run. */
  changed: number;
  /** One entry per failed incident, sorted by incident id (exports run concurrently). */
  errors: KbSyncError[];
  /** Incidents an alert was sent for (failed more than `alertThreshold` times), sorted. */
  alerted: string[];
  ingestion: KbIngestionResult;
  durations: { syncMs: number; ingestionMs: number; totalMs: number };
  startedAt: string;
  finishedAt: string;
}

const OptionsSchema = z.object({
  prefix: z
    .string()
    .refine(
      (p) => p === '' || (p.endsWith('/') && !p.startsWith('/') && !p.includes('//')),
      'prefix must be empty or end with "/" (and not start with "/")',
    )
    .optional(),
  concurrency: z.number().int().min(1).max(256).optional(),
  pageSize: z.number().int().min(1).max(500).optional(),
  alertThreshold: z.number().int().min(0).optional(),
  metricsNamespace: z.string().min(1).max(255).optional(),
  ingestion: z
    .union([
      z.literal(false),
      z.object({
        wait: z.boolean().optional(),
        timeoutMs: z.number().int().min(0).optional(),
        pollIntervalMs: z.number().int().min(1).optional(),
        onConflict: z.enum(['wait', 'report']).optional(),
        force: z.boolean().optional(),
        description: z.string().max(200).optional(),
      }),
    ])
    .optional(),
});

/** An exported (or withdrawn) incident waiting for its page's mark. */
interface PendingMark {
  incident: Incident;
  withdraw: boolean;
  mark: MarkKbSyncedInput;
}

const FINAL: IngestionJobStatus[] = ['COMPLETE', 'FAILED', 'STOPPED'];

/**
 * Runs the knowledge-base batch job once.
 *
 * 1. Pages through **every** pending incident (`listPendingKbSync`, cursor by cursor — never a
 *    truncated batch), with at most `concurrency` in flight.
 * 2. A closed incident: writes `<prefix>closed/<id>.json` and its `.metadata.json` sidecar, then
 *    marks it synced guarded by the revision it exported (changed meanwhile → stays pending).
 *    A withdrawal (reopened or cancelled after being synced): deletes both objects and marks it.
 * 3. A failure is counted on the incident (`markKbSyncFailed`, with the last error); past
 *    `alertThreshold` attempts an alert is sent.
 * 4. If any object changed and a knowledge base is configured, starts one ingestion job (waiting
 *    for a running one, or reporting it), polls it to the end or the timeout.
 * 5. Emits one CloudWatch EMF line and returns a {@link KbSyncResult}. Per-incident failures never
 *    throw; a failing store listing or an abort does.
 *
 * @example
 * ```ts
 * const { objectStore, knowledgeBase } = await createDefaultKbSetup({ dir: '.incidents' });
 * const result = await runKbSync({ store, objectStore, knowledgeBase, metrics: false });
 * console.log(`${result.synced} synced, ingestion ${result.ingestion.status}`);
 * ```
 */
export async function runKbSync(options: RunKbSyncOptions): Promise<KbSyncResult> {
  if (!options || typeof options !== 'object')
    throw new ValidationError([{ path: '', message: 'options are required' }], { context: 'kb sync options' });
  const missing: Array<{ path: string; message: string }> = [];
  if (!options.store) missing.push({ path: 'store', message: 'store is required' });
  if (!options.objectStore) missing.push({ path: 'objectStore', message: 'objectStore is required' });
  if (missing.length) throw new ValidationError(missing, { context: 'kb sync options' });
  const opts = parseInput(
    OptionsSchema,
    {
      prefix: options.prefix,
      concurrency: options.concurrency,
      pageSize: options.pageSize,
      alertThreshold: options.alertThreshold,
      metricsNamespace: options.metricsNamespace,
      ingestion: options.ingestion,
    },
    'kb sync options',
  );
  const { store, objectStore, knowledgeBase, signal, onProgress } = options;
  const prefix = opts.prefix ?? DEFAULT_KB_PREFIX;
  const concurrency = opts.concurrency ?? 16;
  const pageSize = opts.pageSize ?? 200;
  const threshold = opts.alertThreshold ?? 3;
  const logger: KbLogger = options.logger ?? console;
  const alertSink = options.alertSink ?? createLogAlertSink(logger);
  const clock = options.clock ?? systemClock;
  const ingestionOpts = opts.ingestion === false ? null : (opts.ingestion ?? {});

  const t0 = Date.now();
  const startedAt = new Date().toISOString();
  const result: Omit<KbSyncResult, 'status' | 'ingestion' | 'durations' | 'finishedAt'> = {
    found: 0,
    synced: 0,
    withdrawn: 0,
    failed: 0,
    changed: 0,
    errors: [],
    alerted: [],
    startedAt,
  };
  let objectsChanged = false;
  let done = 0;
  const limit = createLimiter(concurrency);
  const markMany = typeof store.markKbSyncedMany === 'function' ? store.markKbSyncedMany.bind(store) : null;
  let total: number | undefined;

  const checkAbort = () => {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
  };
  const progress = (phase: KbSyncProgress['phase'], note?: string) => {
    if (!onProgress) return;
    try {
      onProgress({ phase, done, ...(total !== undefined ? { total } : {}), ...(note ? { note } : {}) });
    } catch {
      // A progress bar must never break the job.
    }
  };

  async function removeDocument(key: string) {
    await objectStore.delete(key);
    objectsChanged = true;
    await objectStore.delete(metadataKey(key));
  }

  /** After a refused mark: if the incident was reopened before we marked, the document we wrote must go. */
  async function reconcile(incident: Incident, key: string) {
    const fresh = await store.getIncident(incident.incident_id);
    if (fresh && fresh.status === 'CLOSED') return;
    await removeDocument(key);
    // Reopening a closed incident queues a withdrawal; the document is gone now, so settle it at once.
    if (fresh?.kb_sync_status.state === 'WITHDRAW_PENDING') {
      const ok = await store.markKbSynced({
        incident_id: fresh.incident_id,
        expectedRevision: fresh.revision,
        synced_at: clock.now().toISOString(),
        document_key: key,
        withdrawn: true,
      });
      if (ok) result.withdrawn++;
    }
  }

  /** Counts a failed attempt on the incident (and alerts past the threshold); never throws. */
  async function recordFailure(id: string, attemptedAt: string, err: unknown) {
    const message = errorMessage(err);
    let attempts: number | null = null;
    try {
      attempts = await store.markKbSyncFailed({ incident_id: id, attempted_at: attemptedAt, error: message });
    } catch (markErr) {
      logger.error('kb-sync: could not record a failed attempt', { incident_id: id, error: errorMessage(markErr) });
    }
    result.failed++;
    result.errors.push({ incident_id: id, error: message, attempts });
    logger.warn('kb-sync: incident failed', { incident_id: id, error: message, attempts });
    if (attempts !== null && attempts > threshold) {
      try {
        await alertSink.send({
          subject: 'Incident knowledge-base sync failing repeatedly',
          message: `Incident ${id} has failed ${attempts} times to sync to the knowledge base. Last error: ${message}`,
          incident_id: id,
          attempts,
          last_error: message,
        });
        result.alerted.push(id);
      } catch (alertErr) {
        logger.error('kb-sync: alert could not be sent', { incident_id: id, error: errorMessage(alertErr) });
      }
    }
  }

  const settled = () => {
    done++;
    progress('sync');
  };

  /**
   * Writes (or removes) one incident's objects. Returns the mark to write once the page is done, or
   * `null` when the export failed (the failure is already recorded).
   */
  async function exportOne(incident: Incident): Promise<PendingMark | null> {
    checkAbort();
    const now = clock.now().toISOString();
    const id = incident.incident_id;
    try {
      const withdraw = incident.kb_sync_status.state === 'WITHDRAW_PENDING' || incident.status !== 'CLOSED';
      if (withdraw) {
        const key = incident.kb_sync_status.document_key ?? documentKey(id, prefix);
        await removeDocument(key);
        return {
          incident,
          withdraw,
          mark: {
            incident_id: id,
            expectedRevision: incident.revision,
            synced_at: now,
            document_key: key,
            withdrawn: true,
          },
        };
      }
      const doc = toKbDocument(incident);
      const key = documentKey(id, prefix);
      const objectMeta = {
        'incident-id': encodeURIComponent(id),
        revision: String(incident.revision),
        source: 'kb-sync',
        'synced-at': now,
      };
      // Sidecar first: Bedrock never sees the document without its filterable attributes.
      await objectStore.put(metadataKey(key), serializeJson(toMetadataSidecar(doc)), {
        contentType: 'application/json',
        metadata: objectMeta,
      });
      await objectStore.put(key, serializeJson(doc), {
        contentType: 'application/json',
        metadata: { ...objectMeta, status: 'closed' },
      });
      objectsChanged = true;
      const previous = incident.kb_sync_status.document_key;
      if (previous && previous !== key) await removeDocument(previous);
      return {
        incident,
        withdraw,
        mark: { incident_id: id, expectedRevision: incident.revision, synced_at: now, document_key: key },
      };
    } catch (err) {
      if (signal?.aborted) throw err;
      await recordFailure(id, now, err);
      settled();
      return null;
    }
  }

  /** Counts a mark's outcome; a refused export mark (changed meanwhile) is reconciled. */
  async function settle(p: PendingMark, ok: boolean) {
    if (p.withdraw) {
      if (ok) result.withdrawn++;
      else result.changed++;
    } else if (ok) result.synced++;
    else {
      result.changed++;
      await reconcile(p.incident, p.mark.document_key);
    }
  }

  /** Marks one incident on its own (stores without `markKbSyncedMany`, or after a failed batch). */
  async function markOne(p: PendingMark) {
    try {
      checkAbort();
      await settle(p, await store.markKbSynced(p.mark));
    } catch (err) {
      if (signal?.aborted) throw err;
      await recordFailure(p.incident.incident_id, p.mark.synced_at, err);
    } finally {
      settled();
    }
  }

  /** Marks a page's exports: one `markKbSyncedMany` call when the store offers it, one by one otherwise. */
  async function markPage(pending: PendingMark[]) {
    checkAbort();
    if (pending.length === 0) return;
    if (markMany) {
      let oks: boolean[] | null = null;
      try {
        // Built here from listed records, the clock and computed keys: the store need not re-check them.
        oks = await markMany(markValidated(pending.map((p) => p.mark)));
        if (!Array.isArray(oks) || oks.length !== pending.length) {
          throw new Error(
            `markKbSyncedMany returned ${Array.isArray(oks) ? oks.length : typeof oks} results for ${pending.length} marks`,
          );
        }
      } catch (err) {
        if (signal?.aborted) throw err;
        logger.warn('kb-sync: the batched mark failed; marking one by one', {
          error: errorMessage(err),
          count: pending.length,
        });
        oks = null;
      }
      if (oks) {
        const refused: PendingMark[] = [];
        pending.forEach((p, i) => {
          if (oks[i] === true) {
            if (p.withdraw) result.withdrawn++;
            else result.synced++;
            settled();
          } else refused.push(p);
        });
        await forEachLimit(refused, concurrency, async (p) => {
          try {
            await settle(p, false);
          } catch (err) {
            if (signal?.aborted) throw err;
            await recordFailure(p.incident.incident_id, p.mark.synced_at, err);
          } finally {
            settled();
          }
        });
        return;
      }
    }
    await forEachLimit(pending, concurrency, markOne);
  }

  /** Exports a page through the shared limiter, then marks what was exported. */
  async function processPage(items: readonly Incident[]) {
    const exported = await Promise.all(items.map((incident) => limit.run(() => exportOne(incident))));
    await markPage(exported.filter((p): p is PendingMark => p !== null));
  }

  // Sync phase: pages are pipelined. The next page is fetched while this one is exported, its
  // exports are queued behind this page's in the shared limiter (the pool never drains between
  // pages), and this page's marks are written in one batch while the next page's exports run.
  // At most two pages are in flight.
  progress('sync');
  const inFlight: Array<Promise<void>> = [];
  try {
    let pagePromise = store.listPendingKbSync({ limit: pageSize, cursor: null });
    for (;;) {
      checkAbort();
      const page = await pagePromise;
      result.found += page.items.length;
      if (page.cursor) {
        pagePromise = store.listPendingKbSync({ limit: pageSize, cursor: page.cursor });
        pagePromise.catch(() => undefined);
      } else {
        total = result.found;
      }
      const work = processPage(page.items);
      work.catch(() => undefined);
      inFlight.push(work);
      if (inFlight.length > 1) await inFlight.shift();
      if (!page.cursor) break;
    }
    while (inFlight.length) await inFlight.shift();
  } catch (err) {
    await Promise.allSettled(inFlight);
    throw err;
  }
  const syncMs = Date.now() - t0;

  // Ingestion phase.
  const ti = Date.now();
  const ingestion = await runIngestion();
  const ingestionMs = Date.now() - ti;

  let status: KbSyncResult['status'] = result.failed > 0 ? 'completed_with_errors' : 'completed';
  if (ingestion.reason === 'conflict') status = 'ingestion_conflict';
  else if (ingestion.reason === 'timeout') status = 'ingestion_timeout';
  else if (ingestion.reason === 'error' || ingestion.status === 'FAILED' || ingestion.status === 'STOPPED')
    status = 'ingestion_failed';

  // Failures are recorded as concurrent exports finish; report them in a stable order.
  result.errors.sort((a, b) => byCodePoint(a.incident_id, b.incident_id));
  result.alerted.sort(byCodePoint);
  const final: KbSyncResult = {
    status,
    ...result,
    ingestion,
    durations: { syncMs, ingestionMs, totalMs: Date.now() - t0 },
    finishedAt: new Date().toISOString(),
  };

  const recorder = toMetricsRecorder(options.metrics);
  if (recorder) {
    const metrics: KbMetric[] = [
      { name: 'IncidentsSynced', value: final.synced, unit: 'Count' },
      { name: 'IncidentsWithdrawn', value: final.withdrawn, unit: 'Count' },
      { name: 'SyncErrors', value: final.failed, unit: 'Count' },
      { name: 'SyncDuration', value: final.durations.syncMs, unit: 'Milliseconds' },
      { name: 'IngestionJobsStarted', value: ingestion.started ? 1 : 0, unit: 'Count' },
      { name: 'IngestionJobsCompleted', value: ingestion.status === 'COMPLETE' ? 1 : 0, unit: 'Count' },
    ];
    try {
      recorder.record(metrics, {
        namespace: opts.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE,
        properties: { status, found: final.found, ...(ingestion.jobId ? { ingestionJobId: ingestion.jobId } : {}) },
      });
    } catch (err) {
      logger.error('kb-sync: metrics recorder failed', { error: errorMessage(err) });
    }
  }
  return final;

  async function runIngestion(): Promise<KbIngestionResult> {
    const started = Date.now();
    const out = (
      partial: Omit<KbIngestionResult, 'durationMs' | 'failureReasons'> & { failureReasons?: string[] },
    ): KbIngestionResult => ({
      failureReasons: [],
      ...partial,
      durationMs: Date.now() - started,
    });
    if (!knowledgeBase) return out({ started: false, reason: 'no_knowledge_base' });
    if (!ingestionOpts) return out({ started: false, reason: 'disabled' });
    if (!objectsChanged && !ingestionOpts.force) return out({ started: false, reason: 'nothing_changed' });

    const timeoutMs = ingestionOpts.timeoutMs ?? 15 * 60_000;
    const pollMs = ingestionOpts.pollIntervalMs ?? knowledgeBase.pollIntervalMs ?? 5_000;
    const deadline = started + timeoutMs;
    const description =
      ingestionOpts.description ?? `kb-sync: ${result.synced} synced, ${result.withdrawn} withdrawn`.slice(0, 200);

    let job: IngestionJob;
    let lastWait: string | undefined;
    for (;;) {
      checkAbort();
      try {
        job = await knowledgeBase.startIngestion({ description });
        break;
      } catch (err) {
        if (err instanceof IngestionConflictError || (err as { code?: string })?.code === 'kb.ingestion_conflict') {
          if (ingestionOpts.onConflict === 'report') {
            return out({ started: false, reason: 'conflict', failureReasons: [errorMessage(err)] });
          }
          // Said once per running job (its message names the job, who runs it and its last heartbeat).
          const running = (err as { details?: { runningJobId?: string } }).details?.runningJobId;
          if (running !== lastWait) {
            lastWait = running;
            logger.warn('kb-sync: an ingestion job is already running; waiting to start ours', {
              runningJobId: running,
              retryInMs: pollMs,
              message: errorMessage(err),
            });
            progress('ingestion', `waiting: ${errorMessage(err).replace(/^IngestionConflictError: /, '')}`);
          }
          if (Date.now() + pollMs > deadline) {
            return out({
              started: false,
              reason: 'conflict',
              failureReasons: [`another ingestion job was still running after ${timeoutMs} ms`],
            });
          }
          await sleep(pollMs, signal);
          continue;
        }
        logger.error('kb-sync: could not start the ingestion job', { error: errorMessage(err) });
        return out({ started: false, reason: 'error', failureReasons: [errorMessage(err)] });
      }
    }
    logger.info('kb-sync: ingestion job started', { jobId: job.jobId });
    const tookOver = job.tookOver?.length ? { tookOver: job.tookOver } : {};
    for (const t of job.tookOver ?? []) {
      logger.warn('kb-sync: took over an ingestion job left by a run that died', { jobId: t.jobId, reason: t.reason });
      progress('ingestion', `took over ingestion job ${t.jobId} (${t.reason})`);
    }
    if (ingestionOpts.wait === false || FINAL.includes(job.status)) {
      return out({
        started: true,
        ...tookOver,
        jobId: job.jobId,
        status: job.status,
        statistics: job.statistics,
        failureReasons: job.failureReasons,
      });
    }
    for (;;) {
      if (Date.now() + pollMs > deadline) {
        return out({
          started: true,
          ...tookOver,
          reason: 'timeout',
          jobId: job.jobId,
          status: job.status,
          statistics: job.statistics,
          failureReasons: [`the ingestion job had not finished after ${timeoutMs} ms (last status ${job.status})`],
        });
      }
      await sleep(pollMs, signal);
      try {
        job = await knowledgeBase.getIngestionJob(job.jobId);
      } catch (err) {
        logger.warn('kb-sync: polling the ingestion job failed; retrying', {
          jobId: job.jobId,
          error: errorMessage(err),
        });
        continue;
      }
      progress('ingestion');
      if (FINAL.includes(job.status)) {
        return out({
          started: true,
          ...tookOver,
          jobId: job.jobId,
          status: job.status,
          statistics: job.statistics,
          failureReasons: job.failureReasons,
        });
      }
    }
  }
}

/** Code-point order (not locale order): the same on every machine. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

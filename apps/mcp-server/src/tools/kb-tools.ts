/**
 * The knowledge-base tools (R-KB-8): `force_kb_sync` (closed incidents → documents) and
 * `sync_and_ingest` (documents → searchable knowledge base: the export, then an ingestion job).
 *
 * One run of each job at a time: a call made while a run is in flight joins it.
 *
 * @module
 */
import { hasPermission, IncidentsError, PermissionDeniedError } from '@incidents/core';
import * as z from 'zod';
import { FINAL_INGESTION_STATUSES, type KbIngestionJob, type KbSyncRunSummary, type KbWorkflow } from '../kb.js';
import { okResult } from '../results.js';
import { guarded, type ToolContext, type ToolRegistrar } from './context.js';

const SyncResultsSchema = z.object({
  successfully_synced: z.number().int(),
  failed: z.number().int(),
  total_processed: z.number().int(),
  withdrawn: z.number().int().optional(),
  skipped: z.number().int().optional(),
});

const IngestionPhaseSchema = z.object({
  job_id: z.string(),
  status: z.string().describe('STARTING, IN_PROGRESS, COMPLETE, FAILED, STOPPING or STOPPED.'),
  statistics: z.record(z.string(), z.number()),
  failure_reasons: z.array(z.string()).optional(),
});

const KB_ANNOTATIONS = { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true };

function requireKb(ctx: ToolContext): KbWorkflow {
  // Triggering the batch job is open to staff (it runs as the job itself); customers may not.
  if (!hasPermission(ctx.actor, 'kb.sync') && !hasPermission(ctx.actor, 'incidents.update')) {
    throw new PermissionDeniedError(ctx.actor.id, 'kb.sync', 'only staff may trigger the knowledge-base sync');
  }
  if (!ctx.kb) {
    throw new IncidentsError('config', 'No knowledge base is configured for this server', { userError: true });
  }
  return ctx.kb;
}

/** Runs `job` once at a time under `key`; concurrent callers share the run. */
function singleFlight<T>(
  ctx: ToolContext,
  key: string,
  job: () => Promise<T>,
): { promise: Promise<T>; joined: boolean } {
  const existing = ctx.running.get(key) as Promise<T> | undefined;
  if (existing) return { promise: existing, joined: true };
  const promise = job().finally(() => ctx.running.delete(key));
  ctx.running.set(key, promise);
  return { promise, joined: false };
}

function runInBackground(ctx: ToolContext, what: string, promise: Promise<unknown>) {
  promise.then(
    (result) => ctx.logger.log('info', `${what} finished`, { result }),
    (err: unknown) =>
      ctx.logger.log('error', `${what} failed`, { error: err instanceof Error ? err.message : String(err) }),
  );
}

function ingestionView(job: KbIngestionJob) {
  const statistics: Record<string, number> = {};
  for (const [k, v] of Object.entries(job.statistics ?? {})) if (typeof v === 'number') statistics[k] = v;
  return {
    job_id: job.jobId,
    status: job.status,
    statistics,
    ...(job.failureReasons?.length ? { failure_reasons: job.failureReasons } : {}),
  };
}

async function waitForIngestion(ctx: ToolContext, kb: KbWorkflow, job: KbIngestionJob): Promise<KbIngestionJob> {
  const ingestion = kb.knowledgeBase;
  if (!ingestion) return job;
  const deadline = Date.now() + ctx.ingestion.timeoutMs;
  let current = job;
  // Poll quickly at first (the local index finishes in milliseconds), then back off to the interval.
  let delay = Math.min(50, ctx.ingestion.pollIntervalMs);
  while (!FINAL_INGESTION_STATUSES.includes(current.status) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, ctx.ingestion.pollIntervalMs);
    current = await ingestion.getIngestionJob(current.jobId);
  }
  return current;
}

function syncLine(r: KbSyncRunSummary): string {
  return `${r.successfully_synced} synced${r.withdrawn ? ` (${r.withdrawn} withdrawn)` : ''}, ${r.failed} failed, ${r.total_processed} processed`;
}

/** Registers the knowledge-base tools that are enabled. */
export const registerKbTools: ToolRegistrar = (server, ctx, enabled) => {
  if (enabled.has('force_kb_sync')) {
    server.registerTool(
      'force_kb_sync',
      {
        title: 'Force knowledge-base sync',
        description:
          'Runs the knowledge-base export now instead of waiting for the hourly job: closed incidents not yet published become ' +
          'documents (reopened ones are withdrawn). It does NOT index them for search: use sync_and_ingest for that.',
        inputSchema: z.strictObject({
          wait_for_completion: z
            .boolean({ error: 'wait_for_completion must be true or false' })
            .default(true)
            .describe('true (default): wait and return the counts; false: start it and return at once.'),
        }),
        outputSchema: {
          status: z.enum(['completed', 'started']).describe('completed, or started when not waiting.'),
          sync_results: SyncResultsSchema.optional(),
          joined_running_sync: z.boolean().describe('true when a sync was already running and this call joined it.'),
          duration_seconds: z.number(),
        },
        annotations: KB_ANNOTATIONS,
      },
      guarded('force_kb_sync', ctx, async (args) => {
        const kb = requireKb(ctx);
        const started = Date.now();
        const run = singleFlight(ctx, 'sync', () => kb.runSync());
        if (!args.wait_for_completion) {
          runInBackground(ctx, 'knowledge-base sync', run.promise);
          return okResult(
            { status: 'started', joined_running_sync: run.joined, duration_seconds: 0 },
            `Knowledge-base sync ${run.joined ? 'is already running' : 'started'}; call again with wait_for_completion=true for the counts.`,
          );
        }
        const results = await run.promise;
        const duration = (Date.now() - started) / 1000;
        return okResult(
          { status: 'completed', sync_results: results, joined_running_sync: run.joined, duration_seconds: duration },
          `Knowledge-base sync completed: ${syncLine(results)}.${kb.describe ? ` Documents in ${kb.describe}.` : ''}`,
        );
      }),
    );
  }

  if (enabled.has('sync_and_ingest')) {
    server.registerTool(
      'sync_and_ingest',
      {
        title: 'Sync and ingest into the knowledge base',
        description:
          'The whole knowledge-base workflow: exports closed incidents as documents, then starts an ingestion job so the ' +
          'knowledge base indexes them (uploaded documents are not searchable until a job runs), and waits for it. Use it ' +
          'when recently closed incidents do not show up in find_similar_incidents.',
        inputSchema: z.strictObject({
          wait_for_sync: z
            .boolean({ error: 'wait_for_sync must be true or false' })
            .default(true)
            .describe('true (default): wait for the export; false: run the whole workflow in the background.'),
          wait_for_ingestion: z
            .boolean({ error: 'wait_for_ingestion must be true or false' })
            .default(true)
            .describe('true (default): wait for the ingestion job to finish; false: return once it has started.'),
        }),
        outputSchema: {
          status: z
            .enum(['completed', 'started', 'ingesting', 'failed'])
            .describe(
              'completed; started (not waiting for the export); ingesting (job still running); failed (job failed).',
            ),
          sync_phase: SyncResultsSchema.optional(),
          ingestion_phase: IngestionPhaseSchema.optional(),
          total_duration_seconds: z.number(),
        },
        annotations: KB_ANNOTATIONS,
      },
      guarded('sync_and_ingest', ctx, async (args) => {
        const kb = requireKb(ctx);
        const ingestion = kb.knowledgeBase;
        if (!ingestion) {
          throw new IncidentsError(
            'config',
            'No knowledge base to ingest into is configured; force_kb_sync exports only',
            {
              userError: true,
            },
          );
        }
        const started = Date.now();
        const workflow = async () => {
          const sync = await singleFlight(ctx, 'sync', () => kb.runSync()).promise;
          const job = await ingestion.startIngestion({
            description: `incidents-mcp: after syncing ${sync.successfully_synced} incident(s)`,
          });
          return { sync, job };
        };
        if (!args.wait_for_sync) {
          const run = singleFlight(ctx, 'sync_and_ingest', async () => {
            const { sync, job } = await workflow();
            return { sync, job: await waitForIngestion(ctx, kb, job) };
          });
          runInBackground(ctx, 'sync and ingest', run.promise);
          return okResult(
            { status: 'started', total_duration_seconds: 0 },
            'Knowledge-base sync and ingestion started in the background.',
          );
        }
        const { sync, job: startedJob } = await workflow();
        const job = args.wait_for_ingestion ? await waitForIngestion(ctx, kb, startedJob) : startedJob;
        const status =
          job.status === 'COMPLETE'
            ? 'completed'
            : job.status === 'FAILED' || job.status === 'STOPPED'
              ? 'failed'
              : 'ingesting';
        const view = ingestionView(job);
        const duration = (Date.now() - started) / 1000;
        const stats = Object.entries(view.statistics)
          .filter(([, v]) => v > 0)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ');
        return okResult(
          { status, sync_phase: sync, ingestion_phase: view, total_duration_seconds: duration },
          `Sync: ${syncLine(sync)}.\nIngestion job ${view.job_id}: ${view.status}${stats ? ` (${stats})` : ''}` +
            `${view.failure_reasons ? `\nFailures: ${view.failure_reasons.join('; ')}` : ''}` +
            `${status === 'ingesting' ? '\nThe job is still running; documents become searchable when it completes.' : ''}`,
        );
      }),
    );
  }
};

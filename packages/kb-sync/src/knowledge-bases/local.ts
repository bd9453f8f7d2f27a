/**
 * The local knowledge base: a libSQL index (FTS5 + BM25, optional vectors) over the documents of an
 * object store, ingested incrementally the way Amazon Bedrock ingests an S3 data source.
 *
 * This module composes the parts in `local/` over one shared context: the options and their schema
 * (`options.ts`), DDL and migration (`schema.ts`), job bookkeeping (`jobs.ts`), ingestion
 * (`ingestion.ts`), embedding (`embedding.ts`) and search with fusion (`search.ts`).
 * @module
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createClient } from '@libsql/client';
import type { IngestionJob, KnowledgeBase } from '../ports.js';
import { dbFail, type LocalKbContext } from './local/context.js';
import { runIngestion } from './local/ingestion.js';
import { claimJob, getJob, listJobs } from './local/jobs.js';
import { type LocalKnowledgeBaseOptions, resolveLocalOptions } from './local/options.js';
import { setUpSchema } from './local/schema.js';
import { createTermCounts, retrieve } from './local/search.js';

export type { LocalKnowledgeBaseOptions } from './local/options.js';
export { toFtsQuery } from './local/search.js';

/** The local knowledge base: core's retriever, the ingestion side, and a few local conveniences. */
export interface LocalKnowledgeBase extends KnowledgeBase {
  /** Starts an ingestion job and waits for it; returns the finished job. */
  ingest(options?: { description?: string }): Promise<IngestionJob>;
  /** Number of indexed documents. */
  count(): Promise<number>;
  /** The most recent jobs, newest first. */
  listIngestionJobs(limit?: number): Promise<IngestionJob[]>;
  /** Waits for running jobs and releases the connection (unless the client was given). */
  close(): Promise<void>;
}

/**
 * Creates the local knowledge base. Ingestion lists the object store under `prefix`, indexes new
 * and changed documents (with their `.metadata.json` sidecars), removes deleted ones, and reports
 * Bedrock's `IngestionJobStatistics`; retrieval ranks with BM25 (plus vectors with an `embedder`)
 * and applies metadata filters. Pass it to `createIncidentService({ knowledgeBase })`.
 *
 * @example
 * ```ts
 * const objectStore = createFilesystemObjectStore({ dir: '.incidents/kb/documents' });
 * const kb = await createLocalKnowledgeBase({ url: 'file:.incidents/kb/index.db', objectStore });
 * await kb.ingest();
 * const hits = await kb.retrieve({ text: 'checkout 502 after deploy', limit: 5, filters: { severity: 'HIGH' } });
 * ```
 */
export async function createLocalKnowledgeBase(options: LocalKnowledgeBaseOptions): Promise<LocalKnowledgeBase> {
  const resolved = resolveLocalOptions(options);
  const ownsClient = !options.client;
  const client =
    options.client ??
    createClient({
      url: options.url as string,
      ...(options.authToken ? { authToken: options.authToken } : {}),
      // Another process may write the same index file (a second run, a job's heartbeat): wait for
      // its lock instead of failing with SQLITE_BUSY.
      ...(/^file:/i.test(options.url as string) ? { timeout: 5_000 } : {}),
    });
  const ctx: LocalKbContext = {
    ...resolved,
    client,
    owner: { host: hostname(), pid: process.pid, instance: randomUUID() },
    running: new Map(),
    nowIso: () => resolved.clock.now().toISOString(),
  };

  try {
    await setUpSchema(client, ctx.embedder);
  } catch (err) {
    if (ownsClient) client.close();
    throw dbFail('schema setup', err);
  }

  const counts = createTermCounts(ctx);

  async function start(description?: string): Promise<{ job: IngestionJob; done: Promise<IngestionJob> }> {
    const { jobId, tookOver } = await claimJob(ctx, description);
    const job = { ...(await getJob(ctx, jobId)), ...(tookOver.length ? { tookOver } : {}) };
    const done = runIngestion(ctx, jobId)
      .then((finished) => ({ ...finished, ...(tookOver.length ? { tookOver } : {}) }))
      .finally(() => ctx.running.delete(jobId));
    ctx.running.set(jobId, done);
    return { job, done };
  }

  return {
    name: 'local',
    pollIntervalMs: 50,
    retrieve: (request) => retrieve(ctx, counts, request),
    async startIngestion(opts = {}) {
      return (await start(opts.description)).job;
    },
    async ingest(opts = {}) {
      return (await start(opts.description)).done;
    },
    getIngestionJob: (jobId: string) => getJob(ctx, jobId),
    listIngestionJobs: (limit = 10) => listJobs(ctx, limit),
    async count() {
      const r = await client.execute('SELECT count(*) AS n FROM kb_documents');
      return Number(r.rows[0]?.n ?? 0);
    },
    async close() {
      await Promise.allSettled([...ctx.running.values()]);
      if (ownsClient) client.close();
    },
  };
}

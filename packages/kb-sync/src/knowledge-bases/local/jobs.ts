/**
 * Job bookkeeping of the local knowledge base: the `kb_ingestion_jobs` rows, their owner (host, pid,
 * instance), the heartbeat of a running job, and the take-over of a job left active by a run that
 * died. Times come from the context's clock.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '@incidents/core';
import type { InStatement } from '@libsql/client';
import { IngestionConflictError } from '../../errors.js';
import type { IngestionJob, IngestionJobStatistics, IngestionJobStatus } from '../../ports.js';
import { dbFail, type LocalKbContext } from './context.js';

/** The process that runs an ingestion job, as stored with the job. */
export interface JobOwner {
  host: string;
  pid: number;
  /** One per knowledge-base object: tells this object's jobs from another's in the same process. */
  instance: string;
}

const ACTIVE: IngestionJobStatus[] = ['STARTING', 'IN_PROGRESS'];
const ACTIVE_SQL = ACTIVE.map((s) => `'${s}'`).join(', ');

function parseOwner(value: unknown): JobOwner | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const o = JSON.parse(value) as Partial<JobOwner>;
    return typeof o.host === 'string' && typeof o.pid === 'number' && typeof o.instance === 'string'
      ? (o as JobOwner)
      : undefined;
  } catch {
    return undefined;
  }
}

const describeOwner = (o: JobOwner) => `process ${o.pid} on ${o.host}`;

/** Whether a process of this machine exists (`EPERM`: it exists, owned by another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Statistics of a job that has done nothing yet. */
export function zeroStats(): IngestionJobStatistics {
  return {
    numberOfDocumentsScanned: 0,
    numberOfMetadataDocumentsScanned: 0,
    numberOfNewDocumentsIndexed: 0,
    numberOfModifiedDocumentsIndexed: 0,
    numberOfMetadataDocumentsModified: 0,
    numberOfDocumentsDeleted: 0,
    numberOfDocumentsFailed: 0,
  };
}

function rowToJob(row: Record<string, unknown>): IngestionJob {
  const jobOwner = parseOwner(row.owner_json);
  return {
    jobId: String(row.job_id),
    status: String(row.status) as IngestionJobStatus,
    statistics: { ...zeroStats(), ...(JSON.parse(String(row.statistics_json)) as Partial<IngestionJobStatistics>) },
    failureReasons: JSON.parse(String(row.failure_reasons_json)) as string[],
    ...(row.description ? { description: String(row.description) } : {}),
    startedAt: String(row.started_at),
    updatedAt: String(row.updated_at),
    ...(jobOwner ? { owner: describeOwner(jobOwner) } : {}),
  };
}

/**
 * Why an active job of another run is abandoned, or `undefined` while it may still be alive: its
 * owner is a process of this machine that is gone, or its heartbeat is older than `staleJobMs`.
 */
function abandonedBecause(ctx: LocalKbContext, row: Record<string, unknown>, now: number): string | undefined {
  const jobOwner = parseOwner(row.owner_json);
  if (jobOwner?.instance === ctx.owner.instance && ctx.running.has(String(row.job_id))) return undefined;
  if (
    jobOwner &&
    jobOwner.host === ctx.owner.host &&
    jobOwner.instance !== ctx.owner.instance &&
    !processAlive(jobOwner.pid)
  ) {
    return `abandoned: its process (${describeOwner(jobOwner)}) is gone`;
  }
  const beat = Date.parse(String(row.updated_at));
  if (!Number.isFinite(beat) || now - beat > ctx.staleJobMs) {
    return `abandoned: no heartbeat since ${String(row.updated_at)}${jobOwner ? ` (${describeOwner(jobOwner)})` : ''}`;
  }
  return undefined;
}

/** Writes a job's status, statistics and (first 50) failure reasons; `updated_at` is the clock's now. */
export async function saveJob(
  ctx: LocalKbContext,
  jobId: string,
  status: IngestionJobStatus,
  stats: IngestionJobStatistics,
  reasons: string[],
): Promise<void> {
  await ctx.client.execute({
    sql: 'UPDATE kb_ingestion_jobs SET status = ?, statistics_json = ?, failure_reasons_json = ?, updated_at = ? WHERE job_id = ?',
    args: [status, JSON.stringify(stats), JSON.stringify(reasons.slice(0, 50)), ctx.nowIso(), jobId],
  });
}

/**
 * Starts the heartbeat of a running job (every `heartbeatMs`): it tells other processes that the job
 * is alive between its progress writes. Returns the function that stops it.
 */
export function startHeartbeat(ctx: LocalKbContext, jobId: string): () => void {
  const heartbeat = setInterval(() => {
    ctx.client
      .execute({
        sql: `UPDATE kb_ingestion_jobs SET updated_at = ? WHERE job_id = ? AND status IN (${ACTIVE_SQL})`,
        args: [ctx.nowIso(), jobId],
      })
      .catch(() => {
        // A missed beat only makes the job look older; the next progress write refreshes it.
      });
  }, ctx.heartbeatMs);
  heartbeat.unref?.();
  return () => clearInterval(heartbeat);
}

/** A job taken over from a run that died, and why. */
export interface TakenOver {
  jobId: string;
  reason: string;
}

/**
 * Records a new `STARTING` job owned by this object, after failing (with the reason) the active jobs
 * of runs that died. The take-over is conditional on the heartbeat read here: a job that beats
 * meanwhile is kept.
 * @throws IngestionConflictError when another live job is active (naming it, its owner and heartbeat).
 */
export async function claimJob(
  ctx: LocalKbContext,
  description: string | undefined,
): Promise<{ jobId: string; tookOver: TakenOver[] }> {
  const { client } = ctx;
  const jobId = randomUUID();
  const now = ctx.clock.now();
  const tookOver: TakenOver[] = [];
  let inserted: number;
  try {
    const current = await client.execute(
      `SELECT job_id, updated_at, owner_json FROM kb_ingestion_jobs WHERE status IN (${ACTIVE_SQL})`,
    );
    const takeOver: InStatement[] = [];
    for (const row of current.rows as unknown as Array<Record<string, unknown>>) {
      const reason = abandonedBecause(ctx, row, now.getTime());
      if (!reason) continue;
      tookOver.push({ jobId: String(row.job_id), reason });
      takeOver.push({
        sql: `UPDATE kb_ingestion_jobs SET status = 'FAILED', failure_reasons_json = ?, updated_at = ?
              WHERE job_id = ? AND status IN (${ACTIVE_SQL}) AND updated_at = ?`,
        args: [JSON.stringify([reason]), now.toISOString(), String(row.job_id), String(row.updated_at)],
      });
    }
    const results = await client.batch(
      [
        ...takeOver,
        {
          sql: `INSERT INTO kb_ingestion_jobs (job_id, status, description, statistics_json, failure_reasons_json, started_at, updated_at, owner_json)
                SELECT ?, 'STARTING', ?, ?, '[]', ?, ?, ?
                WHERE NOT EXISTS (SELECT 1 FROM kb_ingestion_jobs WHERE status IN (${ACTIVE_SQL}))`,
          args: [
            jobId,
            description ?? null,
            JSON.stringify(zeroStats()),
            now.toISOString(),
            now.toISOString(),
            JSON.stringify(ctx.owner),
          ],
        },
      ],
      'write',
    );
    inserted = results[takeOver.length]?.rowsAffected ?? 0;
  } catch (err) {
    throw dbFail('startIngestion', err);
  }
  if (inserted === 0) {
    const r = await client.execute(
      `SELECT job_id, updated_at, owner_json FROM kb_ingestion_jobs WHERE status IN (${ACTIVE_SQL}) ORDER BY started_at DESC LIMIT 1`,
    );
    const row = r.rows[0] as unknown as Record<string, unknown> | undefined;
    const runningJobId = row ? String(row.job_id) : undefined;
    const jobOwner = row ? parseOwner(row.owner_json) : undefined;
    const who = jobOwner ? `, run by ${describeOwner(jobOwner)}` : '';
    const beat = row ? `, last heartbeat ${String(row.updated_at)}` : '';
    throw new IngestionConflictError(
      'local',
      `An ingestion job is already running for this data source${runningJobId ? ` (${runningJobId}${who}${beat})` : ''}`,
      { ...(runningJobId ? { runningJobId } : {}) },
    );
  }
  return { jobId, tookOver };
}

/** The job `jobId`. @throws NotFoundError when there is none. */
export async function getJob(ctx: LocalKbContext, jobId: string): Promise<IngestionJob> {
  let row: Record<string, unknown> | undefined;
  try {
    const r = await ctx.client.execute({ sql: 'SELECT * FROM kb_ingestion_jobs WHERE job_id = ?', args: [jobId] });
    row = r.rows[0] as Record<string, unknown> | undefined;
  } catch (err) {
    throw dbFail('getIngestionJob', err);
  }
  if (!row) throw new NotFoundError('IngestionJob', jobId);
  return rowToJob(row);
}

/** The most recent jobs, newest first. */
export async function listJobs(ctx: LocalKbContext, limit: number): Promise<IngestionJob[]> {
  const r = await ctx.client.execute({
    sql: 'SELECT * FROM kb_ingestion_jobs ORDER BY started_at DESC LIMIT ?',
    args: [limit],
  });
  return r.rows.map((row) => rowToJob(row as unknown as Record<string, unknown>));
}

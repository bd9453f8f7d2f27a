/**
 * `incidents redis stats` and `incidents queue list|drain|retry` — Redis of `@incidents/redis`,
 * configured with `UPSTASH_REDIS_REST_URL` + `UPSTASH_REDIS_REST_TOKEN` or `INCIDENTS_REDIS_URL`.
 *
 * @module
 */
import type { Command } from 'commander';
import { collectAll } from '@incidents/core';
import { cachePrefixFor, openRedis, storeIdentity } from '@incidents/config';
import {
  createTaskQueue,
  drainQueue,
  getRedisMetrics,
  type QueuedTask,
  type RedisConnection,
  type TaskQueue,
} from '@incidents/redis';
import { UsageError } from '../errors.js';
import { renderFields, renderTable } from '../output/table.js';
import type { Runtime } from '../runtime.js';

async function connect(rt: Runtime): Promise<RedisConnection> {
  const config = rt.config();
  if (!config.redis) {
    throw new UsageError(
      'Redis is not configured: set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN, or INCIDENTS_REDIS_URL=redis://…',
    );
  }
  return openRedis(config.redis);
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got "${value}"`);
  return n;
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);
const mb = (v: number | null) => (v === null ? '—' : `${(v / (1024 * 1024)).toFixed(1)} MB`);

function taskRows(tasks: readonly QueuedTask[]): string {
  return renderTable(
    [
      { header: 'ID', value: (t: QueuedTask) => t.id },
      { header: 'TYPE', value: (t) => t.type },
      { header: 'ATTEMPTS', value: (t) => `${t.attempts}/${t.max_attempts}`, align: 'right' },
      { header: 'ENQUEUED', value: (t) => new Date(t.enqueued_at).toISOString() },
      { header: 'LAST ERROR', value: (t) => t.last_error ?? '', max: 60, flex: true },
    ],
    tasks,
  );
}

/** Registers `redis stats` and the `queue` group. */
export function registerRedisCommands(program: Command, rt: Runtime): void {
  const redisGroup = program.command('redis').description('Redis cache and queue (Upstash REST or TCP)');
  redisGroup
    .command('stats')
    .description('memory, hit rate, clients, keyspace, queue lengths and the degraded flag')
    .action(async () => {
      const redis = await connect(rt);
      try {
        const metrics = await getRedisMetrics({
          redis,
          queue: createTaskQueue({ redis }),
          cachePrefix: cachePrefixFor(storeIdentity(rt.config())),
        });
        const p = rt.printer();
        const c = p.colors;
        p.result(metrics, () => {
          if (!metrics.available) {
            return `${c.red('✘')} Redis (${metrics.kind} ${metrics.target}) is unavailable: ${metrics.error ?? 'no answer'}\n${c.yellow('degraded')}: reads go to the store`;
          }
          const shared = metrics.cache?.shared;
          return renderFields([
            ['Redis', `${metrics.kind} ${metrics.target} (v${metrics.redis_version ?? '?'}, ${metrics.latency_ms} ms)`],
            ['Degraded', metrics.degraded ? c.yellow('yes') : 'no'],
            [
              'Memory',
              `${mb(metrics.memory.used_bytes)} used${metrics.memory.maxmemory_bytes ? ` of ${mb(metrics.memory.maxmemory_bytes)} (${pct(metrics.memory.used_ratio)})` : ', no maxmemory'}`,
            ],
            ['Eviction policy', metrics.memory.eviction_policy ?? '—'],
            [
              'Hit rate (server)',
              `${pct(metrics.stats.hit_rate)} (${metrics.stats.keyspace_hits ?? 0} hits, ${metrics.stats.keyspace_misses ?? 0} misses)`,
            ],
            [
              'Hit rate (cache)',
              shared
                ? `${pct(shared.hit_rate)} (${shared.hits} hits, ${shared.misses} misses, ${shared.fallbacks} fallbacks)`
                : '—',
            ],
            ['Evicted keys', String(metrics.stats.evicted_keys ?? '—')],
            ['Clients', String(metrics.clients.connected ?? '—')],
            [
              'Keys',
              Object.entries(metrics.keyspace)
                .map(([db, k]) => `${db}: ${k.keys} (${k.expires} with TTL)`)
                .join(', ') || '0',
            ],
            [
              'Queue',
              metrics.queue
                ? `${metrics.queue.pending} pending, ${metrics.queue.processing} processing, ${metrics.queue.delayed} delayed, ${metrics.queue.dead} dead`
                : '—',
            ],
          ]);
        });
      } finally {
        await redis.close();
      }
    });

  const queueGroup = program.command('queue').description('the Redis work queue: list, drain, retry dead tasks');
  const withQueue = async <T>(fn: (queue: TaskQueue) => Promise<T>): Promise<T> => {
    const redis = await connect(rt);
    try {
      return await fn(createTaskQueue({ redis }));
    } finally {
      await redis.close();
    }
  };

  queueGroup
    .command('list', { isDefault: true })
    .description('queue lengths and the next pending tasks (or the dead ones with --dead)')
    .option('--dead', 'list the dead-letter tasks')
    .option('--limit <n>', 'tasks to list (default 20)')
    .action(async (opts: { dead?: boolean; limit?: string }) => {
      const limit = positiveInt('--limit', opts.limit, 20);
      await withQueue(async (queue) => {
        const lengths = await queue.lengths();
        const tasks = opts.dead ? await queue.listDead(limit) : await queue.listPending(limit);
        const p = rt.printer();
        p.result({ lengths, items: tasks }, () => {
          const head = `${lengths.pending} pending, ${lengths.processing} processing, ${lengths.delayed} delayed, ${lengths.dead} dead`;
          return tasks.length > 0 ? `${head}\n\n${taskRows(tasks)}` : head;
        });
      });
    });

  queueGroup
    .command('drain')
    .description('run queued tasks this CLI can run (closeInactiveResolved); other types are left for their workers')
    .option('--max-tasks <n>', 'stop after this many tasks (default 100)')
    .option('--deadline-ms <ms>', 'stop claiming after this long (default 25000)')
    .action(async (opts: { maxTasks?: string; deadlineMs?: string }) => {
      const maxTasks = positiveInt('--max-tasks', opts.maxTasks, 100);
      const deadlineMs = positiveInt('--deadline-ms', opts.deadlineMs, 25_000);
      const service = await rt.service();
      const ctx = await rt.ctx('closed by the batch worker: resolved and inactive');
      await withQueue(async (queue) => {
        const report = await drainQueue({
          queue,
          maxTasks,
          deadlineMs,
          handlers: {
            closeInactiveResolved: async ({ inactive_days, limit }) => {
              const cutoff = Date.now() - inactive_days * 86_400_000;
              const resolved = await collectAll((cursor) =>
                service.query({ by: 'status', status: 'RESOLVED' }, { limit: 100, cursor }, ctx),
              );
              for (const incident of resolved.filter((i) => Date.parse(i.updated_at) < cutoff).slice(0, limit)) {
                await service.close(incident.incident_id, ctx);
              }
            },
          },
        });
        const p = rt.printer();
        p.result(
          report,
          () =>
            `${p.colors.green('✔')} ${report.succeeded} done, ${report.retried} to retry, ${report.dead} dead, ${report.skipped} left for other workers (stopped: ${report.stoppedBy}, ${report.durationMs} ms)`,
        );
      });
    });

  queueGroup
    .command('retry [id]')
    .description('move dead tasks back to pending: one by id, or the oldest --count (default all, up to 1000)')
    .option('--count <n>', 'how many of the oldest dead tasks')
    .action(async (id: string | undefined, opts: { count?: string }) => {
      const count = positiveInt('--count', opts.count, 1_000);
      await withQueue(async (queue) => {
        const moved = await queue.retryDead(id ? { id } : { count });
        if (id && moved === 0) throw new UsageError(`no dead task with id ${id}`);
        const p = rt.printer();
        p.result({ retried: moved }, () => `${p.colors.green('✔')} ${moved} task(s) back in the queue`);
      });
    });
}

/**
 * `incidents redis stats` and `incidents queue list|drain|retry` — Redis of `@incidents/redis`,
 * configured with `UPSTASH_REDIS_REST_URL` + `UPSTASH_REDIS_REST_TOKEN` or `INCIDENTS_REDIS_URL`.
 *
 * @module
 */
import type { Command } from 'commander';
import { collectAll, hasPermission, IncidentsError, PermissionDeniedError } from '@incidents/core';
import { cachePrefixFor, loadConnectorsConfig, openRedis, storeIdentity } from '@incidents/config';
import {
  createTaskQueue,
  drainQueue,
  getRedisMetrics,
  type QueuedTask,
  type RedisConnection,
  type TaskHandlers,
  type TaskQueue,
} from '@incidents/redis';
import { UsageError } from '../errors.js';
import { renderFields, renderTable } from '../output/table.js';
import type { Runtime } from '../runtime.js';
import { syncFailureSummary } from './kb.js';
import { syncFailureMessage } from './sync.js';

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
    .description(
      'run queued tasks: closeInactiveResolved, notify (logged, and recorded on the incident), kbSync (knowledge-base export), connectorSync (sync engine)',
    )
    .option('--max-tasks <n>', 'stop after this many tasks (default 100)')
    .option('--deadline-ms <ms>', 'stop claiming after this long (default 25000)')
    .action(async (opts: { maxTasks?: string; deadlineMs?: string }) => {
      const maxTasks = positiveInt('--max-tasks', opts.maxTasks, 100);
      const deadlineMs = positiveInt('--deadline-ms', opts.deadlineMs, 25_000);
      const p = rt.printer();
      await withQueue(async (queue) => {
        const report = await drainQueue({ queue, maxTasks, deadlineMs, handlers: drainHandlers(rt, p.note) });
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

/** Requires a permission of the acting user for a queued job (a refusal fails the attempt; retries end in dead). */
async function requireFor(rt: Runtime, permission: 'kb.sync' | 'sync.execute'): Promise<void> {
  const actor = await rt.actor();
  if (!hasPermission(actor, permission)) {
    throw new PermissionDeniedError(actor.id, permission, `role ${actor.roles.join('+')} lacks ${permission}`);
  }
}

/**
 * The CLI's handlers for every task type of the queue, run as the acting user (`--as`, or the local
 * admin): a handler that throws fails the attempt (retried with backoff, then dead with the error).
 * - `closeInactiveResolved`: closes RESOLVED incidents not updated for `inactive_days` (at most `limit`).
 * - `notify`: the CLI sends no mail; it writes one line on stderr and, with an `incident_id`, records
 *   the notification as an INTERNAL comment on that incident (so the desk sees who was told what).
 * - `kbSync`: `runKbSync` with the configured knowledge base: exports closed incidents and, when a
 *   knowledge base is configured, ingests them (the local index finishes before the task ends). It
 *   exports everything pending (`limit` is not used by the CLI). Needs `kb.sync`.
 * - `connectorSync`: the connectors sync engine for one configured connector, or `all`; `full` pulls
 *   from the beginning instead of the saved cursor. Needs `sync.execute`; fails when a connector failed.
 */
function drainHandlers(rt: Runtime, note: (text: string) => void): TaskHandlers {
  return {
    closeInactiveResolved: async ({ inactive_days, limit }) => {
      const service = await rt.service();
      const ctx = await rt.ctx('closed by the batch worker: resolved and inactive');
      const cutoff = Date.now() - inactive_days * 86_400_000;
      const resolved = await collectAll((cursor) =>
        service.query({ by: 'status', status: 'RESOLVED' }, { limit: 100, cursor }, ctx),
      );
      for (const incident of resolved.filter((i) => Date.parse(i.updated_at) < cutoff).slice(0, limit)) {
        await service.close(incident.incident_id, ctx);
      }
    },
    notify: async ({ to, subject, incident_id }) => {
      note(`notify ${to}: ${subject}${incident_id ? ` (${incident_id})` : ''}`);
      if (incident_id) {
        const service = await rt.service();
        await service.addComment(
          { incident_id, text: `Notification to ${to}: ${subject}`, visibility: 'INTERNAL' },
          await rt.ctx('notification recorded by the batch worker'),
        );
      }
    },
    kbSync: async () => {
      await requireFor(rt, 'kb.sync');
      const [store, opened, { runKbSync }] = await Promise.all([
        rt.store(),
        rt.knowledgeBase(),
        import('@incidents/kb-sync'),
      ]);
      const result = await runKbSync({
        store,
        objectStore: opened.objectStore,
        ...(opened.knowledgeBase ? { knowledgeBase: opened.knowledgeBase } : {}),
        prefix: opened.config.prefix,
        ingestion: opened.knowledgeBase ? { wait: opened.local !== undefined } : false,
        metrics: false,
        ...(rt.deps.clock ? { clock: rt.deps.clock } : {}),
      });
      note(`kbSync: ${result.status}, ${result.synced} exported, ${result.failed} failed`);
      if (result.status !== 'completed') {
        throw new IncidentsError('kb.sync_failed', syncFailureSummary(result), { details: { status: result.status } });
      }
    },
    connectorSync: async ({ connector, full }) => {
      const config = loadConnectorsConfig({
        env: rt.deps.env as NodeJS.ProcessEnv,
        cwd: rt.deps.cwd,
        home: rt.config().home,
      });
      const names = Object.keys(config.connectors);
      const selected = connector === 'all' ? names : names.filter((n) => n === connector);
      if (selected.length === 0) {
        throw new IncidentsError(
          'config',
          `Unknown connector ${connector}; configured: ${names.join(', ') || 'none'}`,
          {
            details: { connector, configured: names },
          },
        );
      }
      await requireFor(rt, 'sync.execute');
      const [{ buildConnectors }, { createSyncEngine }, store] = await Promise.all([
        import('@incidents/config/connectors'),
        import('@incidents/connectors'),
        rt.store(),
      ]);
      const engine = createSyncEngine({
        store,
        connectors: buildConnectors(Object.values(config.connectors), { only: selected }),
        ...(rt.deps.clock ? { clock: rt.deps.clock } : {}),
        ...(rt.deps.ids ? { ids: rt.deps.ids } : {}),
      });
      const summary = await engine.run('all', full ? { since: new Date(0).toISOString() } : {});
      note(`connectorSync ${connector}: ${summary.totals.created} created, ${summary.totals.updated} updated`);
      if (summary.errors.length > 0) {
        throw new IncidentsError('sync.failed', syncFailureMessage(summary), { details: { errors: summary.errors } });
      }
    },
  };
}

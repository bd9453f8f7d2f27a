/**
 * Benchmarks of @incidents/redis (same-run ratios; figures go to docs/benchmarks.md):
 *
 * 1. Reads of the current record (`getIncident`) and a first list page (`queryIncidents` by team) with
 *    and without the cache, over BENCH_TURSO_N incidents in a libSQL file and BENCH_DYNAMO_N in DynamoDB
 *    Local, with a Zipf-like access pattern (s = 1.1): p50/p95 and hit rate at steady state. The cache
 *    is warmed through the TCP client with BENCH_WARMUP_READS reads (not measured), then measured with
 *    fresh draws through the TCP client and through @upstash/redis + the local REST gateway (a second
 *    app instance sharing the same cache), all within the cache TTL.
 * 2. Queue throughput: drainQueue (reliable form, no-op handler) vs a raw LPOP loop, on TCP and
 *    through @upstash/redis + the local REST gateway.
 *
 *   pnpm --filter @incidents/redis build && pnpm --filter @incidents/redis-testing build
 *   node --import tsx packages/redis/bench/cache-and-queue.ts
 *
 * Env: BENCH_TURSO_N (100000), BENCH_DYNAMO_N (100000), BENCH_DYNAMO_LOAD_S (0 = no limit: stop loading
 * DynamoDB Local after this many seconds and bench what was loaded),
 * BENCH_READS (5000), BENCH_TASKS (5000), BENCH_QUEUE_RUNS (3), BENCH_ZIPF_S (1.1), BENCH_WARMUP_READS (100000, drawn apart
 * from the measured ones),
 * REDIS_URL (redis://127.0.0.1:6379). Keys use a unique prefix and are deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg as osLoadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CreateIncidentWrite, createIncidentService, type Incident, type IncidentStore } from '@incidents/core';
import { startUpstashGateway } from '@incidents/redis-testing';
import { createDynamoStore, ensureTable } from '@incidents/store-dynamo';
import { createTursoStore } from '@incidents/store-turso';
import { startDynamoLocal } from '@incidents/test-support/dynamodb-local';
import {
  createCachedStore,
  createTaskQueue,
  createTcpConnection,
  createUpstashConnection,
  drainQueue,
  type RedisConnection,
} from '../src/index.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TURSO_N = Number(process.env.BENCH_TURSO_N ?? 100_000);
const DYNAMO_N = Number(process.env.BENCH_DYNAMO_N ?? 100_000);
const READS = Number(process.env.BENCH_READS ?? 5_000);
const TASKS = Number(process.env.BENCH_TASKS ?? 5_000);
const QUEUE_RUNS = Number(process.env.BENCH_QUEUE_RUNS ?? 3);
const TEAMS = 50;
const ZIPF_S = Number(process.env.BENCH_ZIPF_S ?? 1.1);
const WARMUP_READS = Number(process.env.BENCH_WARMUP_READS ?? 100_000);
const DYNAMO_LOAD_S = Number(process.env.BENCH_DYNAMO_LOAD_S ?? 0);
const TTL_SECONDS = 300;
const run = randomBytes(4).toString('hex');
const prefix = `bench:redis:${run}:`;

/** Zipf(s) sampler over ranks 0..n-1. */
function zipf(n: number, s = 1.1, seed = 42): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += 1 / (k + 1) ** s;
    cdf[k] = sum;
  }
  // mulberry32: 32-bit integer arithmetic. (An LCG computed in doubles, x * 1103515245, loses
  // precision above 2^53 and falls into a short cycle — which made earlier runs repeat themselves.)
  let x = seed >>> 0;
  const rand = () => {
    x = (x + 0x6d2b79f5) >>> 0;
    let t = x;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const u = rand() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
const loadavg = () =>
  osLoadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

async function template(): Promise<Incident> {
  const mem = await createTursoStore({ url: ':memory:' });
  const inc = await createIncidentService({ store: mem }).create(
    { title: 'Checkout fails with HTTP 502', category: 'Application', description: 'x'.repeat(400) },
    { actor: { id: 'admin@example.com', roles: ['admin'] } },
  );
  await mem.close();
  return inc;
}

function incidentsFrom(t: Incident, n: number): CreateIncidentWrite[] {
  return Array.from({ length: n }, (_, i) => {
    const id = `INC-B${String(i).padStart(6, '0')}`;
    return {
      incident: {
        ...t,
        incident_id: id,
        external_id: id,
        team: `team-${i % TEAMS}`,
        created_at: new Date(Date.parse(t.created_at) + i * 1000).toISOString(),
      },
    };
  });
}

async function measure(store: IncidentStore, label: string, ids: string[], upstash: RedisConnection): Promise<void> {
  // Warm-up and measured reads are different draws of the same distribution.
  const nextId = zipf(ids.length, ZIPF_S, 42);
  const nextTeam = zipf(TEAMS, ZIPF_S, 7);
  const draw = (n: number) => Array.from({ length: n }, () => ids[nextId()] as string);
  const drawTeams = (n: number) => Array.from({ length: n }, () => `team-${nextTeam()}`);
  const warmSeq = draw(WARMUP_READS);
  const warmTeams = drawTeams(2_000);
  const plainGetSeq = draw(READS);
  const plainTeamSeq = drawTeams(Math.min(READS, 2_000));
  const time = async (fn: (x: string) => Promise<unknown>, seq: string[]) => {
    const out: number[] = [];
    for (const x of seq) {
      const t0 = performance.now();
      await fn(x);
      out.push(performance.now() - t0);
    }
    return out;
  };
  const get = (s: IncidentStore) => (id: string) => s.getIncident(id);
  const list = (s: IncidentStore) => (team: string) => s.queryIncidents({ by: 'team', team }, { limit: 20 });

  const plainGet = await time(get(store), plainGetSeq);
  const plainList = await time(list(store), plainTeamSeq);
  const tcp = createTcpConnection({ url: REDIS_URL });
  const cachePrefix = `${prefix}${label}:`;
  const options = { prefix: cachePrefix, timeoutMs: 1_000, ttlSeconds: TTL_SECONDS };
  const warmed = createCachedStore(store, { redis: tcp, ...options });
  const warmStart = performance.now();
  await time(get(warmed), warmSeq);
  await time(list(warmed), warmTeams);
  await warmed.cache.settled();
  const warmSeconds = (performance.now() - warmStart) / 1000;

  /** Measures fresh draws through one client; hit rates per read kind from the cache's counters. */
  const measured = async (redis: RedisConnection) => {
    const cached = createCachedStore(store, { redis, ...options });
    const rate = (a: ReturnType<typeof cached.cache.stats>, b: ReturnType<typeof cached.cache.stats>) => {
      const served = b.hits + b.joined - a.hits - a.joined;
      const reads = served + b.misses - a.misses + b.fallbacks - a.fallbacks;
      return { served, reads };
    };
    const s0 = cached.cache.stats();
    const getTimes = await time(get(cached), draw(READS));
    const s1 = cached.cache.stats();
    const listTimes = await time(list(cached), drawTeams(Math.min(READS, 2_000)));
    const s2 = cached.cache.stats();
    await cached.cache.settled();
    return { getTimes, listTimes, getRate: rate(s0, s1), listRate: rate(s1, s2), all: rate(s0, s2) };
  };
  const viaTcp = await measured(tcp);
  const viaUpstash = await measured(upstash);
  const elapsed = (performance.now() - warmStart) / 1000;

  const pctOf = (r: { served: number; reads: number }) => `${((r.served / r.reads) * 100).toFixed(1)}%`;
  console.log(`\n## ${label}`);
  console.log(
    '| read | client | uncached p50 | uncached p90 | uncached p95 | cached p50 | cached p90 | cached p95 | p90 ratio | p95 ratio | hit rate |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [client, m] of [
    ['TCP (ioredis)', viaTcp],
    ['@upstash/redis (local gateway)', viaUpstash],
  ] as const) {
    console.log(
      `| getIncident (Zipf over ${ids.length}) | ${client} | ${fmt(pct(plainGet, 50))} | ${fmt(pct(plainGet, 90))} | ${fmt(pct(plainGet, 95))} | ${fmt(pct(m.getTimes, 50))} | ${fmt(pct(m.getTimes, 90))} | ${fmt(pct(m.getTimes, 95))} | ${(pct(m.getTimes, 90) / pct(plainGet, 90)).toFixed(2)}× | ${(pct(m.getTimes, 95) / pct(plainGet, 95)).toFixed(2)}× | ${pctOf(m.getRate)} |`,
    );
    console.log(
      `| first page by team (Zipf over ${TEAMS}) | ${client} | ${fmt(pct(plainList, 50))} | ${fmt(pct(plainList, 90))} | ${fmt(pct(plainList, 95))} | ${fmt(pct(m.listTimes, 50))} | ${fmt(pct(m.listTimes, 90))} | ${fmt(pct(m.listTimes, 95))} | ${(pct(m.listTimes, 90) / pct(plainList, 90)).toFixed(2)}× | ${(pct(m.listTimes, 95) / pct(plainList, 95)).toFixed(2)}× | ${pctOf(m.listRate)} |`,
    );
  }
  console.log(
    `steady-state hit rate (fresh draws after a warm-up of ${WARMUP_READS} get + 2000 list reads in ${warmSeconds.toFixed(1)} s, Zipf s=${ZIPF_S}): TCP ${pctOf(viaTcp.all)} of ${viaTcp.all.reads} reads, Upstash ${pctOf(viaUpstash.all)} of ${viaUpstash.all.reads} reads; warm-up + measurement took ${elapsed.toFixed(0)} s (TTL ${TTL_SECONDS} s${elapsed > TTL_SECONDS ? ': early entries expired during the run' : ''}); load average ${loadavg()}`,
  );
  await deleteKeys(tcp, cachePrefix);
  await tcp.close();
}

async function deleteKeys(redis: RedisConnection, p: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = (await redis.command<[string, string[]]>([
      'SCAN',
      cursor,
      'MATCH',
      `${p}*`,
      'COUNT',
      5000,
    ])) ?? ['0', []];
    cursor = String(next);
    if (keys.length > 0) await redis.command(['DEL', ...keys]);
  } while (cursor !== '0');
}

async function benchQueue(redis: RedisConnection, label: string): Promise<number> {
  const key = `${prefix}raw:${label}`;
  const body = JSON.stringify({
    type: 'notify',
    payload: { to: 'a@example.com', subject: 's' },
    timestamp: Date.now(),
  });
  for (let i = 0; i < TASKS; i += 500) {
    await redis.pipeline(Array.from({ length: Math.min(500, TASKS - i) }, () => ['RPUSH', key, body] as const));
  }
  let t0 = performance.now();
  let raw = 0;
  for (;;) {
    const v = await redis.command<string | null>(['LPOP', key]);
    if (v === null || v === undefined) break;
    JSON.parse(typeof v === 'string' ? v : JSON.stringify(v));
    raw++;
  }
  const rawRate = raw / ((performance.now() - t0) / 1000);

  const queue = createTaskQueue({ redis, prefix: `${prefix}q:${label}:` });
  for (let i = 0; i < TASKS; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, TASKS - i) }, () =>
        queue.enqueue({ type: 'notify', payload: { to: 'a@example.com', subject: 's' } }),
      ),
    );
  }
  t0 = performance.now();
  const report = await drainQueue({
    queue,
    handlers: { notify: async () => {} },
    maxTasks: TASKS,
    deadlineMs: 600_000,
    batchSize: 50,
  });
  const reliableRate = report.succeeded / ((performance.now() - t0) / 1000);
  console.log(
    `| ${label} | ${raw} | ${rawRate.toFixed(0)} tasks/s | ${report.succeeded} | ${reliableRate.toFixed(0)} tasks/s | ${(reliableRate / rawRate).toFixed(2)}× | ${loadavg()} |`,
  );
  await deleteKeys(redis, `${prefix}q:${label}:`);
  return reliableRate / rawRate;
}

async function main(): Promise<void> {
  console.log(`# @incidents/redis benchmarks (${new Date().toISOString()}, node ${process.version})`);
  const t = await template();
  const gatewayToken = randomBytes(16).toString('hex');
  const gateway = await startUpstashGateway({ redisUrl: REDIS_URL, token: gatewayToken });
  const upstash = createUpstashConnection({ url: gateway.url, token: gatewayToken });

  if (TURSO_N > 0) {
    const dir = await mkdtemp(join(tmpdir(), 'redis-bench-'));
    const store = await createTursoStore({ url: `file:${dir}/bench.db` });
    const writes = incidentsFrom(t, TURSO_N);
    const t0 = performance.now();
    for (let i = 0; i < writes.length; i += 2_000) await store.createIncidents(writes.slice(i, i + 2_000));
    console.log(
      `\nloaded ${TURSO_N} incidents into a libSQL file in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    await measure(
      store,
      `turso file (${TURSO_N})`,
      writes.map((w) => w.incident.incident_id),
      upstash,
    );
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }

  if (DYNAMO_N > 0) {
    const local = await startDynamoLocal();
    const { client } = local;
    try {
      await ensureTable({ client, tableName: 'bench' });
      const store = createDynamoStore({ tableName: 'bench', client });
      // The store's bulk path: createIncidents packs whole incidents into TransactWriteItems of <= 100
      // actions (the conditional puts of a single create kept), 4 in flight; called per 2,000 so that
      // the BENCH_DYNAMO_LOAD_S budget can stop it between calls.
      const writes = incidentsFrom(t, DYNAMO_N);
      const t0 = performance.now();
      let loaded = 0;
      while (loaded < writes.length) {
        if (DYNAMO_LOAD_S > 0 && performance.now() - t0 > DYNAMO_LOAD_S * 1000) break;
        const chunk = writes.slice(loaded, loaded + 2_000);
        await store.createIncidents(chunk);
        loaded += chunk.length;
        if (loaded % 10_000 === 0) {
          console.error(`  dynamo: ${loaded} loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
        }
      }
      const loadSeconds = (performance.now() - t0) / 1000;
      console.log(
        `\nloaded ${loaded} of ${DYNAMO_N} incidents into DynamoDB Local in ${loadSeconds.toFixed(1)} s (${(loaded / loadSeconds).toFixed(0)}/s, createIncidents), load average ${loadavg()}`,
      );
      await measure(
        store,
        `dynamo local (${loaded})`,
        writes.slice(0, loaded).map((w) => w.incident.incident_id),
        upstash,
      );
    } finally {
      await local.stop();
    }
  }

  if (TASKS > 0) {
    console.log(`\n## queue: ${TASKS} no-op tasks`);
    console.log('| client | raw LPOP tasks | raw rate | drainQueue tasks | drainQueue rate | ratio | load average |');
    console.log('|---|---|---|---|---|---|---|');
    const tcp = createTcpConnection({ url: REDIS_URL });
    const ratios: Record<string, number[]> = { tcp: [], upstash: [] };
    for (let r = 0; r < QUEUE_RUNS; r++) {
      ratios.tcp?.push(await benchQueue(tcp, 'tcp (ioredis)'));
      ratios.upstash?.push(await benchQueue(upstash, 'upstash REST (local gateway)'));
    }
    for (const [client, xs] of Object.entries(ratios)) {
      const sorted = [...xs].sort((a, b) => a - b);
      console.log(
        `${client}: drainQueue/raw median ${pct(sorted, 50).toFixed(2)}× over ${xs.length} runs (min ${sorted[0]?.toFixed(2)}×, max ${sorted[sorted.length - 1]?.toFixed(2)}×)`,
      );
    }
    await deleteKeys(tcp, prefix);
    await tcp.close();
  }
  await upstash.close();
  await gateway.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

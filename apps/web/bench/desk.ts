/**
 * Server response time of the desk under `next start`, Redis cache off vs on in the same run.
 *
 *     pnpm --filter @incidents/web build
 *     pnpm --filter @incidents/bench exec node --import tsx ../apps/web/bench/desk.ts [--incidents N] [--interactions N] [--duration S]
 *
 * Data: N incidents (default 100,000) and M interactions (default 1,000,000) written into a temporary
 * libSQL file with the bench package's bulk generator (`bench/src/seed.ts`: multi-row INSERTs and
 * `INSERT … SELECT` over a recursive sequence), the interactions spread over the first M / 50
 * incidents so that each of those has a timeline of 50. The demo users get argon2id passwords through
 * core's `setUserCredentials`.
 *
 * Load: autocannon, 10 connections, `GET /tickets` (an admin's first page: open tickets, 25 rows) and
 * `GET /tickets/<id>` (a ticket with 50 interactions, its history, no knowledge base), each for
 * `--duration` seconds after a 3 s warm-up, first against `next start` without Redis, then against a
 * second `next start` on the same file with `INCIDENTS_REDIS_URL` pointing at a throw-away
 * redis-server. The session cookie is sealed with iron-session and the app's secret (no login
 * requests in the measurement). p50/p95 come from every response's latency (autocannon's own
 * percentiles skip p95). Non-2xx answers are counted and make the run fail.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashPassword } from '@incidents/config/passwords';
import { createIncidentService } from '@incidents/core';
import { startRedisServer } from '@incidents/redis-testing';
import { createTursoStore } from '@incidents/store-turso';
import autocannon from 'autocannon';
import { sealData } from 'iron-session';
import { seedDatabase } from '../../../bench/src/databases.ts';
import { seedIncidents, seedInteractions } from '../../../bench/src/seed.ts';

const APP_DIR = resolve(fileURLToPath(import.meta.url), '..', '..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const INCIDENTS = arg('incidents', 100_000);
const INTERACTIONS = arg('interactions', 1_000_000);
const DURATION = arg('duration', 15);
const TIMELINE = 50;
const SECRET = randomBytes(32).toString('base64url');
const ADMIN = { email: 'admin@bench.example', name: 'Bench Admin', role: 'admin' as const };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

async function startNext(dbUrl: string, home: string, port: number, env: Record<string, string>) {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(APP_DIR, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(port), '-H', '127.0.0.1'],
    {
      cwd: APP_DIR,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        INCIDENTS_HOME: home,
        INCIDENTS_DB_URL: dbUrl,
        INCIDENTS_KB_MODE: 'none',
        INCIDENTS_WEB_SESSION_SECRET: SECRET,
        INCIDENTS_WEB_SECURE_COOKIE: '0',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${url}/login`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error('next start did not answer');
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function load(url: string, cookie: string, seconds: number) {
  const latencies: number[] = [];
  const instance = autocannon({ url, connections: 10, duration: seconds, headers: { cookie } });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status === 200) latencies.push(ms);
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  return {
    requests: result.requests.total,
    non2xx: result.non2xx + result.errors + result.timeouts,
    rps: Math.round(result.requests.average),
    p50: Math.round(percentile(latencies, 0.5)),
    p95: Math.round(percentile(latencies, 0.95)),
    p99: Math.round(percentile(latencies, 0.99)),
  };
}

const freePort = async () => {
  const { createServer } = await import('node:net');
  return new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => ok(typeof a === 'object' && a ? a.port : 0));
    });
  });
};

const started = performance.now();
const db = await seedDatabase('web-desk', async (loader) => {
  const ids = await seedIncidents(loader, {
    count: INCIDENTS,
    mix: { NEW: 0.2, ASSIGNED: 0.1, IN_PROGRESS: 0.15, PENDING: 0.05, RESOLVED: 0.2, CLOSED: 0.3 },
  });
  await seedInteractions(loader, ids.slice(0, Math.max(1, Math.floor(INTERACTIONS / TIMELINE))), INTERACTIONS);
  return ids;
});
const store = await createTursoStore({ url: db.url });
const service = createIncidentService({ store });
const seedActor = { actor: { id: 'seed@localhost', roles: ['admin' as const] } };
await service.putUser(ADMIN, seedActor);
await service.setUserCredentials(ADMIN.email, { password_hash: await hashPassword('bench-password') }, seedActor);
await store.close();
const loadSeconds = Math.round(db.seedMs / 100) / 10;
console.log(
  `seeded ${INCIDENTS} incidents + ${INTERACTIONS} interactions in ${loadSeconds} s (${Math.round((performance.now() - started) / 100) / 10} s with users)`,
);

const cookie = `incidents_session=${await sealData(
  { email: ADMIN.email, name: ADMIN.name, role: ADMIN.role, issuedAt: Date.now() },
  { password: SECRET, ttl: 8 * 3600 },
)}`;
const detailId = db.seeded[0] as string;
const redis = await startRedisServer();
const rows: string[] = [];
try {
  for (const mode of ['off', 'on'] as const) {
    const app = await startNext(
      db.url,
      db.dir.path,
      await freePort(),
      mode === 'on' ? { INCIDENTS_REDIS_URL: redis.url } : {},
    );
    try {
      for (const [name, path] of [
        ['/tickets (first page)', '/tickets'],
        [`/tickets/[id] (timeline of ${TIMELINE})`, `/tickets/${detailId}`],
      ] as const) {
        const check = await fetch(`${app.url}${path}`, { headers: { cookie }, redirect: 'manual' });
        if (check.status !== 200) throw new Error(`${path} answered ${check.status} (Redis ${mode})`);
        await load(`${app.url}${path}`, cookie, 3);
        const r = await load(`${app.url}${path}`, cookie, DURATION);
        if (r.non2xx > 0) throw new Error(`${path}: ${r.non2xx} failed requests (Redis ${mode})`);
        const load1 = loadavg()[0]?.toFixed(1);
        rows.push(`| ${name} | ${mode} | ${load1} | ${r.requests} | ${r.rps} | ${r.p50} | **${r.p95}** | ${r.p99} |`);
        console.log(rows.at(-1));
      }
    } finally {
      await stop(app.child);
    }
  }
} finally {
  await redis.stop();
  await db.dir.cleanup();
}
console.log(`\n${cpus().length} CPUs; load average (1 min) after each measurement in the table`);
console.log(
  '\n| page | Redis cache | load | requests | req/s | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|---|---|---|',
);
for (const r of rows) console.log(r);

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
 * `--duration` seconds after a `--warmup` (3 s) warm-up, first against `next start` without Redis, then against a
 * second `next start` on the same file with `INCIDENTS_REDIS_URL` pointing at a throw-away
 * redis-server. The session cookie is sealed with iron-session and the app's secret (no login
 * requests in the measurement). p50/p95 come from every response's latency (autocannon's own
 * percentiles skip p95). Non-2xx answers are counted and make the run fail.
 *
 * Server CPU per request: the `next start` process's user + system CPU time (from
 * `/proc/<pid>/stat`, so the server needs no instrumentation) over the measured window divided by
 * the requests it served — unlike the latencies, this figure hardly moves with the machine's load.
 *
 * Options for profiling runs: `--app <dir>` measures another copy of apps/web, `--db <file>` reuses a database seeded by an earlier `--keep-db` run
 * (the path is printed), `--modes off,on` and `--pages list,detail` pick rows, `--cpu-prof <dir>`
 * starts `next start` under `node --cpu-prof` (one `.cpuprofile` per server, written on exit).
 *
 * Before/after in one run: `--baseline <app dir>` starts a second `next start` from another copy of
 * apps/web holding the baseline's `.next` build (e.g. a checkout of the previous commit, built), runs
 * both at once on the same database and alternates `--burst` seconds of load between them for
 * `--rounds` rounds, so both see the same machine load; it prints each side's server CPU per request
 * (median and range over the rounds) and the median of the per-round ratios.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashPassword } from '@incidents/config/passwords';
import { createIncidentService } from '@incidents/core';
import { startRedisServer } from '@incidents/redis-testing';
import { createTursoStore } from '@incidents/store-turso';
import autocannon from 'autocannon';
import { sealData } from 'iron-session';
import { openLoader, seedDatabase } from '../../../bench/src/databases.ts';
import { seedIncidents, seedInteractions } from '../../../bench/src/seed.ts';

const APP_DIR = (() => {
  // `--app <dir>`: another copy of apps/web (with its own `.next` build) to measure instead of this one.
  const i = process.argv.indexOf('--app');
  return i > 0 ? resolve(process.argv[i + 1] as string) : resolve(fileURLToPath(import.meta.url), '..', '..');
})();
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const INCIDENTS = arg('incidents', 100_000);
const INTERACTIONS = arg('interactions', 1_000_000);
const DURATION = arg('duration', 15);
const text = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const REUSE_DB = text('db');
const KEEP_DB = process.argv.includes('--keep-db');
const MODES = (text('modes') ?? 'off,on').split(',') as Array<'off' | 'on'>;
const PAGES = (text('pages') ?? 'list,detail').split(',');
const CPU_PROF = text('cpu-prof');
const BASELINE = text('baseline');
const ROUNDS = arg('rounds', 5);
const BURST = arg('burst', 4);
const WARMUP = arg('warmup', 3);
const TIMELINE = 50;
const SECRET = randomBytes(32).toString('base64url');
const ADMIN = { email: 'admin@bench.example', name: 'Bench Admin', role: 'admin' as const };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

/** Clock ticks per second of `/proc/<pid>/stat`'s CPU times (USER_HZ, 100 on Linux). */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time (ms) a process has used so far. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

async function startNext(dbUrl: string, home: string, port: number, env: Record<string, string>, appDir = APP_DIR) {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', resolve(CPU_PROF)] : []),
      join(appDir, 'node_modules', 'next', 'dist', 'bin', 'next'),
      'start',
      '-p',
      String(port),
      '-H',
      '127.0.0.1',
    ],
    {
      cwd: appDir,
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

async function load(url: string, cookie: string, seconds: number, pid: number) {
  const latencies: number[] = [];
  const cpuBefore = cpuMs(pid);
  const instance = autocannon({ url, connections: 10, duration: seconds, headers: { cookie } });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status === 200) latencies.push(ms);
  });
  const result = await instance;
  const cpu = cpuMs(pid) - cpuBefore;
  latencies.sort((a, b) => a - b);
  return {
    requests: result.requests.total,
    non2xx: result.non2xx + result.errors + result.timeouts,
    rps: Math.round(result.requests.average),
    p50: Math.round(percentile(latencies, 0.5)),
    p95: Math.round(percentile(latencies, 0.95)),
    p99: Math.round(percentile(latencies, 0.99)),
    /** Server CPU ms per request served in the window. */
    cpuPerRequest: result.requests.total > 0 ? cpu / result.requests.total : Number.NaN,
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
let db: { url: string; detailId: string; cleanup: () => Promise<void> };
if (REUSE_DB) {
  const url = REUSE_DB.startsWith('file:') ? REUSE_DB : `file:${resolve(REUSE_DB)}`;
  if (!existsSync(url.slice('file:'.length))) throw new Error(`--db ${REUSE_DB}: no such file`);
  const raw = await openLoader(url);
  const found = await raw.execute(
    `SELECT incident_id FROM interactions GROUP BY incident_id HAVING count(*) >= ${TIMELINE} LIMIT 1`,
  );
  raw.close();
  const detailId = found.rows[0]?.incident_id;
  if (typeof detailId !== 'string') throw new Error(`--db ${REUSE_DB}: no ticket with ${TIMELINE} interactions`);
  db = { url, detailId, cleanup: async () => {} };
  console.log(`reusing ${url}`);
} else {
  const seeded = await seedDatabase('web-desk', async (loader) => {
    const ids = await seedIncidents(loader, {
      count: INCIDENTS,
      mix: { NEW: 0.2, ASSIGNED: 0.1, IN_PROGRESS: 0.15, PENDING: 0.05, RESOLVED: 0.2, CLOSED: 0.3 },
    });
    await seedInteractions(loader, ids.slice(0, Math.max(1, Math.floor(INTERACTIONS / TIMELINE))), INTERACTIONS);
    return ids;
  });
  db = {
    url: seeded.url,
    detailId: seeded.seeded[0] as string,
    cleanup: KEEP_DB ? async () => console.log(`kept ${seeded.url} (reuse with --db)`) : () => seeded.dir.cleanup(),
  };
  const loadSeconds = Math.round(seeded.seedMs / 100) / 10;
  console.log(`seeded ${INCIDENTS} incidents + ${INTERACTIONS} interactions in ${loadSeconds} s`);
}
const store = await createTursoStore({ url: db.url });
const service = createIncidentService({ store });
const seedActor = { actor: { id: 'seed@localhost', roles: ['admin' as const] } };
await service.putUser(ADMIN, seedActor);
await service.setUserCredentials(ADMIN.email, { password_hash: await hashPassword('bench-password') }, seedActor);
await store.close();
console.log(`data ready in ${Math.round((performance.now() - started) / 100) / 10} s (with users)`);

const cookie = `incidents_session=${await sealData(
  { email: ADMIN.email, name: ADMIN.name, role: ADMIN.role, issuedAt: Date.now() },
  { password: SECRET, ttl: 8 * 3600 },
)}`;
const detailId = db.detailId;
const home = dirname(db.url.slice('file:'.length));
const PAGE_LIST = [
  ['list', '/tickets (first page)', '/tickets'],
  ['detail', `/tickets/[id] (timeline of ${TIMELINE})`, `/tickets/${detailId}`],
]
  .filter(([key]) => PAGES.includes(key as string))
  .map(([, n, p]) => [n as string, p as string] as const);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

if (BASELINE) {
  const redis = await startRedisServer();
  const out: string[] = [];
  try {
    for (const mode of MODES) {
      const env: Record<string, string> = mode === 'on' ? { INCIDENTS_REDIS_URL: redis.url } : {};
      const base = await startNext(db.url, home, await freePort(), env, resolve(BASELINE));
      const current = await startNext(db.url, home, await freePort(), env);
      try {
        for (const [name, path] of PAGE_LIST) {
          const sides = [
            { label: 'baseline', app: base, cpu: [] as number[], p95: [] as number[] },
            { label: 'current', app: current, cpu: [] as number[], p95: [] as number[] },
          ];
          for (const side of sides) {
            const check = await fetch(`${side.app.url}${path}`, { headers: { cookie }, redirect: 'manual' });
            if (check.status !== 200) throw new Error(`${path} answered ${check.status} (${side.label})`);
            await load(`${side.app.url}${path}`, cookie, WARMUP, side.app.child.pid as number);
          }
          const ratios: number[] = [];
          const loads: number[] = [];
          for (let round = 0; round < ROUNDS; round++) {
            // Alternate which side goes first, so neither always follows the other's garbage.
            for (const side of round % 2 ? [...sides].reverse() : sides) {
              const r = await load(`${side.app.url}${path}`, cookie, BURST, side.app.child.pid as number);
              if (r.non2xx > 0) throw new Error(`${path}: ${r.non2xx} failed requests (${side.label})`);
              side.cpu.push(r.cpuPerRequest);
              side.p95.push(r.p95);
            }
            ratios.push((sides[1]?.cpu.at(-1) as number) / (sides[0]?.cpu.at(-1) as number));
            loads.push(loadavg()[0] as number);
          }
          const fmt = (xs: number[]) =>
            `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
          out.push(
            `| ${name} | ${mode} | ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} | ${fmt(sides[0]?.cpu ?? [])} | ${fmt(sides[1]?.cpu ?? [])} | **${fmt(ratios)}** |`,
          );
          console.log(out.at(-1));
        }
      } finally {
        await stop(base.child);
        await stop(current.child);
      }
    }
  } finally {
    await redis.stop();
    await db.cleanup();
  }
  console.log(
    `\n${cpus().length} CPUs; ${ROUNDS} rounds of ${BURST} s per side, 10 connections; baseline ${resolve(BASELINE)}`,
  );
  console.log(
    '\n| page | Redis cache | load (1 min) | baseline CPU ms/request | current CPU ms/request | current / baseline |\n|---|---|---|---|---|---|',
  );
  for (const r of out) console.log(r);
  process.exit(0);
}

const redis = await startRedisServer();
const rows: string[] = [];
try {
  for (const mode of MODES) {
    const app = await startNext(
      db.url,
      home,
      await freePort(),
      mode === 'on' ? { INCIDENTS_REDIS_URL: redis.url } : {},
    );
    try {
      const pid = app.child.pid as number;
      for (const [name, path] of PAGE_LIST) {
        const check = await fetch(`${app.url}${path}`, { headers: { cookie }, redirect: 'manual' });
        if (check.status !== 200) throw new Error(`${path} answered ${check.status} (Redis ${mode})`);
        await load(`${app.url}${path}`, cookie, WARMUP, pid);
        const r = await load(`${app.url}${path}`, cookie, DURATION, pid);
        if (r.non2xx > 0) throw new Error(`${path}: ${r.non2xx} failed requests (Redis ${mode})`);
        const load1 = loadavg()[0]?.toFixed(1);
        rows.push(
          `| ${name} | ${mode} | ${load1} | ${r.requests} | ${r.rps} | ${r.p50} | **${r.p95}** | ${r.p99} | ${r.cpuPerRequest.toFixed(2)} |`,
        );
        console.log(rows.at(-1));
      }
    } finally {
      await stop(app.child);
    }
  }
} finally {
  await redis.stop();
  await db.cleanup();
}
console.log(`\n${cpus().length} CPUs; load average (1 min) after each measurement in the table`);
console.log(
  '\n| page | Redis cache | load | requests | req/s | p50 ms | p95 ms | p99 ms | server CPU ms/request |\n|---|---|---|---|---|---|---|---|---|',
);
for (const r of rows) console.log(r);

/**
 * Import benchmark of the sync engine: N Jira issues from a local server that waits 20 ms per page
 * (100 issues per page) into a fresh store-turso `file:` database. Reports the wall time against the
 * nominal floor (pages × delay), the ratio, the same pages fetched alone in the same run (the floor as
 * this server and loopback HTTP really deliver it) and the peak RSS of this process (the server runs
 * in a child process).
 *
 * Usage (from packages/connectors, after building core and store-turso):
 *   pnpm bench [issues=10000] [delayMs=20]
 * which bundles this file with esbuild and runs it on plain `node`, as a user's service runs the
 * built package: under `tsx` the loader's worker thread and on-the-fly transforms add ~40 MB of RSS
 * and CPU that are not the SDK's. (`node --import tsx bench/import.ts …` still works.)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createTursoStore } from '@incidents/store-turso';
import { createJiraConnector, createSyncEngine } from '../src/index.js';

const issues = Number(process.argv[2] ?? 10_000);
const delayMs = Number(process.argv[3] ?? 20);
const pageSize = 100;

async function startServer(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'jira-bench-server.ts'),
      String(issues),
      String(delayMs),
      String(pageSize),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) resolve(line.slice(6));
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** Fetches every page in sequence (the same requests the connector sends) and parses them; returns ms. */
async function fetchAllPages(baseUrl: string): Promise<number> {
  const started = performance.now();
  let token: string | undefined;
  do {
    const res = await fetch(`${baseUrl}/rest/api/3/search/jql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic eDp5' },
      body: JSON.stringify({
        jql: 'ORDER BY updated ASC, key ASC',
        maxResults: pageSize,
        ...(token ? { nextPageToken: token } : {}),
      }),
    });
    const body = (await res.json()) as { nextPageToken?: string; isLast?: boolean };
    token = body.isLast ? undefined : body.nextPageToken;
  } while (token);
  return performance.now() - started;
}

const server = await startServer();
const dir = await mkdtemp(join(tmpdir(), 'sync-bench-'));
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 25);
try {
  const store = await createTursoStore({ url: `file:${join(dir, 'bench.db')}` });
  const jira = createJiraConnector({
    baseUrl: server.url,
    auth: { email: 'bench@example.com', apiToken: 'x' },
    pageSize,
  });
  const engine = createSyncEngine({ store, connectors: [jira], concurrency: 8 });
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const summary = await engine.pull('jira');
  const wallMs = performance.now() - t0;
  // CPU of this process (all threads: libSQL included; the vendor server is another process) during
  // the pull: a figure the machine's load does not inflate the way it inflates wall time.
  const cpu = process.cpuUsage(cpu0);
  const loadavg = os.loadavg().map((l) => Number(l.toFixed(2)));
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  const pages = summary.totals.pages;
  const floorMs = pages * delayMs;
  // The same pages fetched and parsed with nothing else done (after the import, outside the RSS
  // window): what this server and loopback HTTP cost on top of the nominal delay.
  const fetchOnlyMs = await fetchAllPages(server.url);
  const count = (await store.client.execute('SELECT count(*) AS n FROM incidents')).rows[0]?.n;
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  console.log(
    JSON.stringify(
      {
        issues,
        delayMs,
        pages,
        created: summary.totals.created,
        errors: summary.errors,
        stored: Number(count),
        wallMs: Math.round(wallMs),
        floorMs,
        ratio: Number((wallMs / floorMs).toFixed(2)),
        fetchOnlyMs: Math.round(fetchOnlyMs),
        ratioToFetchOnly: Number((wallMs / fetchOnlyMs).toFixed(2)),
        issuesPerSecond: Math.round(issues / (wallMs / 1000)),
        rssBeforeMb: Number(mb(rssBefore)),
        peakRssMb: Number(mb(peakRss)),
        pullCpuMs: Math.round((cpu.user + cpu.system) / 1000),
        loadavg,
      },
      null,
      2,
    ),
  );
  await store.close();
} finally {
  clearInterval(sampler);
  server.stop();
  await rm(dir, { recursive: true, force: true });
}

/**
 * A CPU-profile loop of the read paths of issue 18 item 2 — `service.query` (NEW by priority),
 * `store.listInteractions` (operator timeline) and `service.timeline` — next to the same statements
 * run raw through a client that keeps them prepared, read through `rows` and by column index (calls
 * alternate; CPU time per call and the ratios),
 * and for attributing the SDK's own cost with `node --cpu-prof`:
 *
 *   cd bench && node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx src/profile-reads.ts 4000
 *
 *   cd bench && node --import tsx src/profile-reads.ts 5000      (ratios only)
 *
 * Prints the CPU time per call of each path and of its raw statements; no results are written.
 *
 * @module
 */
import { type Actor, createIncidentService, type IncidentQuery, PRIORITIES } from '@incidents/core';
import { columnValues } from '@incidents/store-turso';
import type { InStatement } from '@libsql/client';
import { captureStatements, openRawPrepared, openStore, seedDatabase } from './databases.js';
import { seedIncidents, seedInteractions } from './seed.js';
import { seededRandom } from './stats.js';

const n = Number(process.argv[2] ?? 4000);
const PAGE = 50;
const actor: Actor = { id: 'op1@example.com', roles: ['operator'] };
const { dir, url, seeded } = await seedDatabase('profile-reads', async (loader) => {
  const ids = await seedIncidents(loader, { count: 5000, mix: { NEW: 0.5, IN_PROGRESS: 0.3, CLOSED: 0.2 } });
  const busy = ids.filter((_, i) => i % 10 === 0);
  await seedInteractions(loader, busy, busy.length * 100);
  return busy;
});
const store = await openStore(url);
const raw = await openRawPrepared(url);
const service = createIncidentService({ store });
const capture = captureStatements(store.client);
const rnd = seededRandom(5);
// A fixed list of keys, read in turn by the SDK and by the raw statements captured for the same key: the
// raw side reads the same rows (the same pages of the file, the same CPU caches) as the SDK.
const KEYS = 64;
const ids = Array.from({ length: KEYS }, () => seeded[Math.floor(rnd() * seeded.length)] as string);
const queries = Array.from(
  { length: KEYS },
  (): IncidentQuery => ({ by: 'status', status: 'NEW', priority: PRIORITIES[Math.floor(rnd() * 4)] }),
);

const paths: Record<string, (k: number) => Promise<unknown>> = {
  'service.query NEW by priority': (k) => service.query(queries[k] as IncidentQuery, { limit: PAGE }, { actor }),
  'store.listInteractions operator': (k) =>
    store.listInteractions(ids[k] as string, { limit: PAGE, includeInternal: true }),
  'service.timeline': (k) => service.timeline(ids[k] as string, { limit: PAGE }, { actor }),
};
// The same statements raw (captured from the SDK's call for each key), JSON-parsed as the store does,
// through a client that keeps them prepared (createLocalClient, the store's own driver): reading `rows`,
// and reading the document column by index (`columnValues`, no `Row` objects: the store's own way).
const rawPaths: Record<string, (k: number) => Promise<unknown>> = {};
const byIndexPaths: Record<string, (k: number) => Promise<unknown>> = {};
for (const [name, run] of Object.entries(paths)) {
  const stmts: InStatement[][] = [];
  for (let k = 0; k < KEYS; k++) {
    capture.take();
    await run(k);
    stmts.push(capture.take());
  }
  rawPaths[name] = async (k) => {
    for (const s of stmts[k] as InStatement[])
      (await raw.execute(s)).rows.map((r) => (typeof r.doc === 'string' ? JSON.parse(r.doc) : { ...r }));
  };
  byIndexPaths[name] = async (k) => {
    for (const s of stmts[k] as InStatement[]) {
      const rs = await raw.execute(s);
      if (rs.columns[0] === 'doc') columnValues(rs, 0).map((d) => JSON.parse(String(d)));
      else rs.rows.map((r) => ({ ...r }));
    }
  };
}
// SDK and raw alternate call by call, so that load from other processes falls on both alike; CPU time
// (process.cpuUsage) around each call.
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (const [name, run] of Object.entries(paths)) {
  const rawRun = rawPaths[name] as (k: number) => Promise<unknown>;
  const byIndexRun = byIndexPaths[name] as (k: number) => Promise<unknown>;
  for (let i = 0; i < 200; i++) {
    await run(i % KEYS);
    await rawRun(i % KEYS);
    await byIndexRun(i % KEYS);
  }
  // CPU time per variant; the variant that reads a key first (cold CPU caches) rotates call by call.
  const variants = [run, rawRun, byIndexRun];
  const cpu = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const k = i % KEYS;
    for (let j = 0; j < 3; j++) {
      const v = (i + j) % 3;
      const started = cpuMs();
      await (variants[v] as (k: number) => Promise<unknown>)(k);
      cpu[v] = (cpu[v] as number) + cpuMs() - started;
    }
  }
  const [sdk, base, byIndex] = cpu as [number, number, number];
  console.log(
    `${name}: SDK ${(sdk / n).toFixed(4)} ms CPU per call, raw prepared ${(base / n).toFixed(4)} ms (ratio ${(sdk / base).toFixed(3)}), raw prepared by index ${(byIndex / n).toFixed(4)} ms (ratio ${(sdk / byIndex).toFixed(3)})`,
  );
}
await store.close();
raw.close();
await dir.cleanup();

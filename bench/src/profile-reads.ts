/**
 * A CPU-profile loop of the read paths of issue 18 item 2 — `service.query` (NEW by priority),
 * `store.listInteractions` (operator timeline) and `service.timeline` — next to the same statements
 * run raw through a client that keeps them prepared (calls alternate; CPU time per call and the ratio),
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
const pickId = () => seeded[Math.floor(rnd() * seeded.length)] as string;
const query = (): IncidentQuery => ({
  by: 'status',
  status: 'NEW',
  priority: PRIORITIES[Math.floor(rnd() * 4)],
});

const paths: Record<string, () => Promise<unknown>> = {
  'service.query NEW by priority': () => service.query(query(), { limit: PAGE }, { actor }),
  'store.listInteractions operator': () => store.listInteractions(pickId(), { limit: PAGE, includeInternal: true }),
  'service.timeline': () => service.timeline(pickId(), { limit: PAGE }, { actor }),
};
// The same statements raw (captured from one call each), JSON-parsed as the store does, through a
// client that keeps them prepared (createLocalClient, the store's own driver).
const rawPaths: Record<string, () => Promise<unknown>> = {};
for (const [name, run] of Object.entries(paths)) {
  capture.take();
  await run();
  const stmts: InStatement[] = capture.take();
  rawPaths[name] = async () => {
    for (const s of stmts)
      (await raw.execute(s)).rows.map((r) => (typeof r.doc === 'string' ? JSON.parse(r.doc) : { ...r }));
  };
}
// SDK and raw alternate call by call, so that load from other processes falls on both alike; CPU time
// (process.cpuUsage) around each call.
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (const [name, run] of Object.entries(paths)) {
  const rawRun = rawPaths[name] as () => Promise<unknown>;
  for (let i = 0; i < 200; i++) {
    await run();
    await rawRun();
  }
  let sdk = 0;
  let base = 0;
  for (let i = 0; i < n; i++) {
    const a = cpuMs();
    await run();
    const b = cpuMs();
    await rawRun();
    sdk += b - a;
    base += cpuMs() - b;
  }
  console.log(
    `${name}: SDK ${(sdk / n).toFixed(4)} ms CPU per call, raw prepared ${(base / n).toFixed(4)} ms, ratio ${(sdk / base).toFixed(3)}`,
  );
}
await store.close();
raw.close();
await dir.cleanup();

/**
 * A CPU-profile loop of the read paths of issue 18 item 2 — `service.query` (NEW by priority),
 * `store.listInteractions` (operator timeline) and `service.timeline` — next to the same statements
 * run raw, for attributing the SDK's own cost with `node --cpu-prof`:
 *
 *   cd bench && node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx src/profile-reads.ts 4000
 *
 * Prints the CPU time per call of each path; no results are written.
 *
 * @module
 */
import { type Actor, createIncidentService, type IncidentQuery, PRIORITIES } from '@incidents/core';
import type { InStatement } from '@libsql/client';
import { captureStatements, openRaw, openStore, seedDatabase } from './databases.js';
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
const raw = await openRaw(url);
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
// The same statements raw (captured from one call each), JSON-parsed as the store does.
const rawPaths: Record<string, () => Promise<unknown>> = {};
for (const [name, run] of Object.entries(paths)) {
  capture.take();
  await run();
  const stmts: InStatement[] = capture.take();
  rawPaths[`raw: ${name}`] = async () => {
    for (const s of stmts) (await raw.execute(s)).rows.map((r) => JSON.parse(String(r[0])));
  };
}
for (const [name, run] of Object.entries({ ...paths, ...rawPaths })) {
  for (let i = 0; i < 200; i++) await run();
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) await run();
  const used = process.cpuUsage(cpu);
  console.log(`${name}: ${((used.user + used.system) / 1000 / n).toFixed(4)} ms CPU per call`);
}
await store.close();
raw.close();
await dir.cleanup();

/**
 * A CPU-profile loop of the SDK lifecycle (create → claim → progress → resolve → close), for
 * attributing the SDK's own cost with `node --cpu-prof`:
 *
 *   cd bench && node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx src/profile-lifecycle.ts 3000
 *
 * Prints the wall and CPU time per lifecycle; no results are written.
 *
 * @module
 */
import { type Actor, createIncidentService } from '@incidents/core';
import { openStore, tempDir } from './databases.js';
import { incidentRecord } from './records.js';
import { seededRandom } from './stats.js';

const n = Number(process.argv[2] ?? 3000);
const actor: Actor = { id: 'op0@example.com', roles: ['operator'] };
const dir = await tempDir('incidents-profile-');
const store = await openStore(dir.url('sdk'));
const service = createIncidentService({ store });
const rnd = seededRandom(7);
const ctx = { actor };

async function lifecycle(seq: number): Promise<void> {
  const r = incidentRecord({ seq, rnd, createdAtMs: Date.now(), createdBy: actor.id });
  const created = await service.create(
    {
      title: r.title,
      description: r.description,
      category: r.category,
      severity: r.severity,
      team: r.team,
      affected_systems: r.affected_systems,
      technical_details: r.technical_details,
      tags: r.tags,
    },
    ctx,
  );
  const id = created.incident_id;
  await service.claim(id, ctx);
  await service.updateProgress(
    {
      incident_id: id,
      analysis: { root_cause: 'Expired TLS certificate', diagnosis: 'Handshake failures' },
      progress_notes: `Checked the proxy logs for ${id}`,
    },
    ctx,
  );
  await service.resolve({ incident_id: id, solution: 'Renewed the certificate', steps: ['Renew', 'Restart'] }, ctx);
  await service.close(id, ctx);
}

for (let i = 0; i < 100; i++) await lifecycle(i);
const cpu = process.cpuUsage();
const started = performance.now();
for (let i = 0; i < n; i++) await lifecycle(1000 + i);
const wall = performance.now() - started;
const used = process.cpuUsage(cpu);
console.log(
  `${n} lifecycles: ${(wall / n).toFixed(3)} ms wall, ${((used.user + used.system) / 1000 / n).toFixed(3)} ms CPU per lifecycle`,
);
await store.close();
await dir.cleanup();

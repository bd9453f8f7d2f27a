/**
 * A CPU-profile loop of the SDK lifecycle (create → claim → progress → resolve → close, the same
 * use cases and inputs as the lifecycle benchmark), for attributing the SDK's own cost with
 * `node --cpu-prof`:
 *
 *   cd bench && node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx src/profile-lifecycle.ts 3000
 *
 * Prints the wall and CPU time per lifecycle; no results are written.
 *
 * @module
 */
import { createIncidentService } from '@incidents/core';
import { lifecycleInput, sdkLifecycle } from './benchmarks/lifecycle.js';
import { openStore, tempDir } from './databases.js';
import { seededRandom } from './stats.js';

const n = Number(process.argv[2] ?? 3000);
const dir = await tempDir('profile');
const store = await openStore(dir.url('sdk'));
const service = createIncidentService({ store });
const rnd = seededRandom(7);

for (let i = 0; i < 100; i++) await sdkLifecycle(service, lifecycleInput(i, rnd));
const cpu = process.cpuUsage();
const started = performance.now();
for (let i = 0; i < n; i++) await sdkLifecycle(service, lifecycleInput(1000 + i, rnd));
const wall = performance.now() - started;
const used = process.cpuUsage(cpu);
console.log(
  `${n} lifecycles: ${(wall / n).toFixed(3)} ms wall, ${((used.user + used.system) / 1000 / n).toFixed(3)} ms CPU per lifecycle`,
);
await store.close();
await dir.cleanup();

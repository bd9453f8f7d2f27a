/**
 * Search past incidents in the local knowledge base: close a few incidents, export them with
 * `runKbSync` into a local folder and a libSQL full-text index (no cloud account), then ask
 * `findSimilar` about a new report. Everything lives in a temporary folder.
 *
 * Run: `node --import tsx src/kb-search.ts`
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Actor, createIncidentService, type IncidentService } from '@incidents/core';
import { createDefaultKbSetup, runKbSync } from '@incidents/kb-sync';
import { createTursoStore } from '@incidents/store-turso';

const ana: Actor = { id: 'ana@example.com', roles: ['operator'] };

/** Past incidents, each worked to closure with its root cause and fix. */
const PAST = [
  {
    title: 'Checkout returns 502 after the payments deploy',
    category: 'Payments',
    root_cause: 'Gateway client timeout shorter than the gateway p99',
    solution: 'Raised the gateway client timeout to 10 s and rolled back the deploy',
  },
  {
    title: 'Login emails arrive hours late',
    category: 'Email',
    root_cause: 'Mail queue worker stuck on a poison message',
    solution: 'Moved the poison message to the dead-letter queue and restarted the worker',
  },
  {
    title: 'Disk full on the reporting database host',
    category: 'Infrastructure',
    root_cause: 'Nightly export files never deleted',
    solution: 'Deleted old exports and added a 7-day retention job',
  },
] as const;

async function closeOne(incidents: IncidentService, past: (typeof PAST)[number]): Promise<string> {
  const ctx = { actor: ana };
  const created = await incidents.create({ title: past.title, category: past.category, severity: 'HIGH' }, ctx);
  await incidents.claim(created.incident_id, ctx);
  await incidents.resolve(
    { incident_id: created.incident_id, solution: past.solution, root_cause: past.root_cause },
    ctx,
  );
  await incidents.close(created.incident_id, ctx);
  return created.incident_id;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'incidents-kb-example-'));
  const store = await createTursoStore({ url: pathToFileURL(join(dir, 'incidents.db')).href });
  const kb = await createDefaultKbSetup({ dir });
  try {
    const incidents = createIncidentService({ store, knowledgeBase: kb.knowledgeBase });
    const ids = new Map<string, string>();
    for (const past of PAST) ids.set(await closeOne(incidents, past), past.title);

    const result = await runKbSync({ store, objectStore: kb.objectStore, knowledgeBase: kb.knowledgeBase });
    console.log(`exported ${result.synced} of ${result.found} closed incidents, ingestion ${result.ingestion.status}`);

    const question = 'customers get 502 errors at checkout since the deploy';
    const similar = await incidents.findSimilar({ text: question }, { limit: 3 }, { actor: ana });
    console.log(`similar to "${question}":`);
    for (const hit of similar) console.log(`  ${ids.get(hit.incident_id)} (score ${hit.score.toFixed(2)})`);
  } finally {
    await kb.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

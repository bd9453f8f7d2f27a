/**
 * Close-to-searchable latency on the local default: an incident is closed through the service, then
 * runKbSync (sync + ingestion) runs, then findSimilar finds it. The index already holds N documents.
 *
 *   node --import tsx bench/close-to-searchable.ts [existing=2000] [rounds=10]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIncidentService } from '@incidents/core';
import { createTursoStore } from '@incidents/store-turso';
import { createDefaultKbSetup, runKbSync } from '../src/index.js';
import { ana, closeOne, ctx, THEMES } from '../test/support/desk.js';
import { closedRecord, percentile, rng } from './fixtures.js';

const existing = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 10);
const quiet = { info() {}, warn() {}, error() {} };
const dir = await mkdtemp(join(tmpdir(), 'kb-bench-latency-'));
try {
  const kb = await createDefaultKbSetup({ dir });
  const store = await createTursoStore({ url: `file:${join(dir, 'incidents.db')}` });
  const service = createIncidentService({ store, knowledgeBase: kb.knowledgeBase });
  const rand = rng(3);
  for (let i = 0; i < existing; i += 1000) {
    await store.createIncidents(
      Array.from({ length: Math.min(1000, existing - i) }, (_, j) => ({ incident: closedRecord(i + j, rand) })),
    );
  }
  await runKbSync({
    store,
    objectStore: kb.objectStore,
    knowledgeBase: kb.knowledgeBase,
    metrics: false,
    logger: quiet,
  });
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const id = `NEW-${r}`;
    const unique = `zebracorn${r}`;
    const theme = {
      ...(THEMES[r % THEMES.length] as (typeof THEMES)[number]),
      description: `${unique} failure in the billing export`,
    };
    await closeOne(service, id, theme, r);
    const t = performance.now();
    const result = await runKbSync({
      store,
      objectStore: kb.objectStore,
      knowledgeBase: kb.knowledgeBase,
      metrics: false,
      logger: quiet,
    });
    const hits = await service.findSimilar({ text: unique }, { limit: 3 }, ctx(ana));
    const ms = performance.now() - t;
    if (hits[0]?.incident_id !== id || result.synced !== 1)
      throw new Error(`round ${r}: not found (${JSON.stringify(hits.map((h) => h.incident_id))})`);
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  console.log(
    `close → sync → ingest → found, index of ${existing} documents: median ${percentile(times, 50).toFixed(0)} ms, max ${times.at(-1)?.toFixed(0)} ms (${rounds} rounds)`,
  );
  await store.close();
  await kb.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}

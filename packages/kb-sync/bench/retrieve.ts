/**
 * Local retrieve latency over N documents: documents (+ sidecars) are generated straight into a
 * filesystem object store, ingested once into a file index, then queried.
 *
 *   node --import tsx bench/retrieve.ts [documents=100000] [queries=300]
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEachLimit } from '../src/concurrency.js';
import {
  createFilesystemObjectStore,
  createLocalKnowledgeBase,
  documentKey,
  metadataKey,
  serializeJson,
  toKbDocument,
  toMetadataSidecar,
} from '../src/index.js';
import { THEMES } from '../test/support/desk.js';
import { closedRecord, percentile, rng, words } from './fixtures.js';

const total = Number(process.argv[2] ?? 100_000);
const queries = Number(process.argv[3] ?? 300);
const dir = await mkdtemp(join(tmpdir(), 'kb-bench-retrieve-'));
try {
  const docsDir = join(dir, 'documents');
  await mkdir(join(docsDir, 'incidents', 'closed'), { recursive: true });
  const rand = rng(7);
  let t = performance.now();
  const ids = Array.from({ length: total }, (_, i) => i);
  await forEachLimit(ids, 32, async (i) => {
    const doc = toKbDocument(closedRecord(i, rand));
    const key = documentKey(doc.incident_id);
    await writeFile(join(docsDir, metadataKey(key)), serializeJson(toMetadataSidecar(doc)));
    await writeFile(join(docsDir, key), serializeJson(doc));
  });
  console.log(`generated ${total} documents + sidecars in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const objectStore = createFilesystemObjectStore({ dir: docsDir });
  const kb = await createLocalKnowledgeBase({ url: `file:${join(dir, 'index.db')}`, objectStore, concurrency: 32 });
  t = performance.now();
  const job = await kb.ingest();
  const ingestMs = performance.now() - t;
  console.log(
    `ingested ${job.statistics.numberOfNewDocumentsIndexed} documents in ${(ingestMs / 1000).toFixed(1)} s (${(total / (ingestMs / 1000)).toFixed(0)} docs/s), status ${job.status}`,
  );
  t = performance.now();
  const again = await kb.ingest();
  console.log(
    `re-ingest with nothing changed: ${((performance.now() - t) / 1000).toFixed(1)} s, ${again.statistics.numberOfDocumentsScanned} scanned, ${again.statistics.numberOfModifiedDocumentsIndexed} modified`,
  );

  const qrand = rng(99);
  const run = async (label: string, filters?: Record<string, string>) => {
    const times: number[] = [];
    let hits = 0;
    for (let q = 0; q < queries; q++) {
      const theme = THEMES[Math.floor(qrand() * THEMES.length)] as (typeof THEMES)[number];
      const text = `${theme.description} ${words(qrand, 3)}`;
      const s = performance.now();
      const res = await kb.retrieve({ text, limit: 5, ...(filters ? { filters } : {}) });
      times.push(performance.now() - s);
      hits += res.length;
    }
    times.sort((a, b) => a - b);
    console.log(
      `${label.padEnd(28)} p50 ${percentile(times, 50).toFixed(2)} ms  p95 ${percentile(times, 95).toFixed(2)} ms  p99 ${percentile(times, 99).toFixed(2)} ms  (${queries} queries, ${(hits / queries).toFixed(1)} hits/query)`,
    );
  };
  await run('retrieve (no filter)');
  await run('retrieve (severity filter)', { severity: 'HIGH' });
  await run('retrieve (team + severity)', { team: 'platform', severity: 'CRITICAL' });
  await kb.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}

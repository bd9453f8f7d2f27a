/**
 * Local retrieve latency over N documents of the realistic corpus (bench/corpus.ts): documents
 * (+ sidecars) are generated straight into a filesystem object store, ingested once into a file
 * index, then queried with three kinds of queries, without and with metadata filters.
 *
 *   node --import tsx bench/retrieve.ts [documents=100000] [queriesPerKind=200]
 */
import { stat } from 'node:fs/promises';
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
  toMetadataSidecar,
} from '../src/index.js';
import { type CorpusQuery, createCorpus, rng } from './corpus.js';
import { percentile } from './fixtures.js';

const total = Number(process.argv[2] ?? 100_000);
const perKind = Number(process.argv[3] ?? 200);
const dir = await mkdtemp(join(tmpdir(), 'kb-bench-retrieve-'));
try {
  const corpus = createCorpus(7);
  const docsDir = join(dir, 'documents');
  await mkdir(join(docsDir, 'incidents', 'closed'), { recursive: true });
  let t = performance.now();
  const ids = Array.from({ length: total }, (_, i) => i);
  await forEachLimit(ids, 32, async (i) => {
    const doc = corpus.document(i);
    const key = documentKey(doc.incident_id);
    await writeFile(join(docsDir, metadataKey(key)), serializeJson(toMetadataSidecar(doc)));
    await writeFile(join(docsDir, key), serializeJson(doc));
  });
  console.log(
    `generated ${total} documents + sidecars in ${((performance.now() - t) / 1000).toFixed(1)} s (corpus ${JSON.stringify(corpus.describe())})`,
  );

  const objectStore = createFilesystemObjectStore({ dir: docsDir });
  const indexFile = join(dir, 'index.db');
  const kb = await createLocalKnowledgeBase({ url: `file:${indexFile}`, objectStore, concurrency: 32 });
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
  const sizes = await Promise.all(
    ['', '-wal'].map((s) =>
      stat(indexFile + s).then(
        (x) => x.size,
        () => 0,
      ),
    ),
  );
  console.log(`index size ${((sizes[0] as number) + (sizes[1] as number)) / 1e6} MB (db + wal)`);

  // The same queries for every row: perKind of each kind, interleaved.
  const qrand = rng(99);
  const kinds: CorpusQuery['kind'][] = ['known-error', 'description', 'common-words'];
  const queries: CorpusQuery[] = [];
  for (let q = 0; q < perKind; q++) for (const kind of kinds) queries.push(corpus.query(kind, qrand, total));

  const run = async (label: string, filters?: Record<string, string>) => {
    const times = new Map<string, number[]>(kinds.map((k) => [k, []]));
    const all: number[] = [];
    const cpu: number[] = [];
    let hits = 0;
    let top1 = 0;
    let top5 = 0;
    let known = 0;
    for (const q of queries) {
      const c0 = process.cpuUsage();
      const s = performance.now();
      const res = await kb.retrieve({ text: q.text, limit: 5, ...(filters ? { filters } : {}) });
      const ms = performance.now() - s;
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      times.get(q.kind)?.push(ms);
      all.push(ms);
      hits += res.length;
      if (q.expected && !filters) {
        known++;
        if (res[0]?.incident_id === q.expected) top1++;
        if (res.some((r) => r.incident_id === q.expected)) top5++;
      }
    }
    const fmt = (xs: number[]) => {
      xs.sort((a, b) => a - b);
      return `p50 ${percentile(xs, 50).toFixed(2)}  p95 ${percentile(xs, 95).toFixed(2)}  p99 ${percentile(xs, 99).toFixed(2)} ms`;
    };
    console.log(
      `${label}: all ${queries.length} queries ${fmt(all)} (${(hits / queries.length).toFixed(1)} hits/query)`,
    );
    console.log(`  CPU time per query (independent of machine load): ${fmt(cpu)}`);
    for (const k of kinds) console.log(`  ${k.padEnd(13)} ${fmt(times.get(k) as number[])}`);
    if (known)
      console.log(`  known-error: source incident first in ${top1}/${known}, in the top 5 in ${top5}/${known}`);
  };
  // The first pass after an ingestion also fills the term statistics cache; the second one reuses it.
  await run('retrieve, no filter (first pass after ingestion)');
  await run('retrieve, no filter (second pass)');
  await run('retrieve, severity = HIGH', { severity: 'HIGH' });
  await run('retrieve, team = data + severity = CRITICAL', { team: 'data', severity: 'CRITICAL' });
  await kb.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}

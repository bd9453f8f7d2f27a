/**
 * Documents/s of runKbSync vs the seed's approach (one incident at a time: get, put, update), on
 * the filesystem and on s3rver, over N closed incidents in a store-turso file database.
 *
 *   node --import tsx bench/sync-throughput.ts [fsCount=10000] [s3Count=10000] [latencyCount=10000] [writeLatencyMs=10]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectAll } from '@incidents/core';
import type { TursoStore } from '@incidents/store-turso';
import {
  createFilesystemObjectStore,
  createS3ObjectStore,
  documentKey,
  metadataKey,
  type ObjectStore,
  runKbSync,
  serializeJson,
  toKbDocument,
  toMetadataSidecar,
} from '../src/index.js';
import { seededStore, startS3rver } from './fixtures.js';
import { withLatency } from './latency-store.js';

const count = Number(process.argv[2] ?? 10_000);
const s3Count = Number(process.argv[3] ?? count);
const latCount = Number(process.argv[4] ?? count);
const quiet = { info() {}, warn() {}, error() {} };

/** Seed 001's loop: for each pending incident, in sequence: get, put (doc + sidecar), update. */
async function seedApproach(store: TursoStore, objects: ObjectStore) {
  const ids = (await collectAll((cursor) => store.listPendingKbSync({ limit: 500, cursor }))).map((i) => i.incident_id);
  for (const id of ids) {
    const incident = await store.getIncident(id);
    if (!incident) continue;
    const doc = toKbDocument(incident);
    const key = documentKey(id);
    await objects.put(metadataKey(key), serializeJson(toMetadataSidecar(doc)), { contentType: 'application/json' });
    await objects.put(key, serializeJson(doc), { contentType: 'application/json' });
    await store.markKbSynced({
      incident_id: id,
      expectedRevision: incident.revision,
      synced_at: new Date().toISOString(),
      document_key: key,
    });
  }
  return ids.length;
}

async function measure(label: string, fn: () => Promise<number>) {
  const t = performance.now();
  const n = await fn();
  const ms = performance.now() - t;
  const rate = n / (ms / 1000);
  console.log(
    `${label.padEnd(34)} ${String(n).padStart(6)} docs  ${(ms / 1000).toFixed(2).padStart(7)} s  ${rate.toFixed(0).padStart(7)} docs/s`,
  );
  return rate;
}

const dir = await mkdtemp(join(tmpdir(), 'kb-bench-sync-'));
const s3 = await startS3rver('bench-bucket');
try {
  console.log(
    `kb-sync throughput (store-turso file DB, WAL): filesystem ${count}, s3rver ${s3Count}, +latency ${latCount} closed incidents`,
  );
  const sizes = [count, count, s3Count, s3Count, latCount, latCount];
  const stores = await Promise.all(
    ['fs-seed', 'fs-ours', 's3-seed', 's3-ours', 'lat-seed', 'lat-ours'].map((n, i) =>
      seededStore(dir, n, sizes[i] as number),
    ),
  );
  const [fsSeed, fsOurs, s3Seed, s3Ours, latSeed, latOurs] = stores as [
    TursoStore,
    TursoStore,
    TursoStore,
    TursoStore,
    TursoStore,
    TursoStore,
  ];
  const fs1 = createFilesystemObjectStore({ dir: join(dir, 'docs-seed') });
  const fs2 = createFilesystemObjectStore({ dir: join(dir, 'docs-ours') });
  const b1 = createS3ObjectStore({ bucket: 'bench-bucket', client: s3.client });

  const fsSeedRate = await measure('filesystem, seed approach', () => seedApproach(fsSeed, fs1));
  const fsOursRate = await measure(
    'filesystem, runKbSync',
    async () =>
      (await runKbSync({ store: fsOurs, objectStore: fs2, metrics: false, logger: quiet, concurrency: 32 })).synced,
  );
  const s3SeedRate = await measure('s3rver, seed approach', () => seedApproach(s3Seed, b1));
  const s3OursRate = await measure(
    's3rver, runKbSync',
    async () =>
      (
        await runKbSync({
          store: s3Ours,
          objectStore: createS3ObjectStore({ bucket: 'bench-bucket', client: s3.client }),
          prefix: 'ours/',
          metrics: false,
          logger: quiet,
          concurrency: 32,
        })
      ).synced,
  );
  const latency = Number(process.argv[5] ?? 10);
  const latSeedRate = await measure(`filesystem +${latency}ms/write, seed`, () =>
    seedApproach(latSeed, withLatency(createFilesystemObjectStore({ dir: join(dir, 'lat-seed') }), latency)),
  );
  const latOursRate = await measure(
    `filesystem +${latency}ms/write, runKbSync`,
    async () =>
      (
        await runKbSync({
          store: latOurs,
          objectStore: withLatency(createFilesystemObjectStore({ dir: join(dir, 'lat-ours') }), latency),
          metrics: false,
          logger: quiet,
          concurrency: 64,
        })
      ).synced,
  );
  console.log(
    `speed-up: filesystem ${(fsOursRate / fsSeedRate).toFixed(1)}x, s3rver ${(s3OursRate / s3SeedRate).toFixed(1)}x, filesystem +${latency}ms/write ${(latOursRate / latSeedRate).toFixed(1)}x`,
  );
  await Promise.all(stores.map((s) => s.close()));
} finally {
  await s3.stop();
  await rm(dir, { recursive: true, force: true });
}

/**
 * Documents/s of runKbSync vs the seed's approach (one incident at a time: get, put, update), on
 * the filesystem, on s3rver and on the filesystem with an S3-like delay per write, over N closed
 * incidents in store-turso file databases.
 *
 *   node --expose-gc --import tsx bench/sync-throughput.ts [fsCount=10000] [s3Count=2000] [latencyCount=1000] [writeLatencyMs=10] [rounds=2]
 *
 * `KB_BENCH_DIR=/dev/shm` puts the databases, the documents and s3rver's data on tmpfs instead of
 * the system's temporary folder (a slow virtual disk's file creation then weighs on neither side).
 * `KB_BENCH_TARGETS=filesystem,latency` runs only the named targets (`filesystem`, `s3rver`,
 * `latency`; default all three). `KB_BENCH_CONCURRENCY=n` overrides runKbSync's concurrency of every
 * target, `KB_BENCH_VERBOSE=1` prints each round.
 *
 * Fairness: both approaches use the same store implementation, the same object store and the same
 * documents, in the same process. Each target first runs one un-timed warm-up round of each side
 * (JIT, connections, first folder creations), then `rounds` timed rounds; each round runs both sides
 * back to back on databases of count/rounds incidents, alternating which side goes first, so that a
 * change of machine load hits both sides alike. With `--expose-gc` a full collection runs before each
 * timed side, so neither pays for the other's garbage. Besides the total, each round's own ratio is
 * printed (min / median / max over the rounds). Besides wall time, the CPU time of this process
 * (all threads, user + system) and of the s3rver child is reported: on a shared 2-core machine it
 * bounds what any concurrency can win: the last lines print that bound (the CPU ceiling) and
 * runKbSync's share of it, which is its CPU time over (cores × its wall time).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { collectAll } from '@incidents/core';
import type { TursoStore } from '@incidents/store-turso';
import {
  createFilesystemObjectStore,
  documentKey,
  metadataKey,
  type ObjectStore,
  runKbSync,
  serializeJson,
  toKbDocument,
  toMetadataSidecar,
} from '../src/index.js';
import { createS3ObjectStore } from '../src/s3.js';
import { benchBaseDir, seededStore, startS3rver } from './fixtures.js';
import { withLatency } from './latency-store.js';

const count = Number(process.argv[2] ?? 10_000);
const s3Count = Number(process.argv[3] ?? 2_000);
const latCount = Number(process.argv[4] ?? 1_000);
const latency = Number(process.argv[5] ?? 10);
const rounds = Number(process.argv[6] ?? 2);
const quiet = { info() {}, warn() {}, error() {} };

/** The naive loop of the original design: for each pending incident, in sequence: get, put (doc + sidecar), update. */
async function seedApproach(store: TursoStore, objects: ObjectStore, prefix?: string) {
  const ids = (await collectAll((cursor) => store.listPendingKbSync({ limit: 500, cursor }))).map((i) => i.incident_id);
  for (const id of ids) {
    const incident = await store.getIncident(id);
    if (!incident) continue;
    const doc = toKbDocument(incident);
    const key = documentKey(id, prefix);
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

/** CPU seconds (user + system) of another process, from /proc (Linux). */
async function childCpu(pid: number | undefined): Promise<number> {
  if (!pid) return 0;
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100/s)
  } catch {
    return 0;
  }
}

interface Tally {
  docs: number;
  ms: number;
  cpu: number;
  serverCpu: number;
}
const zero = (): Tally => ({ docs: 0, ms: 0, cpu: 0, serverCpu: 0 });

const gc = (globalThis as { gc?: () => void }).gc;

async function measure(tally: Tally, fn: () => Promise<number>, serverPid?: number) {
  gc?.();
  const c0 = process.cpuUsage();
  const s0 = await childCpu(serverPid);
  const t = performance.now();
  tally.docs += await fn();
  tally.ms += performance.now() - t;
  const c = process.cpuUsage(c0);
  tally.cpu += (c.user + c.system) / 1e6;
  tally.serverCpu += (await childCpu(serverPid)) - s0;
}

const rate = (t: Tally) => t.docs / (t.ms / 1000);
const cores = availableParallelism();

/**
 * The largest speed-up the measured CPU allows: the seed's wall time over the least wall time
 * runKbSync could take doing the CPU work it did, which is its CPU time (this process and the s3rver
 * child together; both use several threads) spread over every core. Both approaches do the same
 * file creations, PUTs and JSON per incident, and the seed loop keeps a core busy nearly all of its
 * wall time, so no amount of concurrency can win more than this on this machine.
 */
const ceiling = (seed: Tally, ours: Tally) => seed.ms / 1000 / ((ours.cpu + ours.serverCpu) / cores);
function line(label: string, t: Tally, withServer: boolean) {
  return `${label.padEnd(38)} ${String(t.docs).padStart(6)} docs ${(t.ms / 1000).toFixed(2).padStart(7)} s ${rate(t).toFixed(0).padStart(6)} docs/s  cpu ${t.cpu.toFixed(1)} s${withServer ? `  s3rver cpu ${t.serverCpu.toFixed(1)} s` : ''}`;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const spread = (xs: number[]) =>
  `${Math.min(...xs).toFixed(1)} / ${median(xs).toFixed(1)} / ${Math.max(...xs).toFixed(1)}`;

const only = (process.env.KB_BENCH_TARGETS ?? 'filesystem,s3rver,latency').split(',').map((t) => t.trim());
const dir = await mkdtemp(join(benchBaseDir(), 'kb-bench-sync-'));
const s3 = only.includes('s3rver') ? await startS3rver('bench-bucket') : null;
try {
  console.log(
    `kb-sync throughput (store-turso file DB, WAL, under ${dir}): filesystem ${count}, s3rver ${s3Count}, +${latency} ms/write ${latCount} closed incidents, ${rounds} alternating rounds after one warm-up round; targets ${only.join(',')}; gc between sides ${gc ? 'on' : 'off (run with --expose-gc)'}`,
  );
  let n = 0;
  const targets = [
    {
      key: 'filesystem',
      label: 'filesystem',
      size: count,
      concurrency: 32,
      objects: (side: string) => createFilesystemObjectStore({ dir: join(dir, `fs-${side}`) }),
      server: false,
    },
    {
      key: 's3rver',
      label: 's3rver',
      size: s3Count,
      concurrency: 32,
      objects: (_side: string) => createS3ObjectStore({ bucket: 'bench-bucket', client: s3?.client }),
      prefix: (side: string) => `${side}/`,
      server: true,
    },
    {
      key: 'latency',
      label: `filesystem +${latency} ms/write`,
      size: latCount,
      // Two sequential 10 ms PUTs per incident: 128 slots keep a round of 250 to two waves of
      // latency; at 64 it is four, and each wave's hand-offs wait for a core on a loaded machine.
      concurrency: 128,
      objects: (side: string) => withLatency(createFilesystemObjectStore({ dir: join(dir, `lat-${side}`) }), latency),
      server: false,
    },
  ].filter((t) => only.includes(t.key));
  const speedups: string[] = [];
  const perRound: string[] = [];
  const ceilings: string[] = [];
  const shares: string[] = [];
  for (const target of targets) {
    const seed = zero();
    const ours = zero();
    const ratios: number[] = [];
    const per = Math.ceil(target.size / rounds);
    const pid = target.server ? s3?.pid : undefined;
    const runSeed = (store: TursoStore, side: string) =>
      seedApproach(store, target.objects(side), target.prefix?.(side));
    const runOurs = async (store: TursoStore, side: string) =>
      (
        await runKbSync({
          store,
          objectStore: target.objects(side),
          ...(target.prefix ? { prefix: target.prefix(side) } : {}),
          metrics: false,
          logger: quiet,
          concurrency: Number(process.env.KB_BENCH_CONCURRENCY ?? target.concurrency),
        })
      ).synced;
    // Warm-up (not timed): JIT of both paths, the object store's folders or connections.
    {
      const warm = Math.min(per, 200);
      const [a, b] = await Promise.all([seededStore(dir, `w${n++}`, warm), seededStore(dir, `w${n++}`, warm)]);
      await runSeed(a, 'seedw');
      await runOurs(b, 'oursw');
      await Promise.all([a.close(), b.close()]);
    }
    for (let r = 0; r < rounds; r++) {
      const [a, b] = await Promise.all([seededStore(dir, `s${n++}`, per), seededStore(dir, `o${n++}`, per)]);
      const s = zero();
      const o = zero();
      // Alternate which side goes first: a drift of the machine's load during a round cancels out.
      if (r % 2 === 0) {
        await measure(s, () => runSeed(a, `seed${r}`), pid);
        await measure(o, () => runOurs(b, `ours${r}`), pid);
      } else {
        await measure(o, () => runOurs(b, `ours${r}`), pid);
        await measure(s, () => runSeed(a, `seed${r}`), pid);
      }
      await Promise.all([a.close(), b.close()]);
      ratios.push(rate(o) / rate(s));
      if (process.env.KB_BENCH_VERBOSE)
        console.log(
          `  round ${r + 1}: seed ${s.ms.toFixed(0)} ms (cpu ${(s.cpu * 1000).toFixed(0)} ms), runKbSync ${o.ms.toFixed(0)} ms (cpu ${(o.cpu * 1000).toFixed(0)} ms): ${(rate(o) / rate(s)).toFixed(1)}x`,
        );
      for (const k of ['docs', 'ms', 'cpu', 'serverCpu'] as const) {
        seed[k] += s[k];
        ours[k] += o[k];
      }
    }
    console.log(line(`${target.label}, seed approach`, seed, target.server));
    console.log(line(`${target.label}, runKbSync`, ours, target.server));
    speedups.push(`${target.label} ${(rate(ours) / rate(seed)).toFixed(1)}x`);
    perRound.push(`${target.label} ${spread(ratios)}`);
    ceilings.push(`${target.label} ${ceiling(seed, ours).toFixed(1)}x`);
    shares.push(`${target.label} ${(((ours.cpu + ours.serverCpu) / cores / (ours.ms / 1000)) * 100).toFixed(0)} %`);
  }
  console.log(`speed-up: ${speedups.join(', ')}`);
  console.log(`speed-up per round (min / median / max of ${rounds}): ${perRound.join(', ')}`);
  console.log(`CPU ceiling on ${cores} cores: ${ceilings.join(', ')}`);
  console.log(`runKbSync's share of the ceiling (its CPU / (${cores} x its wall)): ${shares.join(', ')}`);
} finally {
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
}

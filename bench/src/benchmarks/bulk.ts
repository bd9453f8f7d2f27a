/**
 * Bulk creation of 100,000 incidents through `TursoStore.createIncidents` (one transaction per call),
 * against raw batched multi-row INSERTs of the same rows (version 0 + history version 1) in the same
 * run. Calls alternate between the two databases so that load from other processes hits both alike.
 *
 * @module
 */
import { type Incident, IncidentSchema } from '@incidents/core';
import type { Client } from '@libsql/client';
import { attribute } from '../attribution.js';
import { openRaw, openStore, tempDir, timeDriver } from '../databases.js';
import { watchLoad } from '../environment.js';
import { crockford, incidentRecord } from '../records.js';
import { bulkCreateStatements, compareStoredRows } from '../raw-sql.js';
import { type Benchmark, type BenchmarkRun, count } from '../report.js';
import { cpuMsSince, round, seededRandom, summarize } from '../stats.js';

const TARGET_PER_SECOND = 10_000;

export const bulkBenchmark: Benchmark = {
  name: 'bulk',
  title: 'Bulk creation of 100,000 incidents',
  description:
    'One sample = one `store.createIncidents(writes)` call of 2,000 incidents (one transaction: version 0 + history version 1 each, multi-row INSERTs) on a `file:` database. ' +
    'Baseline = raw `@libsql/client` batch of the same multi-row INSERTs of the same records. Records are generated before each timed call (not timed); calls alternate SDK/raw.',
  score: (run) => {
    const sdk = run.variants.find((v) => v.kind === 'sdk');
    return sdk ? -sdk.throughput.value : Number.POSITIVE_INFINITY;
  },
  async run({ quick, log }): Promise<BenchmarkRun> {
    const total = quick ? 4_000 : 100_000;
    const perCall = quick ? 1_000 : 2_000;
    const calls = total / perCall;
    const dir = await tempDir('bulk');
    const store = await openStore(dir.url('sdk'));
    const raw = await openRaw(dir.url('raw'));
    const rnd = seededRandom(7);
    const baseMs = Date.parse('2026-01-01T00:00:00.000Z');
    let seq = 0;
    const records = (n: number): Incident[] =>
      Array.from({ length: n }, () => {
        const s = seq++;
        return incidentRecord({ seq: s, rnd, createdAtMs: baseMs + s * 1000 });
      });
    const sdkCall = (batch: Incident[]) => store.createIncidents(batch.map((incident) => ({ incident })));
    const rawCall = async (db: Client, batch: Incident[]) => {
      await db.batch(bulkCreateStatements(batch), 'write');
    };
    try {
      // Warm-up: one call each (not counted).
      const warm = records(perCall);
      await sdkCall(warm);
      await rawCall(raw, warm);

      const samples = { sdk: [] as number[], raw: [] as number[] };
      const cpu = { sdk: [] as number[], raw: [] as number[] };
      const stop = watchLoad();
      for (let c = 0; c < calls; c++) {
        const batch = records(perCall);
        const order = c % 2 === 0 ? (['sdk', 'raw'] as const) : (['raw', 'sdk'] as const);
        for (const variant of order) {
          const cpuStart = process.cpuUsage();
          const started = performance.now();
          if (variant === 'sdk') await sdkCall(batch);
          else await rawCall(raw, batch);
          samples[variant].push(performance.now() - started);
          cpu[variant].push(cpuMsSince(cpuStart));
        }
        if ((c + 1) % 10 === 0) log(`  ${count((c + 1) * perCall)} / ${count(total)}`);
      }
      const load = stop();

      // Same records, so the rows must match value for value (except the random write_id).
      const differences: string[] = [];
      for (const id of [`INC-${crockford(0, 10)}`, `INC-${crockford(perCall + total / 2, 10)}`]) {
        differences.push(
          ...(await compareStoredRows(
            { client: store.client, incidentId: id },
            { client: raw, incidentId: id },
            { exact: true },
          )),
        );
      }
      const counts = async (db: Client) =>
        (
          await db.batch(['SELECT count(*) AS n FROM incidents', 'SELECT count(*) AS n FROM incident_versions'], 'read')
        ).map((rs) => Number(rs.rows[0]?.n));
      const [sdkCounts, rawCounts] = await Promise.all([counts(store.client), counts(raw)]);
      if (JSON.stringify(sdkCounts) !== JSON.stringify(rawCounts)) {
        differences.push(`row counts (incidents, versions): SDK ${sdkCounts.join('/')} vs raw ${rawCounts.join('/')}`);
      }

      // Attribution phase (not timed above): a few more calls with timers on validation and the driver.
      const driver = timeDriver(store.client);
      const attributionCalls = quick ? 1 : 5;
      const { buckets, restore } = attribute({
        'zod: Incident records': [
          [IncidentSchema, 'safeParse'],
          [IncidentSchema, 'parse'],
        ],
      });
      const attributionStarted = performance.now();
      try {
        for (let i = 0; i < attributionCalls; i++) await sdkCall(records(perCall));
      } finally {
        restore();
      }
      const attributionMs = performance.now() - attributionStarted;
      const d = driver.read();
      const zod = buckets['zod: Incident records'] ?? { ms: 0, calls: 0 };
      const perCallMs = (ms: number) => round(ms / attributionCalls, 2);
      const profile = {
        [`SDK attribution per call of ${count(perCall)} (separate phase, timers on)`]: {
          calls: attributionCalls,
          'total ms': perCallMs(attributionMs),
          'driver: the write batch': perCallMs(d.batchMs),
          'zod: Incident records': perCallMs(zod.ms),
          'zod validations per incident': round(zod.calls / (attributionCalls * perCall), 2),
          'other JavaScript (checks, row building, JSON.stringify)': perCallMs(attributionMs - d.batchMs - zod.ms),
        },
      };

      const sdkSum = samples.sdk.reduce((a, b) => a + b, 0);
      const rawSum = samples.raw.reduce((a, b) => a + b, 0);
      const sdkRate = (total * 1000) / sdkSum;
      const rawRate = (total * 1000) / rawSum;
      const sdkLatency = summarize(samples.sdk);
      const rawLatency = summarize(samples.raw);
      return {
        variants: [
          {
            name: 'SDK store.createIncidents',
            kind: 'sdk',
            sample: `one call of ${count(perCall)}`,
            latency: sdkLatency,
            cpu: summarize(cpu.sdk),
            throughput: { value: sdkRate, unit: 'incidents/s' },
            ratio: sdkLatency.mean / rawLatency.mean,
          },
          {
            name: 'raw multi-row INSERTs',
            kind: 'baseline',
            sample: `one batch of ${count(perCall)}`,
            latency: rawLatency,
            cpu: summarize(cpu.raw),
            throughput: { value: rawRate, unit: 'incidents/s' },
            ratio: 1,
          },
        ],
        checks: [
          {
            name: 'SDK bulk creation rate',
            target: `≥ ${count(TARGET_PER_SECOND)} incidents/s`,
            measured: `${count(sdkRate)} incidents/s (${round(sdkRate / rawRate, 2)} of the raw rate)`,
            pass: sdkRate >= TARGET_PER_SECOND,
          },
        ],
        load,
        profile,
        sameRows: { ok: differences.length === 0, differences },
        dataset: {
          'incidents timed': total,
          'incidents per call': perCall,
          'incidents in each database at the end': sdkCounts[0] ?? 0,
        },
        notes: [],
        failures: differences.length ? ['the raw baseline did not write the same rows as the SDK'] : [],
      };
    } finally {
      await store.close();
      raw.close();
      await dir.cleanup();
    }
  },
};

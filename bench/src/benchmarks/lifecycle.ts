/**
 * Lifecycle throughput: create → claim → progress → resolve → close on a `file:` database, through
 * the SDK (`createIncidentService` over `createTursoStore`) and through raw `@libsql/client` SQL
 * writing the same rows (version 0 update conditional on the revision, history version, interactions,
 * one batch per change) in the same run. Rounds alternate between the two so that load from other
 * processes hits both alike.
 *
 * @module
 */
import {
  type Actor,
  ActorSchema,
  CreateIncidentInputSchema,
  createIncidentService,
  type Incident,
  IncidentSchema,
  type IncidentService,
  type Interaction,
  InteractionSchema,
  ResolveInputSchema,
  UpdateProgressInputSchema,
} from '@incidents/core';
import type { Client } from '@libsql/client';
import { attribute } from '../attribution.js';
import { openRaw, openRawPrepared, openStore, tempDir, timeDriver } from '../databases.js';
import { watchLoad } from '../environment.js';
import { crockford, incidentRecord } from '../records.js';
import { compareStoredRows, createStatements, updateStatements } from '../raw-sql.js';
import type { Benchmark, BenchmarkRun, VariantResult } from '../report.js';
import { cpuMsSince, round, seededRandom, summarize } from '../stats.js';

const STEPS = ['create', 'claim', 'progress', 'resolve', 'close'] as const;
type Step = (typeof STEPS)[number];
const TARGET_RATIO = 1.5;
/** Issue 18 item 1: the SDK's own overhead over the same SQL through `createLocalClient`. */
const TARGET_PREPARED_RATIO = 1.4;

const actor: Actor = { id: 'op0@example.com', roles: ['operator'] };

/** One lifecycle's input: what the user types, the same for both variants. */
interface LifecycleInput {
  record: Incident;
  analysis: { root_cause: string; diagnosis: string };
  progressNotes: string;
  solution: string;
  steps: string[];
}

export function lifecycleInput(seq: number, rnd: () => number): LifecycleInput {
  const record = incidentRecord({ seq, rnd, createdAtMs: Date.now(), createdBy: actor.id });
  return {
    record,
    analysis: {
      root_cause: 'Expired TLS certificate on the payment gateway',
      diagnosis: 'Handshake failures in the proxy logs',
    },
    progressNotes: `Checked the proxy logs for ${record.incident_id}; handshake failures since 09:12`,
    solution: 'Renewed the certificate and restarted the proxy',
    steps: ['Renew the certificate', 'Restart the proxy', 'Verify checkout'],
  };
}

type Timings = Record<Step, number>;

/** The SDK path: the use cases of the service. */
export async function sdkLifecycle(service: IncidentService, input: LifecycleInput): Promise<Timings> {
  const t: Partial<Timings> = {};
  const ctx = { actor };
  let started = performance.now();
  const r = input.record;
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
  t.create = performance.now() - started;
  const id = created.incident_id;
  started = performance.now();
  await service.claim(id, ctx);
  t.claim = performance.now() - started;
  started = performance.now();
  await service.updateProgress({ incident_id: id, analysis: input.analysis, progress_notes: input.progressNotes }, ctx);
  t.progress = performance.now() - started;
  started = performance.now();
  await service.resolve({ incident_id: id, solution: input.solution, steps: input.steps }, ctx);
  t.resolve = performance.now() - started;
  started = performance.now();
  await service.close(id, ctx);
  t.close = performance.now() - started;
  return t as Timings;
}

/** Monotonic ULID-style ids for the raw path (the SDK's format: 10 time + 4 counter + 8 random). */
export function rawIds() {
  let last = -1;
  let counter = 0;
  return () => {
    const now = Math.max(Date.now(), last);
    counter = now === last ? counter + 1 : 0;
    last = now;
    return `${crockford(now, 10)}${crockford(counter, 4)}${crockford(Math.floor(Math.random() * 2 ** 40), 8)}`;
  };
}

const minutesBetween = (from: string, to: string) =>
  Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 600) / 100);

/**
 * The raw path: the record kept in memory and changed by hand, each change written with the store's
 * statements (conditional UPDATE + guarded INSERTs) in one batch.
 */
export async function rawLifecycle(db: Client, input: LifecycleInput, nextId: () => string): Promise<Timings> {
  const t: Partial<Timings> = {};
  const me = actor.id;
  const entry = (
    incident: Incident,
    e: Omit<Interaction, 'interaction_id' | 'incident_id' | 'revision' | 'created_at' | 'author' | 'source'>,
  ): Interaction => ({
    interaction_id: nextId(),
    incident_id: incident.incident_id,
    revision: incident.revision,
    created_at: incident.updated_at,
    author: me,
    source: 'MANUAL',
    ...e,
  });
  const write = async (step: Step, next: Incident, previous: Incident, rows: Interaction[]) => {
    const results = await db.batch(updateStatements(next, previous.revision, rows), 'write');
    if (results[0]?.rowsAffected !== 1) throw new Error(`raw ${step} of ${next.incident_id}: stale revision`);
  };
  const change = (current: Incident, now: string, notes: string, fields: Partial<Incident>): Incident => ({
    ...current,
    ...fields,
    revision: current.revision + 1,
    updated_at: now,
    metadata: { ...current.metadata, last_modified_by: me, version_notes: notes },
  });

  let started = performance.now();
  let now = new Date().toISOString();
  const due = Date.parse(input.record.due_date as string) - Date.parse(input.record.created_at);
  let current: Incident = {
    ...input.record,
    created_at: now,
    updated_at: now,
    due_date: new Date(Date.parse(now) + due).toISOString(),
  };
  await db.batch(createStatements(current), 'write');
  t.create = performance.now() - started;

  started = performance.now();
  now = new Date().toISOString();
  let next = change(current, now, `claimed by ${me}`, {
    status: 'ASSIGNED',
    assigned_to: me,
    assigned_at: now,
    metrics: { ...current.metrics, response_time_minutes: minutesBetween(current.created_at, now) },
  });
  await write('claim', next, current, [
    entry(next, {
      type: 'assignment',
      text: `Assigned to ${me}`,
      visibility: 'PUBLIC',
      metadata: { from: null, to: me },
    }),
    entry(next, {
      type: 'status_change',
      text: 'NEW → ASSIGNED',
      visibility: 'PUBLIC',
      metadata: { from: 'NEW', to: 'ASSIGNED' },
    }),
  ]);
  current = next;
  t.claim = performance.now() - started;

  started = performance.now();
  now = new Date().toISOString();
  next = change(current, now, 'progress updated', {
    status: 'IN_PROGRESS',
    cline_work: {
      started_at: now,
      last_updated: now,
      developer: me,
      analysis: input.analysis,
      progress_notes: [{ at: now, by: me, text: input.progressNotes }],
      time_tracking: { total_minutes: 0, sessions: [] },
    },
  });
  await write('progress', next, current, [
    entry(next, {
      type: 'status_change',
      text: 'ASSIGNED → IN_PROGRESS',
      visibility: 'PUBLIC',
      metadata: { from: 'ASSIGNED', to: 'IN_PROGRESS' },
    }),
    entry(next, { type: 'comment', text: input.progressNotes, visibility: 'INTERNAL', metadata: { kind: 'progress' } }),
  ]);
  current = next;
  t.progress = performance.now() - started;

  started = performance.now();
  now = new Date().toISOString();
  const work = current.cline_work as NonNullable<Incident['cline_work']>;
  next = change(current, now, 'resolved (FIXED)', {
    status: 'RESOLVED',
    resolved_at: now,
    metrics: { ...current.metrics, resolution_time_minutes: minutesBetween(current.created_at, now) },
    cline_work: { ...work, last_updated: now, solution: { description: input.solution, steps: input.steps } },
    resolution: {
      resolved_by: me,
      resolved_at: now,
      resolution_type: 'FIXED',
      resolution_description: input.solution,
      root_cause: input.analysis.root_cause,
      documentation_updated: false,
    },
  });
  await write('resolve', next, current, [
    entry(next, {
      type: 'status_change',
      text: `IN_PROGRESS → RESOLVED: FIXED: ${input.solution}`,
      visibility: 'PUBLIC',
      metadata: { from: 'IN_PROGRESS', to: 'RESOLVED' },
    }),
  ]);
  current = next;
  t.resolve = performance.now() - started;

  started = performance.now();
  now = new Date().toISOString();
  next = change(current, now, 'close', {
    status: 'CLOSED',
    closed_at: now,
    kb_sync_status: { state: 'PENDING', synced: false, sync_attempts: 0 },
  });
  await write('close', next, current, [
    entry(next, {
      type: 'closure',
      text: 'RESOLVED → CLOSED',
      visibility: 'PUBLIC',
      metadata: { from: 'RESOLVED', to: 'CLOSED' },
    }),
  ]);
  t.close = performance.now() - started;
  return t as Timings;
}

const sum = (t: Timings) => STEPS.reduce((s, k) => s + t[k], 0);

export const lifecycleBenchmark: Benchmark = {
  name: 'lifecycle',
  title: 'Lifecycle throughput (create → claim → progress → resolve → close)',
  description:
    'One sample = one incident taken through the 5 use cases, sequentially, on a `file:` database (WAL, synchronous=NORMAL). ' +
    "SDK = `createIncidentService` over `createTursoStore`; baseline = raw `@libsql/client` writing the same rows with the same statements (conditional UPDATE of version 0, history version, interactions; one batch per change), record kept in memory. A second baseline runs the same raw SQL through `createLocalClient` (statements kept prepared, as the store does for local files), to show the SDK's own overhead. Rounds rotate the order of the three.",
  score: (run) => {
    const sdk = run.variants.find((v) => v.kind === 'sdk');
    return sdk ? sdk.ratio : Number.POSITIVE_INFINITY;
  },
  async run({ quick, log }): Promise<BenchmarkRun> {
    const rounds = quick ? 2 : 10;
    const perRound = quick ? 10 : 100;
    const warmup = quick ? 5 : 40;
    const dir = await tempDir('lifecycle');
    const store = await openStore(dir.url('sdk'));
    const raw = await openRaw(dir.url('raw'));
    const prepared = await openRawPrepared(dir.url('prepared'));
    const driver = timeDriver(store.client);
    const rawDriver = timeDriver(raw);
    const service = createIncidentService({ store });
    const nextId = rawIds();
    const rnd = seededRandom(42);
    let seq = 0;
    type Variant = 'sdk' | 'raw' | 'prepared';
    const samples: Record<Variant, Timings[]> = { sdk: [], raw: [], prepared: [] };
    const runVariant = (variant: Variant, input: LifecycleInput) =>
      variant === 'sdk'
        ? sdkLifecycle(service, input)
        : rawLifecycle(variant === 'raw' ? raw : prepared, input, nextId);
    try {
      for (let i = 0; i < warmup; i++) {
        const input = lifecycleInput(seq++, rnd);
        await sdkLifecycle(service, input);
        await rawLifecycle(raw, input, nextId);
        await rawLifecycle(prepared, input, nextId);
      }
      driver.reset();
      rawDriver.reset();
      const stop = watchLoad();
      const wall = { sdk: 0, raw: 0, prepared: 0 };
      const cpu = { sdk: [] as number[], raw: [] as number[], prepared: [] as number[] };
      const orders: Variant[][] = [
        ['sdk', 'raw', 'prepared'],
        ['raw', 'prepared', 'sdk'],
        ['prepared', 'sdk', 'raw'],
      ];
      for (let round_ = 0; round_ < rounds; round_++) {
        const order = orders[round_ % orders.length] as Variant[];
        // Both variants take the same incidents through the same steps.
        const inputs = Array.from({ length: perRound }, () => lifecycleInput(seq++, rnd));
        for (const variant of order) {
          const started = performance.now();
          for (const input of inputs) {
            const cpuStart = process.cpuUsage();
            samples[variant].push(await runVariant(variant, input));
            cpu[variant].push(cpuMsSince(cpuStart));
          }
          wall[variant] += performance.now() - started;
        }
        log(`  round ${round_ + 1}/${rounds} done`);
      }
      const load = stop();
      const d = driver.read();
      const rd = rawDriver.read();

      // Did both write the same rows? Compare the last incident of each.
      const lastSdk = await store.client.execute('SELECT incident_id FROM incidents ORDER BY rowid DESC LIMIT 1');
      const lastRaw = await raw.execute('SELECT incident_id FROM incidents ORDER BY rowid DESC LIMIT 1');
      const differences = await compareStoredRows(
        { client: store.client, incidentId: String(lastSdk.rows[0]?.incident_id) },
        { client: raw, incidentId: String(lastRaw.rows[0]?.incident_id) },
      );
      const counts = async (db: Client) =>
        (
          await db.batch(
            [
              'SELECT count(*) AS n FROM incidents',
              'SELECT count(*) AS n FROM incident_versions',
              'SELECT count(*) AS n FROM interactions',
            ],
            'read',
          )
        ).map((rs) => Number(rs.rows[0]?.n));
      const [sdkCounts, rawCounts] = await Promise.all([counts(store.client), counts(raw)]);
      if (JSON.stringify(sdkCounts) !== JSON.stringify(rawCounts)) {
        differences.push(
          `row counts (incidents, versions, interactions): SDK ${sdkCounts.join('/')} vs raw ${rawCounts.join('/')}`,
        );
      }

      const n = rounds * perRound;
      const sdkTotal = summarize(samples.sdk.map(sum));
      const rawTotal = summarize(samples.raw.map(sum));
      const ratio = sdkTotal.mean / rawTotal.mean;
      const sdkCpu = summarize(cpu.sdk);
      const rawCpu = summarize(cpu.raw);
      const cpuRatio = sdkCpu.mean / rawCpu.mean;
      const preparedTotal = summarize(samples.prepared.map(sum));
      const preparedRatio = sdkTotal.mean / preparedTotal.mean;
      const preparedCpuRatio = sdkCpu.mean / summarize(cpu.prepared).mean;
      const variants: VariantResult[] = [
        {
          name: 'SDK service',
          kind: 'sdk',
          sample: 'one lifecycle (5 use cases)',
          latency: sdkTotal,
          cpu: sdkCpu,
          throughput: { value: (n * 1000) / wall.sdk, unit: 'lifecycles/s' },
          ratio,
        },
        {
          name: 'raw @libsql/client',
          kind: 'baseline',
          sample: 'one lifecycle (5 batches)',
          latency: rawTotal,
          cpu: rawCpu,
          throughput: { value: (n * 1000) / wall.raw, unit: 'lifecycles/s' },
          ratio: 1,
        },
        {
          name: 'raw, statements kept prepared (createLocalClient)',
          kind: 'baseline',
          sample: 'one lifecycle (5 batches)',
          latency: preparedTotal,
          cpu: summarize(cpu.prepared),
          throughput: { value: (n * 1000) / wall.prepared, unit: 'lifecycles/s' },
          ratio: preparedTotal.mean / rawTotal.mean,
        },
      ];
      for (const step of STEPS) {
        const s = summarize(samples.sdk.map((t) => t[step]));
        const r = summarize(samples.raw.map((t) => t[step]));
        variants.push(
          {
            group: step,
            name: 'SDK',
            kind: 'sdk',
            sample: 'one use case',
            latency: s,
            throughput: { value: 1000 / s.mean, unit: 'ops/s' },
            ratio: s.mean / r.mean,
          },
          {
            group: step,
            name: 'raw',
            kind: 'baseline',
            sample: 'one batch',
            latency: r,
            throughput: { value: 1000 / r.mean, unit: 'ops/s' },
            ratio: 1,
          },
        );
      }
      // Attribution phase (after the timed rounds): the same lifecycles with timers around validation,
      // cloning and JSON, to say where the SDK's extra time goes.
      const attributionRuns = quick ? 5 : 120;
      driver.reset();
      const { buckets, restore } = attribute({
        'zod: Incident records': [
          [IncidentSchema, 'safeParse'],
          [IncidentSchema, 'parse'],
        ],
        'zod: Interaction records': [
          [InteractionSchema, 'safeParse'],
          [InteractionSchema, 'parse'],
        ],
        'zod: use-case inputs and actor': [
          [CreateIncidentInputSchema, 'safeParse'],
          [UpdateProgressInputSchema, 'safeParse'],
          [ResolveInputSchema, 'safeParse'],
          [ActorSchema, 'safeParse'],
        ],
        structuredClone: [[globalThis, 'structuredClone']],
        'JSON.stringify': [[JSON, 'stringify']],
        'JSON.parse': [[JSON, 'parse']],
      });
      const attributionStarted = performance.now();
      try {
        for (let i = 0; i < attributionRuns; i++) await sdkLifecycle(service, lifecycleInput(seq++, rnd));
      } finally {
        restore();
      }
      const attributionMs = performance.now() - attributionStarted;
      const ad = driver.read();
      const perRun = (ms: number) => round(ms / attributionRuns, 3);
      const attributed = Object.values(buckets).reduce((a, b) => a + b.ms, 0) + ad.executeMs + ad.batchMs;
      const attribution: Record<string, number | string> = {
        lifecycles: attributionRuns,
        'total ms per lifecycle': perRun(attributionMs),
        'driver: reads of version 0': perRun(ad.executeMs),
        'driver: write batches': perRun(ad.batchMs),
      };
      for (const [name, b] of Object.entries(buckets)) {
        attribution[name] = perRun(b.ms);
        attribution[`${name} (calls per lifecycle)`] = round(b.calls / attributionRuns, 1);
      }
      attribution['other JavaScript (service, store, awaits)'] = perRun(attributionMs - attributed);

      const per = (ms: number) => round(ms / n, 3);
      const profile = {
        'SDK ms per lifecycle': {
          total: round(sdkTotal.mean, 3),
          'driver reads (execute)': per(d.executeMs),
          'driver writes (batch)': per(d.batchMs),
          'JavaScript above the driver': round(sdkTotal.mean - (d.executeMs + d.batchMs) / n, 3),
          'reads per lifecycle': round(d.executeCalls / n, 2),
          'batches per lifecycle': round(d.batchCalls / n, 2),
        },
        'raw ms per lifecycle': {
          total: round(rawTotal.mean, 3),
          'driver writes (batch)': per(rd.batchMs),
          'JavaScript above the driver': round(rawTotal.mean - (rd.executeMs + rd.batchMs) / n, 3),
          'batches per lifecycle': round(rd.batchCalls / n, 2),
        },
        'SDK attribution (separate phase, timers on)': attribution,
      };
      return {
        variants,
        checks: [
          {
            name: 'SDK time vs raw (mean per lifecycle)',
            target: `≤ ${TARGET_RATIO}×`,
            measured: `${round(ratio, 2)}× (CPU time: ${round(cpuRatio, 2)}×)`,
            pass: ratio <= TARGET_RATIO,
          },
          {
            name: "SDK time vs raw SQL with statements kept prepared (the SDK's own overhead)",
            target: `≤ ${TARGET_PREPARED_RATIO}×`,
            measured: `${round(preparedRatio, 2)}× (CPU time: ${round(preparedCpuRatio, 2)}×)`,
            pass: preparedRatio <= TARGET_PREPARED_RATIO,
          },
        ],
        load,
        profile,
        sameRows: { ok: differences.length === 0, differences },
        dataset: {
          lifecycles: n,
          'warm-up lifecycles': warmup,
          'incidents in each database at the end': sdkCounts[0] ?? 0,
        },
        notes: [
          'The SDK opens local files through `createLocalClient` (prepared statements reused); `@libsql/client` prepares every statement on every call, which for these wide statements costs about as much as running them — that is why the SDK can be faster than raw SQL through `@libsql/client`.',
        ],
        failures: differences.length ? ['the raw baseline did not write the same rows as the SDK'] : [],
      };
    } finally {
      await store.close();
      raw.close();
      prepared.close();
      await dir.cleanup();
    }
  },
};

/**
 * The two hot list queries over 100,000 incidents — "NEW incidents by priority" (the work queue,
 * GSI-1) and "my open incidents" (GSI-2) — through the SDK (`service.query`, `store.queryIncidents`)
 * and the same statement through raw `@libsql/client`, with `EXPLAIN QUERY PLAN` of what the SDK ran.
 *
 * @module
 */
import {
  type Actor,
  ActorSchema,
  createIncidentService,
  type IncidentQuery,
  IncidentQuerySchema,
  IncidentSchema,
  MY_OPEN_STATUSES,
  type Priority,
} from '@incidents/core';
import { columnValues } from '@incidents/store-turso';
import type { InStatement } from '@libsql/client';
import { attributeCalls } from '../attribution.js';
import {
  captureStatements,
  explain,
  openRaw,
  openRawPrepared,
  openStore,
  type QueryPlan,
  seedDatabase,
} from '../databases.js';
import { watchLoad } from '../environment.js';
import { INCIDENT_COLUMNS } from '../raw-sql.js';
import { measureReads } from '../read-loop.js';
import { operator } from '../records.js';
import { type Benchmark, type BenchmarkRun, ratioChecks, type TargetCheck, type VariantResult } from '../report.js';
import { seedIncidents } from '../seed.js';
import { round, seededRandom, summarize } from '../stats.js';

/** Issue 18 item 2: the SDK's time per page over the same statement run raw. */
const TARGET_RATIO = 1.15;
/** The same statement through a client that keeps it prepared: the SDK's own overhead, driver for driver. */
const PREPARED = 'raw, same statement, prepared';
/** The same, reading the document column by index (`columnValues`: no `Row` objects), as the store reads it. */
const PREPARED_VALUES = 'raw, same statement, prepared, by index';
const TARGET_P95_MS = 5;
/** R-ACCESS-1's acceptance figure (docs/REQUIREMENTS.md). */
const REQUIRED_P95_MS = 100;
const PAGE = 50;
const ASSIGNEES = 50;
const JSON_COLUMNS = new Set([
  'affected_systems',
  'affected_services',
  'technical_details',
  'cline_work',
  'resolution',
  'attachments',
  'sync_metadata',
  'metrics',
  'kb_sync_status',
  'tags',
  'labels',
  'metadata',
]);

interface QueryGroup {
  group: string;
  index: string;
  /** A random query of the group. */
  next(rnd: () => number): IncidentQuery;
  /** Queries whose plans are checked (first page and next page each). */
  planned: IncidentQuery[];
  /** The same query with a plain column list (the reference variant). */
  plain(q: IncidentQuery): InStatement;
}

const COLUMNS = INCIDENT_COLUMNS.join(', ');
const OPEN_RANKS = MY_OPEN_STATUSES.map((s) => ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'PENDING'].indexOf(s));

const GROUPS: QueryGroup[] = [
  {
    group: 'NEW incidents by priority',
    index: 'idx_incidents_status_priority',
    next: (rnd) => {
      const p = [undefined, 'P1', 'P2', 'P3', 'P4'][Math.floor(rnd() * 5)] as Priority | undefined;
      return { by: 'status', status: 'NEW', ...(p ? { priority: p } : {}) };
    },
    planned: [
      { by: 'status', status: 'NEW' },
      { by: 'status', status: 'NEW', priority: 'P2' },
    ],
    plain: (q) => {
      const p = q.by === 'status' ? q.priority : undefined;
      return {
        sql: `SELECT ${COLUMNS} FROM incidents WHERE status_rank = 0${p ? ' AND priority = ?' : ''} ORDER BY priority, created_at, incident_id LIMIT ?`,
        args: [...(p ? [p] : []), PAGE + 1],
      };
    },
  },
  {
    group: 'my open incidents',
    index: 'idx_incidents_assignee',
    next: (rnd) => ({
      by: 'assignee',
      assigned_to: operator(Math.floor(rnd() * ASSIGNEES)),
      status: [...MY_OPEN_STATUSES],
    }),
    planned: [{ by: 'assignee', assigned_to: operator(1), status: [...MY_OPEN_STATUSES] }],
    plain: (q) => ({
      sql: `SELECT ${COLUMNS} FROM incidents WHERE assigned_to = ? AND status_rank IN (${OPEN_RANKS.map(() => '?').join(', ')}) ORDER BY status_rank, priority, created_at, incident_id LIMIT ?`,
      args: [q.by === 'assignee' ? q.assigned_to : '', ...OPEN_RANKS, PAGE + 1],
    }),
  },
];

export const queriesBenchmark: Benchmark = {
  name: 'queries',
  title: 'List queries over 100,000 incidents',
  description:
    'One sample = the first page (50) of a list query on a `file:` database of 100,000 incidents (20 % NEW, 30 % ASSIGNED/IN_PROGRESS/PENDING over 50 assignees, 50 % RESOLVED/CLOSED) seeded with raw multi-row INSERTs. ' +
    "\"NEW incidents by priority\" = `{ by: 'status', status: 'NEW' }`, with no priority filter or one of P1–P4 at random; \"my open incidents\" = `{ by: 'assignee', assigned_to, status: MY_OPEN_STATUSES }` for a random one of 50 operators. " +
    'SDK = `service.query` (as an operator) and `store.queryIncidents`; baseline = the exact statement the SDK ran, on a raw `@libsql/client` connection to the same file (rows JSON-parsed); reference = the same query with a plain column list (JSON columns parsed). Variant order rotates per round.',
  score: (run) => Math.max(...run.variants.filter((v) => v.kind === 'sdk').map((v) => v.latency.p95)),
  async run({ quick, log }): Promise<BenchmarkRun> {
    const total = quick ? 5_000 : 100_000;
    const rounds = quick ? 2 : 10;
    const perRound = quick ? 50 : 200;
    const { dir, url, seedMs } = await seedDatabase('queries', (loader) =>
      seedIncidents(loader, {
        count: total,
        assignees: ASSIGNEES,
        mix: { NEW: 0.2, ASSIGNED: 0.1, IN_PROGRESS: 0.15, PENDING: 0.05, RESOLVED: 0.2, CLOSED: 0.3 },
      }),
    );
    log(`  data set ready in ${(seedMs / 1000).toFixed(1)} s`);
    const raw = await openRaw(url);
    // The same statements through a client that keeps them prepared (the store's own local client).
    const rawPrepared = await openRawPrepared(url);
    const store = await openStore(url);
    try {
      const service = createIncidentService({ store });
      const capture = captureStatements(store.client);
      const rnd = seededRandom(5);
      const variants: VariantResult[] = [];
      const plans: { name: string; plan: QueryPlan }[] = [];
      const failures: string[] = [];
      const profile: Record<string, Record<string, number>> = {};
      const stop = watchLoad();
      for (const g of GROUPS) {
        const statements = new Map<IncidentQuery, InStatement>();
        const keys = () => Array.from({ length: perRound }, () => g.next(rnd));
        const prepare = async (round: IncidentQuery[]) => {
          for (const q of round) {
            capture.take();
            const page = await store.queryIncidents(q, { limit: PAGE });
            if (!quick && page.items.length !== PAGE)
              throw new Error(`${JSON.stringify(q)}: expected a full page of ${PAGE}, got ${page.items.length}`);
            const ran = capture.take();
            if (ran.length !== 1)
              throw new Error(`store.queryIncidents ran ${ran.length} statements for a first page, expected 1`);
            statements.set(q, ran[0] as InStatement);
          }
        };
        const actorFor = (q: IncidentQuery): Actor => ({
          id: q.by === 'assignee' ? q.assigned_to : operator(0),
          roles: ['operator'],
        });
        const list = [
          {
            name: 'SDK service.query',
            read: (q: IncidentQuery) => service.query(q, { limit: PAGE }, { actor: actorFor(q) }),
          },
          { name: 'SDK store.queryIncidents', read: (q: IncidentQuery) => store.queryIncidents(q, { limit: PAGE }) },
          {
            // The store's statement selects one JSON document per row; parse each, as the store does.
            name: 'raw, same statement',
            read: async (q: IncidentQuery) =>
              (await raw.execute(statements.get(q) as InStatement)).rows.map((r) => JSON.parse(String(r[0]))),
          },
          {
            // The same, prepared once and reused (what a hand-written caller of this SQL could do at best).
            name: PREPARED,
            read: async (q: IncidentQuery) =>
              (await rawPrepared.execute(statements.get(q) as InStatement)).rows.map((r) => JSON.parse(String(r[0]))),
          },
          {
            // The same, reading the document column without `Row` objects, as the store does.
            name: PREPARED_VALUES,
            read: async (q: IncidentQuery) =>
              columnValues(await rawPrepared.execute(statements.get(q) as InStatement), 0).map((d) =>
                JSON.parse(String(d)),
              ),
          },
          {
            name: 'raw, plain column list',
            read: async (q: IncidentQuery) =>
              (await raw.execute(g.plain(q))).rows.map((r) => {
                const o: Record<string, unknown> = {};
                for (const c of INCIDENT_COLUMNS) {
                  const v = r[c];
                  o[c] = JSON_COLUMNS.has(c) && typeof v === 'string' ? JSON.parse(v) : v;
                }
                return o;
              }),
          },
        ];
        const samples = await measureReads({
          variants: list,
          keys,
          rounds,
          warmup: keys().slice(0, quick ? 10 : 50),
          beforeRound: prepare,
        });
        const baseline = summarize(samples.wall['raw, same statement'] as number[]);
        for (const v of list) {
          const latency = summarize(samples.wall[v.name] as number[]);
          variants.push({
            group: g.group,
            name: v.name,
            kind: v.name === 'raw, same statement' ? 'baseline' : v.name.startsWith('raw') ? 'reference' : 'sdk',
            sample: `one page of ${PAGE}`,
            latency,
            cpu: summarize(samples.cpu[v.name] as number[]),
            throughput: { value: 1000 / latency.mean, unit: 'pages/s' },
            ratio: latency.mean / baseline.mean,
          });
        }

        // Attribution (separate phase, timers on): how much of a service page is validation and JSON.
        const sample = keys();
        profile[g.group] = await attributeCalls(
          quick ? 20 : 200,
          (i) => {
            const q = sample[i % sample.length] as IncidentQuery;
            return service.query(q, { limit: PAGE }, { actor: actorFor(q) });
          },
          {
            'zod: Incident records': [
              [IncidentSchema, 'safeParse'],
              [IncidentSchema, 'parse'],
            ],
            'zod: query and actor': [
              [IncidentQuerySchema, 'safeParse'],
              [ActorSchema, 'safeParse'],
            ],
            'JSON.parse': [[JSON, 'parse']],
          },
        );

        // Plans of what the SDK ran: a first page and the next page (keyset cursor).
        for (const q of g.planned) {
          capture.take();
          const first = await store.queryIncidents(q, { limit: PAGE });
          await store.queryIncidents(q, { limit: PAGE, cursor: first.cursor });
          for (const [i, stmt] of capture.take().entries()) {
            const plan = await explain(raw, stmt);
            const name = `${g.group} ${JSON.stringify(q)}, ${i === 0 ? 'first page' : `next page, statement ${i}`}`;
            plans.push({ name, plan });
            if (plan.tempBTree) failures.push(`${name} uses a temporary B-tree: ${plan.plan.join(' | ')}`);
            if (!plan.indexes.includes(g.index))
              failures.push(`${name} does not use ${g.index}: ${plan.plan.join(' | ')}`);
          }
        }
      }
      const load = stop();
      const checks: TargetCheck[] = variants
        .filter((v) => v.kind === 'sdk')
        .map((v) => ({
          name: `${v.group}: ${v.name} p95`,
          target: `≤ ${TARGET_P95_MS} ms (R-ACCESS-1: < ${REQUIRED_P95_MS} ms)`,
          measured: `${round(v.latency.p95, 3)} ms`,
          pass: v.latency.p95 <= TARGET_P95_MS,
        }));
      // Issue 18 item 2: the SDK's cost over the same statement run raw (same run, mean; CPU mean too).
      checks.push(...ratioChecks(variants, TARGET_RATIO, [PREPARED, PREPARED_VALUES]));
      checks.push({
        name: 'EXPLAIN QUERY PLAN',
        target: "the pattern's index, no temporary B-tree",
        measured: failures.length ? 'see failures' : 'as designed',
        pass: failures.length === 0,
      });
      const stats = await raw.batch(
        ['SELECT count(*) FROM incidents', 'PRAGMA page_count', 'PRAGMA page_size'],
        'read',
      );
      const n = (i: number) => Number(stats[i]?.rows[0]?.[0]);
      return {
        variants,
        checks,
        load,
        plans,
        profile: { 'SDK service.query attribution (separate phase, timers on)': profile },
        dataset: {
          incidents: n(0),
          'database MB': round((n(1) * n(2)) / 2 ** 20, 0),
          'seeding s': round(seedMs / 1000, 1),
          'pages per variant and query': rounds * perRound,
        },
        notes: [],
        failures,
      };
    } finally {
      await store.close();
      raw.close();
      rawPrepared.close();
      await dir.cleanup();
    }
  },
};

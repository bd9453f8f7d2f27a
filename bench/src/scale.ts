/**
 * Flat cost as data grows (issue 18 item 3): the timeline (latest 50 of one incident) and the two
 * list queries (NEW incidents by priority; my open incidents) on databases of growing size — 1k
 * incidents / 10k interactions, ×10 per step — through the SDK (`service.timeline`, `service.query`).
 * Prints p50/p95 wall and CPU per page for each size, the ratio of each p95 to the smallest size's,
 * EXPLAIN QUERY PLAN of the statements the store ran, database bytes per incident and per
 * interaction, and the 1-minute load average.
 *
 *   pnpm --filter @incidents/bench scale                      1k … 100k incidents (10k … 1M interactions)
 *   pnpm --filter @incidents/bench scale -- --max 1000000     up to 1M incidents / 10M interactions
 *   pnpm --filter @incidents/bench scale -- --runs 3 --quick
 *
 * Each size is seeded with the bulk path of `seed.ts` (raw multi-row INSERTs; interactions by an
 * `INSERT … SELECT` over a recursive sequence), 100 interactions on each of a tenth of the incidents
 * (so every timeline sample is a full page of 50), one assignee per 2,000 incidents (full pages of
 * "my open incidents" at every size; a diagnostic twin of that page always asks for the same assignee).
 * Writes `bench/results/scale.json` (not with --quick).
 *
 * @module
 */
import { stat, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type Actor, createIncidentService, type IncidentQuery, MY_OPEN_STATUSES, PRIORITIES } from '@incidents/core';
import type { InStatement } from '@libsql/client';
import { captureStatements, explain, openStore, seedDatabase } from './databases.js';
import { measureReads } from './read-loop.js';
import { operator } from './records.js';
import { seedIncidents, seedInteractions } from './seed.js';
import { round, seededRandom, summarize } from './stats.js';

const TARGET = 1.5;
const PAGE = 50;

function args(argv: readonly string[]) {
  let max = 100_000;
  let runs = 1;
  let quick = false;
  let cacheMib: number | undefined;
  const alsoPragmas: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--max') max = Number(argv[++i]);
    else if (a === '--runs') runs = Number(argv[++i]);
    else if (a === '--quick') quick = true;
    else if (a === '--cache-mib') cacheMib = Number(argv[++i]);
    else if (a === '--also-pragma') {
      const v = String(argv[++i]);
      if (!v.split(';').every((part) => /^[a-z_]+\s*=\s*-?\d+$/.test(part)))
        throw new Error('--also-pragma takes name=number[;name=number…], e.g. cache_size=-262144');
      alsoPragmas.push(v);
    } else if (a === '--') continue;
    else if (a === '--help' || a === '-h') {
      console.log(
        'scale [--max INCIDENTS (1000…1000000; default 100000)] [--runs N] [--quick] [--cache-mib N (diagnostic: SQLite page cache of the measured connection; not written to the results)] [--also-pragma name=N[;name=N] …: after the default pass, one more pass per option on the same connection and file, pragmas cumulative; reported under "also"]',
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (!Number.isInteger(max) || max < 1000) throw new Error('--max takes a whole number ≥ 1000');
  return { max, runs, quick, cacheMib, alsoPragmas };
}

interface SizeResult {
  incidents: number;
  interactions: number;
  seedSeconds: number;
  bytes: { file: number; perIncident: number; perInteraction: number };
  pages: Record<string, { p50: number; p95: number; cpuP50: number; cpuP95: number; runsP95: number[] }>;
  plans: Record<string, string[]>;
  load: [number, number];
  /** Extra passes on the same file with a pragma applied (diagnostics; `--also-pragma`). */
  also?: { pragma: string; pages: SizeResult['pages'] }[];
}

async function measureSize(
  incidents: number,
  runs: number,
  quick: boolean,
  log: (s: string) => void,
  cacheMib?: number,
  alsoPragmas: readonly string[] = [],
) {
  const interactions = incidents * 10;
  // One assignee per 2,000 incidents: every assignee has ~600 open incidents at every size, so "my open
  // incidents" returns a full page of 50 at the smallest size too (a partial page would be cheaper).
  const assignees = Math.max(1, Math.round(incidents / 2000));
  let bytesIncidents = 0;
  const dbStarted = performance.now();
  const {
    dir,
    url,
    seeded: ids,
  } = await seedDatabase(`scale-${incidents}`, async (loader) => {
    const seededIds = await seedIncidents(loader, {
      count: incidents,
      assignees,
      versions: true,
      mix: { NEW: 0.2, ASSIGNED: 0.1, IN_PROGRESS: 0.15, PENDING: 0.05, RESOLVED: 0.2, CLOSED: 0.3 },
    });
    await loader.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    const pages = await loader.batch(['PRAGMA page_count', 'PRAGMA page_size', 'PRAGMA freelist_count'], 'read');
    const n = (i: number) => Number(Object.values(pages[i]?.rows[0] ?? {})[0]);
    bytesIncidents = (n(0) - n(2)) * n(1);
    // 100 interactions on each of a tenth of the incidents (spread over the id range).
    const busy = seededIds.filter((_, i) => i % 10 === 0);
    await seedInteractions(loader, busy, interactions);
    return busy;
  });
  const seedSeconds = (performance.now() - dbStarted) / 1000;
  const store = await openStore(url);
  try {
    if (cacheMib !== undefined) await store.client.execute(`PRAGMA cache_size = -${Math.round(cacheMib * 1024)}`);
    const file = (await stat(fileURLToPath(url))).size;
    const service = createIncidentService({ store });
    const capture = captureStatements(store.client);
    const rnd = seededRandom(3);
    const opActor: Actor = { id: operator(0), roles: ['operator'] };
    const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)] as T;
    const newQuery = (): IncidentQuery => {
      const p = Math.floor(rnd() * 5);
      return p === 4 ? { by: 'status', status: 'NEW' } : { by: 'status', status: 'NEW', priority: PRIORITIES[p] };
    };
    const mineQuery = (): IncidentQuery => ({
      by: 'assignee',
      assigned_to: operator(Math.floor(rnd() * assignees)),
      status: MY_OPEN_STATUSES,
    });
    // Diagnostic twin of "my open incidents": always the same assignee, so the rows it reads (that
    // assignee's latest 50 open incidents) are the same few pages at every size. Against the page
    // above (one of `assignees` assignees, a number that grows with the table) it separates the cost
    // of the statement on a larger table from the cost of a working set that grows with the data.
    const oneAssignee = (): IncidentQuery => ({ by: 'assignee', assigned_to: operator(0), status: MY_OPEN_STATUSES });
    type Key = { kind: 'timeline'; id: string } | { kind: 'new' | 'mine'; q: IncidentQuery };
    const kinds: Record<string, () => Key> = {
      'timeline (latest 50)': () => ({ kind: 'timeline', id: pick(ids) }),
      'NEW incidents by priority': () => ({ kind: 'new', q: newQuery() }),
      'my open incidents': () => ({ kind: 'mine', q: mineQuery() }),
      'my open incidents, one assignee (diagnostic)': () => ({ kind: 'mine', q: oneAssignee() }),
    };
    const read = (k: Key) =>
      k.kind === 'timeline'
        ? service.timeline(k.id, { limit: PAGE }, { actor: opActor })
        : service.query(
            k.q,
            { limit: PAGE },
            {
              actor: k.q.by === 'assignee' ? { id: k.q.assigned_to, roles: ['operator'] } : opActor,
            },
          );
    const result: SizeResult = {
      incidents,
      interactions,
      seedSeconds: round(seedSeconds, 1),
      bytes: {
        file,
        perIncident: round(bytesIncidents / incidents, 0),
        perInteraction: round((file - bytesIncidents) / interactions, 0),
      },
      pages: {},
      plans: {},
      load: [loadavg()[0] ?? 0, 0],
    };
    const measureKinds = async (pages: SizeResult['pages'], plans: boolean, label: string) => {
      for (const [name, next] of Object.entries(kinds)) {
        const perRun: { wall: number[]; cpu: number[] }[] = [];
        for (let r = 0; r < runs; r++) {
          const samples = await measureReads<Key>({
            variants: [{ name, read }],
            keys: () => Array.from({ length: quick ? 50 : 200 }, next),
            rounds: quick ? 2 : 5,
            // 300 untimed pages: the JIT is warm at the first (smallest) size too, and the page cache
            // holds what a steady stream of these pages keeps in it.
            warmup: Array.from({ length: quick ? 50 : 300 }, next),
          });
          perRun.push({ wall: samples.wall[name] as number[], cpu: samples.cpu[name] as number[] });
        }
        // The median run by p95 is reported; every run's p95 is kept.
        const runsP95 = perRun.map((x) => summarize(x.wall).p95);
        const median = [...perRun].sort((a, b) => summarize(a.wall).p95 - summarize(b.wall).p95)[
          Math.floor((perRun.length - 1) / 2)
        ] as { wall: number[]; cpu: number[] };
        const wall = summarize(median.wall);
        const cpu = summarize(median.cpu);
        pages[name] = {
          p50: round(wall.p50),
          p95: round(wall.p95),
          cpuP50: round(cpu.p50),
          cpuP95: round(cpu.p95),
          runsP95: runsP95.map((x) => round(x)),
        };
        // The plans of what the SDK ran for one sample.
        if (!plans) {
          log(`  ${name}${label}: p50 ${round(wall.p50)} / p95 ${round(wall.p95)} ms, CPU p95 ${round(cpu.p95)} ms`);
          continue;
        }
        capture.take();
        await read(next());
        const ran: InStatement[] = capture.take();
        result.plans[name] = [];
        for (const stmt of ran) {
          const plan = await explain(store.client, stmt);
          result.plans[name].push(...plan.plan);
        }
        log(
          `  ${name}: p95 ${round(wall.p95)} ms (runs ${runsP95.map((x) => round(x)).join(' / ')}), CPU p95 ${round(cpu.p95)} ms`,
        );
      }
    };
    await measureKinds(result.pages, true, '');
    for (const pragma of alsoPragmas) {
      for (const part of pragma.split(';')) await store.client.execute(`PRAGMA ${part}`);
      const pages: SizeResult['pages'] = {};
      await measureKinds(pages, false, ` [${pragma}]`);
      result.also = [...(result.also ?? []), { pragma, pages }];
    }
    result.load[1] = loadavg()[0] ?? 0;
    return result;
  } finally {
    await store.close();
    await dir.cleanup();
  }
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const o = args(process.argv.slice(2));
  const sizes: number[] = [];
  for (let n = o.quick ? 1000 : 1000; n <= (o.quick ? 10_000 : o.max); n *= 10) sizes.push(n);
  const results: SizeResult[] = [];
  for (const n of sizes) {
    console.log(
      `» ${n.toLocaleString('en-US')} incidents, ${(n * 10).toLocaleString('en-US')} interactions (load ${round(loadavg()[0] ?? 0, 2)})`,
    );
    const r = await measureSize(n, o.runs, o.quick, console.log, o.cacheMib, o.alsoPragmas);
    console.log(
      `  seeded in ${r.seedSeconds} s; ${(r.bytes.file / 1e6).toFixed(1)} MB: ${r.bytes.perIncident} B per incident (with history version 1), ${r.bytes.perInteraction} B per interaction`,
    );
    results.push(r);
  }
  const first = results[0] as SizeResult;
  const last = results.at(-1) as SizeResult;
  const lines = [
    '',
    '| incidents | interactions | seed s | bytes / incident | bytes / interaction | ' +
      Object.keys(first.pages)
        .map((k) => `${k} p50 / p95 ms (CPU p95)`)
        .join(' | ') +
      ' | load |',
    `|--:|--:|--:|--:|--:|${Object.keys(first.pages)
      .map(() => '--:')
      .join('|')}|--:|`,
    ...results.map(
      (r) =>
        `| ${r.incidents.toLocaleString('en-US')} | ${r.interactions.toLocaleString('en-US')} | ${r.seedSeconds} | ${r.bytes.perIncident} | ${r.bytes.perInteraction} | ` +
        Object.values(r.pages)
          .map((p) => `${p.p50} / ${p.p95} (${p.cpuP95})`)
          .join(' | ') +
        ` | ${round(r.load[0], 2)} → ${round(r.load[1], 2)} |`,
    ),
    '',
    '| page | p95 smallest | p95 largest | ratio (wall) | ratio (CPU p95) | target ≤ 1.5× |',
    '|---|--:|--:|--:|--:|---|',
    ...Object.keys(first.pages).map((k) => {
      const a = first.pages[k] as SizeResult['pages'][string];
      const b = last.pages[k] as SizeResult['pages'][string];
      const ratio = b.p95 / a.p95;
      return `| ${k} | ${a.p95} | ${b.p95} | ${round(ratio, 2)}× | ${round(b.cpuP95 / a.cpuP95, 2)}× | ${k.includes('(diagnostic)') ? '(no target)' : ratio <= TARGET ? 'PASS' : 'FAIL'} |`;
    }),
    ...(last.also ?? []).flatMap((pass, i) => [
      '',
      `With PRAGMA ${pass.pragma} (extra pass on the same files after the default one):`,
      '| page | p50 per size ms | CPU p95 per size ms | p95 per size ms | p95 ratio (wall / CPU) |',
      '|---|--:|--:|--:|--:|',
      ...Object.keys(pass.pages).map((k) => {
        const per = results.map((r) => r.also?.[i]?.pages[k]);
        const a = per[0];
        const b = per.at(-1);
        return `| ${k} | ${per.map((p) => p?.p50).join(' / ')} | ${per.map((p) => p?.cpuP95).join(' / ')} | ${per.map((p) => p?.p95).join(' / ')} | ${a && b ? `${round(b.p95 / a.p95, 2)}× / ${round(b.cpuP95 / a.cpuP95, 2)}×` : ''} |`;
      }),
    ]),
    '',
    `Plans at ${last.incidents.toLocaleString('en-US')} incidents:`,
    ...Object.entries(last.plans).map(([k, p]) => `  ${k}: ${p.join(' | ')}`),
  ];
  console.log(lines.join('\n'));
  if (!o.quick && o.cacheMib === undefined) {
    const out = fileURLToPath(new URL('../results/scale.json', import.meta.url));
    await writeFile(
      out,
      `${JSON.stringify({ benchmark: 'scale', command: `pnpm --filter @incidents/bench scale -- ${process.argv.slice(2).join(' ')}`.trim(), date: new Date().toISOString(), target: TARGET, results }, null, 2)}\n`,
    );
  }
}

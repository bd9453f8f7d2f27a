/**
 * SVG charts of the benchmark results, rendered in Node by Vega-Lite + Vega (no browser):
 *
 * - `sdk-vs-raw.svg` — the SDK's time over the same raw statement, per benchmark variant
 *   (`bench/results/{lifecycle,queries,timeline,bulk}.json`), the scale curves (`bench/results/scale.json`,
 *   `pnpm --filter @incidents/bench scale`);
 * - `scale-dynamo.svg` — the same curves on DynamoDB Local, with capacity units per call
 *   (`packages/store-dynamo/bench/results/scale.json`, written by `packages/store-dynamo/bench/scale.ts`);
 * - `cli-startup.svg` — `incidents --help`, `incidents list`, `incidents-mcp` against `node -e 0`
 *   (and `cli-startup-cpu.svg`, their CPU time per process, when the results have it)
 *   (`bench/results/cli-startup.json`);
 * - `lambda-cold-start.svg` — each handler's init over the DynamoDB floor handler
 *   (`apps/lambda/bench/results/cold-start.json`, written by `pnpm --filter @incidents/lambda bench:cold-start`).
 *
 * A bar whose target is missed is drawn red; a met target green; no target grey. Dashed rules mark
 * the targets. Missing result files are skipped with a note.
 *
 *   pnpm bench:charts        # writes docs/charts/*.svg
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const OUT = join(root, 'docs', 'charts');

/** One bar: a label, a value, and whether it meets its target (`null`: no target). */
interface Bar {
  label: string;
  value: number;
  pass: boolean | null;
  group?: string;
}

const COLORS = { domain: ['pass', 'FAIL', 'no target'], range: ['#2e7d32', '#c62828', '#9e9e9e'] };

function barChart(
  title: string,
  unit: string,
  bars: Bar[],
  rules: Array<{ value: number; label: string }>,
): TopLevelSpec {
  const values = bars.map((b) => ({
    ...b,
    status: b.pass === null ? 'no target' : b.pass ? 'pass' : 'FAIL',
    text: `${b.value.toFixed(unit === '×' ? 2 : 0)}${unit === '×' ? '×' : ` ${unit}`}`,
  }));
  const x = { field: 'value', type: 'quantitative' as const, title: unit === '×' ? 'ratio' : unit };
  const y = { field: 'label', type: 'nominal' as const, sort: null, title: null, axis: { labelLimit: 320 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 460,
    background: 'white',
    layer: [
      {
        data: { values },
        mark: 'bar',
        encoding: {
          y,
          x,
          color: { field: 'status', type: 'nominal', scale: COLORS, legend: { title: 'target' } },
        },
      },
      {
        data: { values },
        mark: { type: 'text', align: 'left', dx: 3 },
        encoding: { y, x, text: { field: 'text' } },
      },
      ...rules.map((r) => ({
        data: { values: [r] },
        mark: { type: 'rule' as const, strokeDash: [4, 3], color: '#555' },
        encoding: { x: { field: 'value', type: 'quantitative' as const } },
      })),
    ],
  } as TopLevelSpec;
}

async function render(name: string, spec: TopLevelSpec): Promise<void> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  writeFileSync(join(OUT, name), `${svg}\n`);
  console.log(`wrote docs/charts/${name}`);
}

const readJson = <T>(path: string): T | undefined =>
  existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;

interface Variant {
  group?: string;
  name: string;
  kind: string;
  ratio?: number;
}

/** Targets of the SDK-vs-raw ratio per benchmark (issue "Performance, round 2": lists and timeline ≤ 1.15×). */
const RATIO_TARGETS: Record<string, number | undefined> = { lifecycle: 1.5, queries: 1.15, timeline: 1.15 };

async function sdkVsRaw(): Promise<void> {
  const bars: Bar[] = [];
  for (const bench of ['lifecycle', 'bulk', 'queries', 'timeline']) {
    const file = readJson<{ result: { variants: Variant[] } }>(join(root, 'bench', 'results', `${bench}.json`));
    if (!file) continue;
    for (const v of file.result.variants) {
      if (v.kind !== 'sdk' || typeof v.ratio !== 'number') continue;
      // The lifecycle's per-use-case rows are parts of the whole; chart the whole only.
      if (bench === 'lifecycle' && v.group) continue;
      const target = RATIO_TARGETS[bench];
      bars.push({
        label: `${bench}: ${v.group ? `${v.group} — ` : ''}${v.name}`,
        value: v.ratio,
        pass: target === undefined ? null : v.ratio <= target,
      });
      // Issue 18 item 1: the SDK against the same SQL with statements kept prepared (≤ 1.4×).
      const prepared = file.result.variants.find((x) => x.name.includes('kept prepared'));
      if (bench === 'lifecycle' && typeof prepared?.ratio === 'number') {
        const value = v.ratio / prepared.ratio;
        bars.push({ label: `${bench}: ${v.name} ÷ raw SQL, statements kept prepared`, value, pass: value <= 1.4 });
      }
    }
  }
  if (bars.length === 0) return console.log('sdk-vs-raw: no results in bench/results, skipped');
  await render(
    'sdk-vs-raw.svg',
    barChart('SDK time ÷ the same raw statement (libSQL)', '×', bars, [
      { value: 1, label: 'raw' },
      { value: 1.15, label: 'target (lists, timeline)' },
    ]),
  );
}

interface ScaleResult {
  incidents: number;
  interactions: number;
  pages: Record<string, { p95: number; cpuP95: number }>;
}

/** Issue 18 item 3: p95 (wall and CPU) per page against the data size; red when the largest > 1.5× the smallest. */
async function scaleCurves(): Promise<void> {
  const file = readJson<{ target: number; results: ScaleResult[] }>(join(root, 'bench', 'results', 'scale.json'));
  if (!file || file.results.length < 2) return console.log('scale: no bench/results/scale.json, skipped');
  const first = file.results[0] as ScaleResult;
  const last = file.results.at(-1) as ScaleResult;
  const values = file.results.flatMap((r) =>
    Object.entries(r.pages).flatMap(([page, p]) => {
      const base = first.pages[page]?.p95 ?? p.p95;
      const pass = (last.pages[page]?.p95 ?? 0) <= file.target * base;
      return [
        { incidents: r.incidents, page, measure: 'p95 wall ms', ms: p.p95, status: pass ? 'pass' : 'FAIL' },
        { incidents: r.incidents, page, measure: 'p95 CPU ms', ms: p.cpuP95, status: pass ? 'pass' : 'FAIL' },
      ];
    }),
  );
  await renderScaleCurves(
    'scale.svg',
    `p95 per page as data grows (target: largest ≤ ${file.target}× smallest; interactions = 10 × incidents)`,
    values,
    { field: 'incidents', title: 'incidents' },
    { field: 'ms', title: 'ms' },
  );
}

/** One line chart per page (facets), log x axis, dashes per measure, colour per target status. */
async function renderScaleCurves(
  name: string,
  title: string,
  values: object[],
  x: { field: string; title: string },
  y: { field: string; title: string },
): Promise<void> {
  await render(name, {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    background: 'white',
    data: { values },
    facet: { column: { field: 'page', type: 'nominal', title: null } },
    spec: {
      width: 200,
      height: 180,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: x.field, type: 'quantitative', scale: { type: 'log' }, title: x.title },
        y: { field: y.field, type: 'quantitative', title: y.title },
        strokeDash: { field: 'measure', type: 'nominal', title: null },
        color: { field: 'status', type: 'nominal', scale: COLORS, legend: { title: 'target' } },
      },
    },
  } as TopLevelSpec);
}

interface DynamoScaleResult {
  items: number;
  pages: Record<string, { p95: number; cpuP95: number; capacity: { p50: number } }>;
}

/**
 * Issue 18 item 3, DynamoDB half: p95 (wall and node CPU) and capacity units per call against the
 * table's size on DynamoDB Local; red when the largest size's p95 > 1.5× the smallest's.
 */
async function dynamoScaleCurves(): Promise<void> {
  const file = readJson<{ target: number; results: DynamoScaleResult[] }>(
    join(root, 'packages', 'store-dynamo', 'bench', 'results', 'scale.json'),
  );
  if (!file || file.results.length < 2)
    return console.log('scale-dynamo: no packages/store-dynamo/bench/results/scale.json, skipped');
  const first = file.results[0] as DynamoScaleResult;
  const last = file.results.at(-1) as DynamoScaleResult;
  const values = file.results.flatMap((r) =>
    Object.entries(r.pages).flatMap(([page, p]) => {
      const pass = (last.pages[page]?.p95 ?? 0) <= file.target * (first.pages[page]?.p95 ?? p.p95);
      const status = pass ? 'pass' : 'FAIL';
      return [
        { items: r.items, page, measure: 'p95 wall ms', value: p.p95, status },
        { items: r.items, page, measure: 'p95 CPU ms (node)', value: p.cpuP95, status },
        { items: r.items, page, measure: 'capacity units per call', value: p.capacity.p50, status: 'no target' },
      ];
    }),
  );
  await renderScaleCurves(
    'scale-dynamo.svg',
    `DynamoDB Local: p95 and capacity per call as the table grows (target: largest ≤ ${file.target}× smallest)`,
    values,
    { field: 'items', title: 'items in the table' },
    { field: 'value', title: 'ms / capacity units' },
  );
}

async function cliStartup(): Promise<void> {
  const file = readJson<{
    results: Array<{
      name: string;
      medianMs: number;
      cpuMs?: number;
      pass: boolean;
      target: { ms?: number; overNode?: number };
    }>;
  }>(join(root, 'bench', 'results', 'cli-startup.json'));
  if (!file) return console.log('cli-startup: no bench/results/cli-startup.json, skipped');
  // Cases without a target (`node -e 0`, a same-run "before" build) are drawn neutral.
  const bars = file.results.map((r) => ({
    label: r.name,
    value: r.medianMs,
    pass: r.target.ms !== undefined || r.target.overNode !== undefined ? r.pass : null,
  }));
  await render('cli-startup.svg', barChart('Start-up, median wall time (pairwise with node -e 0)', 'ms', bars, []));
  // CPU time per start (user+sys): what a busy machine distorts least. No target is stated in CPU
  // time, so the bars are neutral.
  const cpuBars = file.results.flatMap((r) =>
    r.cpuMs === undefined ? [] : [{ label: r.name, value: r.cpuMs, pass: null as boolean | null }],
  );
  if (cpuBars.length > 0) {
    await render(
      'cli-startup-cpu.svg',
      barChart('Start-up, median CPU time per process (user+sys)', 'ms', cpuBars, []),
    );
  }
}

async function lambdaColdStart(): Promise<void> {
  const file = readJson<{ results: Array<{ name: string; ratio: number; bytes: number; pass: boolean }> }>(
    join(root, 'apps', 'lambda', 'bench', 'results', 'cold-start.json'),
  );
  if (!file) return console.log('lambda-cold-start: no apps/lambda/bench/results/cold-start.json, skipped');
  const bars = file.results.map((r, i) => ({
    label: `${r.name} (${Math.round(r.bytes / 1024)} KiB)`,
    value: r.ratio,
    pass: i === 0 ? null : r.pass,
  }));
  await render(
    'lambda-cold-start.svg',
    barChart('Lambda init ÷ DynamoDBDocumentClient floor (target ≤ 1.5×, ≤ 1 MB)', '×', bars, [
      { value: 1.5, label: 'target' },
    ]),
  );
}

mkdirSync(OUT, { recursive: true });
await sdkVsRaw();
await scaleCurves();
await dynamoScaleCurves();
await cliStartup();
await lambdaColdStart();

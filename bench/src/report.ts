/**
 * Result types shared by the benchmarks, the markdown table printed after a run and the JSON file
 * written to `bench/results/<name>.json`.
 *
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { QueryPlan } from './databases.js';
import type { LoadReport, MachineInfo } from './environment.js';
import { type LatencySummary, round } from './stats.js';

/** One measured way of doing the benchmark's work (through the SDK, or the raw baseline). */
export interface VariantResult {
  /** e.g. `SDK service`, `raw @libsql/client`. */
  name: string;
  /**
   * `sdk` variants are compared with the `baseline` of their group; a `reference` is another raw
   * variant shown for context (also compared with the baseline).
   */
  kind: 'sdk' | 'baseline' | 'reference';
  /** What one latency sample is (`one lifecycle = 5 use cases`, `one page of 50`). */
  sample: string;
  latency: LatencySummary;
  /**
   * CPU time this process used per sample (user + system). Unlike wall time it barely moves when other
   * processes compete for the cores, so it separates work from waiting for a core.
   */
  cpu?: LatencySummary;
  /** Work per second, e.g. `{ value: 12000, unit: 'incidents/s' }`. */
  throughput: { value: number; unit: string };
  /** This variant's mean time divided by the baseline's in the same table (1 for the baseline). */
  ratio: number;
  /** Which group of the benchmark this row belongs to (a query name), when it has several. */
  group?: string;
}

/** A target of the issue and whether the run met it. */
export interface TargetCheck {
  name: string;
  target: string;
  /** The measured figure, formatted. */
  measured: string;
  pass: boolean;
}

/** One run of one benchmark. */
export interface BenchmarkRun {
  variants: VariantResult[];
  checks: TargetCheck[];
  load: LoadReport;
  /** Query plans of the statements the SDK ran (timeline and queries). */
  plans?: { name: string; plan: QueryPlan }[];
  /** Where the SDK's time goes (driver vs JavaScript above it), when measured. */
  profile?: Record<string, unknown>;
  /** Whether the raw baseline wrote exactly the rows the SDK wrote. */
  sameRows?: { ok: boolean; differences: string[] };
  /** Sizes and other facts of the data set. */
  dataset: Record<string, number | string>;
  notes: string[];
  /** A fatal condition (e.g. a temporary B-tree in a hot query plan): the run exits non-zero. */
  failures: string[];
}

/** What a benchmark module provides to the runner. */
export interface Benchmark {
  name: string;
  title: string;
  /** One line: what is measured and against what. */
  description: string;
  run(options: { quick: boolean; log: (line: string) => void }): Promise<BenchmarkRun>;
  /** Lower is better: used to keep the better of several runs when the machine was noisy. */
  score(run: BenchmarkRun): number;
}

/** The JSON file of a benchmark. */
export interface BenchmarkReport {
  benchmark: string;
  title: string;
  description: string;
  command: string;
  date: string;
  machine: MachineInfo;
  /** Headline figures of every run; `kept` is the index of the run reported in detail. */
  runs: { score: number; load: LoadReport; checks: TargetCheck[] }[];
  kept: number;
  pass: boolean;
  result: BenchmarkRun;
}

const fmt = (ms: number) =>
  ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);

/** Formats a count with thousands separators. */
export const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** The markdown tables of a report: variants, targets, plans. */
export function renderMarkdown(report: BenchmarkReport): string {
  const r = report.result;
  const lines: string[] = [];
  lines.push(`### ${report.title}`, '', report.description, '');
  lines.push(
    '| variant | sample | n | mean ms | p50 ms | p95 ms | p99 ms | CPU p50 / p95 ms | throughput | × baseline |',
  );
  lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const v of r.variants) {
    const l = v.latency;
    lines.push(
      `| ${v.group ? `${v.group}: ` : ''}${v.name} | ${v.sample} | ${count(l.n)} | ${fmt(l.mean)} | ${fmt(l.p50)} | ${fmt(l.p95)} | ${fmt(
        l.p99,
      )} | ${v.cpu ? `${fmt(v.cpu.p50)} / ${fmt(v.cpu.p95)}` : '—'} | ${count(v.throughput.value)} ${v.throughput.unit} | ${v.kind === 'baseline' ? '1 (baseline)' : `${round(v.ratio, 2)}×`} |`,
    );
  }
  lines.push('', '| target | measured | result |', '|---|---|---|');
  for (const c of r.checks) lines.push(`| ${c.name}: ${c.target} | ${c.measured} | ${c.pass ? 'PASS' : '**FAIL**'} |`);
  const l = r.load;
  lines.push(
    '',
    `Load: 1-min load average ${l.loadStart} → ${l.loadEnd} (max ${l.loadMax}) on ${report.machine.nproc} cores; CPU/wall ${l.cpuPerWall}; run took ${(
      l.wallMs / 1000
    ).toFixed(1)} s.` +
      (report.runs.length > 1
        ? ` Median of ${report.runs.length} runs (run ${report.kept + 1} kept; scores ${report.runs.map((x) => round(x.score, 3)).join(' / ')}; load ${report.runs.map((x) => round(x.load.loadStart, 2)).join(' / ')}).`
        : ''),
  );
  const ds = Object.entries(r.dataset).map(([k, v]) => `${k} ${typeof v === 'number' ? count(v) : v}`);
  if (ds.length) lines.push(`Data set: ${ds.join(', ')}.`);
  if (r.sameRows)
    lines.push(
      `Same rows written by SDK and baseline: ${r.sameRows.ok ? 'yes' : `NO — ${r.sameRows.differences.length} difference(s)`}.`,
    );
  for (const p of r.plans ?? []) {
    lines.push('', `Plan of ${p.name}: \`${p.plan.plan.join(' | ')}\`${p.plan.tempBTree ? ' — **TEMP B-TREE**' : ''}`);
  }
  if (r.profile) lines.push('', `Profile: \`${JSON.stringify(r.profile)}\``);
  for (const n of r.notes) lines.push('', `Note: ${n}`);
  for (const f of r.failures) lines.push('', `**FAILURE: ${f}**`);
  return lines.join('\n');
}

/** Writes the JSON report. */
export async function writeReport(path: string, report: BenchmarkReport): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}

/**
 * One check per SDK variant: its mean time over the same group's baseline (the same statement run
 * raw, in the same run) against `target`, with the CPU-time ratio alongside.
 */
export function ratioChecks(
  variants: readonly VariantResult[],
  target: number,
  prepared?: string | readonly string[],
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const others = prepared === undefined ? [] : typeof prepared === 'string' ? [prepared] : prepared;
  for (const v of variants.filter((x) => x.kind === 'sdk')) {
    const bases = [
      ['raw, same statement', variants.find((x) => x.group === v.group && x.kind === 'baseline')],
      // The same statement kept prepared (the SDK keeps its statements prepared; `@libsql/client` prepares
      // on every call, which makes the plain baseline slower by the cost of preparing a long statement).
      ...others.map((name) => [name, variants.find((x) => x.group === v.group && x.name === name)] as const),
    ] as const;
    for (const [label, base] of bases) {
      if (!base) continue;
      const cpuRatio = base.cpu && v.cpu ? v.cpu.mean / base.cpu.mean : Number.NaN;
      const ratio = v.latency.mean / base.latency.mean;
      checks.push({
        name: `${v.group}: ${v.name} vs ${label}`,
        target: `≤ ${target}×`,
        measured: `${round(ratio, 2)}× (CPU time: ${round(cpuRatio, 2)}×)`,
        pass: ratio <= target,
      });
    }
  }
  return checks;
}

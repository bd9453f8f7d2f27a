/**
 * Runs the libSQL benchmarks of the incidents SDK.
 *
 *   pnpm bench                         every benchmark
 *   pnpm bench lifecycle|bulk|timeline|queries [...]
 *   pnpm bench timeline --runs 2       run twice, keep the better run (noisy machine)
 *   pnpm bench --quick                 tiny data sets (a smoke test of the harness, not a result)
 *
 * Prints a markdown table per benchmark and writes `bench/results/<name>.json` (not with --quick).
 * Exits non-zero when a benchmark run fails (e.g. a hot query plan needs a temporary B-tree, or the
 * baseline did not write the same rows); missed performance targets are reported, not fatal.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { bulkBenchmark } from './benchmarks/bulk.js';
import { lifecycleBenchmark } from './benchmarks/lifecycle.js';
import { queriesBenchmark } from './benchmarks/queries.js';
import { timelineBenchmark } from './benchmarks/timeline.js';
import { machineInfo } from './environment.js';
import { type Benchmark, type BenchmarkReport, type BenchmarkRun, renderMarkdown, writeReport } from './report.js';

/** Every benchmark, in the order `pnpm bench` runs them. */
export const BENCHMARKS: readonly Benchmark[] = [
  lifecycleBenchmark,
  bulkBenchmark,
  timelineBenchmark,
  queriesBenchmark,
];

/** Parsed command line. */
export interface RunOptions {
  names: string[];
  runs: number;
  quick: boolean;
  /** Directory of the JSON results; `null` to write none. */
  resultsDir: string | null;
  /** The command line, as recorded in the results. */
  command?: string;
}

/** Thrown by {@link parseArgs} for `--help`. */
export class HelpRequested extends Error {}

/** The usage text of `pnpm bench --help`. */
export const USAGE = `pnpm bench [lifecycle|bulk|timeline|queries ...] [--runs N] [--quick] [--no-write]

  --runs N     run each benchmark N times (1-5); the median run by score is reported,
               every run's score and load average are kept in the JSON (runs)
  --quick      tiny data sets, no results written (a smoke test of the harness)
  --no-write   do not write bench/results/<name>.json

Other benchmarks: pnpm --filter @incidents/bench cli-startup; pnpm bench:charts (SVG charts from the results JSON).`;

/** Parses `[names...] [--runs N] [--quick] [--no-write]`. */
export function parseArgs(argv: readonly string[]): RunOptions {
  const names: string[] = [];
  let runs = 1;
  let quick = false;
  let write = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--runs') {
      runs = Number(argv[++i]);
      if (!Number.isInteger(runs) || runs < 1 || runs > 5) throw new Error('--runs takes a whole number from 1 to 5');
    } else if (arg === '--quick') quick = true;
    else if (arg === '--no-write') write = false;
    else if (arg === '--help' || arg === '-h') throw new HelpRequested();
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else names.push(arg);
  }
  const known = BENCHMARKS.map((b) => b.name);
  for (const name of names) {
    if (!known.includes(name)) throw new Error(`unknown benchmark "${name}"; choose from ${known.join(', ')}`);
  }
  return {
    names: names.length ? names : known,
    runs,
    quick,
    resultsDir: write && !quick ? fileURLToPath(new URL('../results/', import.meta.url)) : null,
    command: ['pnpm bench', ...argv].join(' '),
  };
}

/** Runs the selected benchmarks; returns the reports. */
export async function runBenchmarks(
  options: RunOptions,
  log: (line: string) => void = console.log,
): Promise<BenchmarkReport[]> {
  const machine = await machineInfo();
  const reports: BenchmarkReport[] = [];
  for (const bench of BENCHMARKS.filter((b) => options.names.includes(b.name))) {
    const runs: BenchmarkRun[] = [];
    for (let i = 0; i < options.runs; i++) {
      log(
        `» ${bench.name}${options.runs > 1 ? ` (run ${i + 1}/${options.runs})` : ''}${options.quick ? ' [quick]' : ''}`,
      );
      runs.push(await bench.run({ quick: options.quick, log }));
    }
    const scores = runs.map((r) => bench.score(r));
    // The median run by score is kept (the middle one of 3; the better of 2). A run with a fatal
    // failure is never the one kept unless all failed.
    const order = runs
      .map((_, i) => i)
      .sort(
        (a, b) =>
          (runs[a]?.failures.length ?? 0) - (runs[b]?.failures.length ?? 0) ||
          (scores[a] as number) - (scores[b] as number),
      );
    const healthy = order.filter((i) => (runs[i]?.failures.length ?? 0) === 0);
    const pool = healthy.length ? healthy : order;
    const kept = pool[Math.floor((pool.length - 1) / 2)] as number;
    const result = runs[kept] as BenchmarkRun;
    const report: BenchmarkReport = {
      benchmark: bench.name,
      title: bench.title,
      description: bench.description,
      command:
        options.command ??
        `pnpm bench ${bench.name}${options.runs > 1 ? ` --runs ${options.runs}` : ''}${options.quick ? ' --quick' : ''}`,
      date: new Date().toISOString(),
      machine,
      runs: runs.map((r, i) => ({ score: scores[i] as number, load: r.load, checks: r.checks })),
      kept,
      pass: result.failures.length === 0 && result.checks.every((c) => c.pass),
      result,
    };
    log('');
    log(renderMarkdown(report));
    log('');
    if (options.resultsDir) await writeReport(`${options.resultsDir}${bench.name}.json`, report);
    reports.push(report);
  }
  log(
    `Machine: ${machine.nproc} cores (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}, @libsql/client ${machine.libsqlClient}.`,
  );
  return reports;
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  let options: RunOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof HelpRequested) {
      console.log(USAGE);
      process.exit(0);
    }
    console.error((err as Error).message);
    process.exit(2);
  }
  const reports = await runBenchmarks(options);
  const failed = reports.filter((r) => r.result.failures.length > 0);
  for (const r of failed) console.error(`${r.benchmark}: ${r.result.failures.join('; ')}`);
  process.exitCode = failed.length ? 1 : 0;
}

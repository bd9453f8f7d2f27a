/**
 * Latency statistics of a benchmark: mean and nearest-rank percentiles over samples in milliseconds.
 *
 * @module
 */

/** Summary of a set of latency samples, all in milliseconds. */
export interface LatencySummary {
  /** Number of samples. */
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}

/**
 * The `p`-th percentile (0 < p ≤ 100) of `sorted` (ascending) by the nearest-rank method: the smallest
 * sample such that at least p % of the samples are less than or equal to it.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of an empty sample set');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/** Summarizes latency samples (milliseconds). */
export function summarize(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) throw new RangeError('summarize needs at least one sample');
  const sorted = [...samples].sort((a, b) => a - b);
  let sum = 0;
  for (const s of sorted) sum += s;
  return {
    n: sorted.length,
    mean: sum / sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
  };
}

/** Rounds to `digits` decimals (for reports). */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A deterministic pseudo-random generator (mulberry32), so every run writes the same data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Milliseconds elapsed while `fn` runs. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** CPU time (user + system) this process used, in milliseconds, since `since` (from `process.cpuUsage()`). */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

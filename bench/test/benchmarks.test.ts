/**
 * Every benchmark, on a tiny data set (`quick`): the harness must produce complete results, the raw
 * baseline must write what the SDK writes, and the SDK's hot queries must use their indexes without a
 * temporary B-tree. (The timings of a quick run mean nothing; they are not asserted.)
 */
import { describe, expect, it } from 'vitest';
import { BENCHMARKS, parseArgs, runBenchmarks } from '../src/run.js';

describe('benchmarks (quick)', () => {
  it.each(BENCHMARKS.map((b) => b.name))('%s runs and reports complete, consistent results', async (name) => {
    const lines: string[] = [];
    const [report] = await runBenchmarks({ names: [name], runs: 1, quick: true, resultsDir: null }, (l) =>
      lines.push(l),
    );
    expect(report?.benchmark).toBe(name);
    const r = report?.result;
    if (!r) throw new Error('no result');
    expect(r.failures).toEqual([]);
    expect(r.variants.some((v) => v.kind === 'sdk')).toBe(true);
    expect(r.variants.some((v) => v.kind === 'baseline')).toBe(true);
    for (const v of r.variants) {
      expect(v.latency.n).toBeGreaterThan(0);
      expect(v.latency.p50).toBeLessThanOrEqual(v.latency.p95);
      expect(v.latency.p95).toBeLessThanOrEqual(v.latency.p99);
      expect(v.throughput.value).toBeGreaterThan(0);
      expect(Number.isFinite(v.ratio)).toBe(true);
    }
    expect(r.checks.length).toBeGreaterThan(0);
    if (r.sameRows) expect(r.sameRows.differences).toEqual([]);
    if (name === 'timeline' || name === 'queries') {
      expect(r.plans?.length).toBeGreaterThan(0);
      expect(r.plans?.every((p) => !p.plan.tempBTree)).toBe(true);
    }
    const table = lines.join('\n');
    expect(table).toContain('| variant | sample | n | mean ms | p50 ms | p95 ms | p99 ms |');
    expect(table).toContain(report?.title);
  });
});

describe('command line', () => {
  it('selects benchmarks by name and refuses unknown names and options', () => {
    expect(parseArgs([]).names).toEqual(BENCHMARKS.map((b) => b.name));
    expect(parseArgs(['timeline', '--runs', '2'])).toMatchObject({ names: ['timeline'], runs: 2, quick: false });
    expect(parseArgs(['bulk', '--quick']).resultsDir).toBeNull();
    expect(() => parseArgs(['nope'])).toThrow(/unknown benchmark "nope"/);
    expect(() => parseArgs(['--runs', '9'])).toThrow(/--runs/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown option/);
  });
});

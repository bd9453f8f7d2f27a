import { describe, expect, it } from 'vitest';
import { percentile, seededRandom, summarize } from '../src/stats.js';

describe('percentile (nearest rank)', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('returns the smallest sample with at least p % of the samples at or below it', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 95)).toBe(95);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([7], 99)).toBe(7);
  });

  it('refuses empty sample sets and percentiles outside (0, 100]', () => {
    expect(() => percentile([], 50)).toThrow(/empty/);
    expect(() => percentile([1], 0)).toThrow(/\(0, 100\]/);
    expect(() => percentile([1], 101)).toThrow(/\(0, 100\]/);
  });
});

describe('summarize', () => {
  it('computes mean, percentiles and extremes regardless of sample order', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    expect(s).toEqual({ n: 5, mean: 3, p50: 3, p95: 5, p99: 5, min: 1, max: 5 });
  });

  it('refuses an empty sample set', () => {
    expect(() => summarize([])).toThrow(RangeError);
  });
});

describe('seededRandom', () => {
  it('is deterministic per seed and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { createLimiter, forEachLimit, STOPWORDS, sleep } from '../src/index.js';

describe('sleep', () => {
  it('resolves after the delay', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });

  it('rejects with the reason of a signal that aborts while waiting, or has already aborted', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await expect(sleep(60_000, controller.signal)).rejects.toThrow('stop');
  });
});

describe('createLimiter', () => {
  it('runs at most `max` tasks at once, in the order given', async () => {
    const limiter = createLimiter(2);
    const started: number[] = [];
    let peak = 0;
    const gates = Array.from({ length: 5 }, () => {
      let resolve = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      return { promise, resolve };
    });
    const runs = gates.map((gate, i) =>
      limiter.run(async () => {
        started.push(i);
        peak = Math.max(peak, limiter.active);
        await gate.promise;
        return i;
      }),
    );
    for (const gate of gates) {
      await Promise.resolve();
      gate.resolve();
    }
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(limiter.active).toBe(0);
  });

  it('counts a maximum below 1 or NaN as 1 instead of never starting a task', async () => {
    // kb-sync's former limiter queued every task forever with a concurrency of 0.
    for (const max of [0, -3, Number.NaN, 0.5]) {
      await expect(createLimiter(max).run(async () => 'ran')).resolves.toBe('ran');
    }
  });

  it('frees the slot of a task that throws synchronously', async () => {
    const limiter = createLimiter(1);
    await expect(
      limiter.run(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });
});

describe('forEachLimit', () => {
  it('visits every item once, with a concurrency of NaN or 0 counted as 1', async () => {
    for (const concurrency of [3, 0, Number.NaN]) {
      const seen: number[] = [];
      await forEachLimit([10, 20, 30, 40], concurrency, async (item, index) => {
        seen[index] = item;
      });
      expect(seen).toEqual([10, 20, 30, 40]);
    }
  });
});

describe('STOPWORDS', () => {
  it('holds the common English words the knowledge-base search leaves out, and not content words', () => {
    expect(STOPWORDS.has('the')).toBe(true);
    expect(STOPWORDS.has('with')).toBe(true);
    expect(STOPWORDS.has('checkout')).toBe(false);
  });
});

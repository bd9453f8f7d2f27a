import { describe, expect, it } from 'vitest';
import { readAhead } from './read-ahead.js';

/** A fake listing over an array: pages of `size`, the position is the offset. Records each request. */
function listing(total: number, size: number, failAt?: number) {
  const requests: Array<{ position: number; signal: AbortSignal; at: number }> = [];
  let clock = 0;
  const fetchPage = async (position: number, signal: AbortSignal) => {
    requests.push({ position, signal, at: clock++ });
    await new Promise((resolve) => setTimeout(resolve, 5));
    signal.throwIfAborted();
    if (position === failAt) throw new Error(`page at ${position} failed`);
    return Array.from({ length: Math.max(0, Math.min(size, total - position)) }, (_, i) => position + i);
  };
  const next = (body: number[], position: number) => (body.length === size ? position + size : null);
  return { requests, fetchPage, next };
}

describe('readAhead', () => {
  it('yields every page in order, with its position and the next one', async () => {
    const l = listing(7, 3);
    const pages = [];
    for await (const page of readAhead(0, l.fetchPage, l.next)) pages.push(page);
    expect(pages).toEqual([
      { body: [0, 1, 2], position: 0, next: 3 },
      { body: [3, 4, 5], position: 3, next: 6 },
      { body: [6], position: 6, next: null },
    ]);
    expect(l.requests.map((r) => r.position)).toEqual([0, 3, 6]);
  });

  it('has the next request in flight before the caller gets the current page', async () => {
    const l = listing(9, 3);
    const iterator = readAhead(0, l.fetchPage, l.next)[Symbol.asyncIterator]();
    await iterator.next();
    expect(l.requests.map((r) => r.position)).toEqual([0, 3]);
    await iterator.next();
    expect(l.requests.map((r) => r.position)).toEqual([0, 3, 6]);
    await iterator.return?.(undefined);
  });

  it('aborts the request in flight when the caller stops early, and sends no more', async () => {
    const l = listing(30, 3);
    for await (const page of readAhead(0, l.fetchPage, l.next)) {
      if (page.position === 3) break;
    }
    expect(l.requests.map((r) => r.position)).toEqual([0, 3, 6]);
    expect(l.requests[2]?.signal.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(l.requests).toHaveLength(3);
  });

  it('delivers a page before the error of the request read ahead for the next one', async () => {
    const l = listing(30, 3, 3);
    const iterator = readAhead(0, l.fetchPage, l.next)[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ position: 0 });
    await expect(iterator.next()).rejects.toThrow('page at 3 failed');
  });

  it("follows the caller's abort signal", async () => {
    const l = listing(30, 3);
    const controller = new AbortController();
    const iterator = readAhead(0, l.fetchPage, l.next, controller.signal)[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort(new Error('stopped by the caller'));
    await expect(iterator.next()).rejects.toThrow('stopped by the caller');
  });
});

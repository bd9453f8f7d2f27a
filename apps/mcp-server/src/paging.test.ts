import type { Page } from '@incidents/core';
import { encodeCursor } from '@incidents/core/store-kit';
import { describe, expect, it } from 'vitest';
import { pageThrough } from './paging.js';

/** A store-like list of numbers whose cursors are offsets (pure logic; the MCP tests use the real store). */
function pagesOf(values: number[]) {
  const calls: number[] = [];
  const fetch = async (cursor: string | null, limit: number): Promise<Page<number>> => {
    calls.push(limit);
    const start = cursor ? Number(cursor) : 0;
    const items = values.slice(start, start + limit);
    return { items, cursor: start + limit < values.length ? String(start + limit) : null };
  };
  return { fetch, calls };
}

async function drain(values: number[], limit: number, filter?: (n: number) => boolean) {
  const { fetch } = pagesOf(values);
  const seen: number[][] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof pageThrough<number>>> = await pageThrough({
      fetch,
      limit,
      cursor,
      ...(filter ? { filter, scanPageSize: 7 } : {}),
    });
    expect(page.truncated).toBe(page.cursor !== null);
    seen.push(page.items);
    cursor = page.cursor;
  } while (cursor && seen.length < 100);
  return seen;
}

describe('pageThrough', () => {
  const values = Array.from({ length: 53 }, (_, i) => i);

  it('returns every item exactly once, in order, for any page size', async () => {
    for (const limit of [1, 5, 10, 53, 100]) {
      const pages = await drain(values, limit);
      expect(pages.flat()).toEqual(values);
      expect(pages.every((p) => p.length <= limit)).toBe(true);
    }
  });

  it('filters across store pages without losing or repeating matches, and knows when it is done', async () => {
    const isOdd = (n: number) => n % 2 === 1;
    for (const limit of [1, 3, 4, 26, 27]) {
      const pages = await drain(values, limit, isOdd);
      expect(pages.flat()).toEqual(values.filter(isOdd));
      expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
    }
    // Exactly `limit` matches in total: one page, not truncated.
    expect(await drain(values, 26, isOdd)).toHaveLength(1);
  });

  it('stops a long filtered scan at the budget and hands back a cursor', async () => {
    const { fetch } = pagesOf(values);
    const page = await pageThrough({ fetch, limit: 5, filter: () => false, scanPageSize: 10, scanBudget: 20 });
    expect(page).toMatchObject({ items: [], truncated: true });
    const rest = await pageThrough({ fetch, limit: 5, cursor: page.cursor, filter: (n) => n >= 50 });
    expect(rest.items).toEqual([50, 51, 52]);
  });

  it('rejects a malformed cursor naming the field', async () => {
    const { fetch } = pagesOf(values);
    await expect(pageThrough({ fetch, limit: 5, cursor: 'garbage' })).rejects.toThrow(/cursor/);
    await expect(pageThrough({ fetch, limit: 5, cursor: encodeCursor({ c: 1, s: -1 }) })).rejects.toThrow(/cursor/);
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../src/ports/incident-store.js';
import { collectAll, decodeCursor, encodeCursor, pageLimit } from '../src/ports/pagination.js';

describe('cursors', () => {
  it('round-trips a position, including non-ASCII text', () => {
    const position = { status: 'NEW', priority: 'P1', created_at: '2026-01-05T09:00:00.000Z', id: 'INC-ñ-☃', n: 3 };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
    expect(decodeCursor(encodeCursor(['a', 1, null]))).toEqual(['a', 1, null]);
  });

  it('is base64url of the UTF-8 JSON without padding, for ASCII and non-ASCII positions alike', () => {
    for (const position of [
      { k: 'status', g: 0, v: ['P2', '2026-01-05T09:00:00.000Z', 'INC-1'] },
      { k: 'timeline', c: '2026-01-05T09:00:00.000Z', i: 'I-\u00fb\u00ff', d: true },
      ['a', 1, null],
      'x',
      'xy',
    ]) {
      expect(encodeCursor(position)).toBe(Buffer.from(JSON.stringify(position), 'utf8').toString('base64url'));
    }
  });

  it('is url-safe (no +, / or = padding)', () => {
    // Bytes 0xfb/0xff produce + and / in standard base64.
    const cursor = encodeCursor({ k: '\u00fb\u00ff\u00fe?>' });
    expect(cursor).not.toMatch(/[+/=]/);
    expect(decodeCursor(cursor)).toEqual({ k: '\u00fb\u00ff\u00fe?>' });
  });

  it.each(['%%%not-a-cursor', 'bm90IGpzb24', '', '!!!!'])(
    'a malformed cursor %j is a ValidationError on `cursor`',
    (bad) => {
      let caught: unknown;
      try {
        decodeCursor(bad);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      const err = caught as ValidationError;
      expect(err.code).toBe('validation');
      expect(err.details.issues).toEqual([
        { path: 'cursor', message: 'malformed cursor; pass the cursor of the previous page' },
      ]);
      expect(err.cause).toBeDefined();
    },
  );
});

describe('pageLimit', () => {
  it('defaults and clamps to 1…MAX_PAGE_SIZE', () => {
    expect(DEFAULT_PAGE_SIZE).toBe(50);
    expect(MAX_PAGE_SIZE).toBe(500);
    expect(pageLimit()).toBe(50);
    expect(pageLimit({})).toBe(50);
    expect(pageLimit({ limit: 1 })).toBe(1);
    expect(pageLimit({ limit: 20 })).toBe(20);
    expect(pageLimit({ limit: 500 })).toBe(500);
    expect(pageLimit({ limit: 501 })).toBe(500);
    expect(pageLimit({ limit: 100_000 })).toBe(500);
    expect(pageLimit({ limit: 7.9 })).toBe(7);
  });

  it('falls back to the default for nonsense', () => {
    expect(pageLimit({ limit: 0 })).toBe(50);
    expect(pageLimit({ limit: -3 })).toBe(50);
    expect(pageLimit({ limit: Number.NaN })).toBe(50);
    expect(pageLimit({ limit: 0.5 })).toBe(50);
    expect(pageLimit({ limit: Number.NEGATIVE_INFINITY })).toBe(50);
  });

  it('clamps Infinity to the maximum like any size over it (it was read as the default)', () => {
    expect(pageLimit({ limit: Number.POSITIVE_INFINITY })).toBe(500);
  });

  it('refuses a limit that is not a number, on page.limit (store-dynamo served a string, store-turso refused it)', () => {
    expect(() => pageLimit({ limit: '10' as unknown as number })).toThrow(
      expect.objectContaining({
        code: 'validation',
        details: { issues: [expect.objectContaining({ path: 'page.limit' })] },
      }),
    );
  });
});

describe('collectAll', () => {
  it('follows cursors until null and keeps order', async () => {
    const data = Array.from({ length: 11 }, (_, i) => i);
    const seen: Array<string | null> = [];
    const all = await collectAll(async (cursor) => {
      seen.push(cursor);
      const start = cursor ? decodeCursor<{ at: number }>(cursor).at : 0;
      const items = data.slice(start, start + 4);
      const next = start + 4 < data.length ? encodeCursor({ at: start + 4 }) : null;
      return { items, cursor: next };
    });
    expect(all).toEqual(data);
    expect(seen).toHaveLength(3);
    expect(seen[0]).toBeNull();
  });

  it('returns an empty array for an empty first page', async () => {
    expect(await collectAll(async () => ({ items: [] as number[], cursor: null }))).toEqual([]);
  });
});

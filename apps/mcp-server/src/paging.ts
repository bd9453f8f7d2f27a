/**
 * Pages for the list tools that never cut silently: a page says whether more results exist and gives
 * the cursor to fetch them, even when the tool filters the store's pages (e.g. by priority).
 *
 * The tool cursor wraps the store cursor of the store page where the next result sits plus the number
 * of raw items of that page already consumed, so the next call resumes exactly there.
 *
 * @module
 */
import { type Page, ValidationError } from '@incidents/core';
import { decodeCursor, encodeCursor } from '@incidents/core/store-kit';

interface ToolCursor {
  /** Store cursor of the page to resume from (`null`: the first page). */
  c: string | null;
  /** Raw items of that page already consumed. */
  s: number;
}

/** A page as the list tools return it. */
export interface ToolPage<T> {
  items: T[];
  /** Pass it back as `cursor` to get the next page; `null` when there is nothing more. */
  cursor: string | null;
  /** `true` when more results exist (or may exist) beyond this page. */
  truncated: boolean;
}

function readCursor(cursor: string | undefined | null): ToolCursor {
  if (!cursor) return { c: null, s: 0 };
  const value = decodeCursor<Partial<ToolCursor>>(cursor);
  if (
    typeof value !== 'object' ||
    value === null ||
    !(value.c === null || typeof value.c === 'string') ||
    typeof value.s !== 'number' ||
    !Number.isInteger(value.s) ||
    value.s < 0
  ) {
    throw new ValidationError([{ path: 'cursor', message: 'malformed cursor; pass the cursor of the previous page' }]);
  }
  return { c: value.c, s: value.s };
}

/** Options of {@link pageThrough}. */
export interface PageThroughOptions<T> {
  /** Fetches one store page. */
  fetch: (cursor: string | null, limit: number) => Promise<Page<T>>;
  /** Results wanted. */
  limit: number;
  /** The tool cursor of the previous page. */
  cursor?: string | null | undefined;
  /** Keeps only matching items; all items when omitted. */
  filter?: (item: T) => boolean;
  /** With a filter: largest store page read (default 200); pages start smaller and double. */
  scanPageSize?: number;
  /** With a filter: stop after scanning this many raw items and answer `truncated` (default 5,000). */
  scanBudget?: number;
}

/** Reads store pages until `limit` results are found or the store is exhausted. */
export async function pageThrough<T>(options: PageThroughOptions<T>): Promise<ToolPage<T>> {
  const { fetch, limit, filter } = options;
  const scanPageSize = options.scanPageSize ?? 200;
  const scanBudget = options.scanBudget ?? 5_000;
  let { c, s } = readCursor(options.cursor);
  const items: T[] = [];
  let scanned = 0;
  for (let round = 1; ; round++) {
    // Unfiltered: read exactly what is missing, or one item to learn whether more exist.
    // Filtered: start near what is missing and double the page each round, up to scanPageSize.
    const missing = Math.max(1, limit - items.length);
    const size = filter ? Math.min(scanPageSize, Math.max(16, missing * 2) * 2 ** (round - 1)) + s : missing + s;
    const page = await fetch(c, Math.min(size, 500));
    const raw = page.items;
    for (let i = s; i < raw.length; i++) {
      const item = raw[i] as T;
      if (filter && !filter(item)) continue;
      if (items.length === limit) return { items, cursor: encodeCursor({ c, s: i }), truncated: true };
      items.push(item);
    }
    scanned += Math.max(0, raw.length - s);
    if (!page.cursor) return { items, cursor: null, truncated: false };
    c = page.cursor;
    s = 0;
    // Bounded work per call: the caller continues with the cursor.
    if ((filter && scanned >= scanBudget) || round >= 100)
      return { items, cursor: encodeCursor({ c, s }), truncated: true };
  }
}

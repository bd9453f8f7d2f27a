import { ValidationError } from '../errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageRequest } from './incident-store.js';

/**
 * The page size a store serves for a request — the one reading of {@link PageRequest.limit} every
 * store applies: absent, `NaN` or below 1 (0, negative, 0.5, -Infinity) is {@link DEFAULT_PAGE_SIZE};
 * a fraction is floored (1.9 is 1); above {@link MAX_PAGE_SIZE} (Infinity included) is clamped to it.
 * @throws ValidationError on `page.limit` when the limit is not a number (a string from a query
 * string, say), so no store reads `'10'` one way and another store another.
 */
export function pageLimit(page?: PageRequest): number {
  const limit: unknown = page?.limit ?? DEFAULT_PAGE_SIZE;
  if (typeof limit !== 'number') {
    throw new ValidationError([{ path: 'page.limit', message: 'must be a number (the page size)' }]);
  }
  if (Number.isNaN(limit) || limit < 1) return DEFAULT_PAGE_SIZE;
  return Math.min(Math.floor(limit), MAX_PAGE_SIZE);
}

const utf8 = new TextEncoder();
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range starts at U+0000.
const ASCII = /^[\u0000-\u007f]*$/;
const URL_SAFE: Record<string, string> = { '+': '-', '/': '_', '=': '' };

function toBase64Url(text: string): string {
  // ASCII text (the usual cursor: ids, ISO dates, numbers) is its own UTF-8 byte string.
  let bin = text;
  if (!ASCII.test(text)) {
    bin = '';
    for (const b of utf8.encode(text)) bin += String.fromCharCode(b);
  }
  // `=` appears only as the final padding.
  return btoa(bin).replace(/[+/=]/g, (c) => URL_SAFE[c] as string);
}

function fromBase64Url(text: string): string {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

/** Encodes a store's position as an opaque cursor (base64url JSON). Stores may use it or their own format. */
export function encodeCursor(position: unknown): string {
  return toBase64Url(JSON.stringify(position));
}

/** Decodes a cursor made by {@link encodeCursor}; a malformed one is a {@link ValidationError} on `cursor`. */
export function decodeCursor<T = unknown>(cursor: string): T {
  try {
    return JSON.parse(fromBase64Url(cursor)) as T;
  } catch (cause) {
    throw new ValidationError([{ path: 'cursor', message: 'malformed cursor; pass the cursor of the previous page' }], {
      cause,
    });
  }
}

/**
 * Reads every page of a paged call into one array (for jobs and tests; mind the size).
 *
 * @example
 * ```ts
 * const versions = await collectAll((cursor) => incidents.history(id, { limit: 100, cursor }, { actor }));
 * ```
 */
export async function collectAll<T>(
  fetchPage: (cursor: string | null) => Promise<{ items: T[]; cursor: string | null }>,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await fetchPage(cursor);
    all.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return all;
}

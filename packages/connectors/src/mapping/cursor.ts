/**
 * Pull cursors: an opaque string carrying the `since` of the pull it belongs to and the vendor's own
 * position (page token, offset, story-search `next`…), so a resumed pull continues the same query.
 * @module
 */
import { ValidationError } from '@incidents/core';
import { decodeCursor, encodeCursor } from '@incidents/core/store-kit';

/** What a connector keeps in a pull cursor. */
export interface PullPosition<P> {
  /** The `since` of the pull (ISO) or `null` for a full pull. */
  since: string | null;
  /** Vendor position. */
  position: P;
}

/** Encodes a pull position for {@link PulledPage.nextCursor}. */
export function encodePullCursor<P>(connector: string, value: PullPosition<P>): string {
  return encodeCursor({ c: connector, s: value.since, p: value.position });
}

/** Decodes a pull cursor made by the same connector; anything else is a `ValidationError` on `cursor`. */
export function decodePullCursor<P>(connector: string, cursor: string): PullPosition<P> {
  const raw = decodeCursor<{ c?: unknown; s?: unknown; p?: unknown }>(cursor);
  if (!raw || typeof raw !== 'object' || raw.c !== connector || raw.p === undefined) {
    throw new ValidationError([
      { path: 'cursor', message: `not a ${connector} pull cursor; pass the nextCursor of a ${connector} page` },
    ]);
  }
  return { since: typeof raw.s === 'string' ? raw.s : null, position: raw.p as P };
}

/** Normalises `since` to ISO (or `null`); an invalid date is a `ValidationError` on `since`. */
export function normaliseSince(since: string | Date | undefined | null): string | null {
  if (since === undefined || since === null) return null;
  const time = since instanceof Date ? since.getTime() : Date.parse(since);
  if (Number.isNaN(time)) throw new ValidationError([{ path: 'since', message: 'expected an ISO date-time' }]);
  return new Date(time).toISOString();
}

/**
 * Paginated reads with one request of read-ahead, shared by every connector's `pull`.
 * @module
 */

/** One page of a listing: its parsed body, where it started and where the next one starts. */
export interface PageRead<P, B> {
  body: B;
  position: P;
  /** The next page's position; `null` on the last page. */
  next: P | null;
}

/**
 * Reads a paginated listing with one request of read-ahead: the request for the next page leaves as
 * soon as its position (token, cursor, offset) is known — before the current page is handed over to
 * be mapped and persisted — so the vendor's response time overlaps with that work.
 *
 * - A request is let go (one `setImmediate`: auth headers, limiter and the socket write run in
 *   microtasks) before the caller gets the page, so synchronous mapping cannot hold it back.
 * - Stopping early (`return`, `break`, an error) aborts the request in flight.
 * - A read-ahead request's error surfaces only when its page is asked for: the page before it is
 *   always delivered first.
 *
 * @param start - position of the first page
 * @param fetchPage - fetches and parses one page; must honour `signal`
 * @param nextPosition - the next page's position from a body, or `null` when the listing is complete
 * @param signal - the caller's abort signal
 */
export async function* readAhead<P, B>(
  start: P,
  fetchPage: (position: P, signal: AbortSignal) => Promise<B>,
  nextPosition: (body: B, position: P) => P | null,
  signal?: AbortSignal,
): AsyncGenerator<PageRead<P, B>> {
  const ahead = new AbortController();
  const combined = signal ? AbortSignal.any([signal, ahead.signal]) : ahead.signal;
  const request = (position: P): Promise<B> => {
    const pending = fetchPage(position, combined);
    pending.catch(() => undefined); // observed when awaited; never an unhandled rejection
    return pending;
  };
  let position = start;
  let inflight = request(position);
  try {
    for (;;) {
      const body = await inflight;
      const next = nextPosition(body, position);
      if (next !== null) {
        inflight = request(next);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      yield { body, position, next };
      if (next === null) return;
      position = next;
    }
  } finally {
    ahead.abort();
  }
}

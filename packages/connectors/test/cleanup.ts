/** What the cross-connector tests share: resources closed after each test, and retries turned off. */
import { afterEach } from 'vitest';

/** Registers an `afterEach` that closes what was pushed, last first; returns the list to push to. */
export function closeAfterEach(): { push(...close: Array<() => Promise<unknown>>): void } {
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  return { push: (...close) => void closers.push(...close) };
}

/** No retries (a failure surfaces at once), 1 ms backoff. */
export const NO_RETRY = { baseDelayMs: 1, maxRetries: 0 } as const;

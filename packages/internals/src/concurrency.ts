/**
 * Bounded concurrency: a FIFO counting semaphore shared by several batches of work, and a worker
 * pool over one array.
 * @module
 */

/** How many tasks may run at once: `n` floored, at least 1 (NaN and values below 1 count as 1). */
function slots(n: number): number {
  return n >= 1 ? Math.floor(n) : 1;
}

/** Runs tasks with a bounded concurrency. */
export interface Limiter {
  /** Runs `task` when a slot is free; tasks start in the order they were given. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
}

/**
 * Creates a {@link Limiter} allowing `max` concurrent tasks (floored; below 1 or NaN counts as 1,
 * so a limiter never deadlocks). A second batch can be queued while the first is finishing, so the
 * pool never drains between batches. A task that throws synchronously rejects its own promise and
 * frees its slot.
 */
export function createLimiter(max: number): Limiter {
  const limit = slots(max);
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    active -= 1;
    const next = waiting.shift();
    if (next) {
      active += 1;
      next();
    }
  };
  return {
    get active() {
      return active;
    },
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (active < limit) active += 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}

/**
 * Runs `fn` over `items` with at most `concurrency` calls in flight (counted as by
 * {@link createLimiter}); resolves when all are done, rejects with the first failure.
 */
export async function forEachLimit<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(slots(concurrency), Math.max(1, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index] as T, index);
    }
  });
  await Promise.all(workers);
}

/**
 * Where the SDK's time goes: wraps a few functions with timers for the length of an attribution
 * phase (never during the timed rounds), so a report can say how much of an operation is zod
 * validation, cloning, JSON, and the driver.
 *
 * @module
 */

/** Time and calls of one wrapped function. */
export interface Bucket {
  ms: number;
  calls: number;
}

type AnyFn = (...args: unknown[]) => unknown;

/**
 * Wraps `target[method]` (an own or inherited function property) with a timer that adds to `bucket`.
 * Returns a function that restores the original. Re-entrant calls are counted once (outermost).
 */
export function wrapTimer(target: object, method: string, bucket: Bucket): () => void {
  const holder = target as Record<string, unknown>;
  const original = holder[method] as AnyFn;
  if (typeof original !== 'function') throw new TypeError(`${method} is not a function`);
  const hadOwn = Object.hasOwn(holder, method);
  let depth = 0;
  holder[method] = function timed(this: unknown, ...args: unknown[]) {
    if (depth > 0) return original.apply(this, args);
    depth++;
    const started = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      depth--;
      bucket.ms += performance.now() - started;
      bucket.calls += 1;
    }
  };
  return () => {
    if (hadOwn) holder[method] = original;
    else delete holder[method];
  };
}

/** Wraps several functions; returns the buckets and one function restoring them all. */
export function attribute(targets: Record<string, [object, string][]>): {
  buckets: Record<string, Bucket>;
  restore: () => void;
} {
  const buckets: Record<string, Bucket> = {};
  const restores: (() => void)[] = [];
  for (const [name, list] of Object.entries(targets)) {
    const bucket: Bucket = { ms: 0, calls: 0 };
    buckets[name] = bucket;
    for (const [target, method] of list) restores.push(wrapTimer(target, method, bucket));
  }
  return {
    buckets,
    restore: () => {
      for (const r of restores.reverse()) r();
    },
  };
}

/**
 * Runs `read` `times` times with timers on the given functions, and returns milliseconds per call:
 * the total, each bucket, and the rest (driver, SQLite and other JavaScript).
 */
export async function attributeCalls(
  times: number,
  read: (i: number) => Promise<unknown>,
  targets: Record<string, [object, string][]>,
): Promise<Record<string, number>> {
  const { buckets, restore } = attribute(targets);
  const started = performance.now();
  try {
    for (let i = 0; i < times; i++) await read(i);
  } finally {
    restore();
  }
  const totalMs = performance.now() - started;
  const out: Record<string, number> = { calls: times, 'total ms per call': round3(totalMs / times) };
  let attributed = 0;
  for (const [name, b] of Object.entries(buckets)) {
    out[`${name} ms per call`] = round3(b.ms / times);
    out[`${name} calls per call`] = Math.round((b.calls / times) * 10) / 10;
    attributed += b.ms;
  }
  out['rest (driver, SQLite, other JavaScript) ms per call'] = round3((totalMs - attributed) / times);
  return out;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

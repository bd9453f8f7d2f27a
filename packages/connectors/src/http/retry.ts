/**
 * Retry policy of the shared HTTP layer: `Retry-After` parsing and exponential backoff with jitter.
 * @module
 */

/** Retry settings of a connector. Keep the delays tiny in tests (`{ baseDelayMs: 1 }`). */
export interface RetryOptions {
  /** Retries after the first attempt, for 429, 5xx and network errors. Default 4. */
  maxRetries?: number;
  /** First backoff delay; doubles each retry. Default 500 ms. */
  baseDelayMs?: number;
  /** Longest backoff delay. Default 30 s. */
  maxDelayMs?: number;
  /** Longest `Retry-After` wait honoured; a longer one fails at once with `connector.rate_limited`. Default 120 s. */
  maxRetryAfterMs?: number;
}

/** {@link RetryOptions} with every default applied. */
export type ResolvedRetryOptions = Required<RetryOptions>;

/** Applies the defaults of {@link RetryOptions}. */
export function resolveRetry(options: RetryOptions = {}): ResolvedRetryOptions {
  return {
    maxRetries: Math.max(0, options.maxRetries ?? 4),
    baseDelayMs: Math.max(0, options.baseDelayMs ?? 500),
    maxDelayMs: Math.max(0, options.maxDelayMs ?? 30_000),
    maxRetryAfterMs: Math.max(0, options.maxRetryAfterMs ?? 120_000),
  };
}

/**
 * Delay before retry number `retry` (0-based): exponential (`base · 2^retry`, capped at `maxDelayMs`)
 * with "equal jitter" — half fixed, half random — so that parallel clients spread out.
 */
export function backoffDelay(retry: number, options: ResolvedRetryOptions, random: () => number = Math.random): number {
  const exp = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.round(exp / 2 + random() * (exp / 2));
}

/**
 * Parses a `Retry-After` header (delta-seconds or an HTTP date) into milliseconds; `undefined`
 * when absent or unparseable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** The abortable sleep of the retries is the shared one of `@incidents/internals` (bundled at build). */
export { sleep } from '@incidents/internals';

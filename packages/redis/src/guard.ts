/**
 * Health of one Redis connection as the cache and the queue see it: a bounded timeout per call, a
 * short circuit-breaker after a failure (calls skip Redis instead of waiting), a `degraded` flag, and
 * exactly one warning per outage.
 *
 * @module
 */
import { redactSecrets } from './redact.js';

/** Where the package reports an outage and its end. `console` fits. Messages never contain credentials. */
export interface RedisLogger {
  /** Redis became unavailable (the package falls back). */
  warn(message: string): void;
  /** Redis is back. */
  info?(message: string): void;
}

/** Raised when a Redis call did not answer within the timeout. */
export class RedisTimeoutError extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
    this.name = 'RedisTimeoutError';
  }
}

/** Runs `promise` with a deadline; the late result is ignored. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (!(ms > 0) || !Number.isFinite(ms)) return promise;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RedisTimeoutError(ms)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** Tracks the health of a connection for one cache or queue. */
export class RedisHealth {
  degraded = false;
  outages = 0;
  lastError: string | undefined;
  private openUntil = 0;

  constructor(
    private readonly name: string,
    private readonly logger: RedisLogger | undefined,
    private readonly retryAfterMs: number,
    private readonly secrets: readonly (string | undefined)[] = [],
  ) {}

  /** Whether calls should skip Redis right now (within the back-off after a failure). */
  get open(): boolean {
    return this.degraded && Date.now() < this.openUntil;
  }

  /** Records a failure: the first one of an outage logs one warning. */
  fail(err: unknown): void {
    const message = redactSecrets(err instanceof Error ? err.message : String(err), this.secrets);
    this.lastError = message;
    this.openUntil = Date.now() + this.retryAfterMs;
    if (!this.degraded) {
      this.degraded = true;
      this.outages++;
      this.logger?.warn(`[${this.name}] Redis unavailable, falling back to the store: ${message}`);
    }
  }

  /** Records a success: ends an outage. */
  ok(): void {
    if (this.degraded) {
      this.degraded = false;
      this.logger?.info?.(`[${this.name}] Redis is back`);
    }
  }
}

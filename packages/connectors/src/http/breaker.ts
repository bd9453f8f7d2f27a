/**
 * A circuit breaker per connector: after `failures` requests in a row that failed on the vendor's
 * side (a 5xx after the retries, a timeout, a network error), the connector is paused for
 * `cooldownMs` — every request fails at once with `connector.http` "paused" and `details.retryAfterMs`,
 * without reaching the vendor. After the pause one request goes through: success closes the circuit,
 * another failure pauses it again. A vendor that answers (2xx, or a 4xx about the request) resets it.
 * @module
 */
import { ConnectorError } from '../errors.js';

/** Options of the circuit breaker (`circuitBreaker` transport option; `false` turns it off). */
export interface CircuitBreakerOptions {
  /** Vendor-side failures in a row that pause the connector. Default 5. */
  failures?: number;
  /** How long the connector is paused. Default 60 s. */
  cooldownMs?: number;
  /** Time source in epoch milliseconds (tests). Default `Date.now`. */
  now?: () => number;
}

/** The breaker of one HTTP client. */
export interface CircuitBreaker {
  /** Throws when the circuit is open. */
  check(method: string, label: string): void;
  /** A request got an answer from the vendor (not a 5xx). */
  success(): void;
  /** A request failed on the vendor's side. */
  failure(): void;
}

/** Creates the breaker of connector `connector`. */
export function createCircuitBreaker(connector: string, options: CircuitBreakerOptions = {}): CircuitBreaker {
  const threshold = Math.max(1, Math.floor(options.failures ?? 5));
  const cooldownMs = Math.max(0, options.cooldownMs ?? 60_000);
  const now = options.now ?? Date.now;
  let failures = 0;
  let openUntil = 0;
  return {
    check(method, label) {
      const left = openUntil - now();
      if (left > 0) {
        throw new ConnectorError(
          'connector.http',
          `${connector} is paused for ${Math.ceil(left / 1000)} s after ${failures} vendor failures in a row (circuit breaker); ${method} ${label} was not sent`,
          { connector, method, path: label, retryAfterMs: left },
        );
      }
    },
    success() {
      failures = 0;
      openUntil = 0;
    },
    failure() {
      failures += 1;
      if (failures >= threshold) openUntil = now() + cooldownMs;
    },
  };
}

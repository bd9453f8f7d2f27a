/**
 * Id generation without Node imports (uses Web Crypto, present in Node ≥ 20 and browsers).
 * @module
 */

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function randomChars(count: number): string {
  const bytes = new Uint8Array(count);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += CROCKFORD[b & 31];
  return out;
}

/** `value` in Crockford base32, left-padded with zeros to `width` characters (sorts like the number). */
function crockford(value: number, width: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < width; i++) {
    out = CROCKFORD[v % 32] + out;
    v = Math.floor(v / 32);
  }
  return out;
}

/** Generates ids for the service. Inject your own for deterministic tests or other formats. */
export interface IdGenerator {
  /** A new incident id (the default is `INC-` + 10 Crockford base32 characters). */
  incidentId(): string;
  /** A new interaction or comment id; ids made later sort after earlier ones. */
  interactionId(): string;
  /** A work-session id. */
  sessionId(): string;
}

/** Creates the default {@link IdGenerator}: random incident ids, monotonic ULID-style interaction ids. */
export function createIdGenerator(): IdGenerator {
  let lastTime = -1;
  let counter = 0;
  return {
    incidentId: () => `INC-${randomChars(10)}`,
    interactionId: () => {
      // Never go back in time (the wall clock may step back): reuse the last time and count on.
      const now = Math.max(Date.now(), lastTime);
      if (now === lastTime) counter += 1;
      else {
        lastTime = now;
        counter = 0;
      }
      if (counter >= 32 ** 4) {
        // The 4-character counter is exhausted within this millisecond: borrow the next one.
        lastTime += 1;
        counter = 0;
      }
      return `${crockford(lastTime, 10)}${crockford(counter, 4)}${randomChars(8)}`;
    },
    sessionId: () => `S-${randomChars(12)}`,
  };
}

/** The time source of the service. */
export interface Clock {
  /** The current time. */
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

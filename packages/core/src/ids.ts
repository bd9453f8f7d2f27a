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
      const now = Date.now();
      if (now === lastTime) counter += 1;
      else {
        lastTime = now;
        counter = 0;
      }
      let time = '';
      let t = now;
      for (let i = 0; i < 10; i++) {
        time = CROCKFORD[t % 32] + time;
        t = Math.floor(t / 32);
      }
      return `${time}${counter.toString(32).toUpperCase().padStart(4, '0')}${randomChars(8)}`;
    },
    sessionId: () => `S-${randomChars(12)}`,
  };
}

/** The time source of the service. */
export interface Clock {
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * Id generation without Node imports (uses Web Crypto, present in Node ≥ 20 and browsers).
 * @module
 */

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Random bytes drawn from Web Crypto 1 KB at a time (one call per ~100 ids instead of one per id). */
const pool = new Uint8Array(1024);
let poolAt = pool.length;

function randomChars(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    if (poolAt === pool.length) {
      globalThis.crypto.getRandomValues(pool);
      poolAt = 0;
    }
    out += CROCKFORD[(pool[poolAt++] as number) & 31];
  }
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

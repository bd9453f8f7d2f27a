import 'server-only';
/**
 * Login throttling: after {@link MAX_FAILURES} failed logins for one email
 * (or {@link MAX_FAILURES_PER_IP} from one address) within {@link WINDOW_MS}, further attempts are refused until the window passes — whether or not the
 * password is right. Counters live in this server process (one `next start`); with several
 * instances they belong in Redis (lib/redis.ts).
 */
export const MAX_FAILURES = 5;
/** An address may fail more often than one email (several people behind one NAT). */
export const MAX_FAILURES_PER_IP = 20;
export const WINDOW_MS = 15 * 60_000;

interface Counter {
  failures: number[];
}

const holder = globalThis as unknown as { __incidentsLoginFailures?: Map<string, Counter> };
function counters(): Map<string, Counter> {
  holder.__incidentsLoginFailures ??= new Map();
  return holder.__incidentsLoginFailures;
}

function recent(key: string, now: number): number[] {
  const c = counters().get(key);
  if (!c) return [];
  c.failures = c.failures.filter((t) => now - t < WINDOW_MS);
  if (c.failures.length === 0) counters().delete(key);
  return c.failures;
}

/** Keys of one login attempt: the email (lower-cased) and the client address. */
export function loginKeys(email: string, ip: string): string[] {
  return [`email:${email.trim().toLowerCase()}`, `ip:${ip}`];
}

/** Whether any key has reached the limit. */
export function isLimited(keys: string[], now = Date.now()): boolean {
  return keys.some((k) => recent(k, now).length >= (k.startsWith('ip:') ? MAX_FAILURES_PER_IP : MAX_FAILURES));
}

/** Counts a failed attempt against every key. */
export function recordFailure(keys: string[], now = Date.now()): void {
  for (const k of keys) {
    const c = counters().get(k) ?? { failures: [] };
    c.failures.push(now);
    counters().set(k, c);
  }
}

/** Forgets the email's failures after a successful login. */
export function recordSuccess(keys: string[]): void {
  const emailKey = keys[0];
  if (emailKey) counters().delete(emailKey);
}

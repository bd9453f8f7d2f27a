import 'server-only';
/**
 * Login throttling.
 *
 * - **With Redis** (lib/redis.ts): `@incidents/redis`'s `createRateLimits` — sliding windows shared by
 *   every `next start` instance: {@link REDIS_LOGIN_PER_EMAIL} attempts per email and
 *   {@link REDIS_LOGIN_PER_IP} per client address. Every attempt counts (the library counts before the
 *   password is checked); a successful login clears the email's window.
 * - **Without Redis, or while Redis does not answer** (the check comes back `degraded`): the
 *   in-process counters below — after {@link MAX_FAILURES} failed logins for one email (or
 *   {@link MAX_FAILURES_PER_IP} from one address) within {@link WINDOW_MS}, further attempts are refused
 *   until the window passes, whether or not the password is right. They are per process: with several
 *   instances and no Redis, an attacker gets `MAX_FAILURES` tries per instance.
 *
 * Failures are always recorded in-process too, so a Redis outage does not reset the throttle.
 */
import type { RateLimitRule } from '@incidents/redis';
import { redis } from './redis';
export const MAX_FAILURES = 5;
/** An address may fail more often than one email (several people behind one NAT). */
export const MAX_FAILURES_PER_IP = 20;
export const WINDOW_MS = 15 * 60_000;
/** Redis window per email: the sixth attempt within 15 minutes is refused. */
export const REDIS_LOGIN_PER_EMAIL: RateLimitRule = { limit: 5, window: '15 m' };
/** Redis window per address: every attempt counts there (successes too), hence more than the failures above. */
export const REDIS_LOGIN_PER_IP: RateLimitRule = { limit: 60, window: '15 m' };

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

/**
 * Whether this login attempt may go ahead: Redis decides when it answers, the in-process counters
 * otherwise. Counts the attempt in Redis.
 */
export async function loginAllowed(email: string, ip: string): Promise<boolean> {
  const parts = await redis().catch(() => null);
  if (parts) {
    const decision = await parts.limits.login({ email, ip });
    if (!decision.degraded) return decision.allowed;
  }
  return !isLimited(loginKeys(email, ip));
}

/** After a failed login: counts it in-process (Redis counted the attempt already). */
export function loginFailed(email: string, ip: string): void {
  recordFailure(loginKeys(email, ip));
}

/** After a successful login: clears the email's counters (Redis and in-process). */
export async function loginSucceeded(email: string, ip: string): Promise<void> {
  recordSuccess(loginKeys(email, ip));
  const parts = await redis().catch(() => null);
  await parts?.limits.resetLogin(email).catch(() => {});
}

/**
 * Rate limits with `@upstash/ratelimit` (sliding windows in Redis), on either client kind: login
 * attempts per email and per IP address, API calls per token. Identifiers are hashed before they
 * reach Redis — an API token or an email never appears in a key.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { Ratelimit } from '@upstash/ratelimit';
import type { RedisConnection } from './connection.js';

/** A window: at most `limit` events per `window` (`'15 m'`, `'1 h'`, `'10 s'`, `'1 d'`). */
export interface RateLimitRule {
  limit: number;
  window: `${number} ${'ms' | 's' | 'm' | 'h' | 'd'}`;
}

/** Options of {@link createRateLimits}. */
export interface RateLimitsOptions {
  redis: RedisConnection;
  /** Key prefix (default `incidents:rl:`). */
  prefix?: string;
  /** Login attempts per email (default 5 per 15 minutes). */
  loginPerEmail?: RateLimitRule;
  /** Login attempts per IP address (default 20 per 15 minutes). */
  loginPerIp?: RateLimitRule;
  /** API calls per token (default 600 per minute). */
  apiPerToken?: RateLimitRule;
  /**
   * What a check answers when Redis fails or takes longer than `timeoutMs`: `allow` (default: an
   * outage of the cache does not lock users out) or `deny`.
   */
  onRedisError?: 'allow' | 'deny';
  /** Deadline of a check, in ms (default 1000). */
  timeoutMs?: number;
}

/** The answer of a check. */
export interface RateLimitDecision {
  /** Whether the event may go ahead. */
  allowed: boolean;
  /** Which rule denied it. */
  deniedBy?: 'email' | 'ip' | 'token';
  /** Limit of the tightest rule checked. */
  limit: number;
  /** Events left in the current window of the tightest rule. */
  remaining: number;
  /** When the window of the denying (or tightest) rule resets, epoch ms. */
  resetAt: number;
  /** Seconds to wait before retrying (0 when allowed): for `Retry-After`. */
  retryAfterSeconds: number;
  /** `true` when Redis failed and the answer is `onRedisError`'s. */
  degraded?: boolean;
}

/** Rate limits of the support desk. */
export interface RateLimits {
  /** Counts a login attempt for `email` and for `ip` (either may be omitted); denied if either rule is exhausted. */
  login(input: { email?: string; ip?: string }): Promise<RateLimitDecision>;
  /** Counts an API call made with `token`. */
  api(token: string): Promise<RateLimitDecision>;
  /** Clears the login counter of an email (after a successful login, if you want). */
  resetLogin(email: string): Promise<void>;
}

function digest(kind: string, value: string): string {
  return createHash('sha256').update(`${kind}\0${value}`).digest('base64url').slice(0, 32);
}

/**
 * Creates the desk's rate limits over a {@link RedisConnection} (Upstash REST or TCP).
 *
 * @example
 * ```ts
 * const limits = createRateLimits({ redis });
 * const decision = await limits.login({ email: form.email, ip: request.ip });
 * if (!decision.allowed) return new Response('Too many attempts', { status: 429, headers: { 'Retry-After': String(decision.retryAfterSeconds) } });
 * ```
 */
export function createRateLimits(options: RateLimitsOptions): RateLimits {
  const prefix = options.prefix ?? 'incidents:rl:';
  const timeout = options.timeoutMs ?? 1_000;
  const make = (rule: RateLimitRule, name: string) =>
    new Ratelimit({
      redis: options.redis.ratelimitClient,
      limiter: Ratelimit.slidingWindow(rule.limit, rule.window),
      prefix: `${prefix}${name}`,
      analytics: false,
      ephemeralCache: false,
      timeout,
    });
  const email = make(options.loginPerEmail ?? { limit: 5, window: '15 m' }, 'login-email');
  const ip = make(options.loginPerIp ?? { limit: 20, window: '15 m' }, 'login-ip');
  const api = make(options.apiPerToken ?? { limit: 600, window: '1 m' }, 'api-token');
  const onError = options.onRedisError ?? 'allow';

  const failed = (): RateLimitDecision => ({
    allowed: onError === 'allow',
    limit: 0,
    remaining: 0,
    resetAt: Date.now(),
    retryAfterSeconds: onError === 'allow' ? 0 : 1,
    degraded: true,
  });

  const check = async (
    checks: { limiter: Ratelimit; id: string; by: 'email' | 'ip' | 'token' }[],
  ): Promise<RateLimitDecision> => {
    let results: Awaited<ReturnType<Ratelimit['limit']>>[];
    try {
      results = await Promise.all(checks.map((c) => c.limiter.limit(c.id)));
    } catch {
      return failed();
    }
    // @upstash/ratelimit answers `success: true, reason: 'timeout'` when Redis did not answer in time.
    if (results.some((r) => r.reason === 'timeout')) return failed();
    const deniedIndex = results.findIndex((r) => !r.success);
    const pick =
      deniedIndex >= 0
        ? deniedIndex
        : results.reduce((m, r, i, all) => (r.remaining < (all[m]?.remaining ?? Infinity) ? i : m), 0);
    const r = results[pick];
    if (!r) return { allowed: true, limit: 0, remaining: 0, resetAt: Date.now(), retryAfterSeconds: 0 };
    const allowed = deniedIndex < 0;
    return {
      allowed,
      ...(allowed ? {} : { deniedBy: checks[pick]?.by }),
      limit: r.limit,
      remaining: Math.max(0, r.remaining),
      resetAt: r.reset,
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((r.reset - Date.now()) / 1000)),
    };
  };

  return {
    login(input) {
      const checks: { limiter: Ratelimit; id: string; by: 'email' | 'ip' }[] = [];
      if (input.email)
        checks.push({ limiter: email, id: digest('email', input.email.trim().toLowerCase()), by: 'email' });
      if (input.ip) checks.push({ limiter: ip, id: digest('ip', input.ip), by: 'ip' });
      return check(checks);
    },
    api(token) {
      return check([{ limiter: api, id: digest('token', token), by: 'token' }]);
    },
    async resetLogin(address) {
      await email.resetUsedTokens(digest('email', address.trim().toLowerCase()));
    },
  };
}

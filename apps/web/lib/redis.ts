import 'server-only';
/**
 * Every use of Redis by the web desk goes through this module. Redis (`@incidents/redis`, configured
 * with `UPSTASH_REDIS_REST_URL` + `UPSTASH_REDIS_REST_TOKEN` or `INCIDENTS_REDIS_URL`) is not wired
 * yet: this module reports it as not configured, and the login limiter keeps its counters in the
 * server process (see rate-limit.ts).
 */

/** Whether a Redis connection is configured in the environment. */
export function redisConfigured(): boolean {
  return Boolean(
    process.env.INCIDENTS_REDIS_URL?.trim() ||
      (process.env.UPSTASH_REDIS_REST_URL?.trim() && process.env.UPSTASH_REDIS_REST_TOKEN?.trim()),
  );
}

/** The Redis panel of /metrics and /api/metrics: `null` while the desk runs without Redis. */
export async function redisStats(): Promise<Record<string, unknown> | null> {
  return null;
}

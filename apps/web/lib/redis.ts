import 'server-only';
/**
 * Every use of Redis by the web desk goes through this module. Redis is configured through
 * `@incidents/config` (`UPSTASH_REDIS_REST_URL` + `UPSTASH_REDIS_REST_TOKEN`, or
 * `INCIDENTS_REDIS_URL=redis://…`); without it the desk runs on the store alone.
 *
 * With Redis:
 * - the store is `@incidents/redis`'s cached store (opened by `openStore` in lib/dal.ts);
 * - login attempts are limited per email and per client address, and API calls per bearer token, by
 *   `createRateLimits` (sliding windows shared by every `next start` instance);
 * - `/api/batch` drains the task queue (`drainQueue`);
 * - /metrics and /api/metrics show `getRedisMetrics` (memory, hit rate, clients, queue lengths).
 *
 * When Redis stops answering, nothing here throws: the cache falls back to the store, a rate-limit
 * check answers "degraded" (the caller falls back to the in-process limiter, lib/rate-limit.ts), and
 * the panel says Redis is unavailable.
 */
import { cachePrefixFor, loadConfig, openRedis, storeIdentity } from '@incidents/config';
import {
  createRateLimits,
  createTaskQueue,
  getRedisMetrics,
  type RateLimits,
  type RedisConnection,
  type RedisMetrics,
  type TaskQueue,
} from '@incidents/redis';
import { desk } from './dal';
import { webSettings } from './env';
import { REDIS_LOGIN_PER_EMAIL, REDIS_LOGIN_PER_IP } from './rate-limit';

interface RedisParts {
  connection: RedisConnection;
  limits: RateLimits;
  queue: TaskQueue;
  cachePrefix: string;
}

// One connection per server process, opened on first use (separate from the cache's own connection,
// which `openStore` owns and closes with the store).
const holder = globalThis as unknown as { __incidentsRedis?: Promise<RedisParts | null> };

/** The desk's Redis parts, or `null` when Redis is not configured. */
export function redis(): Promise<RedisParts | null> {
  holder.__incidentsRedis ??= (async () => {
    const config = loadConfig({ env: process.env });
    if (!config.redis) return null;
    const connection = await openRedis(config.redis);
    return {
      connection,
      // Short deadline: a login must not wait a second on a dead Redis before falling back.
      limits: createRateLimits({
        redis: connection,
        timeoutMs: 300,
        loginPerEmail: REDIS_LOGIN_PER_EMAIL,
        loginPerIp: REDIS_LOGIN_PER_IP,
        apiPerToken: { limit: webSettings().apiCallsPerMinute, window: '1 m' },
      }),
      queue: createTaskQueue({ redis: connection, timeoutMs: 1_000 }),
      cachePrefix: cachePrefixFor(storeIdentity(config)),
    };
  })().catch((err) => {
    holder.__incidentsRedis = undefined;
    throw err;
  });
  return holder.__incidentsRedis;
}

/**
 * The Redis panel of /metrics and /api/metrics: `null` while the desk runs without Redis; with
 * `available: false` when Redis does not answer (never throws).
 */
export async function redisStats(): Promise<RedisMetrics | null> {
  const parts = await redis();
  if (!parts) return null;
  const { store } = await desk();
  const cache = (store as { cache?: { stats(): import('@incidents/redis').CacheStats } }).cache;
  return getRedisMetrics({
    redis: parts.connection,
    queue: parts.queue,
    cachePrefix: parts.cachePrefix,
    timeoutMs: 500,
    ...(cache ? { cache } : {}),
  });
}

/**
 * Redis settings of the apps: `UPSTASH_REDIS_REST_URL` + `UPSTASH_REDIS_REST_TOKEN` (Upstash REST) or
 * `INCIDENTS_REDIS_URL=redis://…` (TCP). Nothing set = no Redis: every app works without it.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { IncidentsError, type IncidentStore } from '@incidents/core';
import type { RedisConnection, RedisLogger } from '@incidents/redis';

/** Where Redis is. Tokens and passwords stay in here: never print this object. */
export type RedisConfig =
  | { kind: 'upstash'; url: string; token: string }
  | {
      kind: 'tcp';
      url: string;
    };

const nonEmpty = (v: string | undefined) => (v && v.trim() !== '' ? v.trim() : undefined);

/**
 * Reads the Redis settings. Upstash wins when both kinds are set.
 * @returns `null` when no Redis is configured.
 * @throws IncidentsError `config` naming the variable that is wrong (never its value).
 */
export function loadRedisConfig(env: Readonly<Record<string, string | undefined>> = process.env): RedisConfig | null {
  const url = nonEmpty(env.UPSTASH_REDIS_REST_URL);
  const token = nonEmpty(env.UPSTASH_REDIS_REST_TOKEN);
  if (url || token) {
    if (!url)
      throw new IncidentsError('config', 'UPSTASH_REDIS_REST_URL is required when UPSTASH_REDIS_REST_TOKEN is set');
    if (!token)
      throw new IncidentsError('config', 'UPSTASH_REDIS_REST_TOKEN is required when UPSTASH_REDIS_REST_URL is set');
    if (!/^https?:\/\/[^\s/]+/.test(url)) {
      throw new IncidentsError('config', 'UPSTASH_REDIS_REST_URL must be an http(s) URL (https://<name>.upstash.io)');
    }
    return { kind: 'upstash', url, token };
  }
  const tcp = nonEmpty(env.INCIDENTS_REDIS_URL);
  if (tcp) {
    if (!/^rediss?:\/\/[^\s]+/.test(tcp)) {
      throw new IncidentsError('config', 'INCIDENTS_REDIS_URL must be a redis:// or rediss:// URL');
    }
    return { kind: 'tcp', url: tcp };
  }
  return null;
}

/** Opens a connection to the configured Redis (`@incidents/redis` is loaded on demand). */
export async function openRedis(config: RedisConfig): Promise<RedisConnection> {
  const { createTcpConnection, createUpstashConnection } = await import('@incidents/redis');
  return config.kind === 'upstash'
    ? createUpstashConnection({ url: config.url, token: config.token })
    : createTcpConnection({ url: config.url });
}

/**
 * The cache prefix of one database: `incidents:cache:<hash of the store's identity>:`, so that two
 * databases sharing a Redis (a demo file and the real one) never share cached records.
 */
export function cachePrefixFor(identity: string): string {
  return `incidents:cache:${createHash('sha256').update(identity).digest('hex').slice(0, 12)}:`;
}

/** The identity of a DynamoDB table for {@link cachePrefixFor}: the same in every app (CLI, web, Lambda). */
export function dynamoStoreIdentity(table: string, endpoint?: string): string {
  return `dynamo:${endpoint ?? 'aws'}:${table}`;
}

/**
 * Wraps `store` with the Redis read cache when Redis is configured; returns `store` unchanged
 * otherwise. The connection is closed with the store.
 */
export async function withRedisCache<S extends IncidentStore>(
  store: S,
  redis: RedisConfig | null | undefined,
  options: { identity: string; logger?: RedisLogger },
): Promise<S> {
  if (!redis) return store;
  const { createCachedStore } = await import('@incidents/redis');
  const connection = await openRedis(redis);
  return createCachedStore(store, {
    redis: connection,
    prefix: cachePrefixFor(options.identity),
    closeConnection: true,
    logger: options.logger ?? { warn: (m) => console.warn(m) },
  });
}

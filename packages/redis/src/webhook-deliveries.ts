/**
 * A webhook delivery log in Redis: the shared memory of delivery ids that lets several app instances
 * (several `next start` processes, containers behind a load balancer) answer a vendor's retry, or a
 * replayed request, as a duplicate — whichever instance received the first copy.
 *
 * It implements `WebhookDeliveryLog` of `@incidents/connectors` (`deliveries` of
 * `createWebhookIntake`) structurally, without depending on that package.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { RedisConnection } from './connection.js';

/** Options of {@link createRedisDeliveryLog}. */
export interface RedisDeliveryLogOptions {
  /** Key prefix. Default `incidents:webhook:`. */
  prefix?: string;
  /**
   * Called when Redis fails: the delivery is then taken as new (a duplicate only costs one more
   * pull, which changes nothing; refusing it would delay a real change to the next poll).
   */
  onError?: (error: unknown) => void;
}

/** The delivery log: `firstSeen(key, ttlMs)` as `WebhookDeliveryLog` of `@incidents/connectors` declares it. */
export interface RedisDeliveryLog {
  /** `true` the first time `key` is seen within `ttlMs` by any instance (and records it), `false` for a repeat. */
  firstSeen(key: string, ttlMs: number): Promise<boolean>;
}

/** Keys longer than this are hashed (delivery ids are the vendor's; a key stays bounded). */
const MAX_KEY_PART = 200;

/**
 * Creates a webhook delivery log over Redis: one `SET <prefix><key> 1 NX EX <ttl>` per delivery —
 * atomic, so of two instances receiving the same delivery at once exactly one sees it first; the key
 * expires with the TTL (whole seconds, rounded up).
 *
 * @example
 * ```ts
 * import { createWebhookIntake } from '@incidents/connectors';
 * import { createRedisDeliveryLog, createTcpConnection } from '@incidents/redis';
 *
 * declare const engine: Parameters<typeof createWebhookIntake>[0]['engine'];
 * const redis = createTcpConnection({ url: 'redis://127.0.0.1:6379' });
 * const intake = createWebhookIntake({
 *   engine,
 *   endpoints: { jira: { vendor: 'jira', secret: process.env.INCIDENTS_JIRA_WEBHOOK_SECRET ?? '' } },
 *   deliveries: createRedisDeliveryLog(redis),
 * });
 * ```
 */
export function createRedisDeliveryLog(
  redis: RedisConnection,
  options: RedisDeliveryLogOptions = {},
): RedisDeliveryLog {
  const prefix = options.prefix ?? 'incidents:webhook:';
  const keyOf = (key: string) => {
    const readable = key.split(String.fromCharCode(0)).join(':');
    return `${prefix}${readable.length > MAX_KEY_PART ? createHash('sha256').update(key).digest('hex') : readable}`;
  };
  return {
    async firstSeen(key, ttlMs) {
      const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
      try {
        const reply = await redis.command(['SET', keyOf(key), '1', 'NX', 'EX', seconds]);
        return reply !== null && reply !== undefined;
      } catch (error) {
        try {
          options.onError?.(error);
        } catch {
          // A logging callback never changes the answer.
        }
        return true;
      }
    },
  };
}

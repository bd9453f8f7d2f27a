/**
 * Stands in for `@incidents/redis` in the stack's handler bundles (infra/bundling.ts): no function of
 * the stack is given Redis settings, so ioredis and the Upstash client (~310 KiB) are left out. A
 * function given `INCIDENTS_REDIS_URL` or `UPSTASH_REDIS_REST_URL` anyway fails on its first
 * invocation with this error instead of running without the read cache's invalidation.
 */
import { IncidentsError } from '@incidents/core';

function unavailable(): never {
  throw new IncidentsError(
    'config',
    'Redis is configured (INCIDENTS_REDIS_URL or UPSTASH_REDIS_REST_URL) but this function was bundled without @incidents/redis: remove the variable, or bundle the function without the "redis" exclusion (apps/lambda/infra/bundling.ts)',
    {
      details: {
        issues: [
          { path: 'INCIDENTS_REDIS_URL', message: 'not supported by this bundle' },
          { path: 'UPSTASH_REDIS_REST_URL', message: 'not supported by this bundle' },
        ],
      },
    },
  );
}

export const createTcpConnection = unavailable;
export const createUpstashConnection = unavailable;
export const createCachedStore = unavailable;

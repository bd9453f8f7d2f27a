/**
 * `@incidents/redis-testing` — test and development support for `@incidents/redis` (private, **not for
 * production**):
 *
 * - {@link startUpstashGateway}: Upstash's REST protocol on 127.0.0.1 in front of a real redis-server,
 *   so the stock `@upstash/redis` client runs end to end without the cloud;
 * - {@link startRedisServer}: a throw-away redis-server on a free port, for outage tests;
 * - {@link uniquePrefix} and {@link freePort}.
 *
 * @packageDocumentation
 */
export { startUpstashGateway, type UpstashGateway, type UpstashGatewayOptions } from './gateway.js';
export { freePort, type OwnRedisServer, startRedisServer, uniquePrefix } from './redis-server.js';

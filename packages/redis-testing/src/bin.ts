#!/usr/bin/env node
/**
 * `incidents-upstash-gateway` — runs the local Upstash REST gateway for development.
 * NOT FOR PRODUCTION. Reads `--port`, `--redis` (default redis://127.0.0.1:6379) and the token from
 * `UPSTASH_REDIS_REST_TOKEN` (never printed).
 */
import { parseArgs } from 'node:util';
import { startUpstashGateway } from './gateway.js';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '8079' }, redis: { type: 'string', default: 'redis://127.0.0.1:6379' } },
});
const token = process.env.UPSTASH_REDIS_REST_TOKEN;
if (!token) {
  console.error('Set UPSTASH_REDIS_REST_TOKEN to the token clients will send.');
  process.exit(2);
}
startUpstashGateway({ redisUrl: values.redis, token, port: Number(values.port) }).then((gateway) => {
  console.log(`Upstash REST gateway (development only, not for production) on ${gateway.url}`);
  process.on('SIGINT', () => {
    gateway.close().then(() => process.exit(0));
  });
});

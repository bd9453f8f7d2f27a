/**
 * The webhook delivery log against the real redis-server, through both clients: a delivery id is new
 * once across every instance sharing the Redis (concurrent instances included), again new after its
 * TTL, and a Redis outage takes the delivery as new (one more pull) instead of failing it.
 */
import { freePort, uniquePrefix } from '@incidents/redis-testing';
import { describe, expect, it } from 'vitest';
import { createRedisDeliveryLog, createTcpConnection } from '../src/index.js';
import { CLIENT_KINDS, connectionsForFile } from './helpers.js';

const filePrefix = uniquePrefix('redis-webhooks');
const conns = connectionsForFile(filePrefix);

describe.each(CLIENT_KINDS)('webhook delivery log (%s)', (kind) => {
  it('a delivery id is first seen once across instances, also when they receive it at the same time', async () => {
    const prefix = `${filePrefix}${kind}:`;
    // Two app instances: two logs over two connections to the same Redis.
    const a = createRedisDeliveryLog(conns[kind], { prefix });
    const b = createRedisDeliveryLog(conns.tcp, { prefix });
    expect(await a.firstSeen('jira\u0000d-1', 60_000)).toBe(true);
    expect(await b.firstSeen('jira\u0000d-1', 60_000)).toBe(false);
    expect(await a.firstSeen('jira\u0000d-1', 60_000)).toBe(false);
    // The same id on another connector's endpoint is another delivery.
    expect(await b.firstSeen('zendesk\u0000d-1', 60_000)).toBe(true);
    const racing = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).firstSeen('slack\u0000Ev-race', 60_000)),
    );
    expect(racing.filter(Boolean)).toHaveLength(1);
    // SET NX EX: the key expires with the TTL.
    const ttl = await conns.tcp.command<number>(['TTL', `${prefix}jira:d-1`]);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    const long = `shortcut\u0000${'x'.repeat(500)}`;
    expect(await a.firstSeen(long, 60_000)).toBe(true);
    expect(await b.firstSeen(long, 60_000)).toBe(false);
  });

  it('after its TTL, a delivery id is new again', async () => {
    const log = createRedisDeliveryLog(conns[kind], { prefix: `${filePrefix}${kind}-ttl:` });
    expect(await log.firstSeen('jira\u0000d-ttl', 1_000)).toBe(true);
    await conns.tcp.command(['PEXPIRE', `${filePrefix}${kind}-ttl:jira:d-ttl`, 1]);
    await new Promise((done) => setTimeout(done, 20));
    expect(await log.firstSeen('jira\u0000d-ttl', 1_000)).toBe(true);
  });
});

it('with Redis down, a delivery is taken as new and the error reported', async () => {
  const down = createTcpConnection({ url: `redis://127.0.0.1:${await freePort()}` }); // nothing listens there
  const errors: unknown[] = [];
  const log = createRedisDeliveryLog(down, { prefix: `${filePrefix}down:`, onError: (e) => errors.push(e) });
  expect(await log.firstSeen('jira\u0000d-down', 60_000)).toBe(true);
  expect(errors).toHaveLength(1);
  await down.close();
});

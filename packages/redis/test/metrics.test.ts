import { freePort, uniquePrefix } from '@incidents/redis-testing';
import { createTursoStore } from '@incidents/store-turso';
import { describe, expect, it } from 'vitest';
import { createCachedStore, createTaskQueue, createTcpConnection, getRedisMetrics, parseInfo } from '../src/index.js';
import { CLIENT_KINDS, connectionsForFile } from './helpers.js';

const filePrefix = uniquePrefix('redis-metrics');
const conns = connectionsForFile(filePrefix);

describe('parseInfo', () => {
  it('reads fields of every section and skips headers', () => {
    const info = parseInfo(
      '# Memory\r\nused_memory:1024\r\nmaxmemory:0\r\n\r\n# Keyspace\r\ndb0:keys=3,expires=1,avg_ttl=5\r\n',
    );
    expect(info).toEqual({ used_memory: '1024', maxmemory: '0', db0: 'keys=3,expires=1,avg_ttl=5' });
  });
});

describe.each(CLIENT_KINDS)('getRedisMetrics (%s)', (kind) => {
  it('reports memory, hit rate, clients, keyspace, queue lengths and the cache counters', async () => {
    const prefix = `${filePrefix}${kind}:`;
    const queue = createTaskQueue({ redis: conns[kind], prefix: `${prefix}q:` });
    await queue.enqueue({ type: 'kbSync' });
    await queue.enqueue({ type: 'kbSync' });
    const store = createCachedStore(await createTursoStore({ url: ':memory:' }), {
      redis: conns[kind],
      prefix: `${prefix}c:`,
      timeoutMs: 1_000,
    });
    await store.getUser('nobody@example.com');
    await store.getUser('nobody@example.com');
    await store.cache.flushCounters();
    const m = await getRedisMetrics({ redis: conns[kind], queue, cache: store.cache, cachePrefix: `${prefix}c:` });
    expect(m).toMatchObject({ available: true, degraded: false, kind });
    expect(m.memory.used_bytes).toBeGreaterThan(0);
    expect(m.stats.keyspace_hits).toBeGreaterThanOrEqual(0);
    expect(m.stats.hit_rate).toBeGreaterThanOrEqual(0);
    expect(m.clients.connected).toBeGreaterThanOrEqual(1);
    expect(m.keyspace.db0?.keys).toBeGreaterThan(0);
    expect(m.queue).toEqual({ pending: 2, processing: 0, delayed: 0, dead: 0 });
    expect(m.cache?.process).toMatchObject({ misses: 2, hits: 0 });
    expect(m.cache?.shared).toMatchObject({ misses: 2, hits: 0, hit_rate: 0 });
    await store.close();
  });
});

it('reports Redis down as unavailable and degraded, without throwing or leaking the password', async () => {
  const redis = createTcpConnection({ url: `redis://u:pw-secret-123@127.0.0.1:${await freePort()}` });
  const m = await getRedisMetrics({ redis, timeoutMs: 500 });
  expect(m).toMatchObject({ available: false, degraded: true });
  expect(JSON.stringify(m)).not.toContain('pw-secret-123');
  await redis.close();
});

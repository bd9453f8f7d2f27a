/**
 * The store contract suite, unchanged, around a cached store: store-turso (libSQL file) and
 * store-dynamo (DynamoDB Local), each with the TCP client and with `@upstash/redis` through the local
 * REST gateway. Every store gets its own key prefix (ids repeat across tests).
 */
import { runIncidentStoreContract } from '@incidents/core/testing';
import { uniquePrefix } from '@incidents/redis-testing';
import { createTursoStore } from '@incidents/store-turso';
import { afterAll, beforeAll, expect } from 'vitest';
import { type CachedIncidentStore, createCachedStore } from '../src/index.js';
import { CLIENT_KINDS, connectionsForFile, freshDynamoStore, tempDir } from './helpers.js';

const filePrefix = uniquePrefix('redis-contract');
const conns = connectionsForFile(filePrefix);
let dir: string;
let cleanup: () => Promise<void>;
let n = 0;
const drops = new WeakMap<object, () => Promise<void>>();
/** Cache hits per client kind over the whole suite: the contract must have run through the cache. */
const hits = { tcp: 0, upstash: 0 };
/** The gateway shares this process's event loop; a busy loop is not an outage here. */
const timeoutMs = 1_000;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('redis-contract-'));
});
afterAll(async () => {
  expect(hits.tcp).toBeGreaterThan(0);
  expect(hits.upstash).toBeGreaterThan(0);
  await cleanup();
});

for (const kind of CLIENT_KINDS) {
  runIncidentStoreContract({
    name: `cached turso file: (${kind})`,
    createStore: async () =>
      createCachedStore(await createTursoStore({ url: `file:${dir}/contract-${++n}.db` }), {
        redis: conns[kind],
        prefix: `${filePrefix}${++n}:`,
        timeoutMs,
      }),
    destroyStore: async (store) => {
      hits[kind] += (store as CachedIncidentStore).cache.stats().hits;
    },
  });

  runIncidentStoreContract({
    name: `cached dynamo (DynamoDB Local, ${kind})`,
    createStore: async () => {
      const { store, drop } = await freshDynamoStore();
      const cached = createCachedStore(store, { redis: conns[kind], prefix: `${filePrefix}${++n}:`, timeoutMs });
      drops.set(cached, drop);
      return cached;
    },
    destroyStore: async (store) => {
      hits[kind] += (store as CachedIncidentStore).cache.stats().hits;
      await drops.get(store)?.();
    },
  });
}

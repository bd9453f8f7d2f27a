/**
 * What the cache does beyond the contract: hits, invalidation across instances sharing Redis,
 * one loader per key, corrupt values, and the TTL bound when an invalidation fails.
 */
import { createIncidentService, type IncidentStore } from '@incidents/core';
import { uniquePrefix } from '@incidents/redis-testing';
import { createTursoStore, type TursoStore } from '@incidents/store-turso';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCachedStore } from '../src/index.js';
import { CLIENT_KINDS, connectionsForFile, tempDir } from './helpers.js';

const filePrefix = uniquePrefix('redis-cache');
const conns = connectionsForFile(filePrefix);
let dir: string;
let cleanup: () => Promise<void>;
let n = 0;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('redis-cache-'));
});
afterAll(async () => {
  await cleanup();
});

const admin = { actor: { id: 'admin@example.com', roles: ['admin' as const] } };
const ana = { actor: { id: 'ana@example.com', roles: ['operator' as const] } };

/**
 * The gateway runs in this test process and shares its event loop with the store; tests that are not
 * about timeouts give Redis calls more than the 50 ms default so that a busy loop is not an outage.
 */
const timeoutMs = 1_000;

/** Counts calls of the real store's read methods (instrumentation, not a fake). */
function counting<S extends IncidentStore>(store: S): { store: S; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const proxy = new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[String(prop)] = (calls[String(prop)] ?? 0) + 1;
        return value.apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

async function openStore(): Promise<TursoStore> {
  return createTursoStore({ url: `file:${dir}/cache-${++n}.db` });
}

describe.each(CLIENT_KINDS)('createCachedStore (%s)', (kind) => {
  it('serves the second read of a record, a user and a first list page from Redis', async () => {
    const inner = counting(await openStore());
    const store = createCachedStore(inner.store, { redis: conns[kind], prefix: `${filePrefix}${++n}:`, timeoutMs });
    const service = createIncidentService({ store });
    const created = await service.create({ title: 'Disk full', category: 'Infrastructure' }, admin);
    await store.putUser({
      email: 'ana@example.com',
      name: 'Ana',
      role: 'operator',
      active: true,
      created_at: created.created_at,
    });

    const q = { by: 'status', status: 'NEW' } as const;
    expect(await store.getIncident(created.incident_id)).toEqual(created);
    expect(await store.getUser('ana@example.com')).toMatchObject({ name: 'Ana' });
    const page1 = await store.queryIncidents(q, { limit: 20 });
    expect(page1.items.map((i) => i.incident_id)).toEqual([created.incident_id]);
    await store.cache.settled();

    expect(await store.getIncident(created.incident_id)).toEqual(created);
    expect(await store.getUser('ana@example.com')).toMatchObject({ name: 'Ana' });
    expect(await store.queryIncidents(q, { limit: 20 })).toEqual(page1);
    expect({ get: inner.calls.getIncident, user: inner.calls.getUser, list: inner.calls.queryIncidents }).toEqual({
      get: 1,
      user: 1,
      list: 1,
    });
    expect(store.cache.stats()).toMatchObject({ hits: 3, misses: 3, fallbacks: 0, degraded: false });
    // Another spelling of the email answers what the store answers, and is invalidated with it.
    expect(await store.getUser('ANA@example.com')).toEqual(await inner.store.getUser('ANA@example.com'));
    await store.cache.settled();
    await store.putUser({
      email: 'ana@example.com',
      name: 'Ana B',
      role: 'operator',
      active: true,
      created_at: created.created_at,
    });
    expect(await store.getUser('ANA@example.com')).toEqual(await inner.store.getUser('ANA@example.com'));
    expect(await store.getUser('ana@example.com')).toMatchObject({ name: 'Ana B' });
    await store.close();
  });

  it('a write through one instance invalidates what another instance cached (shared Redis)', async () => {
    const prefix = `${filePrefix}${++n}:`;
    const url = `file:${dir}/shared-${n}.db`;
    const a = createCachedStore(await createTursoStore({ url }), { redis: conns[kind], prefix, timeoutMs });
    const b = createCachedStore(await createTursoStore({ url }), { redis: conns[kind], prefix, timeoutMs });
    const created = await createIncidentService({ store: a }).create({ title: 'VPN down', category: 'Network' }, admin);
    const list = { by: 'status', status: ['NEW', 'ASSIGNED'] } as const;
    expect((await a.getIncident(created.incident_id))?.status).toBe('NEW');
    expect((await a.queryIncidents(list)).items.map((i) => i.status)).toEqual(['NEW']);
    expect(a.cache.stats().misses).toBe(2);
    await a.cache.settled();
    expect((await a.getIncident(created.incident_id))?.status).toBe('NEW');
    expect(a.cache.stats().hits).toBe(1);

    await createIncidentService({ store: b }).claim(created.incident_id, ana);

    const after = await a.getIncident(created.incident_id);
    expect(after?.status).toBe('ASSIGNED');
    expect(after?.assigned_to).toBe('ana@example.com');
    expect((await a.queryIncidents(list)).items.map((i) => i.status)).toEqual(['ASSIGNED']);
    await a.close();
    await b.close();
  });

  it('runs one store load for many concurrent misses of the same key', async () => {
    const inner = counting(await openStore());
    const store = createCachedStore(inner.store, { redis: conns[kind], prefix: `${filePrefix}${++n}:`, timeoutMs });
    const created = await createIncidentService({ store }).create(
      { title: 'Hot ticket', category: 'Application' },
      admin,
    );
    const reads = await Promise.all(Array.from({ length: 25 }, () => store.getIncident(created.incident_id)));
    expect(new Set(reads.map((r) => r?.revision))).toEqual(new Set([1]));
    expect(inner.calls.getIncident).toBe(1);
    expect(store.cache.stats().loads).toBe(1);
    await store.close();
  });

  it('treats a corrupt or foreign value as a miss and never crashes', async () => {
    const prefix = `${filePrefix}${++n}:`;
    const inner = counting(await openStore());
    const store = createCachedStore(inner.store, { redis: conns[kind], prefix, timeoutMs });
    const created = await createIncidentService({ store }).create(
      { title: 'Corrupt me', category: 'Application' },
      admin,
    );
    await store.getIncident(created.incident_id);
    await store.cache.settled(); // cached now
    const [epoch, gen] = (await conns.tcp.command<string[]>([
      'MGET',
      `${prefix}epoch`,
      `${prefix}g:inc:${created.incident_id}`,
    ])) as string[];
    // Current stamps, but a value that is not an incident.
    await conns.tcp.command([
      'SET',
      `${prefix}inc:${created.incident_id}`,
      JSON.stringify({ e: epoch, g: gen, v: { incident_id: created.incident_id, title: 42 } }),
    ]);
    expect(await store.getIncident(created.incident_id)).toEqual(created);
    await store.cache.settled();
    await conns.tcp.command(['SET', `${prefix}inc:${created.incident_id}`, '{not json']);
    expect(await store.getIncident(created.incident_id)).toEqual(created);
    expect(store.cache.stats().invalid).toBe(2);
    expect(inner.calls.getIncident).toBe(3);
    await store.close();
  });
});

describe('when an invalidation fails', () => {
  it('another instance serves the old value for at most its TTL; the writer never does', async () => {
    const prefix = `${filePrefix}${++n}:`;
    const url = `file:${dir}/ttl-${n}.db`;
    // The reader talks TCP to Redis; the writer goes through the gateway, which is made slow while it writes.
    const reader = createCachedStore(await createTursoStore({ url }), { redis: conns.tcp, prefix, ttlSeconds: 1 });
    const warnings: string[] = [];
    const writer = createCachedStore(await createTursoStore({ url }), {
      redis: conns.upstash,
      prefix,
      ttlSeconds: 1,
      logger: { warn: (m) => warnings.push(m) },
    });
    const created = await createIncidentService({ store: writer }).create(
      { title: 'Stale?', category: 'Network' },
      admin,
    );
    expect((await reader.getIncident(created.incident_id))?.status).toBe('NEW');
    await reader.cache.settled();

    conns.gateway.setDelay(2_500);
    try {
      await createIncidentService({ store: writer }).claim(created.incident_id, ana);
      expect(writer.cache.stats()).toMatchObject({ invalidationFailures: 1, degraded: true, pendingEpochBump: true });
      // The writer bypasses the cache until it could replace the epoch.
      expect((await writer.getIncident(created.incident_id))?.status).toBe('ASSIGNED');
      // The reader may still see the value cached before the write ...
      expect((await reader.getIncident(created.incident_id))?.status).toBe('NEW');
      // ... but not after its TTL (1 s), even though the invalidation has not reached Redis yet.
      await new Promise((r) => setTimeout(r, 1_200));
      expect((await reader.getIncident(created.incident_id))?.status).toBe('ASSIGNED');
      expect(warnings).toHaveLength(1);
    } finally {
      conns.gateway.setDelay(0);
    }
    await reader.close();
    await writer.close();
  });
});

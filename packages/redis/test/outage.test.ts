/**
 * Redis down or slow: reads fall back to the store (never an error), one warning per outage, the
 * `degraded` flag, no stale read after recovery, and no credentials in errors or logs.
 */
import { createIncidentService, IncidentsError } from '@incidents/core';
import { freePort, type OwnRedisServer, startRedisServer, startUpstashGateway } from '@incidents/redis-testing';
import { createTursoStore } from '@incidents/store-turso';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCachedStore, createTcpConnection, createUpstashConnection } from '../src/index.js';
import { GATEWAY_TOKEN } from './helpers.js';

const admin = { actor: { id: 'admin@example.com', roles: ['admin' as const] } };
const ana = { actor: { id: 'ana@example.com', roles: ['operator' as const] } };

let server: OwnRedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.stop();
});

describe('Redis stopped (own redis-server, TCP)', () => {
  it('serves reads from the store, warns once, flags degraded, and recovers', async () => {
    const warnings: string[] = [];
    const redis = createTcpConnection({ url: server.url });
    const store = createCachedStore(await createTursoStore({ url: ':memory:' }), {
      redis,
      prefix: 'outage:',
      retryAfterMs: 50,
      logger: { warn: (m) => warnings.push(m) },
    });
    const service = createIncidentService({ store });
    const created = await service.create({ title: 'Printer on fire', category: 'Hardware' }, admin);
    await store.getIncident(created.incident_id);
    await store.cache.settled();
    expect(await store.getIncident(created.incident_id)).toEqual(created);
    expect(store.cache.stats().hits).toBe(1);

    await server.stop();
    for (let i = 0; i < 5; i++) {
      expect(await store.getIncident(created.incident_id)).toEqual(created);
      await new Promise((r) => setTimeout(r, 60)); // past retryAfterMs: Redis is tried again each time
    }
    // A write while Redis is down: the store takes it, the cache cannot be invalidated.
    const claimed = await service.claim(created.incident_id, ana);
    expect(await store.getIncident(created.incident_id)).toEqual(claimed);
    expect(await store.queryIncidents({ by: 'assignee', assigned_to: 'ana@example.com' })).toMatchObject({
      items: [claimed],
    });
    const down = store.cache.stats();
    expect(down).toMatchObject({ degraded: true, outages: 1, pendingEpochBump: true });
    expect(down.fallbacks).toBeGreaterThanOrEqual(7);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Redis unavailable, falling back to the store/);

    await server.start();
    await new Promise((r) => setTimeout(r, 60));
    let recovered = false;
    for (let i = 0; i < 100 && !recovered; i++) {
      expect(await store.getIncident(created.incident_id)).toEqual(claimed);
      recovered = !store.cache.stats().degraded && !store.cache.stats().pendingEpochBump;
      if (!recovered) await new Promise((r) => setTimeout(r, 60));
    }
    expect(recovered).toBe(true);
    await store.cache.settled();
    expect(await store.getIncident(created.incident_id)).toEqual(claimed);
    expect(store.cache.stats().hits).toBeGreaterThanOrEqual(2);
    expect(warnings).toHaveLength(1);
    await store.close();
    await redis.close();
  });
});

describe('Redis slow (gateway delay), Upstash client', () => {
  it('falls back within the timeout and serves no stale value after recovery', async () => {
    const gateway = await startUpstashGateway({ redisUrl: server.url, token: GATEWAY_TOKEN });
    const redis = createUpstashConnection({ url: gateway.url, token: GATEWAY_TOKEN });
    const inspect = createTcpConnection({ url: server.url });
    const warnings: string[] = [];
    const store = createCachedStore(await createTursoStore({ url: ':memory:' }), {
      redis,
      prefix: 'slow:',
      retryAfterMs: 50,
      timeoutMs: 300, // the gateway shares this process's event loop; 5 s is the delay under test
      logger: { warn: (m) => warnings.push(m) },
    });
    const service = createIncidentService({ store });
    const created = await service.create({ title: 'Slow lane', category: 'Network' }, admin);
    await store.getIncident(created.incident_id);
    await store.cache.settled();
    expect(await store.getIncident(created.incident_id)).toEqual(created);
    expect(store.cache.stats().hits).toBe(1);

    gateway.setDelay(5_000);
    const claimed = await service.claim(created.incident_id, ana);
    expect(await store.getIncident(created.incident_id)).toEqual(claimed);
    expect(store.cache.stats()).toMatchObject({ degraded: true, pendingEpochBump: true, outages: 1 });
    // The old value is still in Redis under the current tokens: only the epoch replacement protects readers.
    const stale = JSON.parse((await inspect.command<string>(['GET', `slow:inc:${created.incident_id}`])) ?? '{}');
    expect(stale.v.status).toBe('NEW');

    gateway.setDelay(0);
    let fresh = 0;
    for (let i = 0; i < 40; i++) {
      const got = await store.getIncident(created.incident_id);
      expect(got?.status).toBe('ASSIGNED');
      if (!store.cache.stats().degraded) fresh++;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(fresh).toBeGreaterThan(0);
    expect(store.cache.stats().pendingEpochBump).toBe(false);
    expect(warnings).toHaveLength(1);
    await store.close();
    await inspect.close();
    await gateway.close();
  });
});

describe('credentials', () => {
  it('never appear in errors or warnings', async () => {
    const port = await freePort(); // nothing listens there
    const secret = 's3cr3t-Passw0rd';
    const tcp = createTcpConnection({ url: `redis://default:${secret}@127.0.0.1:${port}` });
    const token = 'upstash-token-Zq9x8w7v6u';
    const upstash = createUpstashConnection({ url: `http://127.0.0.1:${port}`, token });
    for (const [conn, hidden] of [
      [tcp, secret],
      [upstash, token],
    ] as const) {
      const err = await conn.command(['GET', 'x']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IncidentsError);
      expect((err as IncidentsError).code).toBe('unavailable');
      expect(String((err as Error).message)).not.toContain(hidden);
      expect(JSON.stringify(err)).not.toContain(hidden);

      const warnings: string[] = [];
      const store = createCachedStore(await createTursoStore({ url: ':memory:' }), {
        redis: conn,
        logger: { warn: (m) => warnings.push(m) },
      });
      expect(await store.getIncident('INC-1')).toBeNull();
      expect(warnings).toHaveLength(1);
      expect(warnings.join('\n')).not.toContain(hidden);
      expect(store.cache.stats().lastError ?? '').not.toContain(hidden);
      await store.close();
    }
    await tcp.close();
  });
});

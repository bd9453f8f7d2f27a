import { collectAll, STATUSES } from '@incidents/core';
import { describe, expect, it } from 'vitest';
import { createTursoStore, seedDemoData } from '../src/index.js';

describe('seedDemoData', () => {
  it('writes 5 users, 20 incidents over every status and 100 interactions, deterministically', async () => {
    const a = await createTursoStore({ url: ':memory:' });
    const b = await createTursoStore({ url: ':memory:' });
    expect(await seedDemoData(a)).toEqual({ users: 5, incidents: 20, interactions: 100 });
    await seedDemoData(b);

    const users = (await a.listUsers()).items;
    expect(users.map((u) => u.role).sort()).toEqual(['admin', 'customer', 'customer', 'operator', 'operator']);

    const incidents = (await a.stats()).tables;
    expect(incidents.find((t) => t.name === 'incidents')?.rows).toBe(20);
    expect(incidents.find((t) => t.name === 'interactions')?.rows).toBe(100);
    expect(incidents.find((t) => t.name === 'users')?.rows).toBe(5);

    const statuses = new Set<string>();
    for (const status of STATUSES) {
      const page = await a.queryIncidents({ by: 'status', status });
      if (page.items.length) statuses.add(status);
    }
    expect([...statuses].sort()).toEqual([...STATUSES].sort());
    const agg = await a.aggregateMetrics({});
    expect(Object.keys(agg.by_severity).sort()).toEqual(['CRITICAL', 'HIGH', 'LOW', 'MEDIUM']);
    expect(Object.keys(agg.by_category).length).toBeGreaterThanOrEqual(5);

    for (let i = 1; i <= 20; i++) {
      const id = `DEMO-${String(i).padStart(4, '0')}`;
      expect(await b.getIncident(id)).toEqual(await a.getIncident(id));
      const timeline = (s: typeof a) =>
        collectAll((cursor) => s.listInteractions(id, { includeInternal: true, cursor }));
      expect(await timeline(b)).toEqual(await timeline(a));
    }
    await expect(seedDemoData(a)).rejects.toMatchObject({ code: 'conflict', details: { reason: 'already_exists' } });
    await Promise.all([a.close(), b.close()]);
  });

  it('places every timestamp before the given clock', async () => {
    const store = await createTursoStore({ url: ':memory:' });
    const now = new Date('2030-06-01T12:00:00.000Z');
    await seedDemoData(store, { clock: { now: () => now } });
    const all = await collectAll((cursor) =>
      store.queryIncidents({ by: 'source', source_system: 'MANUAL' }, { cursor }),
    );
    expect(all).toHaveLength(20);
    for (const incident of all) {
      expect(incident.updated_at < now.toISOString()).toBe(true);
      expect(incident.created_at >= '2030-05-11').toBe(true);
    }
    await store.close();
  });

  it.each([1, 7, 23, 60])(
    'interrupted after %i writes, a re-run completes the full set without duplicates',
    async (writesBeforeCrash) => {
      const store = await createTursoStore({ url: ':memory:' });
      // The real store, failing from the N-th incident write on (like a process killed mid-seed).
      let writes = 0;
      const crashing = new Proxy(store, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if ((prop === 'createIncident' || prop === 'updateIncident') && typeof value === 'function') {
            return (...args: unknown[]) => {
              writes += 1;
              if (writes > writesBeforeCrash) return Promise.reject(new Error('killed'));
              return value.apply(target, args);
            };
          }
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      await expect(seedDemoData(crashing)).rejects.toThrow('killed');
      const partial = (await store.stats()).tables.find((t) => t.name === 'incidents')?.rows ?? 0;
      expect(partial).toBeLessThan(20);

      expect(await seedDemoData(store)).toEqual({ users: 5, incidents: 20, interactions: 100 });
      const tables = (await store.stats()).tables;
      expect(tables.find((t) => t.name === 'incidents')?.rows).toBe(20);
      expect(tables.find((t) => t.name === 'interactions')?.rows).toBe(100);
      expect(tables.find((t) => t.name === 'users')?.rows).toBe(5);

      // Every incident reached the status a fresh seed gives it.
      const fresh = await createTursoStore({ url: ':memory:' });
      await seedDemoData(fresh);
      for (let i = 1; i <= 20; i++) {
        const id = `DEMO-${String(i).padStart(4, '0')}`;
        expect((await store.getIncident(id))?.status).toBe((await fresh.getIncident(id))?.status);
      }
      await expect(seedDemoData(store)).rejects.toMatchObject({ code: 'conflict' });
      await Promise.all([store.close(), fresh.close()]);
    },
  );
});

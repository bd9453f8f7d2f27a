import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ConflictError, createIncidentService, type Incident } from '@incidents/core';
import { createSteppingClock } from '@incidents/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTursoStore, type TursoStore } from '../src/index.js';
import { tempDir } from './helpers.js';

const admin = { actor: { id: 'admin@example.com', roles: ['admin' as const] } };

describe('concurrency on one file', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let stores: TursoStore[] = [];
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
    await cleanup();
  });

  it('two store objects (two connections): of 50 concurrent claims exactly one wins', async () => {
    const url = `file:${dir}/shared.db`;
    stores = [await createTursoStore({ url }), await createTursoStore({ url })];
    const clock = createSteppingClock();
    const services = stores.map((store) => createIncidentService({ store, clock }));
    const created = await (services[0] as (typeof services)[0]).create({ title: 'Race me' }, admin);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        (services[i % 2] as (typeof services)[0]).claim(created.incident_id, {
          actor: { id: `dev${i}@example.com`, roles: ['operator'] },
        }),
      ),
    );
    const won = results.filter((r): r is PromiseFulfilledResult<Incident> => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const winner = won[0]?.value.assigned_to;
    for (const r of results) {
      if (r.status === 'rejected') {
        expect(r.reason).toBeInstanceOf(ConflictError);
        expect((r.reason as ConflictError).details.assignedTo).toBe(winner);
      }
    }
    for (const store of stores) {
      expect((await store.getIncident(created.incident_id))?.assigned_to).toBe(winner);
      expect((await store.listVersions(created.incident_id)).items.map((v) => v.version)).toEqual([1, 2]);
    }
  });

  it('two store objects: concurrent comments through both are all kept', async () => {
    const url = `file:${dir}/comments.db`;
    stores = [await createTursoStore({ url }), await createTursoStore({ url })];
    const services = stores.map((store) => createIncidentService({ store }));
    const created = await (services[0] as (typeof services)[0]).create({ title: 'Chatty' }, admin);
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (services[i % 2] as (typeof services)[0]).addComment(
          { incident_id: created.incident_id, text: `c${i}` },
          admin,
        ),
      ),
    );
    const timeline = await (stores[1] as TursoStore).listInteractions(created.incident_id, { types: ['comment'] });
    expect(timeline.items.map((i) => i.text).sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    expect((await (stores[0] as TursoStore).getIncident(created.incident_id))?.revision).toBe(7);
  });

  /** Holds the write lock of `path` from another thread for `ms`; resolves once the lock is taken. */
  function holdWriteLock(path: string, ms: number): Promise<{ released: Promise<void> }> {
    const clientPath = createRequire(import.meta.url).resolve('@libsql/client');
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const { createClient } = require(workerData.clientPath);
       (async () => {
         const c = createClient({ url: 'file:' + workerData.path });
         const tx = await c.transaction('write');
         await tx.execute("UPDATE incidents SET title = 'held by another thread', revision = revision + 1");
         parentPort.postMessage('locked');
         const until = Date.now() + workerData.ms;
         while (Date.now() < until) {}
         await tx.commit();
         c.close();
         parentPort.postMessage('released');
       })().catch((e) => parentPort.postMessage('failed: ' + e.message));`,
      { eval: true, workerData: { path, ms, clientPath } },
    );
    return new Promise((resolveLocked, reject) => {
      let release: () => void;
      const released = new Promise<void>((r) => {
        release = r;
      });
      worker.on('message', (m: string) => {
        if (m === 'locked') resolveLocked({ released });
        else if (m === 'released') release();
        else reject(new Error(`lock holder ${m}`));
      });
      worker.on('error', reject);
    });
  }

  it('a write waits for another thread holding the lock (busy timeout) instead of failing', async () => {
    const path = `${dir}/locked.db`;
    stores = [await createTursoStore({ url: `file:${path}`, busyTimeoutMs: 5000 })];
    const store = stores[0] as TursoStore;
    const service = createIncidentService({ store });
    const created = await service.create({ title: 'Original' }, admin);
    const { released } = await holdWriteLock(path, 300);
    const started = Date.now();
    await service.addComment({ incident_id: created.incident_id, text: 'after the lock' }, admin);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    await released;
    // The other writer bumped the revision, so the comment's first attempt (based on revision 1) was
    // refused as stale and retried on the fresh record: its change is kept, not overwritten.
    const after = await store.getIncident(created.incident_id);
    expect(after?.title).toBe('held by another thread');
    expect(after?.revision).toBe(3);
    const comments = await store.listInteractions(created.incident_id, { types: ['comment'] });
    expect(comments.items.map((i) => i.text)).toEqual(['after the lock']);
  });

  it('without a busy timeout the same write fails with a store error, writing nothing', async () => {
    const path = `${dir}/impatient.db`;
    stores = [await createTursoStore({ url: `file:${path}`, busyTimeoutMs: 0 })];
    const store = stores[0] as TursoStore;
    const service = createIncidentService({ store });
    const created = await service.create({ title: 'Original' }, admin);
    const { released } = await holdWriteLock(path, 200);
    const err = await service
      .addComment({ incident_id: created.incident_id, text: 'too early' }, admin)
      .catch((e: unknown) => e);
    await released;
    expect(err).toMatchObject({
      code: 'store',
      userError: false,
      details: { driverCode: expect.stringMatching(/BUSY/) },
    });
    // Only the other thread's change landed; nothing of the refused write did.
    expect((await store.getIncident(created.incident_id))?.revision).toBe(2);
    expect((await store.listVersions(created.incident_id)).items.map((v) => v.version)).toEqual([1]);
    expect((await store.listInteractions(created.incident_id, { includeInternal: true })).items).toEqual([]);
  });
});

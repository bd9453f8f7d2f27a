import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectAll, type MarkKbSyncedInput } from '@incidents/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFilesystemObjectStore, documentKey, type ObjectStore, runKbSync } from '../src/index.js';
import { admin, closeMany, ctx, type Desk, openDesk } from './support/desk.js';

const quiet = { info() {}, warn() {}, error() {} };
/** Batch sizes, largest first: the order pages finish in is not part of the contract. */
const bySize = (sizes: readonly number[]) => [...sizes].sort((a, b) => b - a);

/** The real store-turso store, with its KB marks counted (and the batched one optionally failing or hidden). */
function counted(desk: Desk, mode: 'batched' | 'failing-batch' | 'no-batch' = 'batched') {
  const calls = { many: [] as number[], single: 0 };
  const store = desk.store;
  const wrapped = {
    listPendingKbSync: store.listPendingKbSync.bind(store),
    getIncident: store.getIncident.bind(store),
    markKbSyncFailed: store.markKbSyncFailed.bind(store),
    markKbSynced: (input: MarkKbSyncedInput) => {
      calls.single++;
      return store.markKbSynced(input);
    },
    ...(mode === 'no-batch'
      ? {}
      : {
          markKbSyncedMany: async (inputs: readonly MarkKbSyncedInput[]) => {
            calls.many.push(inputs.length);
            if (mode === 'failing-batch') throw new Error('database is locked');
            return (store.markKbSyncedMany as NonNullable<typeof store.markKbSyncedMany>)(inputs);
          },
        }),
  };
  return { store: wrapped, calls };
}

describe('runKbSync marks a page at a time', () => {
  let dir: string;
  let desk: Desk;
  let objects: ObjectStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-batching-'));
    desk = await openDesk();
    objects = createFilesystemObjectStore({ dir: join(dir, 'documents') });
    await closeMany(desk.service, 120);
  });
  afterEach(async () => {
    await desk.close();
    await rm(dir, { recursive: true, force: true });
  });

  const pending = () => collectAll((cursor) => desk.store.listPendingKbSync({ cursor }));

  it('uses one markKbSyncedMany per page when the store offers it', async () => {
    expect(typeof desk.store.markKbSyncedMany).toBe('function');
    const { store, calls } = counted(desk);
    const result = await runKbSync({
      store,
      objectStore: objects,
      pageSize: 50,
      concurrency: 8,
      logger: quiet,
      metrics: false,
    });
    expect(result).toMatchObject({ status: 'completed', found: 120, synced: 120, changed: 0, failed: 0 });
    // Two pages are in flight at once, so a short last page may be marked before the page ahead of it.
    expect(bySize(calls.many)).toEqual([50, 50, 20]);
    expect(calls.single).toBe(0);
    expect(await pending()).toEqual([]);
    expect((await desk.store.getIncident('INC-0007'))?.kb_sync_status).toMatchObject({
      state: 'SYNCED',
      document_key: documentKey('INC-0007'),
    });
  });

  it('keeps an incident changed during its page pending while the rest of the batch lands', async () => {
    const { store } = counted(desk);
    let edited = false;
    const editing: ObjectStore = {
      ...objects,
      async put(key, body, options) {
        await objects.put(key, body, options);
        if (key === documentKey('INC-0030') && !edited) {
          edited = true;
          await desk.service.addComment({ incident_id: 'INC-0030', text: 'one more detail' }, ctx(admin));
        }
      },
    };
    const result = await runKbSync({ store, objectStore: editing, pageSize: 50, logger: quiet, metrics: false });
    expect(result).toMatchObject({ found: 120, synced: 119, changed: 1, failed: 0 });
    expect((await pending()).map((i) => i.incident_id)).toEqual(['INC-0030']);
    const next = await runKbSync({ store, objectStore: objects, logger: quiet, metrics: false });
    expect(next).toMatchObject({ found: 1, synced: 1 });
  });

  it('falls back to one mark per incident when the batched call fails, or when the store has none', async () => {
    const failing = counted(desk, 'failing-batch');
    const first = await runKbSync({
      store: failing.store,
      objectStore: objects,
      pageSize: 100,
      logger: quiet,
      metrics: false,
    });
    expect(first).toMatchObject({ status: 'completed', synced: 120, failed: 0 });
    expect(bySize(failing.calls.many)).toEqual([100, 20]);
    expect(failing.calls.single).toBe(120);

    await closeMany(desk.service, 10, 'MORE');
    const plain = counted(desk, 'no-batch');
    const second = await runKbSync({ store: plain.store, objectStore: objects, logger: quiet, metrics: false });
    expect(second).toMatchObject({ status: 'completed', found: 10, synced: 10 });
    expect(plain.calls.single).toBe(10);
    expect(await pending()).toEqual([]);
  });
});

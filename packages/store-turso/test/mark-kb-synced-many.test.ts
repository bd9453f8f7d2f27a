import { collectAll, type Incident, ValidationError } from '@incidents/core';
import { closedIncidentFixture } from '@incidents/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTursoStore, type TursoStore } from '../src/index.js';
import { tempDir } from './helpers.js';

/** A closed incident waiting for the knowledge base (revision 1, as a new record). */
function closed(id: string): Incident {
  return closedIncidentFixture({
    incident_id: id,
    revision: 1,
    title: `Checkout returns 502 (${id})`,
    kb_sync_status: { state: 'PENDING', synced: false, sync_attempts: 2 },
  });
}

const SYNCED_AT = '2026-01-06T08:00:00.000Z';

describe('markKbSyncedMany (file database)', () => {
  let store: TursoStore;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    const tmp = await tempDir('store-turso-kbmany-');
    cleanup = tmp.cleanup;
    store = await createTursoStore({ url: `file:${tmp.dir}/kb.db` });
    await store.createIncidents(['KB-1', 'KB-2', 'KB-3', 'KB-4'].map((id) => ({ incident: closed(id) })));
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  it('marks every incident whose revision still matches, refuses the one that changed, in input order', async () => {
    // KB-2 changes after it was "exported" at revision 1: a comment-like edit bumps it to revision 2.
    const before = (await store.getIncident('KB-2')) as Incident;
    await store.updateIncident({
      incident: { ...before, revision: 2, description: `${before.description} (late note)` },
      expectedRevision: 1,
    });

    const marks = ['KB-1', 'KB-2', 'KB-3'].map((id) => ({
      incident_id: id,
      expectedRevision: 1,
      synced_at: SYNCED_AT,
      document_key: `incidents/closed/${id}.json`,
    }));
    expect(await store.markKbSyncedMany?.(marks)).toEqual([true, false, true]);

    for (const id of ['KB-1', 'KB-3']) {
      expect((await store.getIncident(id))?.kb_sync_status).toMatchObject({
        state: 'SYNCED',
        synced: true,
        synced_at: SYNCED_AT,
        document_key: `incidents/closed/${id}.json`,
        sync_attempts: 2,
      });
    }
    // The changed incident keeps its pending state and its new content; the bookkeeping bumped nothing.
    const changed = await store.getIncident('KB-2');
    expect(changed?.kb_sync_status.state).toBe('PENDING');
    expect(changed?.revision).toBe(2);
    expect((await store.getIncident('KB-1'))?.revision).toBe(1);
    const pending = await collectAll((cursor) => store.listPendingKbSync({ cursor }));
    expect(pending.map((i) => i.incident_id)).toEqual(['KB-2', 'KB-4']);
  });

  it('writes withdrawals as NOT_APPLICABLE and reports an unknown incident as not written', async () => {
    const result = await store.markKbSyncedMany?.([
      { incident_id: 'KB-4', expectedRevision: 1, synced_at: SYNCED_AT, document_key: 'k/KB-4.json', withdrawn: true },
      { incident_id: 'NOPE-1', expectedRevision: 1, synced_at: SYNCED_AT, document_key: 'k/NOPE-1.json' },
      { incident_id: 'KB-1', expectedRevision: 1, synced_at: SYNCED_AT, document_key: 'k/KB-1.json' },
    ]);
    expect(result).toEqual([true, false, true]);
    const withdrawn = await store.getIncident('KB-4');
    expect(withdrawn?.kb_sync_status).toMatchObject({ state: 'NOT_APPLICABLE', synced: false, synced_at: SYNCED_AT });
    expect(withdrawn?.kb_sync_status.document_key).toBeUndefined();
    expect(await store.markKbSyncedMany?.([])).toEqual([]);
  });

  it('refuses invalid input naming the element and field, and writes nothing', async () => {
    const call = store.markKbSyncedMany?.([
      { incident_id: 'KB-1', expectedRevision: 1, synced_at: SYNCED_AT, document_key: 'k/KB-1.json' },
      { incident_id: 'KB-3', expectedRevision: 0, synced_at: SYNCED_AT, document_key: 'k/KB-3.json' },
    ]);
    await expect(call).rejects.toBeInstanceOf(ValidationError);
    await expect(call).rejects.toMatchObject({
      details: { issues: [expect.objectContaining({ path: '1.expectedRevision' })] },
    });
    expect((await store.getIncident('KB-1'))?.kb_sync_status.state).toBe('PENDING');
  });
});

/**
 * A write is never repeated blindly: when a vendor applies a comment and then answers 5xx (a
 * gateway timeout after the commit) or the connection drops, the comment must exist once in the
 * vendor record and be linked to the local comment — for every connector. A write that provably did
 * not land is still retried.
 */
import { type Actor, collectAll, createIncidentService, type Incident } from '@incidents/core';
import { createTursoStore, type TursoStore } from '@incidents/store-turso';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSyncEngine, type SyncEngine } from '../src/engine/index.js';
import { type Fixture, FIXTURES } from './vendors.js';

const ana: Actor = { id: 'ana@example.com', roles: ['operator'] };
const TEXT = 'Rolled back the deploy & restarted the pool';

describe.each(Object.keys(FIXTURES))('%s: non-idempotent writes', (name) => {
  let f: Fixture;
  let store: TursoStore;
  let engine: SyncEngine;
  let incident: Incident;

  beforeEach(async () => {
    // Retries enabled: a write must still not be repeated.
    f = await (FIXTURES[name] as NonNullable<(typeof FIXTURES)[string]>)({ baseDelayMs: 1, maxRetries: 3 });
    store = await createTursoStore({ url: ':memory:' });
    engine = createSyncEngine({ store, connectors: [f.connector], backoff: () => 0 });
    f.seed();
    expect((await engine.pull(f.connector.name)).errors).toEqual([]);
    const [found] = (await store.queryIncidents({ by: 'source', source_system: f.connector.sourceSystem }, {})).items;
    if (!found) throw new Error('nothing imported');
    incident = found;
    await createIncidentService({ store }).addComment(
      { incident_id: incident.incident_id, text: TEXT },
      { actor: ana },
    );
  });
  afterEach(async () => {
    await store.close();
    await f.server.close();
  });

  const writes = () => f.server.requestsTo(f.pushPath, f.pushMethod).length;
  const remoteCopies = async () =>
    (await f.connector.fetchComments(incident.external_id)).filter((c) => c.text.includes('Rolled back')).length;
  const localComment = async () =>
    (
      await collectAll((cursor) =>
        store.listInteractions(incident.incident_id, { types: ['comment'], includeInternal: true, cursor }),
      )
    ).find((c) => c.text === TEXT);

  for (const fault of [
    { label: 'answered 500 after applying it', reply: { status: 500, body: { error: 'upstream timed out' } } },
    { label: 'dropped the connection after applying it', reply: 'reset' as const },
  ]) {
    it(`a comment the vendor ${fault.label} is written once and linked`, async () => {
      f.server.applyThenFail(f.pushPath, fault.reply);
      const first = await engine.push(f.connector.name);
      expect(writes()).toBe(1);
      expect(first.totals.pushed + first.totals.failed).toBe(1);
      // Later runs (a pull in between) never post it again.
      await engine.run(f.connector.name);
      await engine.run(f.connector.name);
      expect(writes()).toBe(1);
      expect(await remoteCopies()).toBe(1);
      const items = await collectAll((c) => store.listOutbound({}, { cursor: c }));
      expect(items.map((i) => i.status)).toEqual(['COMPLETED']);
      expect((await localComment())?.external_id).toEqual(expect.any(String));
    });
  }

  it('a write that did not land is sent again, once', async () => {
    f.server.failNext(f.pushPath, { status: 503, body: { error: 'unavailable' } });
    const first = await engine.push(f.connector.name);
    expect(first.totals.failed).toBe(1);
    await engine.push(f.connector.name);
    expect(await remoteCopies()).toBe(1);
    expect((await localComment())?.external_id).toEqual(expect.any(String));
  });
});

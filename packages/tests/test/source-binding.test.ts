/**
 * Binding an incident to a source system's record (source_system, external_id, source_url, imported
 * comments) is an import: only the sync service and admins may do it. A customer who could would
 * receive the vendor record's content on the next sync and push their comments to it.
 */
import { ConflictError, PermissionDeniedError } from '@incidents/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actors, actorWithRole, as, createHarness, type Harness, rejection } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.store.close();
});

describe('source fields on create', () => {
  it.each([
    ['source_system', { source_system: 'JIRA' as const, external_id: 'OPS-123' }],
    ['external_id', { external_id: 'OPS-124' }],
    ['source_url', { source_url: 'https://jira.example.com/browse/OPS-125' }],
  ])('a customer or an operator setting %s is refused and nothing is written', async (field, fields) => {
    for (const who of [actors.carla, actors.ana]) {
      const before = await h.store.queryIncidents({ by: 'source', source_system: 'JIRA' }, { limit: 500 });
      const err = await rejection(h.service.create({ title: 'x', ...fields }, as(who)));
      expect(err).toBeInstanceOf(PermissionDeniedError);
      expect((err as PermissionDeniedError).details.permission).toBe('incidents.import');
      expect((err as Error).message).toContain(field);
      const after = await h.store.queryIncidents({ by: 'source', source_system: 'JIRA' }, { limit: 500 });
      expect(after.items).toEqual(before.items);
    }
  });

  it('the sync service and admins may bind', async () => {
    const bySync = await h.service.create(
      { title: 'imported', source_system: 'JIRA', external_id: 'OPS-200' },
      as(actorWithRole('sync')),
    );
    expect(bySync).toMatchObject({ source_system: 'JIRA', external_id: 'OPS-200' });
    const byAdmin = await h.service.create(
      { title: 'imported', source_system: 'ZENDESK', external_id: '77' },
      as(actors.admin),
    );
    expect(byAdmin).toMatchObject({ source_system: 'ZENDESK', external_id: '77' });
  });

  it('a customer probing for a vendor record learns nothing: the refusal comes before any lookup', async () => {
    await h.service.create({ title: 'real', source_system: 'JIRA', external_id: 'OPS-300' }, as(actors.admin));
    const taken = await rejection(
      h.service.create({ title: 'x', source_system: 'JIRA', external_id: 'OPS-300' }, as(actors.carla)),
    );
    const free = await rejection(
      h.service.create({ title: 'x', source_system: 'JIRA', external_id: 'OPS-301' }, as(actors.carla)),
    );
    expect((taken as Error).message).toBe((free as Error).message);
  });

  it('the duplicate-source error does not name the incident that holds the record', async () => {
    const owner = await h.service.create(
      { title: 'real', source_system: 'JIRA', external_id: 'OPS-400' },
      as(actorWithRole('sync')),
    );
    const err = await rejection(
      h.service.create({ title: 'again', source_system: 'JIRA', external_id: 'OPS-400' }, as(actors.admin)),
    );
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).details.reason).toBe('duplicate_source');
    expect((err as Error).message).not.toContain(owner.incident_id);
    expect(JSON.stringify((err as ConflictError).details)).not.toContain(owner.incident_id);
  });
});

describe('source fields on comments', () => {
  it('a customer cannot give a comment a vendor external_id or a vendor source', async () => {
    const mine = await h.service.create({ title: 'mine' }, as(actors.carla));
    for (const extra of [{ external_id: '10001' }, { source: 'JIRA' as const }]) {
      const err = await rejection(
        h.service.addComment({ incident_id: mine.incident_id, text: 'hi', ...extra }, as(actors.carla)),
      );
      expect(err).toBeInstanceOf(PermissionDeniedError);
    }
    const ok = await h.service.addComment(
      { incident_id: mine.incident_id, text: 'hi', source: 'CLI' },
      as(actors.carla),
    );
    expect(ok.source).toBe('CLI');
  });
});

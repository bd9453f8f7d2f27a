/**
 * Contract cases for the rules of the IncidentStore port that the two stores once read differently:
 * whether link tombstones count, which path a validation issue carries, the order of equal sort keys,
 * what every page size means on every paged method (`pageLimit`: NaN, 0, negative, fractional,
 * over the maximum, not a number), and the error (or empty answer) of each method for a missing
 * incident. Registered by `runIncidentStoreContract`.
 *
 * @module
 */
import { describe, expect, it } from 'vitest';
import { IncidentsError } from '../errors.js';
import type { Incident } from '../model/incident.js';
import type { OutboundItem } from '../ports/sync-store.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page, type PageRequest } from '../ports/incident-store.js';
import { closedIncidentFixture, outboundItemFixture } from './fixtures.js';
import type { Actor } from '../model/user.js';
import type { IncidentStore } from '../ports/incident-store.js';
import type { IncidentService } from '../service/incident-service.js';

/** What the cases need from the suite's current test (read after `beforeEach`). */
export interface PortRulesHarness {
  store: IncidentStore;
  service: IncidentService;
}

const admin = { actor: { id: 'admin@example.com', roles: ['admin'] } satisfies Actor };

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<IncidentsError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IncidentsError);
  return err as IncidentsError;
}

/** Registers the port-rule cases in the current `describe` block. */
export function registerPortRuleCases(current: () => PortRulesHarness): void {
  const make = (overrides: Record<string, unknown> = {}): Promise<Incident> =>
    current().service.create({ title: 'Checkout fails', category: 'Application', ...overrides }, admin);

  /** Copies of `base` under other ids and sources, with the same sort keys (status, priority, dates). */
  async function twins(base: Incident, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      await current().store.createIncident({ incident: { ...base, incident_id: id, external_id: id } });
    }
  }

  describe('port rules', () => {
    it('a link tombstone is not an incident: aggregateMetrics counts the target only', async () => {
      const from = await make({ incident_id: 'SL-1', source_system: 'SLACK', external_id: '1' });
      const to = await make({ incident_id: 'ZD-1', source_system: 'ZENDESK', external_id: '1' });
      expect((await current().store.aggregateMetrics({})).total).toBe(2);
      await current().service.link({ from: from.incident_id, to: to.incident_id }, admin);
      const after = await current().store.aggregateMetrics({});
      expect(after.total).toBe(1);
      expect(after.by_status).toEqual({ NEW: 1 });
      expect(after.by_category).toEqual({ Application: 1 });
      expect((await current().store.aggregateMetrics({ from: '2000-01-01T00:00:00.000Z' })).total).toBe(1);
    });

    it('a validation issue of a write names its path from the `write` argument', async () => {
      const created = await make();
      const { store } = current();
      const createErr = await rejection(
        store.createIncident({ incident: { ...created, incident_id: 'NEW-1', external_id: 'NEW-1', title: '' } }),
      );
      expect(createErr.code).toBe('validation');
      expect((createErr.details as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain(
        'write.incident.title',
      );
      const updateErr = await rejection(
        store.updateIncident({ incident: { ...created, revision: 2, title: '' }, expectedRevision: 1 }),
      );
      expect(updateErr.code).toBe('validation');
      expect((updateErr.details as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain(
        'write.incident.title',
      );
      expect(await store.getIncident(created.incident_id)).toEqual(created);
      expect(await store.getIncident('NEW-1')).toBeNull();
    });

    it('equal sort keys come in incident_id order, on one page and across pages of one', async () => {
      const base = await make({ team: 'tie-team', category: 'Ties' });
      const ids = ['TIE-3', 'TIE-1', 'TIE-2'];
      await twins(base, ids);
      const expected = [base.incident_id, ...ids].sort();
      const { store } = current();
      for (const query of [
        { by: 'status', status: 'NEW' },
        { by: 'team', team: 'tie-team' },
        { by: 'category', category: 'Ties' },
      ] as const) {
        const page = await store.queryIncidents(query, { limit: 10 });
        expect(page.items.map((i) => i.incident_id)).toEqual(expected);
        const walked: string[] = [];
        let cursor: string | null = null;
        do {
          const p = await store.queryIncidents(query, { limit: 1, cursor });
          walked.push(...p.items.map((i) => i.incident_id));
          cursor = p.cursor;
        } while (cursor);
        expect(walked).toEqual(expected);
      }
    });

    it('a limit below 1 (0, negative) asks for the default page size, never for an empty page', async () => {
      await make();
      await make();
      const { store } = current();
      for (const limit of [0, -1]) {
        const page = await store.queryIncidents({ by: 'status', status: 'NEW' }, { limit });
        expect(page.items).toHaveLength(2);
        expect(page.cursor).toBeNull();
        expect((await store.listUsers({ limit })).cursor).toBeNull();
      }
    });

    it('every paged method reads a page size the same way: NaN or below 1 is the default, fractions are floored, over the maximum is clamped, a non-number is a validation error on page.limit', async () => {
      const { store, service } = current();
      const first = await make({ team: 'page-team', category: 'Paging', source_system: 'JIRA', external_id: 'PG-1' });
      await make({ team: 'page-team', category: 'Paging', source_system: 'JIRA', external_id: 'PG-2' });
      await service.addComment({ incident_id: first.incident_id, text: 'one' }, admin);
      await service.addComment({ incident_id: first.incident_id, text: 'two' }, admin);
      for (const email of ['page-a@example.com', 'page-b@example.com']) {
        await store.putUser({ email, name: email, role: 'operator', active: true, created_at: first.created_at });
      }
      for (const id of ['KB-PG-1', 'KB-PG-2']) {
        await store.createIncident({ incident: closedIncidentFixture({ incident_id: id, revision: 1 }) });
      }
      const outbound = (n: number): OutboundItem =>
        outboundItemFixture(n, { sync_id: `OUT-PG-${n}`, incident_id: first.incident_id, external_id: 'PG-1' });
      await store.enqueueOutbound([outbound(1), outbound(2)]);
      // Every method below has exactly two items to list.
      const methods: Record<string, (page: PageRequest) => Promise<Page<unknown>>> = {
        'queryIncidents by team': (page) => store.queryIncidents({ by: 'team', team: 'page-team' }, page),
        'queryIncidents by category': (page) => store.queryIncidents({ by: 'category', category: 'Paging' }, page),
        'queryIncidents by source': (page) => store.queryIncidents({ by: 'source', source_system: 'JIRA' }, page),
        listVersions: (page) => store.listVersions(first.incident_id, page),
        listInteractions: (page) => store.listInteractions(first.incident_id, { ...page, includeInternal: true }),
        listUsers: (page) => store.listUsers(page),
        listPendingKbSync: (page) => store.listPendingKbSync(page),
        listOutbound: (page) => store.listOutbound({}, page),
      };
      // listVersions lists at least two versions after one more revision of `first`.
      const latest = (await store.getIncident(first.incident_id)) as Incident;
      await store.updateIncident({
        incident: { ...latest, revision: latest.revision + 1, title: 'Checkout fails (renamed)' },
        expectedRevision: latest.revision,
      });
      for (const [name, list] of Object.entries(methods)) {
        const all = await list({ limit: 10 });
        expect({ name, enough: all.items.length >= 2, cursor: all.cursor }).toEqual({
          name,
          enough: true,
          cursor: null,
        });
        // NaN or below 1 reads the default page size, over the maximum is clamped: either way, both items.
        for (const limit of [
          Number.NaN,
          0,
          -1,
          0.5,
          Number.NEGATIVE_INFINITY,
          undefined,
          Number.POSITIVE_INFINITY,
          10_000,
        ]) {
          const page = await list({ limit });
          expect({ name, limit, items: page.items.length, cursor: page.cursor }).toEqual({
            name,
            limit,
            items: all.items.length,
            cursor: null,
          });
        }
        const one = await list({ limit: 1.9 });
        expect({ name, items: one.items, more: one.cursor !== null }).toEqual({
          name,
          items: all.items.slice(0, 1),
          more: true,
        });
        const err = await rejection(list({ limit: '1' as unknown as number }));
        expect({ name, code: err.code }).toEqual({ name, code: 'validation' });
        expect((err.details as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain('page.limit');
      }
    });

    it('a page size over the maximum (Infinity included) is clamped to it, never read as the default', async () => {
      const { store } = current();
      const users = Array.from(
        { length: DEFAULT_PAGE_SIZE + 1 },
        (_, i) => `clamp-${String(i).padStart(3, '0')}@example.com`,
      );
      for (const email of users) {
        await store.putUser({
          email,
          name: email,
          role: 'operator',
          active: true,
          created_at: '2026-01-05T09:00:00.000Z',
        });
      }
      for (const limit of [MAX_PAGE_SIZE, MAX_PAGE_SIZE + 1, Number.POSITIVE_INFINITY]) {
        const page = await store.listUsers({ limit });
        expect({ limit, emails: page.items.map((u) => u.email), cursor: page.cursor }).toEqual({
          limit,
          emails: users,
          cursor: null,
        });
      }
    });

    it('a stale write is the one stale-revision conflict, with the same message on every store', async () => {
      const created = await make();
      const { store } = current();
      await store.updateIncident({ incident: { ...created, revision: 2, title: 'first' }, expectedRevision: 1 });
      const err = await rejection(
        store.updateIncident({ incident: { ...created, revision: 2, title: 'second' }, expectedRevision: 1 }),
      );
      expect(err.code).toBe('conflict');
      expect(err.details).toEqual({
        entity: 'Incident',
        id: created.incident_id,
        expectedRevision: 1,
        actualRevision: 2,
        reason: 'stale_revision',
      });
      expect(err.message).toBe(
        `Incident ${created.incident_id} changed: you read revision 1, it is now at revision 2; re-read it and try again`,
      );
    });

    it('setInteractionExternalId rejects an empty key part (created_at included)', async () => {
      const created = await make();
      const err = await rejection(
        current().store.setInteractionExternalId({
          interaction: { incident_id: created.incident_id, interaction_id: 'I-1', created_at: '' },
          external_id: '10001',
        }),
      );
      expect(err.code).toBe('validation');
    });

    it('each method on a missing incident: reads answer null or empty, updateIncident is not_found', async () => {
      const { store } = current();
      expect(await store.getIncident('MISSING-1')).toBeNull();
      expect(await store.getVersion('MISSING-1', 1)).toBeNull();
      expect(await store.findBySource('JIRA', 'MISSING-1')).toBeNull();
      expect(await store.listVersions('MISSING-1')).toEqual({ items: [], cursor: null });
      expect(await store.listInteractions('MISSING-1')).toEqual({ items: [], cursor: null });
      expect(await store.listSourceRecords('MISSING-1')).toEqual([]);
      const created = await make();
      const ghost = { ...created, incident_id: 'MISSING-1', external_id: 'MISSING-1', revision: 2 };
      const err = await rejection(store.updateIncident({ incident: ghost, expectedRevision: 1 }));
      expect(err.code).toBe('not_found');
      expect(err.details).toMatchObject({ entity: 'Incident', id: 'MISSING-1' });
      const dup = await rejection(store.createIncident({ incident: created }));
      expect(dup.code).toBe('conflict');
      expect(dup.details).toMatchObject({ reason: 'already_exists' });
    });
  });
}

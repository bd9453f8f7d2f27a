/**
 * `@incidents/core/testing` — the contract every {@link IncidentStore} must pass.
 *
 * Run it from a store package's tests against the real engine:
 *
 * ```ts
 * import { runIncidentStoreContract } from '@incidents/core/testing';
 * runIncidentStoreContract({ name: 'turso', createStore: () => createTursoStore({ url: ':memory:' }) });
 * ```
 *
 * It needs `vitest` (an optional peer dependency). A behaviour of the store is specified here once.
 *
 * @packageDocumentation
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, IncidentsError, NotFoundError } from '../errors.js';
import type { Clock } from '../ids.js';
import type { Status } from '../model/enums.js';
import type { Incident } from '../model/incident.js';
import type { Interaction, SourceRecord } from '../model/interaction.js';
import type { Actor } from '../model/user.js';
import type { IncidentQuery, IncidentStore } from '../ports/incident-store.js';
import { collectAll } from '../ports/pagination.js';
import type { OutboundItem, SyncCursor } from '../ports/sync-store.js';
import { createIncidentService, type IncidentService } from '../service/incident-service.js';
import { describeDailyMetricsContract } from './metrics-daily.js';
import { describeQueryTextContract } from './query-text.js';
import { outboundItemFixture } from './fixtures.js';
import { registerPortRuleCases } from './port-rules.js';
import { registerBulkCreateCases } from './bulk-create.js';

export {
  closedIncidentFixture,
  FIXTURE_CREATED_AT,
  fixtureTime,
  incidentFixture,
  incidentFixtureIn,
} from './fixtures.js';

/** Options of {@link runIncidentStoreContract}. */
export interface IncidentStoreContractOptions {
  /** Shown in the test names. */
  name: string;
  /** Returns a store over an empty database (called before every test). */
  createStore: () => Promise<IncidentStore>;
  /** Cleans up after a test (the suite calls `store.close()` first). */
  destroyStore?: (store: IncidentStore) => Promise<void>;
  /** How many concurrent claims to race (default 50). */
  concurrentClaims?: number;
}

/** A clock that moves one second forward on every reading, so that creation order is observable. */
export function createSteppingClock(
  start = Date.parse('2026-01-05T09:00:00.000Z'),
  stepMs = 1000,
): Clock & {
  /** Moves the clock forward by `ms` milliseconds (on top of the per-call step). */
  advance(ms: number): void;
} {
  let t = start;
  return {
    now: () => {
      t += stepMs;
      return new Date(t);
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/** Actors used by the suite. */
export const contractActors = {
  admin: { id: 'admin@example.com', roles: ['admin'] },
  ana: { id: 'ana@example.com', roles: ['operator'] },
  bob: { id: 'bob@example.com', roles: ['operator'] },
  customer: { id: 'carla@example.com', roles: ['customer'] },
  sync: { id: 'sync@service', roles: ['sync'] },
} as const satisfies Record<string, Actor>;

const ctx = (actor: Actor) => ({ actor: { ...actor, roles: [...actor.roles] } });

/**
 * Registers the store contract suite with vitest: create/get round trips, conditional updates and
 * stale revisions, atomic multi-row writes, every access pattern with complete pagination, the
 * timeline, history versions, source records, linking, metrics aggregates, users, and N concurrent
 * claims of which exactly one wins.
 *
 * @example
 * ```ts
 * // packages/store-turso/test/contract.test.ts
 * import { runIncidentStoreContract } from '@incidents/core/testing';
 * import { createTursoStore } from '../src/index.js';
 *
 * runIncidentStoreContract({ name: 'turso', createStore: () => createTursoStore({ url: ':memory:' }) });
 * ```
 */
export function runIncidentStoreContract(options: IncidentStoreContractOptions): void {
  const claims = options.concurrentClaims ?? 50;

  describe(`IncidentStore contract: ${options.name}`, () => {
    let store: IncidentStore;
    let service: IncidentService;
    let clock: ReturnType<typeof createSteppingClock>;

    beforeEach(async () => {
      store = await options.createStore();
      clock = createSteppingClock();
      service = createIncidentService({ store, clock });
    });

    afterEach(async () => {
      await store.close();
      await options.destroyStore?.(store);
    });

    const admin = ctx(contractActors.admin);

    registerPortRuleCases(() => ({ store, service }));
    registerBulkCreateCases(() => ({ store, service }));

    async function make(overrides: Record<string, unknown> = {}): Promise<Incident> {
      return service.create({ title: 'Checkout fails', category: 'Application', ...overrides }, admin);
    }

    function interaction(incident: Incident, id: string, extra: Partial<Interaction> = {}): Interaction {
      return {
        interaction_id: id,
        incident_id: incident.incident_id,
        type: 'comment',
        author: 'admin@example.com',
        created_at: clock.now().toISOString(),
        text: `comment ${id}`,
        visibility: 'PUBLIC',
        source: 'MANUAL',
        metadata: {},
        ...extra,
      };
    }

    function bumped(incident: Incident, changes: Partial<Incident> = {}): Incident {
      return { ...incident, ...changes, revision: incident.revision + 1, updated_at: clock.now().toISOString() };
    }

    describe('create and get', () => {
      it('round-trips every field of version 0 and writes history version 1', async () => {
        const created = await make({
          description: 'HTTP 502 from payments',
          subcategory: 'Payments',
          severity: 'HIGH',
          team: 'payments',
          source_url: 'https://jira.example.com/browse/PAY-1',
          affected_systems: ['checkout'],
          affected_services: ['payments-api'],
          environment: 'STAGING',
          technical_details: { error_messages: ['502 Bad Gateway'], related_incidents: ['INC-1'] },
          tags: ['payments'],
          labels: ['sev2'],
        });
        const got = await store.getIncident(created.incident_id);
        expect(got).toEqual(created);
        expect(got?.version).toBe(0);
        expect(got?.revision).toBe(1);
        const v1 = await store.getVersion(created.incident_id, 1);
        expect(v1).toEqual({ ...created, version: 1 });
        expect(await store.getIncident('INC-DOES-NOT-EXIST')).toBeNull();
        expect(await store.getVersion(created.incident_id, 2)).toBeNull();
      });

      it('refuses a duplicate id and a duplicate (source_system, external_id), writing nothing', async () => {
        const first = await make({ incident_id: 'JIRA-1', source_system: 'JIRA', external_id: 'PAY-1' });
        await expect(
          make({ incident_id: 'JIRA-1', source_system: 'JIRA', external_id: 'PAY-2' }),
        ).rejects.toMatchObject({
          code: 'conflict',
          details: { reason: 'already_exists' },
        });
        await expect(
          make({ incident_id: 'JIRA-2', source_system: 'JIRA', external_id: 'PAY-1' }),
        ).rejects.toMatchObject({
          code: 'conflict',
          details: { reason: 'duplicate_source' },
        });
        expect(await store.getIncident('JIRA-2')).toBeNull();
        expect(await store.findBySource('JIRA', 'PAY-2')).toBeNull();
        expect(await store.getIncident('JIRA-1')).toEqual(first);
        // The same external id in another system is another incident.
        await make({ incident_id: 'SN-1', source_system: 'SERVICENOW', external_id: 'PAY-1' });
        expect((await store.findBySource('SERVICENOW', 'PAY-1'))?.incident_id).toBe('SN-1');
        expect((await store.findBySource('JIRA', 'PAY-1'))?.incident_id).toBe('JIRA-1');
      });

      it('writes nothing when one row of a multi-row create fails', async () => {
        const draft = await make();
        const incident: Incident = { ...draft, incident_id: 'INC-ATOMIC', external_id: 'INC-ATOMIC' };
        const dup = interaction(incident, 'DUP-1');
        await expect(store.createIncident({ incident, interactions: [dup, { ...dup }] })).rejects.toBeInstanceOf(
          IncidentsError,
        );
        expect(await store.getIncident('INC-ATOMIC')).toBeNull();
        expect(await store.getVersion('INC-ATOMIC', 1)).toBeNull();
        expect((await store.listInteractions('INC-ATOMIC', { includeInternal: true })).items).toEqual([]);
        expect(await store.findBySource('MANUAL', 'INC-ATOMIC')).toBeNull();
      });
    });

    describe('conditional update', () => {
      it('replaces version 0, appends history version N and the interactions atomically', async () => {
        const created = await make();
        const next = bumped(created, { title: 'Checkout fails for EU cards' });
        await store.updateIncident({
          incident: next,
          expectedRevision: 1,
          interactions: [interaction(created, 'I-1', { revision: 2 })],
        });
        expect(await store.getIncident(created.incident_id)).toEqual(next);
        expect(await store.getVersion(created.incident_id, 2)).toEqual({ ...next, version: 2 });
        expect(await store.getVersion(created.incident_id, 1)).toEqual({ ...created, version: 1 });
        const page = await store.listInteractions(created.incident_id, {});
        expect(page.items.map((i) => i.interaction_id)).toEqual(['I-1']);
        expect(page.items[0]).toEqual(
          interaction(created, 'I-1', { revision: 2, created_at: page.items[0]?.created_at }),
        );
      });

      it('refuses a stale revision and writes nothing', async () => {
        const created = await make();
        const winner = bumped(created, { title: 'first writer' });
        await store.updateIncident({ incident: winner, expectedRevision: 1 });
        const loser = bumped(created, { title: 'second writer' });
        const err = await store
          .updateIncident({ incident: loser, expectedRevision: 1, interactions: [interaction(created, 'LOST')] })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ConflictError);
        expect((err as ConflictError).details.reason).toBe('stale_revision');
        expect((await store.getIncident(created.incident_id))?.title).toBe('first writer');
        expect((await store.getVersion(created.incident_id, 2))?.title).toBe('first writer');
        expect((await store.listInteractions(created.incident_id, { includeInternal: true })).items).toEqual([]);
      });

      it('refuses a stale expected_revision through the service', async () => {
        const created = await make();
        await service.addComment({ incident_id: created.incident_id, text: 'first' }, admin);
        await expect(
          service.addComment({ incident_id: created.incident_id, text: 'late', expected_revision: 1 }, admin),
        ).rejects.toMatchObject({ code: 'conflict', details: { reason: 'stale_revision', actualRevision: 2 } });
      });

      it('throws NotFoundError when updating a missing incident', async () => {
        const created = await make();
        const ghost = bumped({ ...created, incident_id: 'INC-GHOST', external_id: 'INC-GHOST' });
        await expect(store.updateIncident({ incident: ghost, expectedRevision: 1 })).rejects.toBeInstanceOf(
          NotFoundError,
        );
        expect(await store.getIncident('INC-GHOST')).toBeNull();
      });

      it('leaves version 0 unchanged when one row of a multi-row update fails', async () => {
        const created = await make();
        const dup = interaction(created, 'DUP-2');
        await expect(
          store.updateIncident({
            incident: bumped(created, { title: 'half' }),
            expectedRevision: 1,
            interactions: [dup, { ...dup }],
          }),
        ).rejects.toBeInstanceOf(IncidentsError);
        expect(await store.getIncident(created.incident_id)).toEqual(created);
        expect(await store.getVersion(created.incident_id, 2)).toBeNull();
        expect((await store.listInteractions(created.incident_id, { includeInternal: true })).items).toEqual([]);
      });
    });

    describe('concurrency', () => {
      it(`of ${claims} concurrent claims exactly one wins and the others name the assignee`, async () => {
        const created = await make();
        const actors = Array.from({ length: claims }, (_, i) => ({
          id: `dev${i}@example.com`,
          roles: ['operator' as const],
        }));
        const results = await Promise.allSettled(actors.map((actor) => service.claim(created.incident_id, { actor })));
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        const winner = (won[0] as PromiseFulfilledResult<Incident>).value.assigned_to;
        for (const r of lost) {
          expect(r.reason).toBeInstanceOf(ConflictError);
          expect((r.reason as ConflictError).details.assignedTo).toBe(winner);
        }
        const current = await store.getIncident(created.incident_id);
        expect(current?.assigned_to).toBe(winner);
        expect(current?.status).toBe('ASSIGNED');
        expect(current?.revision).toBe(2);
        expect((await store.listVersions(created.incident_id)).items.map((v) => v.version)).toEqual([1, 2]);
      });

      it('concurrent comments are all kept (commutative changes retry)', async () => {
        const created = await make();
        await Promise.all(
          Array.from({ length: 5 }, (_, i) =>
            service.addComment({ incident_id: created.incident_id, text: `c${i}` }, admin),
          ),
        );
        const page = await store.listInteractions(created.incident_id, { types: ['comment'] });
        expect(page.items.map((i) => i.text).sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
        expect((await store.getIncident(created.incident_id))?.revision).toBe(6);
      });
    });

    describe('access patterns and pagination', () => {
      async function seedMatrix() {
        const specs: Array<{
          status: Status;
          priority: 'P1' | 'P2' | 'P3' | 'P4';
          team: string;
          assignee?: string;
          severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
          category: string;
        }> = [];
        const priorities = ['P3', 'P1', 'P4', 'P2'] as const;
        const severities = ['LOW', 'CRITICAL', 'MEDIUM', 'HIGH'] as const;
        for (let i = 0; i < 24; i++) {
          specs.push({
            status: 'NEW',
            priority: priorities[i % 4] as 'P1',
            team: i % 2 ? 'payments' : 'platform',
            severity: severities[i % 4] as 'LOW',
            category: i % 3 ? 'Application' : 'Network',
          });
        }
        const made: Incident[] = [];
        for (const [i, s] of specs.entries()) {
          made.push(
            await make({
              incident_id: `INC-${String(i).padStart(3, '0')}`,
              priority: s.priority,
              severity: s.severity,
              team: s.team,
              category: s.category,
              source_system: i % 2 ? 'JIRA' : 'SERVICENOW',
              external_id: `EXT-${String(100 - i).padStart(3, '0')}`,
            }),
          );
        }
        // Move some along: 0..5 claimed by ana, 6..8 claimed by bob and started, 9 resolved by ana.
        for (const inc of made.slice(0, 6)) await service.claim(inc.incident_id, ctx(contractActors.ana));
        for (const inc of made.slice(6, 9)) {
          await service.claim(inc.incident_id, ctx(contractActors.bob));
          await service.startWork(inc.incident_id, ctx(contractActors.bob));
        }
        await service.claim('INC-009', ctx(contractActors.ana));
        await service.resolve(
          { incident_id: 'INC-009', solution: 'restart', root_cause: 'leak' },
          ctx(contractActors.ana),
        );
        return Promise.all(made.map((m) => store.getIncident(m.incident_id) as Promise<Incident>));
      }

      const statusRank = (s: Status) =>
        ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'PENDING', 'RESOLVED', 'CLOSED', 'CANCELLED'].indexOf(s);
      const sevRank = (s: string) => ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'].indexOf(s);
      const cmp = (...pairs: Array<[string | number, string | number]>) => {
        for (const [a, b] of pairs)
          if (a < b) return -1;
          else if (a > b) return 1;
        return 0;
      };

      async function all(query: IncidentQuery, limit: number) {
        const pages: number[] = [];
        const items = await collectAll(async (cursor) => {
          const page = await store.queryIncidents(query, { limit, cursor });
          expect(page.items.length).toBeLessThanOrEqual(limit);
          pages.push(page.items.length);
          return page;
        });
        return { ids: items.map((i) => i.incident_id), pages, items };
      }

      it('serves every access pattern in its order, across pages, without truncating', async () => {
        const incidents = await seedMatrix();
        const expectIds = (filter: (i: Incident) => boolean, sort: (a: Incident, b: Incident) => number) =>
          incidents
            .filter(filter)
            .sort(sort)
            .map((i) => i.incident_id);

        const byStatus = await all({ by: 'status', status: 'NEW' }, 4);
        expect(byStatus.ids).toEqual(
          expectIds(
            (i) => i.status === 'NEW',
            (a, b) => cmp([a.priority, b.priority], [a.created_at, b.created_at], [a.incident_id, b.incident_id]),
          ),
        );
        expect(byStatus.ids).toHaveLength(14);

        const p1New = await all({ by: 'status', status: 'NEW', priority: 'P1' }, 2);
        expect(p1New.ids).toEqual(byStatus.items.filter((i) => i.priority === 'P1').map((i) => i.incident_id));

        const multi = await all({ by: 'status', status: ['IN_PROGRESS', 'ASSIGNED'] }, 3);
        expect(multi.ids).toEqual(
          expectIds(
            (i) => i.status === 'ASSIGNED' || i.status === 'IN_PROGRESS',
            (a, b) =>
              cmp(
                [statusRank(a.status), statusRank(b.status)],
                [a.priority, b.priority],
                [a.created_at, b.created_at],
                [a.incident_id, b.incident_id],
              ),
          ),
        );

        const mine = await all(
          { by: 'assignee', assigned_to: 'ana@example.com', status: ['ASSIGNED', 'IN_PROGRESS'] },
          4,
        );
        expect(mine.ids).toEqual(
          expectIds(
            (i) => i.assigned_to === 'ana@example.com' && (i.status === 'ASSIGNED' || i.status === 'IN_PROGRESS'),
            (a, b) =>
              cmp(
                [statusRank(a.status), statusRank(b.status)],
                [a.priority, b.priority],
                [a.created_at, b.created_at],
                [a.incident_id, b.incident_id],
              ),
          ),
        );
        expect(mine.ids).toHaveLength(6);
        // The assignee pattern's priority narrows by key (same order, complete across pages).
        const minePriority = mine.items[0]?.priority ?? 'P1';
        const mineP = await all(
          {
            by: 'assignee',
            assigned_to: 'ana@example.com',
            status: ['ASSIGNED', 'IN_PROGRESS'],
            priority: minePriority,
          },
          1,
        );
        expect(mineP.ids).toEqual(mine.items.filter((i) => i.priority === minePriority).map((i) => i.incident_id));
        expect(mineP.ids.length).toBeGreaterThan(0);
        const anaP = await all({ by: 'assignee', assigned_to: 'ana@example.com', priority: minePriority }, 2);
        expect(anaP.items.every((i) => i.priority === minePriority && i.assigned_to === 'ana@example.com')).toBe(true);
        expect(anaP.ids.length).toBeGreaterThanOrEqual(mineP.ids.length);
        const anaAll = await all({ by: 'assignee', assigned_to: 'ana@example.com' }, 50);
        expect(anaAll.ids).toHaveLength(7);
        expect(anaAll.items.at(-1)?.status).toBe('RESOLVED');

        const team = await all({ by: 'team', team: 'payments' }, 5);
        expect(team.ids).toEqual(
          expectIds(
            (i) => i.team === 'payments',
            (a, b) =>
              cmp(
                [statusRank(a.status), statusRank(b.status)],
                [a.created_at, b.created_at],
                [a.incident_id, b.incident_id],
              ),
          ),
        );
        const teamNew = await all({ by: 'team', team: 'payments', status: 'NEW' }, 5);
        expect(teamNew.ids).toEqual(team.items.filter((i) => i.status === 'NEW').map((i) => i.incident_id));

        const category = await all({ by: 'category', category: 'Application' }, 7);
        expect(category.ids).toEqual(
          expectIds(
            (i) => i.category === 'Application',
            (a, b) =>
              cmp(
                [sevRank(a.severity), sevRank(b.severity)],
                [a.created_at, b.created_at],
                [a.incident_id, b.incident_id],
              ),
          ),
        );
        const critical = await all({ by: 'category', category: 'Application', severity: 'CRITICAL' }, 7);
        expect(critical.ids).toEqual(category.items.filter((i) => i.severity === 'CRITICAL').map((i) => i.incident_id));

        const source = await all({ by: 'source', source_system: 'JIRA' }, 5);
        expect(source.ids).toEqual(
          expectIds(
            (i) => i.source_system === 'JIRA',
            (a, b) => cmp([a.external_id, b.external_id]),
          ),
        );
        const one = await all({ by: 'source', source_system: 'JIRA', external_id: 'EXT-099' }, 5);
        expect(one.ids).toEqual(['INC-001']);

        const due = await all({ by: 'due', status: 'NEW' }, 4);
        expect(due.ids).toEqual(
          expectIds(
            (i) => i.status === 'NEW',
            (a, b) => cmp([a.due_date ?? '', b.due_date ?? ''], [a.incident_id, b.incident_id]),
          ),
        );
        const firstDue = due.items[0]?.due_date as string;
        const dueSoon = await all({ by: 'due', status: 'NEW', due_before: firstDue }, 4);
        expect(dueSoon.ids).toEqual([]);
        const dueSoon2 = await all({ by: 'due', status: 'NEW', due_before: due.items[3]?.due_date as string }, 2);
        expect(dueSoon2.ids).toEqual(due.ids.slice(0, 3));
      });

      it('returns a null cursor exactly when nothing follows, and an empty page for no match', async () => {
        for (let i = 0; i < 6; i++) await make({ team: 'edge' });
        const first = await store.queryIncidents({ by: 'team', team: 'edge' }, { limit: 3 });
        expect(first.items).toHaveLength(3);
        expect(first.cursor).toEqual(expect.any(String));
        const second = await store.queryIncidents({ by: 'team', team: 'edge' }, { limit: 3, cursor: first.cursor });
        expect(second.items).toHaveLength(3);
        expect(second.cursor).toBeNull();
        const none = await store.queryIncidents({ by: 'team', team: 'nobody' }, { limit: 3 });
        expect(none).toEqual({ items: [], cursor: null });
      });

      it('clamps limits to 1..500 and rejects a malformed cursor with a validation error', async () => {
        for (let i = 0; i < 3; i++) await make({ team: 'clamp' });
        const page = await store.queryIncidents({ by: 'team', team: 'clamp' }, { limit: 100_000 });
        expect(page.items).toHaveLength(3);
        await expect(
          store.queryIncidents({ by: 'team', team: 'clamp' }, { cursor: '%%%not-a-cursor' }),
        ).rejects.toMatchObject({
          code: 'validation',
        });
      });
    });

    describeQueryTextContract(() => service);
    describeDailyMetricsContract(() => ({ store, service, clock }));

    describe('timeline, history and source records', () => {
      it('lists interactions newest first, hides INTERNAL unless asked, filters types and pages', async () => {
        const created = await make();
        for (let i = 0; i < 7; i++) {
          await service.addComment(
            { incident_id: created.incident_id, text: `note ${i}`, visibility: i % 2 ? 'INTERNAL' : 'PUBLIC' },
            admin,
          );
        }
        await service.claim(created.incident_id, ctx(contractActors.ana));
        const publicOnly = await collectAll((cursor) =>
          store.listInteractions(created.incident_id, { limit: 2, cursor }),
        );
        expect(publicOnly.every((i) => i.visibility === 'PUBLIC')).toBe(true);
        expect(publicOnly.map((i) => i.text).slice(-4)).toEqual(['note 6', 'note 4', 'note 2', 'note 0']);
        const everything = await collectAll((cursor) =>
          store.listInteractions(created.incident_id, { limit: 3, cursor, includeInternal: true }),
        );
        expect(everything).toHaveLength(9);
        const ascending = await store.listInteractions(created.incident_id, {
          includeInternal: true,
          order: 'asc',
          limit: 50,
        });
        expect(ascending.items.map((i) => i.interaction_id)).toEqual(everything.map((i) => i.interaction_id).reverse());
        const comments = await store.listInteractions(created.incident_id, {
          includeInternal: true,
          types: ['comment'],
        });
        expect(comments.items).toHaveLength(7);
        const assignments = await store.listInteractions(created.incident_id, { types: ['assignment'] });
        expect(assignments.items.map((i) => i.metadata)).toEqual([{ from: null, to: 'ana@example.com' }]);
      });

      it('pages history versions in ascending order, each the state after its change', async () => {
        const created = await make();
        await service.claim(created.incident_id, ctx(contractActors.ana));
        await service.startWork(created.incident_id, ctx(contractActors.ana));
        await service.updateProgress(
          { incident_id: created.incident_id, progress_notes: 'found it' },
          ctx(contractActors.ana),
        );
        const versions = await collectAll((cursor) => store.listVersions(created.incident_id, { limit: 2, cursor }));
        expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4]);
        expect(versions.map((v) => v.status)).toEqual(['NEW', 'ASSIGNED', 'IN_PROGRESS', 'IN_PROGRESS']);
        expect(versions.map((v) => v.revision)).toEqual([1, 2, 3, 4]);
        expect(versions[1]?.metadata.last_modified_by).toBe('ana@example.com');
      });

      it('stores and replaces source records with an update', async () => {
        const created = await make({ incident_id: 'ZD-1', source_system: 'ZENDESK', external_id: '1' });
        const now = clock.now().toISOString();
        const record = (system: SourceRecord['source_system'], id: string, status: string): SourceRecord => ({
          incident_id: 'ZD-1',
          source_system: system,
          record_id: id,
          status,
          created_at: now,
          updated_at: now,
          data: { id },
        });
        await store.updateIncident({
          incident: bumped(created),
          expectedRevision: 1,
          sourceRecords: [record('ZENDESK', '1', 'open'), record('SLACK', '1700000000.1', 'reported')],
        });
        await store.updateIncident({
          incident: bumped(bumped(created)),
          expectedRevision: 2,
          sourceRecords: [record('ZENDESK', '1', 'solved')],
        });
        const records = await store.listSourceRecords('ZD-1');
        expect(records.map((r) => `${r.source_system}#${r.record_id}:${r.status}`)).toEqual([
          'SLACK#1700000000.1:reported',
          'ZENDESK#1:solved',
        ]);
      });
    });

    describe('linking', () => {
      it('moves comments and source records into the target and leaves a redirecting tombstone', async () => {
        const slack = await make({
          incident_id: 'SL-1700000000.1',
          source_system: 'SLACK',
          external_id: '1700000000.1',
        });
        const zendesk = await make({ incident_id: 'ZD-12345', source_system: 'ZENDESK', external_id: '12345' });
        await service.addComment({ incident_id: slack.incident_id, text: 'reported in #support' }, admin);
        const now = clock.now().toISOString();
        const current = (await store.getIncident(slack.incident_id)) as Incident;
        await store.updateIncident({
          incident: bumped(current),
          expectedRevision: current.revision,
          sourceRecords: [
            {
              incident_id: slack.incident_id,
              source_system: 'SLACK',
              record_id: '1700000000.1',
              created_at: now,
              updated_at: now,
              data: {},
            },
          ],
        });
        const linked = await service.link({ from: slack.incident_id, to: zendesk.incident_id }, admin);
        expect(linked.incident_id).toBe('ZD-12345');
        const tomb = await store.getIncident(slack.incident_id);
        expect(tomb?.merged_into).toBe('ZD-12345');
        const details = await service.get(slack.incident_id, admin);
        expect(details.incident_id).toBe('ZD-12345');
        expect(details.redirected_from).toBe(slack.incident_id);
        expect(details.comments.map((c) => c.text)).toContain('reported in #support');
        expect(details.source_records.map((r) => r.record_id)).toEqual(['1700000000.1']);
        expect((await store.listInteractions(slack.incident_id, { includeInternal: true })).items).toEqual([]);
        expect(await store.listSourceRecords(slack.incident_id)).toEqual([]);
        expect(details.technical_details.related_incidents).toContain(slack.incident_id);
        // History of both sides records the link.
        expect((await store.getVersion('ZD-12345', linked.revision))?.metadata.version_notes).toMatch(/linked/);
        // Writes against the tombstone go to the target.
        await service.addComment({ incident_id: slack.incident_id, text: 'after link' }, admin);
        expect((await service.get('ZD-12345', admin)).comments.map((c) => c.text)).toContain('after link');
      });

      it('getIncidentAccess (optional) answers the permission fields of getIncident, tombstones included', async () => {
        if (!store.getIncidentAccess) {
          expect(store.getIncidentAccess).toBeUndefined();
          return;
        }
        const a = await make({ incident_id: 'SL-ACC', source_system: 'SLACK', external_id: 'ACC' });
        const b = await make({ incident_id: 'ZD-ACC', source_system: 'ZENDESK', external_id: 'ACC' });
        expect(await store.getIncidentAccess('SL-ACC')).toStrictEqual({
          incident_id: 'SL-ACC',
          metadata: { created_by: a.metadata.created_by },
        });
        await service.link({ from: a.incident_id, to: b.incident_id }, admin);
        const tomb = (await store.getIncident('SL-ACC')) as Incident;
        expect(await store.getIncidentAccess('SL-ACC')).toStrictEqual({
          incident_id: 'SL-ACC',
          merged_into: 'ZD-ACC',
          metadata: { created_by: tomb.metadata.created_by },
        });
        expect(await store.getIncidentAccess('NO-SUCH-INCIDENT')).toBeNull();
        // The timeline of the tombstone is the target's (the service follows the link one step).
        await service.addComment({ incident_id: b.incident_id, text: 'on the target' }, admin);
        const page = await service.timeline('SL-ACC', undefined, admin);
        expect(page.items.map((i) => i.text)).toContain('on the target');
      });

      it('refuses a stale link and changes nothing', async () => {
        const a = await make({ incident_id: 'SL-2', source_system: 'SLACK', external_id: '2' });
        const b = await make({ incident_id: 'ZD-2', source_system: 'ZENDESK', external_id: '2' });
        await service.addComment({ incident_id: b.incident_id, text: 'moved on' }, admin);
        await expect(
          store.linkIncidents({
            from: { ...bumped(a), merged_into: b.incident_id },
            fromExpectedRevision: a.revision,
            to: bumped(b),
            toExpectedRevision: b.revision,
          }),
        ).rejects.toMatchObject({ code: 'conflict', details: { reason: 'stale_revision' } });
        expect(await store.getIncident('SL-2')).toEqual(a);
      });
    });

    describe('metrics aggregates', () => {
      it('counts by status, severity, priority and category and lists resolution minutes', async () => {
        const a = await make({ severity: 'CRITICAL', category: 'Network', team: 'platform' });
        await make({ severity: 'LOW', category: 'Application', team: 'platform' });
        await make({ severity: 'LOW', category: 'Application', team: 'payments' });
        await service.claim(a.incident_id, ctx(contractActors.ana));
        clock.advance(30 * 60_000);
        await service.resolve(
          { incident_id: a.incident_id, solution: 'rerouted', root_cause: 'bad route' },
          ctx(contractActors.ana),
        );
        const everyone = await store.aggregateMetrics({});
        expect(everyone.total).toBe(3);
        expect(everyone.by_status).toMatchObject({ NEW: 2, RESOLVED: 1 });
        expect(everyone.by_severity).toMatchObject({ CRITICAL: 1, LOW: 2 });
        expect(everyone.by_priority).toMatchObject({ P1: 1, P4: 2 });
        expect(everyone.by_category).toEqual({ Network: 1, Application: 2 });
        expect(everyone.resolution_minutes).toHaveLength(1);
        expect(everyone.resolution_minutes[0]).toBeGreaterThanOrEqual(30);
        expect(everyone.sla_met + everyone.sla_breached).toBe(1);
        const platform = await store.aggregateMetrics({ team: 'platform' });
        expect(platform.total).toBe(2);
        const anas = await store.aggregateMetrics({ assigned_to: 'ana@example.com' });
        expect(anas.total).toBe(1);
        const none = await store.aggregateMetrics({ from: '2999-01-01T00:00:00.000Z' });
        expect(none.total).toBe(0);
        const report = await service.metrics({}, admin);
        expect(report.resolved_incidents).toBe(1);
        expect(report.median_resolution_time_minutes).toBe(everyone.resolution_minutes[0]);
      });
    });

    describe('knowledge-base bookkeeping', () => {
      async function closed(overrides: Record<string, unknown> = {}) {
        const inc = await make(overrides);
        const op = ctx(contractActors.ana);
        await service.claim(inc.incident_id, op);
        await service.resolve({ incident_id: inc.incident_id, solution: 'fixed', root_cause: 'bug' }, op);
        return service.close(inc.incident_id, op);
      }

      it('lists every closed, unsynced incident across pages and marks them guarded by revision', async () => {
        const done: Incident[] = [];
        for (let i = 0; i < 7; i++) done.push(await closed({ incident_id: `KB-${i}` }));
        await make({ incident_id: 'KB-OPEN' });
        const pending = await collectAll((cursor) => store.listPendingKbSync({ limit: 3, cursor }));
        expect(pending.map((i) => i.incident_id)).toEqual(done.map((i) => i.incident_id).sort());
        expect(pending.every((i) => i.kb_sync_status.state === 'PENDING')).toBe(true);

        const first = done[0] as Incident;
        const at = clock.now().toISOString();
        expect(
          await store.markKbSynced({
            incident_id: first.incident_id,
            expectedRevision: first.revision,
            synced_at: at,
            document_key: 'closed/KB-0.json',
          }),
        ).toBe(true);
        const synced = await store.getIncident(first.incident_id);
        expect(synced?.revision).toBe(first.revision);
        expect(synced?.kb_sync_status).toMatchObject({
          state: 'SYNCED',
          synced: true,
          synced_at: at,
          document_key: 'closed/KB-0.json',
        });

        // Changed meanwhile: the mark is refused and the incident stays pending.
        const second = done[1] as Incident;
        await service.addComment({ incident_id: second.incident_id, text: 'late note' }, admin);
        expect(
          await store.markKbSynced({
            incident_id: second.incident_id,
            expectedRevision: second.revision,
            synced_at: at,
            document_key: 'closed/KB-1.json',
          }),
        ).toBe(false);
        const left = await collectAll((cursor) => store.listPendingKbSync({ limit: 50, cursor }));
        expect(left.map((i) => i.incident_id)).toEqual(
          done
            .slice(1)
            .map((i) => i.incident_id)
            .sort(),
        );
      });

      it('counts failed attempts with the last error', async () => {
        const inc = await closed();
        const at = clock.now().toISOString();
        expect(await store.markKbSyncFailed({ incident_id: inc.incident_id, attempted_at: at, error: 'S3 503' })).toBe(
          1,
        );
        expect(await store.markKbSyncFailed({ incident_id: inc.incident_id, attempted_at: at, error: 'S3 500' })).toBe(
          2,
        );
        const got = await store.getIncident(inc.incident_id);
        expect(got?.kb_sync_status).toMatchObject({
          state: 'FAILED',
          synced: false,
          sync_attempts: 2,
          last_sync_error: 'S3 500',
          last_sync_attempt: at,
        });
        expect(got?.revision).toBe(inc.revision);
        expect((await store.listPendingKbSync()).items.map((i) => i.incident_id)).toEqual([inc.incident_id]);
        expect(await store.markKbSyncFailed({ incident_id: 'INC-NOPE', attempted_at: at, error: 'x' })).toBeNull();
      });

      it('keeps a KB mark made after a writer read the record when the write does not change the KB state', async () => {
        const inc = await closed();
        const before = (await store.getIncident(inc.incident_id)) as Incident;
        const at = clock.now().toISOString();
        expect(
          await store.markKbSynced({
            incident_id: inc.incident_id,
            expectedRevision: before.revision,
            synced_at: at,
            document_key: 'closed/kept.json',
          }),
        ).toBe(true);
        // A change computed from the read taken before the mark, not about the KB.
        await store.updateIncident({
          incident: bumped(before, { title: 'Checkout fails (edited)' }),
          expectedRevision: before.revision,
          keepKbSyncStatus: true,
        });
        const after = await store.getIncident(inc.incident_id);
        expect(after?.title).toBe('Checkout fails (edited)');
        expect(after?.revision).toBe(before.revision + 1);
        expect(after?.kb_sync_status).toMatchObject({
          state: 'SYNCED',
          synced: true,
          document_key: 'closed/kept.json',
        });
        // The history version of the change holds what version 0 holds.
        expect((await store.getVersion(inc.incident_id, before.revision + 1))?.kb_sync_status).toEqual(
          after?.kb_sync_status,
        );
        expect((await store.listPendingKbSync()).items).toEqual([]);

        // Without the flag the record's value is written, as given.
        await store.updateIncident({
          incident: bumped(after as Incident, { kb_sync_status: before.kb_sync_status }),
          expectedRevision: (after as Incident).revision,
        });
        expect((await store.getIncident(inc.incident_id))?.kb_sync_status.state).toBe('PENDING');
      });

      it('lets a service change that raced a KB mark keep the mark', async () => {
        const inc = await closed();
        // A store that, right after the service reads the incident, lets the KB job mark it.
        let marked = false;
        const racing = new Proxy(store, {
          get(target, prop) {
            if (prop !== 'getIncident') {
              // Bound to the store itself: implementations may use private fields.
              const value = Reflect.get(target, prop, target);
              return typeof value === 'function' ? value.bind(target) : value;
            }
            return async (id: string) => {
              const read = await target.getIncident(id);
              if (read && !marked && id === inc.incident_id) {
                marked = await target.markKbSynced({
                  incident_id: id,
                  expectedRevision: read.revision,
                  synced_at: clock.now().toISOString(),
                  document_key: 'closed/raced.json',
                });
              }
              return read;
            };
          },
        });
        const racingService = createIncidentService({ store: racing, clock });
        await racingService.addComment({ incident_id: inc.incident_id, text: 'one more note' }, admin);
        expect(marked).toBe(true);
        const after = await store.getIncident(inc.incident_id);
        expect(after?.revision).toBe(inc.revision + 1);
        expect(after?.kb_sync_status).toMatchObject({ state: 'SYNCED', document_key: 'closed/raced.json' });
      });

      it('queues a withdrawal when a synced incident is reopened, and clears it once withdrawn', async () => {
        const inc = await closed();
        const at = clock.now().toISOString();
        await store.markKbSynced({
          incident_id: inc.incident_id,
          expectedRevision: inc.revision,
          synced_at: at,
          document_key: 'closed/x.json',
        });
        const reopened = await service.reopen(inc.incident_id, ctx(contractActors.ana));
        expect(reopened.kb_sync_status.state).toBe('WITHDRAW_PENDING');
        expect((await store.listPendingKbSync()).items.map((i) => i.incident_id)).toEqual([inc.incident_id]);
        expect(
          await store.markKbSynced({
            incident_id: inc.incident_id,
            expectedRevision: reopened.revision,
            synced_at: at,
            document_key: 'closed/x.json',
            withdrawn: true,
          }),
        ).toBe(true);
        expect((await store.getIncident(inc.incident_id))?.kb_sync_status.state).toBe('NOT_APPLICABLE');
        expect((await store.listPendingKbSync()).items).toEqual([]);
      });
    });

    describe('users', () => {
      it('puts, replaces, gets and lists users ordered by email', async () => {
        const now = clock.now().toISOString();
        await store.putUser({ email: 'zoe@example.com', name: 'Zoe', role: 'operator', active: true, created_at: now });
        await store.putUser({
          email: 'adam@example.com',
          name: 'Adam',
          role: 'customer',
          active: true,
          created_at: now,
        });
        await store.putUser({
          email: 'zoe@example.com',
          name: 'Zoe',
          role: 'admin',
          team: 'ops',
          active: false,
          created_at: now,
        });
        expect(await store.getUser('zoe@example.com')).toEqual({
          email: 'zoe@example.com',
          name: 'Zoe',
          role: 'admin',
          team: 'ops',
          active: false,
          created_at: now,
        });
        expect(await store.getUser('nobody@example.com')).toBeNull();
        const first = await store.listUsers({ limit: 1 });
        expect(first.items.map((u) => u.email)).toEqual(['adam@example.com']);
        const second = await store.listUsers({ limit: 1, cursor: first.cursor });
        expect(second.items.map((u) => u.email)).toEqual(['zoe@example.com']);
        expect(second.cursor).toBeNull();
      });

      it('matches emails case-insensitively: one user per address whatever its case', async () => {
        const now = clock.now().toISOString();
        await store.putUser({
          email: 'Carla.Ruiz@Cliente.Example',
          name: 'Carla',
          role: 'customer',
          active: true,
          created_at: now,
        });
        for (const spelling of [
          'carla.ruiz@cliente.example',
          'CARLA.RUIZ@CLIENTE.EXAMPLE',
          'Carla.Ruiz@Cliente.Example',
        ]) {
          expect(await store.getUser(spelling)).toMatchObject({
            email: 'carla.ruiz@cliente.example',
            role: 'customer',
          });
        }
        await store.putUser({
          email: 'CARLA.RUIZ@cliente.example',
          name: 'Carla Ruiz',
          role: 'customer',
          active: false,
          created_at: now,
        });
        const all = await collectAll((cursor) => store.listUsers({ limit: 10, cursor }));
        expect(all.filter((u) => u.email.toLowerCase() === 'carla.ruiz@cliente.example')).toEqual([
          { email: 'carla.ruiz@cliente.example', name: 'Carla Ruiz', role: 'customer', active: false, created_at: now },
        ]);
      });
    });

    describe('user credentials', () => {
      const carla = { email: 'carla@example.com', name: 'Carla', role: 'customer', active: true } as const;

      it('keeps credentials apart from the user: set, replace, get; never on getUser/listUsers', async () => {
        if (!store.setUserCredentials || !store.getUserCredentials) {
          // A store without credentials cannot back a login: the service says so instead of failing open.
          await expect(service.authenticate(carla.email, async () => true)).rejects.toMatchObject({
            code: 'unsupported',
          });
          return;
        }
        const at = clock.now().toISOString();
        await expect(
          store.setUserCredentials('ghost@example.com', { password_hash: 'h0', updated_at: at }),
        ).rejects.toBeInstanceOf(NotFoundError);
        expect(await store.getUserCredentials('ghost@example.com')).toBeNull();
        await store.putUser({ ...carla, created_at: at });
        expect(await store.getUserCredentials(carla.email)).toBeNull();
        await store.setUserCredentials(carla.email, { password_hash: '$argon2id$first', updated_at: at });
        const later = clock.now().toISOString();
        await store.setUserCredentials(carla.email, { password_hash: '$argon2id$second', updated_at: later });
        expect(await store.getUserCredentials(carla.email)).toEqual({
          password_hash: '$argon2id$second',
          updated_at: later,
        });
        // Re-putting the profile (a role change) keeps the credentials.
        await store.putUser({ ...carla, role: 'operator', created_at: at });
        expect((await store.getUserCredentials(carla.email))?.password_hash).toBe('$argon2id$second');
        const user = await store.getUser(carla.email);
        expect(user).toEqual({ ...carla, role: 'operator', created_at: at });
        expect(JSON.stringify(await store.listUsers())).not.toContain('argon2id');
      });

      it('authenticates through the service: verify decides, inactive users and unknown emails get null', async () => {
        if (!store.setUserCredentials || !store.getUserCredentials) {
          await expect(service.setUserCredentials(carla.email, { password_hash: 'h' }, admin)).rejects.toMatchObject({
            code: 'unsupported',
          });
          return;
        }
        await service.putUser(carla, admin);
        await service.setUserCredentials(carla.email, { password_hash: 'right-hash' }, admin);
        const verify = async (hash: string) => hash === 'right-hash';
        const ok = await service.authenticate(carla.email, verify);
        expect(ok?.actor).toEqual({ id: carla.email, roles: ['customer'] });
        expect(ok?.user).not.toHaveProperty('password_hash');
        expect(await service.authenticate(carla.email, async () => false)).toBeNull();
        expect(await service.authenticate('nobody@example.com', verify)).toBeNull();
        // A customer may set their own password, not somebody else's.
        await service.setUserCredentials(carla.email, { password_hash: 'own-hash' }, ctx(contractActors.customer));
        await expect(
          service.setUserCredentials('admin@example.com', { password_hash: 'x' }, ctx(contractActors.customer)),
        ).rejects.toMatchObject({ code: 'permission_denied' });
        expect(await service.authenticate(carla.email, async (h) => h === 'own-hash')).not.toBeNull();
        const updated = await service.updateUser(carla.email, { active: false, role: 'operator' }, admin);
        expect(updated).toMatchObject({ active: false, role: 'operator' });
        expect(await service.authenticate(carla.email, async () => true)).toBeNull();
        await expect(service.updateUser(carla.email, { active: true }, ctx(contractActors.ana))).rejects.toMatchObject({
          code: 'permission_denied',
        });
      });
    });

    describe('sync state: pull cursors and the outbound queue', () => {
      const sync = ctx(contractActors.sync);

      async function imported(overrides: Record<string, unknown> = {}): Promise<Incident> {
        return make({ source_system: 'JIRA', external_id: 'OPS-1', incident_id: 'OPS-1', ...overrides });
      }

      const item = outboundItemFixture;

      it('saves, replaces and lists pull cursors per connector', async () => {
        expect(await store.getSyncCursor('jira')).toBeNull();
        const first: SyncCursor = {
          connector: 'jira',
          resume_cursor: 'page-2',
          pending_high_watermark: '2026-01-05T10:00:00.000Z',
          last_pull_started_at: '2026-01-05T10:01:00.000Z',
          updated_at: '2026-01-05T10:02:00.000Z',
        };
        await store.saveSyncCursor(first);
        expect(await store.getSyncCursor('jira')).toEqual(first);
        const done: SyncCursor = {
          connector: 'jira',
          high_watermark: '2026-01-05T10:00:00.000Z',
          last_pull_completed_at: '2026-01-05T10:03:00.000Z',
          updated_at: '2026-01-05T10:03:00.000Z',
        };
        await store.saveSyncCursor(done);
        expect(await store.getSyncCursor('jira')).toEqual(done);
        await store.saveSyncCursor({ connector: 'zendesk', updated_at: '2026-01-05T10:04:00.000Z' });
        await store.saveSyncCursor({ connector: 'asana', updated_at: '2026-01-05T10:04:00.000Z' });
        expect((await store.listSyncCursors()).map((c) => c.connector)).toEqual(['asana', 'jira', 'zendesk']);
      });

      it('writes outbound items with the change that caused them, never for the sync role or MANUAL incidents', async () => {
        const inc = await imported();
        const ana = ctx(contractActors.ana);
        await service.claim(inc.incident_id, ana);
        const comment = await service.addComment({ incident_id: inc.incident_id, text: 'Looking into it' }, ana);
        await service.addComment(
          { incident_id: inc.incident_id, text: 'from Jira', external_id: '10001', source: 'JIRA', author: 'x@y.z' },
          sync,
        );
        const manual = await make({ incident_id: 'MAN-1' });
        await service.addComment({ incident_id: manual.incident_id, text: 'local only' }, admin);

        const items = await collectAll((cursor) => store.listOutbound({}, { limit: 1, cursor }));
        expect(items.map((i) => i.sync_type).sort()).toEqual(['COMMENT', 'STATUS_CHANGE']);
        const status = items.find((i) => i.sync_type === 'STATUS_CHANGE') as OutboundItem;
        expect(status).toMatchObject({
          incident_id: 'OPS-1',
          source_system: 'JIRA',
          external_id: 'OPS-1',
          connector: 'jira',
          sync_direction: 'TO_EXTERNAL',
          status: 'PENDING',
          attempts: 0,
          payload: { from: 'NEW', to: 'ASSIGNED' },
        });
        const out = items.find((i) => i.sync_type === 'COMMENT') as OutboundItem;
        expect(out.payload).toMatchObject({
          interaction_id: comment.comment_id,
          text: 'Looking into it',
          visibility: 'PUBLIC',
        });
        expect(await store.countOutbound()).toEqual({ PENDING: 2, IN_PROGRESS: 0, FAILED: 0, DEAD: 0, COMPLETED: 0 });
      });

      it('writes no outbound item when the update is refused (stale revision)', async () => {
        const inc = await imported();
        await store.updateIncident({
          incident: bumped(inc, { title: 'other writer' }),
          expectedRevision: inc.revision,
        });
        await expect(
          store.updateIncident({
            incident: bumped(inc, { title: 'stale' }),
            expectedRevision: inc.revision,
            outbound: [item(1)],
          }),
        ).rejects.toBeInstanceOf(ConflictError);
        expect((await store.listOutbound()).items).toEqual([]);
        const current = (await store.getIncident(inc.incident_id)) as Incident;
        await store.updateIncident({
          incident: bumped(current, { title: 'fresh' }),
          expectedRevision: current.revision,
          outbound: [item(1)],
        });
        expect((await store.listOutbound()).items).toEqual([item(1)]);
      });

      it('lists due items in order and lets exactly one of two workers claim an item', async () => {
        await store.enqueueOutbound([item(3), item(1), item(2, { connector: 'zendesk', source_system: 'ZENDESK' })]);
        await expect(store.enqueueOutbound([item(4), item(1)])).rejects.toBeInstanceOf(ConflictError);
        expect(await store.listOutbound({}, { limit: 50 })).toEqual({
          items: [item(1), item(2, { connector: 'zendesk', source_system: 'ZENDESK' }), item(3)],
          cursor: null,
        });

        const due = await store.listDueOutbound({ now: '2026-01-05T10:00:02.000Z' });
        expect(due.map((i) => i.sync_id)).toEqual(['OUT-001', 'OUT-002']);
        expect(
          (await store.listDueOutbound({ now: '2026-01-05T11:00:00.000Z', connector: 'jira' })).map((i) => i.sync_id),
        ).toEqual(['OUT-001', 'OUT-003']);

        const read = due[0] as OutboundItem;
        const claim = {
          status: 'IN_PROGRESS' as const,
          attempts: read.attempts + 1,
          last_attempt_at: '2026-01-05T10:00:02.000Z',
          next_attempt_at: '2026-01-05T10:05:00.000Z',
        };
        const results = await Promise.all([
          store.updateOutbound({ item: read, changes: claim }),
          store.updateOutbound({ item: read, changes: claim }),
        ]);
        expect(results.filter((r) => r !== null)).toHaveLength(1);
        const claimed = results.find((r) => r !== null) as OutboundItem;
        expect(claimed).toEqual({ ...read, ...claim });
        // A claimed item is not due until its lease ends, then it is (a crashed worker's item is retried).
        expect((await store.listDueOutbound({ now: '2026-01-05T10:04:00.000Z' })).map((i) => i.sync_id)).toEqual([
          'OUT-002',
          'OUT-003',
        ]);
        expect((await store.listDueOutbound({ now: '2026-01-05T10:06:00.000Z' })).map((i) => i.sync_id)).toEqual([
          'OUT-002',
          'OUT-003',
          'OUT-001',
        ]);

        const failed = await store.updateOutbound({
          item: claimed,
          changes: { status: 'FAILED', error_message: 'HTTP 503', next_attempt_at: '2026-01-05T10:10:00.000Z' },
        });
        expect(failed).toMatchObject({ status: 'FAILED', attempts: 1, error_message: 'HTTP 503' });
        // The stale read (still PENDING, 0 attempts) can no longer change it.
        expect(await store.updateOutbound({ item: read, changes: { status: 'COMPLETED' } })).toBeNull();
        expect(await store.updateOutbound({ item: item(59), changes: { status: 'COMPLETED' } })).toBeNull();
        const dead = await store.updateOutbound({ item: failed as OutboundItem, changes: { status: 'DEAD' } });
        expect(dead?.status).toBe('DEAD');
        expect((await store.listDueOutbound({ now: '2026-01-06T00:00:00.000Z' })).map((i) => i.sync_id)).toEqual([
          'OUT-002',
          'OUT-003',
        ]);
        const done = await store.updateOutbound({
          item: item(3),
          changes: { status: 'COMPLETED', completed_at: '2026-01-05T10:00:05.000Z', external_ref: '20001' },
        });
        expect(done).toMatchObject({ status: 'COMPLETED', external_ref: '20001' });

        expect((await store.listOutbound({ status: 'DEAD' })).items.map((i) => i.sync_id)).toEqual(['OUT-001']);
        expect((await store.listOutbound({ status: ['DEAD', 'COMPLETED'] })).items.map((i) => i.sync_id)).toEqual([
          'OUT-001',
          'OUT-003',
        ]);
        expect((await store.listOutbound({ connector: 'zendesk' })).items.map((i) => i.sync_id)).toEqual(['OUT-002']);
        expect(await store.countOutbound()).toEqual({ PENDING: 1, IN_PROGRESS: 0, FAILED: 0, DEAD: 1, COMPLETED: 1 });
      });

      it('pages outbound lists completely in status order', async () => {
        const all = Array.from({ length: 7 }, (_, n) => item(n + 1, { status: n % 2 ? 'DEAD' : 'PENDING' }));
        await store.enqueueOutbound(all);
        const pages: string[][] = [];
        let cursor: string | null = null;
        do {
          const page: Awaited<ReturnType<IncidentStore['listOutbound']>> = await store.listOutbound(
            {},
            { limit: 3, cursor },
          );
          pages.push(page.items.map((i) => i.sync_id));
          cursor = page.cursor;
        } while (cursor);
        expect(pages).toEqual([['OUT-001', 'OUT-003', 'OUT-005'], ['OUT-007', 'OUT-002', 'OUT-004'], ['OUT-006']]);
      });

      it('records the external id of a pushed comment without a new revision', async () => {
        const inc = await imported();
        const comment = await service.addComment(
          { incident_id: inc.incident_id, text: 'pushed' },
          ctx(contractActors.ana),
        );
        const before = await store.getIncident(inc.incident_id);
        const [row] = (await store.listInteractions(inc.incident_id, { types: ['comment'] })).items;
        expect(row?.interaction_id).toBe(comment.comment_id);
        expect(await store.setInteractionExternalId({ interaction: row as Interaction, external_id: '20001' })).toBe(
          true,
        );
        const [marked] = (await store.listInteractions(inc.incident_id, { types: ['comment'] })).items;
        expect(marked).toEqual({ ...row, external_id: '20001' });
        expect((await store.getIncident(inc.incident_id))?.revision).toBe(before?.revision);
        expect(
          await store.setInteractionExternalId({
            interaction: { ...(row as Interaction), interaction_id: 'NOPE' },
            external_id: '1',
          }),
        ).toBe(false);
      });
    });
  });
}

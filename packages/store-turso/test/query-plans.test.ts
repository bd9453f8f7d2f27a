import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTursoStore, type TursoStore } from '../src/index.js';
import { bulkWrites, incidentRecord, interactionRecord } from './fixtures.js';

/**
 * The hot queries must be index range scans in result order: no full scan, no temporary B-tree.
 * Checked on a populated, ANALYZEd database, because the planner's choice depends on statistics.
 */
describe('query plans', () => {
  let store: TursoStore;

  beforeAll(async () => {
    store = await createTursoStore({ url: ':memory:' });
    for (let i = 0; i < 4; i++) await store.createIncidents(bulkWrites(500, 0, i * 500));
    // One incident with a long timeline among many short ones.
    const busy = incidentRecord(90_000, { incident_id: 'BUSY', external_id: 'BUSY' });
    const many = Array.from({ length: 2000 }, (_, n) => interactionRecord(busy, n + 1));
    await store.createIncidents([{ incident: busy, interactions: many }]);
    await store.maintain();
  });
  afterAll(async () => {
    await store.close();
  });

  const expected: Record<string, string> = {
    timeline: 'PRIMARY KEY',
    'status-by-priority': 'idx_incidents_status_priority',
    'my-open-incidents': 'idx_incidents_assignee',
    'my-open-incidents-by-priority': 'idx_incidents_assignee',
    'by-team': 'idx_incidents_team',
    'by-category': 'idx_incidents_category',
    'by-source': 'ux_incidents_source',
    'by-due': 'idx_incidents_due',
    'kb-pending': 'idx_incidents_kb_pending',
  };

  it('reports every hot query (first and next page) using its index without a sort step', async () => {
    const { indexUsage } = await store.stats();
    const names = indexUsage.map((u) => u.query.replace(' (next page)', ''));
    expect(new Set(names)).toEqual(new Set(Object.keys(expected)));
    for (const usage of indexUsage) {
      const base = usage.query.replace(' (next page)', '');
      expect(usage, usage.query).toMatchObject({ usesIndex: true, index: expected[base], tempSort: false });
      expect(usage.plan.join('\n')).not.toMatch(/SCAN incidents$|SCAN interactions$|TEMP B-TREE/m);
    }
  });

  it('seeks the assignee index by assignee, status and priority (a priority filter is a key, not a scan)', async () => {
    const { indexUsage } = await store.stats();
    const first = indexUsage.find((u) => u.query === 'my-open-incidents-by-priority');
    expect(first?.plan[0]).toMatch(/idx_incidents_assignee \(assigned_to=\? AND status_rank=\? AND priority=\?\)/);
    const next = indexUsage.find((u) => u.query === 'my-open-incidents-by-priority (next page)');
    expect(next?.plan[0]).toMatch(/idx_incidents_assignee \(assigned_to=\? AND status_rank=\? AND priority=\?/);
  });

  it('the timeline seeks the interactions primary key by incident and never sorts', async () => {
    const plan = async (sql: string, args: (string | number)[]) =>
      (await store.client.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args })).rows.map((r) => String(r.detail));
    const { indexUsage } = await store.stats();
    const timeline = indexUsage.find((u) => u.query === 'timeline');
    // The table is clustered by (incident_id, created_at, interaction_id) (migration 004, R-DESK-3).
    expect(timeline?.plan).toEqual(['SEARCH interactions USING PRIMARY KEY (incident_id=?)']);
    const next = indexUsage.find((u) => u.query === 'timeline (next page)');
    expect(next?.plan[0]).toMatch(/USING PRIMARY KEY \(incident_id=\? AND \(created_at,interaction_id\)<\(\?,\?\)\)/);
    // A control: ordering by a column the index does not cover does need a temporary B-tree.
    const control = await plan('SELECT * FROM interactions WHERE incident_id = ? ORDER BY author', ['BUSY']);
    expect(control.join('\n')).toMatch(/TEMP B-TREE/);
  });

  it('returns the timeline of a busy incident newest first, page by page', async () => {
    const first = await store.listInteractions('BUSY', { limit: 50, includeInternal: true });
    expect(first.items).toHaveLength(50);
    expect(first.items[0]?.interaction_id).toBe('BUSY-I02000');
    const second = await store.listInteractions('BUSY', { limit: 50, includeInternal: true, cursor: first.cursor });
    expect(second.items[0]?.interaction_id).toBe('BUSY-I01950');
    const publicOnly = await store.listInteractions('BUSY', { limit: 50 });
    expect(publicOnly.items.every((i) => i.visibility === 'PUBLIC')).toBe(true);
  });

  it('walks a multi-status query across pages in canonical status order', async () => {
    const query = {
      by: 'assignee' as const,
      assigned_to: 'dev3@example.com',
      status: ['PENDING', 'ASSIGNED', 'IN_PROGRESS'] as const,
    };
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.queryIncidents({ ...query, status: [...query.status] }, { limit: 7, cursor });
      seen.push(...page.items.map((i) => `${i.status}|${i.priority}|${i.created_at}|${i.incident_id}`));
      cursor = page.cursor;
    } while (cursor);
    const rank = (s: string) => ['ASSIGNED', 'IN_PROGRESS', 'PENDING'].indexOf(s.split('|')[0] as string);
    const sorted = [...seen].sort(
      (a, b) => rank(a) - rank(b) || (a.slice(a.indexOf('|')) < b.slice(b.indexOf('|')) ? -1 : 1),
    );
    expect(seen.length).toBeGreaterThan(14);
    expect(seen).toEqual(sorted);
    expect(new Set(seen).size).toBe(seen.length);
  });
});

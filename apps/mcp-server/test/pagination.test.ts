import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Severity } from '@incidents/core';
import { ANA, BOB, call, createTestDb, ok, seed, type Spawned, spawnServer, type TestDb } from './helpers.js';

const SEVERITIES: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
let db: TestDb;
let ana: Spawned;

beforeAll(async () => {
  db = await createTestDb();
  await seed(db, [
    ...Array.from({ length: 25 }, (_, i) => ({
      title: `Ana ${i}`,
      severity: SEVERITIES[i % 4] as Severity,
      assigned_to: ANA,
    })),
    ...Array.from({ length: 5 }, (_, i) => ({ title: `Bob ${i}`, severity: 'CRITICAL' as const, assigned_to: BOB })),
    ...Array.from({ length: 12 }, (_, i) => ({ title: `Free ${i}`, severity: SEVERITIES[(i + 1) % 4] as Severity })),
  ]);
  ana = await spawnServer(db, { INCIDENTS_ACTOR: ANA });
});
afterAll(async () => {
  await ana?.close();
  await db.cleanup();
});

type Item = { incident_id: string; title: string; priority: string; assigned_to?: string };

async function allPages(tool: string, args: Record<string, unknown>) {
  const pages: Array<{ items: Item[]; cursor: string | null; truncated: boolean }> = [];
  let cursor: string | null = null;
  do {
    const page: { items: Item[]; cursor: string | null; truncated: boolean } = ok(
      await call(ana, tool, { ...args, ...(cursor ? { cursor } : {}) }),
    );
    pages.push(page);
    cursor = page.cursor;
  } while (cursor && pages.length < 20);
  return pages;
}

describe('pagination across pages', () => {
  it('search_my_incidents pages through all of my incidents without loss or repeats, most urgent first', async () => {
    const pages = await allPages('search_my_incidents', { limit: 10 });
    expect(pages.map((p) => p.items.length)).toEqual([10, 10, 5]);
    expect(pages.map((p) => p.truncated)).toEqual([true, true, false]);
    const items = pages.flatMap((p) => p.items);
    expect(new Set(items.map((i) => i.incident_id)).size).toBe(25);
    expect(items.every((i) => i.assigned_to === ANA && i.title.startsWith('Ana'))).toBe(true);
    const priorities = items.map((i) => i.priority);
    expect(priorities).toEqual([...priorities].sort());
  });

  it('filters by priority across pages and says exactly when it is done', async () => {
    const pages = await allPages('search_my_incidents', { priority: 'P2', limit: 4 });
    expect(pages.map((p) => p.items.length)).toEqual([4, 2]);
    expect(pages.map((p) => p.truncated)).toEqual([true, false]);
    const items = pages.flatMap((p) => p.items);
    expect(items.every((i) => i.priority === 'P2')).toBe(true);
    expect(new Set(items.map((i) => i.incident_id)).size).toBe(6); // i % 4 === 1 for i < 25
  });

  it('list_available_incidents pages through unassigned incidents by priority', async () => {
    const pages = await allPages('list_available_incidents', { limit: 5 });
    expect(pages.map((p) => p.items.length)).toEqual([5, 5, 2]);
    const items = pages.flatMap((p) => p.items);
    expect(new Set(items.map((i) => i.incident_id)).size).toBe(12);
    expect(items.every((i) => i.title.startsWith('Free') && i.assigned_to === undefined)).toBe(true);
    expect(items.map((i) => i.priority)).toEqual(items.map((i) => i.priority).sort());
    const p1 = await allPages('list_available_incidents', { priority: 'P1', limit: 2 });
    expect(p1.flatMap((p) => p.items).map((i) => i.priority)).toEqual(['P1', 'P1', 'P1']);
  });
});

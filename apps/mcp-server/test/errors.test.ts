import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOL_NAMES } from '../src/tool-names.js';
import { ANA, call, createTestDb, ok, seed, type Spawned, spawnServer, type TestDb, textOf } from './helpers.js';

let db: TestDb;
let ana: Spawned;
let mine: string;
let fresh: string;

beforeAll(async () => {
  db = await createTestDb();
  const [a, b] = await seed(db, [
    { title: 'Assigned to Ana', severity: 'MEDIUM', assigned_to: ANA },
    { title: 'Nobody has it', severity: 'LOW' },
  ]);
  mine = a?.incident_id as string;
  fresh = b?.incident_id as string;
  ana = await spawnServer(db, { INCIDENTS_ACTOR: ANA });
});
afterAll(async () => {
  await ana?.close();
  await db.cleanup();
});

/** For every tool: bad arguments and the field the error must name. */
const BAD_CALLS: Array<[tool: string, args: () => Record<string, unknown>, field: string]> = [
  ['search_my_incidents', () => ({ status: 'OPEN' }), 'status'],
  ['search_my_incidents', () => ({ limit: 0 }), 'limit'],
  ['list_available_incidents', () => ({ priority: 'P9' }), 'priority'],
  ['get_incident_details', () => ({}), 'incident_id'],
  ['get_incident_details', () => ({ incident_id: mine, full: 'yes' }), 'full'],
  ['get_incident_history', () => ({ incident_id: 42 }), 'incident_id'],
  ['get_incident_history', () => ({ incident_id: mine, cursor: 'not-a-cursor' }), 'cursor'],
  ['find_similar_incidents', () => ({}), 'incident_id'],
  ['find_similar_incidents', () => ({ text: 'timeout', limit: 500 }), 'limit'],
  ['claim_incident', () => ({ incident_id: '' }), 'incident_id'],
  ['update_incident_progress', () => ({ incident_id: mine }), 'progress_notes'],
  ['update_incident_progress', () => ({ incident_id: mine, time_spent_minutes: -5 }), 'time_spent_minutes'],
  ['update_incident_progress', () => ({ incident_id: mine, analysis: 7 }), 'analysis'],
  ['resolve_incident', () => ({ incident_id: mine }), 'solution'],
  [
    'resolve_incident',
    () => ({ incident_id: mine, solution: 'x', code_changes: [{ description: 'no file' }] }),
    'code_changes[0].file',
  ],
  ['resolve_incident', () => ({ incident_id: mine, solution: 'x', resolution_type: 'MAGIC' }), 'resolution_type'],
  ['resolve_incident', () => ({ incident_id: mine, solution: 'x' }), 'root_cause'],
  ['add_incident_comment', () => ({ incident_id: mine }), 'comment'],
  ['add_incident_comment', () => ({ incident_id: mine, comment: 'x', visibility: 'SECRET' }), 'visibility'],
  ['close_incident', () => ({ incident_id: mine, expected_revision: 'two' }), 'expected_revision'],
  ['force_kb_sync', () => ({ wait_for_completion: 'yes' }), 'wait_for_completion'],
  ['sync_and_ingest', () => ({ wait_for_sync: 'no' }), 'wait_for_sync'],
  ['sync_and_ingest', () => ({ wait_for_ingestion: 1 }), 'wait_for_ingestion'],
];

describe('bad input never crashes the server', () => {
  it('covers every tool', () => {
    expect(new Set(BAD_CALLS.map(([tool]) => tool))).toEqual(new Set(TOOL_NAMES));
  });

  it.each(BAD_CALLS)('%s with bad arguments → isError naming the field', async (tool, args, field) => {
    const r = await call(ana, tool, args());
    expect(r.isError, textOf(r)).toBe(true);
    expect(textOf(r)).toContain(field);
    expect(r.structuredContent).toBeUndefined();
  });

  it('reports not found, invalid transitions, permissions and stale revisions clearly', async () => {
    const missing = await call(ana, 'get_incident_details', { incident_id: 'NOPE-1' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toBe('not_found: Incident NOPE-1 not found');

    const closeOpen = await call(ana, 'close_incident', { incident_id: mine });
    expect(closeOpen.isError).toBe(true);
    expect(textOf(closeOpen)).toMatch(
      /^invalid_transition: Cannot close incident .* it is ASSIGNED; close is allowed from RESOLVED/,
    );

    const notMine = await call(ana, 'add_incident_comment', {
      incident_id: fresh,
      comment: 'I can comment on any incident I can read',
    });
    expect(notMine.isError).toBeFalsy();
    const progressNotMine = await call(ana, 'update_incident_progress', { incident_id: fresh, progress_notes: 'x' });
    expect(textOf(progressNotMine)).toMatch(/^permission_denied: .*not assigned to anyone/);

    const read = ok(await call(ana, 'get_incident_details', { incident_id: mine }));
    // Someone else changes it after we read it…
    await call(ana, 'update_incident_progress', { incident_id: mine, progress_notes: 'a concurrent note' });
    // …so a write based on what we read is refused.
    const stale = await call(ana, 'update_incident_progress', {
      incident_id: mine,
      progress_notes: 'late write',
      expected_revision: read.incident.revision,
    });
    expect(stale.isError).toBe(true);
    expect(textOf(stale)).toMatch(/^conflict: .*re-read it and try again/);
  });

  it('is still alive and working after all of that', async () => {
    const tools = await ana.client.listTools();
    expect(tools.tools.length).toBe(TOOL_NAMES.length);
    const r = ok(await call(ana, 'update_incident_progress', { incident_id: mine, progress_notes: 'still here' }));
    expect(r.incident.status).toBe('IN_PROGRESS');
    expect(ana.stderr()).not.toMatch(/"level":"error"/);
  });
});

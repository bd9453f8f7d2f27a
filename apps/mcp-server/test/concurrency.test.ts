import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  ANA,
  BOB,
  call,
  createTestDb,
  ok,
  seed,
  type Spawned,
  spawnServer,
  type TestDb,
  textOf,
} from './helpers.js';

let db: TestDb;
let ana: Spawned;
let bob: Spawned;
let ids: string[];

beforeAll(async () => {
  db = await createTestDb();
  ids = (
    await seed(
      db,
      Array.from({ length: 4 }, (_, i) => ({ title: `Contended incident ${i}`, severity: 'HIGH' as const })),
    )
  ).map((i) => i.incident_id);
  [ana, bob] = await Promise.all([
    spawnServer(db, { INCIDENTS_ACTOR: ANA }),
    spawnServer(db, { INCIDENTS_ACTOR: BOB }),
  ]);
});
afterAll(async () => {
  await Promise.all([ana?.close(), bob?.close()]);
  await db.cleanup();
});

describe('two clients claiming the same incident', () => {
  it('exactly one wins; the other gets an isError naming the assignee', async () => {
    for (const id of ids) {
      const [a, b] = await Promise.all([
        call(ana, 'claim_incident', { incident_id: id }),
        call(bob, 'claim_incident', { incident_id: id }),
      ]);
      const winners = [a, b].filter((r) => !r.isError);
      const losers = [a, b].filter((r) => r.isError);
      expect(winners, `${textOf(a)} | ${textOf(b)}`).toHaveLength(1);
      expect(losers).toHaveLength(1);
      const winner = a.isError ? BOB : ANA;
      const won = ok<{ incident: { assigned_to: string } }>(winners[0] as CallToolResult);
      expect(won.incident.assigned_to).toBe(winner);
      expect(textOf(losers[0] as never)).toMatch(
        new RegExp(`^conflict: .*already assigned to ${winner.replace('.', '\\.')}`),
      );
      const stored = await db.service.get(id, { actor: ADMIN }, { comments: false });
      expect(stored).toMatchObject({ assigned_to: winner, status: 'ASSIGNED', revision: 2 });
    }
  });

  it('the loser cannot change the winner’s incident', async () => {
    const id = ids[0] as string;
    const stored = await db.service.get(id, { actor: ADMIN }, { comments: false });
    const loser = stored.assigned_to === ANA ? bob : ana;
    const r = await call(loser, 'resolve_incident', { incident_id: id, solution: 'x', root_cause: 'y' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain(`assigned to ${stored.assigned_to}`);
  });
});

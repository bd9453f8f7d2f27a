/**
 * Tool arguments through the real MCP Client: unknown fields are refused naming them (never silently
 * dropped), lists such as `steps` are bounded, and impossible values are refused — each as an
 * `isError` result without a stack trace, leaving the incident as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, ANA, call, createTestDb, seed, type Spawned, spawnServer, type TestDb, textOf } from './helpers.js';

let db: TestDb;
let ana: Spawned;
let id: string;
beforeAll(async () => {
  db = await createTestDb();
  const [inc] = await seed(db, [{ title: 'Queue backlog', assigned_to: ANA }]);
  id = inc?.incident_id as string;
  ana = await spawnServer(db, { INCIDENTS_ACTOR: ANA });
});
afterAll(async () => {
  await ana?.close();
  await db.cleanup();
});

describe('MCP tool arguments', () => {
  it.each([
    ['get_incident_details', { incident_id: 'X', as_admin: true }, 'as_admin'],
    ['search_my_incidents', { status: 'NEW', assigned_to: 'bob@example.com' }, 'assigned_to'],
    ['add_incident_comment', { incident_id: 'X', comment: 'hi', author: 'bob@example.com' }, 'author'],
    ['resolve_incident', { incident_id: 'X', solution: 's', code_changes: [{ file: 'a', sudo: 1 }] }, 'sudo'],
  ])('%s refuses the unknown field in %j, naming %s', async (tool, args, field) => {
    const r = await call(ana, tool, args);
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain(field);
    expect(textOf(r)).not.toMatch(/\n\s+at /);
  });

  it('steps are bounded (100) and the incident is unchanged after the refusal', async () => {
    const before = await db.service.get(id, { actor: ADMIN });
    const steps = Array.from({ length: 101 }, (_, i) => `step ${i}`);
    const r = await call(ana, 'resolve_incident', { incident_id: id, solution: 'x', root_cause: 'y', steps });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('steps');
    const after = await db.service.get(id, { actor: ADMIN });
    expect(after.revision).toBe(before.revision);
    expect(after.status).toBe(before.status);
  });

  it('an incident id with a path or control characters is refused naming incident_id', async () => {
    for (const bad of ['../../etc/passwd', 'INC-1\u001b]0;pwned\u0007']) {
      const r = await call(ana, 'get_incident_details', { incident_id: bad });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain('incident_id');
      expect(textOf(r)).not.toContain('\u001b');
    }
  });
});

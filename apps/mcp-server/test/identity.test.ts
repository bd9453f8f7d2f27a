/**
 * Who the MCP server acts for: only a registered, active user (matched case-insensitively, roles from
 * the store, never from the environment). Unknown, empty or badly configured start-ups stop with exit
 * code 2 and one line naming the variable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, call, createTestDb, runExpectingExit, seed, spawnServer, type TestDb, textOf } from './helpers.js';

let db: TestDb;
let staffIncident: string;
beforeAll(async () => {
  db = await createTestDb();
  await db.service.putUser({ email: 'carla.ruiz@cliente.example', role: 'customer', name: 'Carla' }, { actor: ADMIN });
  const [inc] = await seed(db, [{ title: 'Another customer VPN', description: 'confidential' }]);
  staffIncident = inc?.incident_id as string;
});
afterAll(async () => {
  await db.cleanup();
});

describe('MCP identity', () => {
  it('an unknown INCIDENTS_ACTOR does not start the server', async () => {
    const r = await runExpectingExit(db, { INCIDENTS_ACTOR: 'made.up@nowhere.example' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown user made.up@nowhere.example');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('INCIDENTS_ACTOR set but empty does not start the server and names the variable', async () => {
    const r = await runExpectingExit(db, { INCIDENTS_ACTOR: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('INCIDENTS_ACTOR');
  });

  it('a bad INCIDENTS_MCP_LOG_LEVEL stops the server with exit code 2', async () => {
    const r = await runExpectingExit(db, { INCIDENTS_ACTOR: 'ana@example.com', INCIDENTS_MCP_LOG_LEVEL: 'verbose' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('INCIDENTS_MCP_LOG_LEVEL');
  });

  it('a registered customer in another case gets customer rights, not operator rights', async () => {
    const carla = await spawnServer(db, { INCIDENTS_ACTOR: 'CARLA.RUIZ@cliente.example' });
    try {
      const other = await call(carla, 'get_incident_details', { incident_id: staffIncident });
      expect(other.isError).toBe(true);
      expect(textOf(other)).toContain('not_found');
      expect(textOf(other)).not.toContain('confidential');
      const claim = await call(carla, 'claim_incident', { incident_id: staffIncident });
      expect(claim.isError).toBe(true);
      expect(carla.stderr()).toContain('"actor":"carla.ruiz@cliente.example"');
      expect(carla.stderr()).toContain('"roles":["customer"]');
    } finally {
      await carla.close();
    }
  });
});

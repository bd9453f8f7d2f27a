import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, ANA, call, createTestDb, ok, seed, type Spawned, spawnServer, type TestDb, textOf } from './helpers.js';

let db: TestDb;
let ana: Spawned;
let incidentId: string;

beforeAll(async () => {
  db = await createTestDb();
  const [a] = await seed(db, [
    {
      title: 'Checkout returns 502 under load',
      description: 'Since 10:00 the checkout API answers 502 for ~5% of requests.',
      severity: 'HIGH',
      category: 'Application',
      technical_details: { error_messages: ['upstream connect error: connection pool exhausted'] },
    },
    { title: 'Disk almost full on db-2', severity: 'LOW' },
  ]);
  incidentId = a?.incident_id as string;
  ana = await spawnServer(db, { INCIDENTS_ACTOR: ANA });
});
afterAll(async () => {
  await ana?.close();
  await db.cleanup();
});

describe('a whole session through the stdio server', () => {
  it('search → claim → progress → resolve → comment → close → history', async () => {
    // Nothing assigned yet; the incident is available.
    const mine0 = ok(await call(ana, 'search_my_incidents'));
    expect(mine0).toMatchObject({ assigned_to: ANA, count: 0, items: [], cursor: null, truncated: false });
    const available = ok(await call(ana, 'list_available_incidents'));
    expect(available.items.map((i: { incident_id: string }) => i.incident_id)).toEqual([
      incidentId,
      expect.any(String),
    ]);
    expect(available.items[0]).toMatchObject({ priority: 'P2', status: 'NEW' });

    // Claim (and claiming again is harmless).
    const claimed = ok(await call(ana, 'claim_incident', { incident_id: incidentId }));
    expect(claimed).toMatchObject({ already_claimed: false, incident: { status: 'ASSIGNED', assigned_to: ANA } });
    const again = ok(await call(ana, 'claim_incident', { incident_id: incidentId }));
    expect(again).toMatchObject({ already_claimed: true, incident: { assigned_to: ANA } });
    const mine1 = ok(await call(ana, 'search_my_incidents', { status: 'ASSIGNED' }));
    expect(mine1.items.map((i: { incident_id: string }) => i.incident_id)).toEqual([incidentId]);

    // Progress: analysis object, notes and time; then a text analysis merges into it.
    const progress = ok(
      await call(ana, 'update_incident_progress', {
        incident_id: incidentId,
        analysis: {
          root_cause: 'Connection pool too small',
          diagnosis: 'Pool exhausted at peak',
          similar_incidents_found: 2,
        },
        progress_notes: 'Reproduced with 200 rps; pool size is 5.',
        time_spent_minutes: 30,
      }),
    );
    expect(progress).toMatchObject({
      incident: { status: 'IN_PROGRESS' },
      progress_notes_total: 1,
      total_minutes: 30,
      analysis: { root_cause: 'Connection pool too small', similar_incidents_found: 2 },
    });
    const progress2 = ok(
      await call(ana, 'update_incident_progress', {
        incident_id: incidentId,
        analysis: 'Confirmed in the pool metrics',
        time_spent_minutes: 15,
      }),
    );
    expect(progress2).toMatchObject({
      total_minutes: 45,
      analysis: { root_cause: 'Connection pool too small', diagnosis: 'Confirmed in the pool metrics' },
    });

    // Resolve with everything the seed asks for; the root cause comes from the analysis.
    const diff = '- pool: 5\n+ pool: 20';
    const resolved = ok(
      await call(ana, 'resolve_incident', {
        incident_id: incidentId,
        solution: 'Increased the database connection pool',
        steps: ['Updated database.yml', 'Restarted the app servers'],
        commands_executed: ['kubectl rollout restart deploy/checkout'],
        tests_performed: ['Load test at 300 rps: 0 errors'],
        code_changes: [{ file: 'config/database.yml', description: 'pool 5 → 20', diff }],
        resolution_type: 'WORKAROUND',
      }),
    );
    expect(resolved).toMatchObject({
      incident: { status: 'RESOLVED' },
      resolution: { resolution_type: 'WORKAROUND', root_cause: 'Connection pool too small', resolved_by: ANA },
    });

    // Comments: INTERNAL by default, PUBLIC on request.
    const internal = ok(
      await call(ana, 'add_incident_comment', { incident_id: incidentId, comment: 'Will watch it tonight.' }),
    );
    expect(internal.comment).toMatchObject({
      visibility: 'INTERNAL',
      author: ANA,
      source: 'CLINE',
      text: 'Will watch it tonight.',
    });
    const pub = ok(
      await call(ana, 'add_incident_comment', {
        incident_id: incidentId,
        comment: 'Fixed, please confirm.',
        visibility: 'PUBLIC',
      }),
    );
    expect(pub.comment.visibility).toBe('PUBLIC');

    // Close: queued for the knowledge base.
    const closed = ok(
      await call(ana, 'close_incident', { incident_id: incidentId, reason: 'confirmed by the reporter' }),
    );
    expect(closed).toMatchObject({ status: 'CLOSED', kb_sync_state: 'PENDING', incident: { status: 'CLOSED' } });

    // Details: compact by default, full record on request.
    const compact = ok(await call(ana, 'get_incident_details', { incident_id: incidentId }));
    expect(compact.full).toBe(false);
    expect(compact.incident).toMatchObject({
      incident_id: incidentId,
      status: 'CLOSED',
      comments_total: 3, // the progress note is an internal comment too
      cline_work: { total_minutes: 45, progress_notes_total: 1 },
      resolution: { resolution_type: 'WORKAROUND' },
      kb_sync_state: 'PENDING',
    });
    const full = ok(await call(ana, 'get_incident_details', { incident_id: incidentId, full: true }));
    expect(full.incident.cline_work.solution).toMatchObject({
      description: 'Increased the database connection pool',
      steps: ['Updated database.yml', 'Restarted the app servers'],
      commands_executed: ['kubectl rollout restart deploy/checkout'],
      tests_performed: ['Load test at 300 rps: 0 errors'],
      code_changes: [{ file: 'config/database.yml', description: 'pool 5 → 20', diff }],
    });
    expect(full.incident.comments).toHaveLength(3);

    // History: 8 versions (create, claim, 2× progress, resolve, 2× comment, close), paged by 5.
    const h1 = ok(await call(ana, 'get_incident_history', { incident_id: incidentId, limit: 5 }));
    expect(h1.count).toBe(5);
    expect(h1.truncated).toBe(true);
    expect(h1.entries.map((e: { version: number }) => e.version)).toEqual([1, 2, 3, 4, 5]);
    expect(h1.entries[1]).toMatchObject({ status: 'ASSIGNED', assigned_to: ANA, modified_by: ANA });
    expect(h1.entries[1].changed_fields).toEqual(expect.arrayContaining(['assigned_to', 'status']));
    const h2 = ok(await call(ana, 'get_incident_history', { incident_id: incidentId, limit: 5, cursor: h1.cursor }));
    expect(h2.entries.map((e: { version: number }) => e.version)).toEqual([6, 7, 8]);
    expect(h2).toMatchObject({ cursor: null, truncated: false });
    expect(h2.entries[2]).toMatchObject({ status: 'CLOSED', notes: 'close: confirmed by the reporter' });
    expect(textOf(await call(ana, 'get_incident_history', { incident_id: incidentId, limit: 2 }))).toContain('cursor=');

    // What the server wrote is what the store holds.
    const stored = await db.service.get(incidentId, { actor: ADMIN });
    expect(stored.status).toBe('CLOSED');
    expect(stored.revision).toBe(8);
    expect(stored.comments.map((c) => c.visibility)).toEqual(['INTERNAL', 'INTERNAL', 'PUBLIC']);
  });

  it('a registered operator given in another case acts as that operator, scoped to their incidents', async () => {
    const [other] = await seed(db, [{ title: 'Flaky login', severity: 'MEDIUM' }]);
    const id = other?.incident_id as string;
    await db.service.putUser({ email: 'carol@example.com', role: 'operator', name: 'Carol' }, { actor: ADMIN });
    const carol = await spawnServer(db, { INCIDENTS_ACTOR: 'Carol@Example.com' });
    try {
      const claimed = ok(await call(carol, 'claim_incident', { incident_id: id }));
      expect(claimed.incident.assigned_to).toBe('carol@example.com');
      // An operator changes only what is assigned to them.
      const denied = await call(carol, 'update_incident_progress', { incident_id: incidentId, progress_notes: 'x' });
      expect(denied.isError).toBe(true);
      expect(textOf(denied)).toMatch(/permission_denied: .*assigned to ana@example\.com/);
    } finally {
      await carol.close();
    }
  });
});

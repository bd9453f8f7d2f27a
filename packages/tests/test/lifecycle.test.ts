/**
 * The incident service end to end over a real libSQL store: the whole lifecycle with its history,
 * validation errors naming fields, conflicts, and the knowledge-base state.
 */
import { ConflictError, type Incident, InvalidTransitionError, NotFoundError, ValidationError } from '@incidents/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actors, allVersions, as, createHarness, type Harness, minutesAfterT0, rejection } from './support.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.store.close();
});

const carla = as(actors.carla);
const ana = as(actors.ana);
const bob = as(actors.bob);
const admin = as(actors.admin);

function fieldPaths(err: unknown): string[] {
  expect(err).toBeInstanceOf(ValidationError);
  return (err as ValidationError).details.issues.map((i) => i.path);
}

describe('the whole lifecycle', () => {
  it('create → claim → start → progress → pending → progress → resolve → close → reopen → resolve → close', async () => {
    const created = await h.service.create(
      {
        title: 'Checkout returns 502',
        description: 'Payments API answers 502 for EU cards',
        severity: 'HIGH',
        category: 'Application',
        team: 'payments',
      },
      carla,
    );
    expect(created).toMatchObject({
      status: 'NEW',
      version: 0,
      revision: 1,
      priority: 'P2',
      source_system: 'MANUAL',
      external_id: created.incident_id,
      created_at: minutesAfterT0(0),
      due_date: minutesAfterT0(24 * 60),
      metadata: { created_by: 'carla@example.com', last_modified_by: 'carla@example.com', version_notes: 'created' },
      kb_sync_status: { state: 'NOT_APPLICABLE', synced: false },
    });
    expect(created.incident_id).toMatch(/^INC-[0-9A-Z]{10}$/);
    const id = created.incident_id;

    h.clock.advance(15);
    const claimed = await h.service.claim(id, ana);
    expect(claimed).toMatchObject({ status: 'ASSIGNED', revision: 2, assigned_to: 'ana@example.com' });
    expect(claimed.assigned_at).toBe(minutesAfterT0(15));
    expect(claimed.metrics.response_time_minutes).toBe(15);

    h.clock.advance(5);
    const started = await h.service.startWork(id, ana);
    expect(started.status).toBe('IN_PROGRESS');
    expect(started.cline_work).toMatchObject({ started_at: minutesAfterT0(20), developer: 'ana@example.com' });

    h.clock.advance(30);
    const progressed = await h.service.updateProgress(
      {
        incident_id: id,
        analysis: { root_cause: 'TLS certificate expired on payments-api', diagnosis: 'Handshake failures' },
        progress_notes: 'Handshake fails since 08:00',
        time_spent_minutes: 30,
        session_id: 'S-CLINE-1',
        workspace: '/src/payments',
      },
      ana,
    );
    expect(progressed.status).toBe('IN_PROGRESS');
    expect(progressed.cline_work).toMatchObject({
      session_id: 'S-CLINE-1',
      workspace: '/src/payments',
      analysis: { root_cause: 'TLS certificate expired on payments-api', diagnosis: 'Handshake failures' },
      progress_notes: [{ at: minutesAfterT0(50), by: 'ana@example.com', text: 'Handshake fails since 08:00' }],
      time_tracking: {
        total_minutes: 30,
        sessions: [
          {
            session_id: 'S-CLINE-1',
            started_at: minutesAfterT0(20),
            ended_at: minutesAfterT0(50),
            duration_minutes: 30,
          },
        ],
      },
    });

    h.clock.advance(10);
    const pending = await h.service.setPending({ incident_id: id, reason: 'waiting for the CA' }, ana);
    expect(pending.status).toBe('PENDING');

    h.clock.advance(60);
    const resumed = await h.service.updateProgress(
      { incident_id: id, progress_notes: 'New certificate received', time_spent_minutes: 15 },
      ana,
    );
    expect(resumed.status).toBe('IN_PROGRESS');
    expect(resumed.cline_work?.analysis?.root_cause).toBe('TLS certificate expired on payments-api');
    expect(resumed.cline_work?.progress_notes.map((n) => n.text)).toEqual([
      'Handshake fails since 08:00',
      'New certificate received',
    ]);
    expect(resumed.cline_work?.time_tracking.total_minutes).toBe(45);

    h.clock.advance(20);
    const resolved = await h.service.resolve(
      {
        incident_id: id,
        solution: 'Renewed the TLS certificate',
        steps: ['Request certificate', 'Deploy secret', 'Restart pods'],
        commands_executed: ['kubectl rollout restart deploy/payments-api'],
        tests_performed: ['curl -sf https://payments/health'],
        code_changes: [
          { file: 'deploy/payments.yaml', description: 'point to the new secret', diff: '-secret: old\n+secret: new' },
        ],
        preventive_actions: ['Alert 30 days before expiry'],
        time_spent_minutes: 20,
      },
      ana,
    );
    expect(resolved.status).toBe('RESOLVED');
    expect(resolved.resolved_at).toBe(minutesAfterT0(140));
    expect(resolved.metrics).toMatchObject({
      resolution_time_minutes: 140,
      response_time_minutes: 15,
      sla_breached: false,
    });
    expect(resolved.resolution).toEqual({
      resolved_by: 'ana@example.com',
      resolved_at: minutesAfterT0(140),
      resolution_type: 'FIXED',
      resolution_description: 'Renewed the TLS certificate',
      root_cause: 'TLS certificate expired on payments-api',
      preventive_actions: ['Alert 30 days before expiry'],
      documentation_updated: false,
    });
    expect(resolved.cline_work?.solution).toEqual({
      description: 'Renewed the TLS certificate',
      steps: ['Request certificate', 'Deploy secret', 'Restart pods'],
      commands_executed: ['kubectl rollout restart deploy/payments-api'],
      tests_performed: ['curl -sf https://payments/health'],
      code_changes: [
        { file: 'deploy/payments.yaml', description: 'point to the new secret', diff: '-secret: old\n+secret: new' },
      ],
    });
    expect(resolved.cline_work?.time_tracking.total_minutes).toBe(65);

    h.clock.advance(30);
    const closed = await h.service.close(id, ana);
    expect(closed).toMatchObject({ status: 'CLOSED', closed_at: minutesAfterT0(170), revision: 8 });
    expect(closed.kb_sync_status).toMatchObject({ state: 'PENDING', synced: false });

    const firstRound = await allVersions(h.service, id, ana);
    expect(firstRound.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(firstRound.map((v) => v.revision)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(firstRound.map((v) => v.status)).toEqual([
      'NEW',
      'ASSIGNED',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'PENDING',
      'IN_PROGRESS',
      'RESOLVED',
      'CLOSED',
    ]);
    expect(firstRound.map((v) => v.metadata.last_modified_by)).toEqual([
      'carla@example.com',
      ...Array(7).fill('ana@example.com'),
    ]);
    expect(firstRound.map((v) => v.metadata.version_notes)).toEqual([
      'created',
      'claimed by ana@example.com',
      'start',
      'progress updated',
      'pending: waiting for the CA',
      'progress updated',
      'resolved (FIXED)',
      'close',
    ]);
    // Each version is the state after its change (version 4 has one progress note, version 6 two).
    expect(firstRound[3]?.cline_work?.progress_notes).toHaveLength(1);
    expect(firstRound[5]?.cline_work?.progress_notes).toHaveLength(2);
    expect(firstRound[7]).toEqual({ ...closed, version: 8 });

    h.clock.advance(24 * 60);
    const reopened = await h.service.reopen(id, as(actors.ana, 'Customer says it broke again'));
    expect(reopened.status).toBe('ASSIGNED');
    expect(reopened.assigned_to).toBe('ana@example.com');
    expect(reopened.metrics.reopened_count).toBe(1);
    for (const gone of ['resolved_at', 'closed_at', 'resolution'] as const) expect(reopened).not.toHaveProperty(gone);
    expect(reopened.metadata.version_notes).toBe('Customer says it broke again');
    // Closed: an export may have uploaded its document before crashing, so a withdrawal is queued.
    expect(reopened.kb_sync_status.state).toBe('WITHDRAW_PENDING');
    // Reopened past the due date: the SLA is breached now.
    expect(reopened.metrics.sla_breached).toBe(true);

    h.clock.advance(60);
    const again = await h.service.resolve(
      { incident_id: id, solution: 'Renewed the intermediate certificate', root_cause: 'Intermediate CA expired' },
      ana,
    );
    expect(again.resolution?.root_cause).toBe('Intermediate CA expired');
    expect(again.metrics.resolution_time_minutes).toBe(170 + 24 * 60 + 60);
    const final = await h.service.close(id, ana);

    const all = await allVersions(h.service, id, admin);
    expect(all.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(all.slice(8).map((v) => v.status)).toEqual(['ASSIGNED', 'RESOLVED', 'CLOSED']);
    expect(all[10]).toEqual({ ...final, version: 11 });
    expect(final.metrics.reopened_count).toBe(1);

    // The timeline holds the status changes and the assignment, newest first.
    const timeline = await h.service.timeline(id, { limit: 100 }, admin);
    const types = timeline.items.map((i) => i.type);
    expect(types[0]).toBe('closure');
    expect(types.filter((t) => t === 'closure')).toHaveLength(2);
    expect(types.filter((t) => t === 'assignment')).toHaveLength(1);
    expect(timeline.items.find((i) => i.type === 'assignment')?.metadata).toEqual({
      from: null,
      to: 'ana@example.com',
    });
  });

  it('takes the root cause from the analysis when omitted, and names `root_cause` when there is neither', async () => {
    const inc = await h.service.create({ title: 'Disk full on db-1' }, admin);
    await h.service.claim(inc.incident_id, ana);
    const err = await rejection(h.service.resolve({ incident_id: inc.incident_id, solution: 'Cleaned up' }, ana));
    expect(fieldPaths(err)).toEqual(['root_cause']);
    const untouched = await h.store.getIncident(inc.incident_id);
    expect(untouched).toMatchObject({ status: 'ASSIGNED', revision: 2 });

    await h.service.updateProgress({ incident_id: inc.incident_id, analysis: { root_cause: 'Logs not rotated' } }, ana);
    const resolved = await h.service.resolve({ incident_id: inc.incident_id, solution: 'Rotated the logs' }, ana);
    expect(resolved.resolution?.root_cause).toBe('Logs not rotated');
    expect(resolved.cline_work?.solution).toEqual({ description: 'Rotated the logs', steps: [] });
  });
});

describe('validation errors name the field', () => {
  it('create: `title`, and nothing is written', async () => {
    const err = await rejection(h.service.create({ title: '   ', team: 'nobody-writes' }, admin));
    expect(fieldPaths(err)).toEqual(['title']);
    expect((err as ValidationError).message).toMatch(/^Invalid incident: title/);
    expect((await h.service.query({ by: 'team', team: 'nobody-writes' }, undefined, admin)).items).toEqual([]);
  });

  it('resolve: `solution` and `code_changes.0.file`', async () => {
    const inc = await h.service.create({ title: 'x' }, admin);
    await h.service.claim(inc.incident_id, ana);
    expect(fieldPaths(await rejection(h.service.resolve({ incident_id: inc.incident_id } as never, ana)))).toEqual([
      'solution',
    ]);
    const err = await rejection(
      h.service.resolve(
        { incident_id: inc.incident_id, solution: 'ok', root_cause: 'y', code_changes: [{ file: '' }] },
        ana,
      ),
    );
    expect(fieldPaths(err)).toEqual(['code_changes.0.file']);
    expect((await h.store.getIncident(inc.incident_id))?.revision).toBe(2);
  });

  it('progress: needs something to record', async () => {
    const inc = await h.service.create({ title: 'x' }, admin);
    await h.service.claim(inc.incident_id, ana);
    expect(fieldPaths(await rejection(h.service.updateProgress({ incident_id: inc.incident_id }, ana)))).toEqual([
      'progress_notes',
    ]);
  });

  it('the context needs a valid actor', async () => {
    expect(fieldPaths(await rejection(h.service.create({ title: 'x' }, { actor: { id: '', roles: [] } })))).toEqual([
      'id',
      'roles',
    ]);
    expect(fieldPaths(await rejection(h.service.create({ title: 'x' }, undefined as never)))).toEqual(['ctx.actor']);
  });

  it('customers cannot choose incident ids', async () => {
    expect(fieldPaths(await rejection(h.service.create({ title: 'x', incident_id: 'MINE-1' }, carla)))).toEqual([
      'incident_id',
    ]);
  });

  it('a missing incident is NotFound; a forbidden transition names the allowed statuses', async () => {
    expect(await rejection(h.service.claim('INC-NOPE', ana))).toBeInstanceOf(NotFoundError);
    const inc = await h.service.create({ title: 'x' }, admin);
    const err = await rejection(h.service.close(inc.incident_id, admin));
    expect(err).toBeInstanceOf(InvalidTransitionError);
    expect((err as InvalidTransitionError).details).toEqual({
      incidentId: inc.incident_id,
      action: 'close',
      from: 'NEW',
      allowedFrom: ['RESOLVED'],
    });
  });
});

describe('conflicts', () => {
  it('claiming an already claimed incident names the assignee', async () => {
    const inc = await h.service.create({ title: 'x' }, admin);
    await h.service.claim(inc.incident_id, ana);
    const err = await rejection(h.service.claim(inc.incident_id, bob));
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).message).toBe(`Incident ${inc.incident_id} is already assigned to ana@example.com`);
    expect((err as ConflictError).details).toMatchObject({ assignedTo: 'ana@example.com', reason: 'already_assigned' });
  });

  it('a stale expected_revision is refused and nothing is written; the current one is accepted', async () => {
    const inc = await h.service.create({ title: 'x' }, admin);
    await h.service.claim(inc.incident_id, ana);
    const read = (await h.service.get(inc.incident_id, ana)).revision;
    await h.service.addComment({ incident_id: inc.incident_id, text: 'meanwhile' }, bob);
    const err = await rejection(
      h.service.updateProgress({ incident_id: inc.incident_id, progress_notes: 'late', expected_revision: read }, ana),
    );
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).details).toMatchObject({
      reason: 'stale_revision',
      expectedRevision: read,
      actualRevision: read + 1,
    });
    const current = await h.service.get(inc.incident_id, ana);
    expect(current.revision).toBe(read + 1);
    expect(current.cline_work).toBeUndefined();
    const ok = await h.service.updateProgress(
      { incident_id: inc.incident_id, progress_notes: 'on time', expected_revision: read + 1 },
      ana,
    );
    expect(ok.revision).toBe(read + 2);
  });
});

describe('knowledge-base state', () => {
  async function closedIncident(): Promise<Incident> {
    const inc = await h.service.create({ title: 'Queue stuck' }, admin);
    await h.service.claim(inc.incident_id, ana);
    await h.service.resolve(
      { incident_id: inc.incident_id, solution: 'Restarted consumer', root_cause: 'Deadlock' },
      ana,
    );
    return h.service.close(inc.incident_id, ana);
  }

  it('close → PENDING; synced then reopened → WITHDRAW_PENDING; closed again → PENDING with the same key', async () => {
    const closed = await closedIncident();
    expect(closed.kb_sync_status).toEqual({ state: 'PENDING', synced: false, sync_attempts: 0 });
    const marked = await h.store.markKbSynced({
      incident_id: closed.incident_id,
      expectedRevision: closed.revision,
      synced_at: h.clock.iso(),
      document_key: `closed/${closed.incident_id}.json`,
    });
    expect(marked).toBe(true);
    expect((await h.service.get(closed.incident_id, admin)).kb_sync_status).toMatchObject({
      state: 'SYNCED',
      synced: true,
    });

    const reopened = await h.service.reopen(closed.incident_id, ana);
    expect(reopened.kb_sync_status).toMatchObject({
      state: 'WITHDRAW_PENDING',
      synced: false,
      document_key: `closed/${closed.incident_id}.json`,
    });
    const cancelled = await h.service.cancel(closed.incident_id, ana);
    expect(cancelled.kb_sync_status.state).toBe('WITHDRAW_PENDING');
    await h.service.reopen(closed.incident_id, ana);
    await h.service.resolve({ incident_id: closed.incident_id, solution: 'Patched', root_cause: 'Deadlock' }, ana);
    const closedAgain = await h.service.close(closed.incident_id, ana);
    expect(closedAgain.kb_sync_status).toEqual({
      state: 'PENDING',
      synced: false,
      sync_attempts: 0,
      document_key: `closed/${closed.incident_id}.json`,
    });
  });

  it('reopening a closed incident queues a withdrawal even if no export was recorded (a crashed run may have uploaded it)', async () => {
    const closed = await closedIncident();
    expect((await h.service.reopen(closed.incident_id, ana)).kb_sync_status.state).toBe('WITHDRAW_PENDING');
  });

  it('cancelling an incident that was never closed needs no withdrawal', async () => {
    const open = await h.service.create({ title: 'Never closed' }, admin);
    expect((await h.service.cancel(open.incident_id, admin)).kb_sync_status.state).toBe('NOT_APPLICABLE');
  });
});

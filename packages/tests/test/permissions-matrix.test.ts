/**
 * The permission matrix of the incident service: every role × every use case, asserted one by one,
 * plus the relationship rules (operators change only their incidents; customers see only theirs and
 * never INTERNAL entries). Runs against a real libSQL store.
 */
import {
  ConflictError,
  type Incident,
  NotFoundError,
  PermissionDeniedError,
  ROLES,
  type Role,
  type UseCaseContext,
  ValidationError,
} from '@incidents/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actors, actorWithRole, as, createHarness, type Harness, rejection } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.store.close();
});

const admin = as(actors.admin);
/** Every incident of the matrix is reported by this customer (the customer row's actor). */
const reporter = as(actorWithRole('customer'));

let seq = 0;
async function reported(): Promise<Incident> {
  seq += 1;
  return h.service.create({ title: `Printer ${seq} on fire`, category: 'Hardware', team: 'matrix' }, reporter);
}
async function assignedTo(actorId: string): Promise<Incident> {
  const inc = await reported();
  return h.service.assign({ incident_id: inc.incident_id, assignee: actorId }, admin);
}
async function resolvedBy(actorId: string): Promise<Incident> {
  const inc = await assignedTo(actorId);
  return h.service.resolve(
    { incident_id: inc.incident_id, solution: 'Replaced the fuser', root_cause: 'Worn fuser' },
    admin,
  );
}
async function closedBy(actorId: string): Promise<Incident> {
  const inc = await resolvedBy(actorId);
  return h.service.close(inc.incident_id, admin);
}

type UseCase = {
  /** Prepares the records and runs the use case as `ctx`; resolves to a value checked by `check` when allowed. */
  run: (ctx: UseCaseContext) => Promise<unknown>;
  check: (result: unknown, ctx: UseCaseContext) => void;
};

const statusIs = (status: string) => (result: unknown) => expect((result as Incident).status).toBe(status);

const USE_CASES = {
  create: {
    run: (ctx) => h.service.create({ title: 'VPN drops every hour' }, ctx),
    check: (r, ctx) => expect((r as Incident).metadata.created_by).toBe(ctx.actor.id),
  },
  get: {
    run: async (ctx) => h.service.get((await reported()).incident_id, ctx),
    check: (r) => expect((r as Incident).title).toMatch(/^Printer \d+ on fire$/),
  },
  query: {
    run: async (ctx) => {
      await reported();
      return h.service.query({ by: 'team', team: 'matrix' }, { limit: 500 }, ctx);
    },
    check: (r) => expect((r as { items: Incident[] }).items.length).toBeGreaterThan(0),
  },
  claim: {
    run: async (ctx) => h.service.claim((await reported()).incident_id, ctx),
    check: (r, ctx) => expect((r as Incident).assigned_to).toBe(ctx.actor.id),
  },
  assign: {
    run: async (ctx) => {
      const inc = await assignedTo(ctx.actor.id);
      return h.service.assign({ incident_id: inc.incident_id, assignee: 'dave@example.com' }, ctx);
    },
    check: (r) => expect((r as Incident).assigned_to).toBe('dave@example.com'),
  },
  release: {
    run: async (ctx) => h.service.release((await assignedTo(ctx.actor.id)).incident_id, ctx),
    check: statusIs('NEW'),
  },
  startWork: {
    run: async (ctx) => h.service.startWork((await assignedTo(ctx.actor.id)).incident_id, ctx),
    check: statusIs('IN_PROGRESS'),
  },
  updateProgress: {
    run: async (ctx) =>
      h.service.updateProgress(
        { incident_id: (await assignedTo(ctx.actor.id)).incident_id, progress_notes: 'Fuser at 240°C' },
        ctx,
      ),
    check: statusIs('IN_PROGRESS'),
  },
  setPending: {
    run: async (ctx) =>
      h.service.setPending(
        { incident_id: (await assignedTo(ctx.actor.id)).incident_id, reason: 'waiting for parts' },
        ctx,
      ),
    check: statusIs('PENDING'),
  },
  resolve: {
    run: async (ctx) =>
      h.service.resolve(
        { incident_id: (await assignedTo(ctx.actor.id)).incident_id, solution: 'New fuser', root_cause: 'Worn fuser' },
        ctx,
      ),
    check: statusIs('RESOLVED'),
  },
  close: {
    run: async (ctx) => h.service.close((await resolvedBy(ctx.actor.id)).incident_id, ctx),
    check: statusIs('CLOSED'),
  },
  reopen: {
    run: async (ctx) => h.service.reopen((await closedBy(ctx.actor.id)).incident_id, ctx),
    check: statusIs('ASSIGNED'),
  },
  cancel: {
    run: async (ctx) => h.service.cancel((await assignedTo(ctx.actor.id)).incident_id, ctx),
    check: statusIs('CANCELLED'),
  },
  'addComment PUBLIC': {
    run: async (ctx) => h.service.addComment({ incident_id: (await reported()).incident_id, text: 'Any news?' }, ctx),
    check: (r) => expect(r).toMatchObject({ text: 'Any news?', visibility: 'PUBLIC' }),
  },
  'create bound to a source record': {
    run: async (ctx) => {
      seq += 1;
      return h.service.create(
        { title: `Imported ${seq}`, team: 'matrix', source_system: 'JIRA', external_id: `OPS-${seq}` },
        ctx,
      );
    },
    check: (r) => expect((r as Incident).source_system).toBe('JIRA'),
  },
  'addComment with a source external_id': {
    run: async (ctx) =>
      h.service.addComment(
        { incident_id: (await reported()).incident_id, text: 'From Jira', external_id: `c-${seq}`, source: 'JIRA' },
        ctx,
      ),
    check: (r) => expect(r).toMatchObject({ text: 'From Jira', source: 'JIRA' }),
  },
  'addComment INTERNAL': {
    run: async (ctx) =>
      h.service.addComment(
        { incident_id: (await reported()).incident_id, text: 'Vendor ticket 99', visibility: 'INTERNAL' },
        ctx,
      ),
    check: (r) => expect(r).toMatchObject({ text: 'Vendor ticket 99', visibility: 'INTERNAL' }),
  },
  timeline: {
    run: async (ctx) => h.service.timeline((await assignedTo('ana@example.com')).incident_id, undefined, ctx),
    check: (r) => expect((r as { items: unknown[] }).items.length).toBeGreaterThan(0),
  },
  history: {
    run: async (ctx) => h.service.history((await assignedTo('ana@example.com')).incident_id, undefined, ctx),
    check: (r) => expect((r as { items: Incident[] }).items.map((v) => v.version)).toEqual([1, 2]),
  },
  metrics: {
    run: (ctx) => h.service.metrics({ team: 'matrix' }, ctx),
    check: (r) => expect((r as { total_incidents: number }).total_incidents).toBeGreaterThanOrEqual(0),
  },
  link: {
    run: async (ctx) => {
      const [from, to] = [await reported(), await reported()];
      return h.service.link({ from: from.incident_id, to: to.incident_id }, ctx);
    },
    check: (r) => expect((r as Incident).technical_details.related_incidents).toHaveLength(1),
  },
  findSimilar: {
    run: (ctx) => h.service.findSimilar({ text: 'printer fuser on fire' }, { limit: 3 }, ctx),
    check: (r) => expect(Array.isArray(r)).toBe(true),
  },
  putUser: {
    run: (ctx) => h.service.putUser({ email: `new-${ctx.actor.roles[0]}@example.com`, role: 'operator' }, ctx),
    check: (r, ctx) => expect(r).toMatchObject({ email: `new-${ctx.actor.roles[0]}@example.com`, active: true }),
  },
  listUsers: {
    run: (ctx) => h.service.listUsers(undefined, ctx),
    check: (r) => expect(Array.isArray((r as { items: unknown[] }).items)).toBe(true),
  },
} satisfies Record<string, UseCase>;

type UseCaseName = keyof typeof USE_CASES;

const ALL: Role[] = [...ROLES];
const CHANGERS: Role[] = ['operator', 'admin', 'api_server', 'batch_worker', 'sync'];

/** Who may run each use case (on an incident in the right state, assigned to the actor where that matters). */
const ALLOWED: Record<UseCaseName, Role[]> = {
  create: ['customer', 'operator', 'admin', 'api_server', 'sync'],
  get: ALL,
  query: ALL,
  claim: CHANGERS,
  assign: ['admin', 'api_server', 'batch_worker', 'sync'],
  release: CHANGERS,
  startWork: CHANGERS,
  updateProgress: CHANGERS,
  setPending: CHANGERS,
  resolve: CHANGERS,
  close: CHANGERS,
  reopen: CHANGERS,
  cancel: CHANGERS,
  'addComment PUBLIC': ['customer', 'operator', 'admin', 'api_server', 'sync'],
  'create bound to a source record': ['admin', 'sync'],
  'addComment with a source external_id': ['admin', 'sync'],
  'addComment INTERNAL': ['operator', 'admin', 'api_server', 'sync'],
  timeline: ALL,
  history: ['operator', 'admin', 'api_server', 'batch_worker', 'sync', 'kb_sync'],
  metrics: ['operator', 'admin', 'api_server', 'batch_worker'],
  link: ['admin', 'api_server', 'batch_worker', 'sync'],
  findSimilar: ['operator', 'admin', 'api_server', 'batch_worker', 'sync', 'kb_sync'],
  putUser: ['admin', 'api_server'],
  listUsers: ['operator', 'admin', 'api_server'],
};

const matrix = ROLES.flatMap((role) =>
  (Object.keys(USE_CASES) as UseCaseName[]).map((useCase) => ({
    role,
    useCase,
    expected: ALLOWED[useCase].includes(role) ? 'allow' : 'deny',
  })),
);

describe('permission matrix (role × use case)', () => {
  it('has one row per role and use case', () => {
    expect(matrix).toHaveLength(7 * 24);
  });

  it.each(matrix)('$role $useCase → $expected', async ({ role, useCase, expected }) => {
    const ctx = as(actorWithRole(role));
    const uc: UseCase = USE_CASES[useCase];
    if (expected === 'allow') {
      const result = await uc.run(ctx);
      uc.check(result, ctx);
    } else {
      const err = await rejection(uc.run(ctx));
      expect(err).toBeInstanceOf(PermissionDeniedError);
      expect((err as PermissionDeniedError).code).toBe('permission_denied');
      expect((err as PermissionDeniedError).details.actor).toBe(ctx.actor.id);
    }
  });
});

describe('operators change only incidents assigned to them', () => {
  const ana = as(actors.ana);
  const bob = as(actors.bob);

  it('claiming an unassigned incident is allowed; claiming a taken one is a conflict naming the assignee', async () => {
    const inc = await reported();
    const claimed = await h.service.claim(inc.incident_id, ana);
    expect(claimed.assigned_to).toBe('ana@example.com');
    const err = await rejection(h.service.claim(inc.incident_id, bob));
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).details).toMatchObject({ assignedTo: 'ana@example.com', reason: 'already_assigned' });
    expect((err as ConflictError).message).toContain('ana@example.com');
  });

  const changes: Array<[string, (id: string, ctx: UseCaseContext) => Promise<unknown>]> = [
    ['release', (id, ctx) => h.service.release(id, ctx)],
    ['startWork', (id, ctx) => h.service.startWork(id, ctx)],
    ['updateProgress', (id, ctx) => h.service.updateProgress({ incident_id: id, progress_notes: 'mine now' }, ctx)],
    ['setPending', (id, ctx) => h.service.setPending(id, ctx)],
    ['resolve', (id, ctx) => h.service.resolve({ incident_id: id, solution: 'x', root_cause: 'y' }, ctx)],
    ['cancel', (id, ctx) => h.service.cancel(id, ctx)],
  ];

  it.each(changes)("bob may not %s ana's incident, and nothing is written", async (_name, change) => {
    const inc = await assignedTo('ana@example.com');
    const err = await rejection(change(inc.incident_id, bob));
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect((err as PermissionDeniedError).message).toContain('assigned to ana@example.com');
    expect((err as PermissionDeniedError).details).toMatchObject({
      actor: 'bob@example.com',
      incidentId: inc.incident_id,
    });
    expect((await h.store.getIncident(inc.incident_id))?.revision).toBe(inc.revision);
  });

  it.each([
    ['an unassigned incident', async () => reported()],
    ["ana's incident", async () => assignedTo('ana@example.com')],
    ['his own incident', async () => assignedTo('bob@example.com')],
  ])('bob (operator) may not assign %s, even to himself: operators claim; nothing is written', async (_what, make) => {
    const inc = await make();
    const err = await rejection(h.service.assign({ incident_id: inc.incident_id, assignee: 'bob@example.com' }, bob));
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect((err as PermissionDeniedError).details).toMatchObject({ permission: 'incidents.assign' });
    expect((await h.store.getIncident(inc.incident_id))?.revision).toBe(inc.revision);
  });

  it("bob may not close or reopen ana's incident", async () => {
    const resolved = await resolvedBy('ana@example.com');
    expect(await rejection(h.service.close(resolved.incident_id, bob))).toBeInstanceOf(PermissionDeniedError);
    const closed = await h.service.close(resolved.incident_id, ana);
    expect(await rejection(h.service.reopen(closed.incident_id, bob))).toBeInstanceOf(PermissionDeniedError);
    expect((await h.service.reopen(closed.incident_id, ana)).status).toBe('ASSIGNED');
  });

  it('an operator may not change an unassigned incident without claiming it first', async () => {
    const inc = await reported();
    const err = await rejection(h.service.startWork(inc.incident_id, bob));
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect((err as PermissionDeniedError).message).toContain('not assigned to anyone');
  });

  it('an operator comments on any incident', async () => {
    const inc = await assignedTo('ana@example.com');
    expect(await h.service.addComment({ incident_id: inc.incident_id, text: 'seen this before' }, bob)).toMatchObject({
      author: 'bob@example.com',
    });
  });
});

describe('customers see only their own incidents', () => {
  const carla = as(actors.carla);
  const dora = as(actors.dora);
  const ana = as(actors.ana);

  async function carlasWorkedIncident() {
    const inc = await h.service.create({ title: 'Cannot log in', team: 'desk' }, carla);
    await h.service.claim(inc.incident_id, ana);
    await h.service.updateProgress(
      { incident_id: inc.incident_id, progress_notes: 'Suspect the SSO cert', analysis: { diagnosis: 'SSO' } },
      ana,
    );
    await h.service.addComment({ incident_id: inc.incident_id, text: 'Looking into it', visibility: 'PUBLIC' }, ana);
    await h.service.addComment(
      { incident_id: inc.incident_id, text: 'Cert expired, blame ops', visibility: 'INTERNAL' },
      ana,
    );
    return inc;
  }

  const others: Array<[string, (id: string, ctx: UseCaseContext) => Promise<unknown>]> = [
    ['get', (id, ctx) => h.service.get(id, ctx)],
    ['timeline', (id, ctx) => h.service.timeline(id, undefined, ctx)],
    ['history', (id, ctx) => h.service.history(id, undefined, ctx)],
    ['addComment', (id, ctx) => h.service.addComment({ incident_id: id, text: 'me too' }, ctx)],
    ['claim', (id, ctx) => h.service.claim(id, ctx)],
    ['cancel', (id, ctx) => h.service.cancel(id, ctx)],
  ];

  it.each(others)("another customer's incident is NotFound on %s (its existence does not leak)", async (_n, call) => {
    const inc = await carlasWorkedIncident();
    const err = await rejection(call(inc.incident_id, dora));
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).details).toEqual({ entity: 'Incident', id: inc.incident_id });
    // The same answer as for an id that does not exist at all.
    const missing = await rejection(call('INC-DOES-NOT-EXIST', dora));
    expect(missing).toBeInstanceOf(NotFoundError);
  });

  it('never shows INTERNAL comments or internal work notes to the reporter', async () => {
    const inc = await carlasWorkedIncident();
    const seen = await h.service.get(inc.incident_id, carla);
    expect(seen.comments.map((c) => c.text)).toEqual(['Looking into it']);
    expect(seen.comments.every((c) => c.visibility === 'PUBLIC')).toBe(true);
    expect(JSON.stringify(seen)).not.toContain('Suspect the SSO cert');
    expect(JSON.stringify(seen)).not.toContain('blame ops');
    const timeline = await h.service.timeline(inc.incident_id, { limit: 50 }, carla);
    expect(timeline.items.length).toBeGreaterThan(0);
    expect(timeline.items.every((i) => i.visibility === 'PUBLIC')).toBe(true);
    expect(timeline.items.map((i) => i.text)).not.toContain('Cert expired, blame ops');
    // The operator sees everything.
    const staff = await h.service.get(inc.incident_id, ana);
    expect(staff.comments.map((c) => c.text)).toEqual([
      'Suspect the SSO cert',
      'Looking into it',
      'Cert expired, blame ops',
    ]);
    expect(staff.cline_work?.progress_notes.map((n) => n.text)).toEqual(['Suspect the SSO cert']);
    const staffTimeline = await h.service.timeline(inc.incident_id, { limit: 50 }, ana);
    expect(staffTimeline.items.some((i) => i.visibility === 'INTERNAL')).toBe(true);
  });

  it('a customer may not post INTERNAL comments, even on their own incident', async () => {
    const inc = await h.service.create({ title: 'Printer jam' }, carla);
    expect(
      await rejection(
        h.service.addComment({ incident_id: inc.incident_id, text: 'psst', visibility: 'INTERNAL' }, carla),
      ),
    ).toBeInstanceOf(PermissionDeniedError);
  });

  it("query results hold only the customer's own incidents", async () => {
    const mine = await h.service.create({ title: 'Mouse broken', team: 'desk-q' }, carla);
    const theirs = await h.service.create({ title: 'Keyboard broken', team: 'desk-q' }, dora);
    await h.service.create({ title: 'Screen broken', team: 'desk-q' }, as(actors.admin));
    const carlas = await h.service.query({ by: 'team', team: 'desk-q' }, { limit: 50 }, carla);
    expect(carlas.items.map((i) => i.incident_id)).toEqual([mine.incident_id]);
    const doras = await h.service.query({ by: 'team', team: 'desk-q' }, { limit: 50 }, dora);
    expect(doras.items.map((i) => i.incident_id)).toEqual([theirs.incident_id]);
    const staff = await h.service.query({ by: 'team', team: 'desk-q' }, { limit: 50 }, ana);
    expect(staff.items).toHaveLength(3);
  });
});

describe('assignees must be registered users', () => {
  it.each([
    ['assign', 'assignee'],
    ['create', 'assigned_to'],
  ])('%s to an unknown email is a validation error naming %s; nothing is written', async (useCase, field) => {
    const inc = await reported();
    const before = await h.store.getIncident(inc.incident_id);
    const err = await rejection(
      useCase === 'assign'
        ? h.service.assign({ incident_id: inc.incident_id, assignee: 'nobody@example.com' }, admin)
        : h.service.create({ title: 'Ghost assignee', assigned_to: 'nobody@example.com' }, admin),
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).details.issues[0]?.path).toBe(field);
    expect(await h.store.getIncident(inc.incident_id)).toEqual(before);
    const ghosts = await h.store.queryIncidents({ by: 'assignee', assigned_to: 'nobody@example.com' }, { limit: 5 });
    expect(ghosts.items).toEqual([]);
  });

  it('a registered user in another case is found and stored in the spelling of the store', async () => {
    const inc = await reported();
    const assigned = await h.service.assign({ incident_id: inc.incident_id, assignee: 'DAVE@Example.com' }, admin);
    expect(assigned.assigned_to).toBe('dave@example.com');
  });

  it('the acting actor may assign to themselves without being registered (the app vouched for them)', async () => {
    const localAdmin = as({ id: 'local-admin@localhost', roles: ['admin'] });
    const inc = await reported();
    const assigned = await h.service.assign(
      { incident_id: inc.incident_id, assignee: 'local-admin@localhost' },
      localAdmin,
    );
    expect(assigned.assigned_to).toBe('local-admin@localhost');
    const created = await h.service.create({ title: 'Mine', assigned_to: 'Local-Admin@localhost' }, localAdmin);
    expect(created.assigned_to).toBe('local-admin@localhost');
  });

  it('an inactive user is refused as assignee', async () => {
    await h.store.putUser({
      email: 'gone@example.com',
      name: 'Gone',
      role: 'operator',
      active: false,
      created_at: '2026-01-01T00:00:00.000Z',
    });
    const inc = await reported();
    const err = await rejection(
      h.service.assign({ incident_id: inc.incident_id, assignee: 'gone@example.com' }, admin),
    );
    expect((err as ValidationError).details.issues[0]).toMatchObject({ path: 'assignee' });
  });

  it('someone who may not assign is refused for the permission before the lookup (learns nothing about users)', async () => {
    const inc = await reported();
    const err = await rejection(
      h.service.assign({ incident_id: inc.incident_id, assignee: 'nobody@example.com' }, as(actors.ana)),
    );
    expect(err).toBeInstanceOf(PermissionDeniedError);
  });
});

/**
 * Property-based adversarial suite over every use case of the service (fast-check): generated hostile
 * input — wrong types, huge or empty strings, control and bidi characters, impossible dates, path-like
 * ids, case-variant and unknown actors, unknown fields — must end either in success or in a typed
 * `IncidentsError` (a `ValidationError` names its fields), never a raw exception, and a refused call
 * leaves the store exactly as it was.
 */
import {
  type Actor,
  collectAll,
  type IncidentService,
  IncidentsError,
  type UseCaseContext,
  ValidationError,
} from '@incidents/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actors, as, createHarness, type Harness } from './support.js';

let h: Harness;
let fresh: string;
let anas: string;
beforeAll(async () => {
  h = await createHarness();
  fresh = (await h.service.create({ title: 'Unassigned' }, as(actors.carla))).incident_id;
  const inc = await h.service.create({ title: 'Ana works on it' }, as(actors.admin));
  anas = (await h.service.assign({ incident_id: inc.incident_id, assignee: 'ana@example.com' }, as(actors.admin)))
    .incident_id;
});
afterAll(async () => {
  await h.store.close();
});

const NUM_RUNS = 40;

/** Strings an attacker would try. */
const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '../../etc/passwd',
    'INC-1/../x',
    '\u001b]0;pwned\u0007',
    '\u001b[2J',
    'a\u202eb',
    '\u0000',
    'javascript:alert(1)',
    '2026-02-30T00:00:00Z',
    'CARLA@EXAMPLE.COM',
    'x'.repeat(300),
    'A'.repeat(100_001),
    '__proto__',
    'constructor',
  ),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(hostileString, { maxLength: 3 }),
  fc.constant(Array.from({ length: 150 }, (_, i) => `s${i}`)),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);
/** A record of hostile fields, merged over a valid base so that deeper checks are reached too. */
const hostileFields = (keys: string[]) =>
  fc.record(Object.fromEntries(keys.map((k) => [k, hostileValue])), { requiredKeys: [] });

const hostileActor: fc.Arbitrary<Actor> = fc.record({
  id: fc.oneof(
    hostileString,
    fc.constantFrom(
      'ana@example.com',
      'ANA@Example.com',
      'carla@example.com',
      'Carla@Example.COM',
      'mallory@evil.example',
    ),
  ),
  roles: fc.array(
    fc.constantFrom('customer', 'operator', 'admin', 'sync', 'kb_sync', 'batch_worker', 'api_server', 'root'),
    {
      minLength: 0,
      maxLength: 2,
    },
  ),
}) as fc.Arbitrary<Actor>;

async function snapshot(): Promise<string> {
  const incidents = await collectAll((cursor) =>
    h.store.queryIncidents(
      { by: 'status', status: ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'PENDING', 'RESOLVED', 'CLOSED', 'CANCELLED'] },
      { cursor, limit: 200 },
    ),
  );
  const rows = await Promise.all(
    incidents.map(async (i) => [
      i.incident_id,
      i.revision,
      (await h.store.listInteractions(i.incident_id, { includeInternal: true, limit: 500 })).items.length,
    ]),
  );
  const users = (await h.store.listUsers({ limit: 500 })).items.length;
  return JSON.stringify({ rows: rows.sort(), users });
}

/** Runs `call`; a failure must be a typed user error (a ValidationError names fields) and change nothing. */
async function expectTypedOrSuccess(call: () => Promise<unknown>, mutating: boolean): Promise<void> {
  const before = mutating ? await snapshot() : '';
  try {
    await call();
  } catch (err) {
    expect(err, String((err as Error)?.stack)).toBeInstanceOf(IncidentsError);
    expect((err as IncidentsError).userError).toBe(true);
    expect((err as Error).message).not.toMatch(/\n\s+at /);
    if (err instanceof ValidationError) expect(err.details.issues.length).toBeGreaterThan(0);
    if (mutating) expect(await snapshot()).toBe(before);
  }
}

type Case = [
  name: string,
  keys: string[],
  run: (s: IncidentService, input: Record<string, unknown>, ctx: UseCaseContext) => Promise<unknown>,
  mutating: boolean,
];

const CASES: Case[] = [
  [
    'create',
    [
      'title',
      'description',
      'severity',
      'due_date',
      'incident_id',
      'source_system',
      'external_id',
      'source_url',
      'tags',
      'assigned_to',
      'extra',
    ],
    (s, i, c) => s.create({ title: 'base', ...i } as never, c),
    true,
  ],
  ['get', ['id'], (s, i, c) => s.get((i.id ?? fresh) as string, c), false],
  [
    'query',
    ['by', 'status', 'assigned_to'],
    (s, i, c) => s.query({ by: 'status', status: 'NEW', ...i } as never, undefined, c),
    false,
  ],
  ['claim', ['incident_id', 'expected_revision'], (s, i, c) => s.claim({ incident_id: fresh, ...i } as never, c), true],
  [
    'assign',
    ['incident_id', 'assignee'],
    (s, i, c) => s.assign({ incident_id: anas, assignee: 'bob@example.com', ...i } as never, c),
    true,
  ],
  ['release', ['incident_id', 'reason'], (s, i, c) => s.release({ incident_id: anas, ...i } as never, c), true],
  [
    'updateProgress',
    ['incident_id', 'progress_notes', 'time_spent_minutes', 'analysis'],
    (s, i, c) => s.updateProgress({ incident_id: anas, ...i } as never, c),
    true,
  ],
  [
    'resolve',
    ['incident_id', 'solution', 'steps', 'root_cause', 'code_changes'],
    (s, i, c) => s.resolve({ incident_id: anas, solution: 'x', root_cause: 'y', ...i } as never, c),
    true,
  ],
  ['cancel', ['incident_id', 'reason'], (s, i, c) => s.cancel({ incident_id: fresh, ...i } as never, c), true],
  [
    'addComment',
    ['incident_id', 'text', 'visibility', 'author', 'external_id', 'source', 'created_at'],
    (s, i, c) => s.addComment({ incident_id: fresh, text: 'hi', ...i } as never, c),
    true,
  ],
  [
    'timeline',
    ['id', 'limit', 'cursor'],
    (s, i, c) => s.timeline((i.id ?? fresh) as string, { limit: i.limit, cursor: i.cursor } as never, c),
    false,
  ],
  [
    'history',
    ['id', 'limit', 'cursor'],
    (s, i, c) => s.history((i.id ?? anas) as string, { limit: i.limit, cursor: i.cursor } as never, c),
    false,
  ],
  ['metrics', ['team', 'assigned_to', 'from', 'to'], (s, i, c) => s.metrics(i as never, c), false],
  ['link', ['from', 'to'], (s, i, c) => s.link({ from: fresh, to: anas, ...i } as never, c), true],
  ['findSimilar', ['text', 'incident_id'], (s, i, c) => s.findSimilar(i as never, undefined, c), false],
  [
    'putUser',
    ['email', 'name', 'role', 'team', 'active'],
    (s, i, c) => s.putUser({ email: 'new@example.com', ...i } as never, c),
    true,
  ],
  ['listUsers', ['limit', 'cursor'], (s, i, c) => s.listUsers(i as never, c), false],
];

describe('every use case under hostile input (fast-check)', () => {
  it.each(CASES)('%s: success or a typed error; a refusal writes nothing', async (_name, keys, run, mutating) => {
    await fc.assert(
      fc.asyncProperty(
        hostileFields(keys),
        fc.oneof(hostileActor, fc.constantFrom(actors.carla, actors.ana, actors.bob)),
        async (input, actor) => {
          await expectTypedOrSuccess(
            () => run(h.service, input, { actor: { ...actor, roles: [...actor.roles] } }),
            mutating,
          );
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('a customer never binds an incident to a source record, whatever the case of their email', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('carla@example.com', 'CARLA@example.com', 'Carla@Example.Com'),
        fc.constantFrom('JIRA', 'ZENDESK', 'SERVICENOW', 'SLACK'),
        fc.string({ minLength: 1, maxLength: 12 }).filter((s) => /^[A-Za-z0-9-]+$/.test(s)),
        async (id, source, external) => {
          const before = await snapshot();
          await expect(
            h.service.create(
              { title: 'x', source_system: source as never, external_id: external },
              { actor: { id, roles: ['customer'] } },
            ),
          ).rejects.toMatchObject({ code: 'permission_denied' });
          expect(await snapshot()).toBe(before);
        },
      ),
      { numRuns: 20 },
    );
  });
});

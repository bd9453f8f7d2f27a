/**
 * Emails are matched case-insensitively everywhere: the actor, assignees, authors, users, queries and
 * metrics all use one normalised spelling (trimmed, lower-case).
 */
import { ValidationError } from '@incidents/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actors, as, createHarness, type Harness, rejection } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.store.close();
});

describe('case-variant actors are one person', () => {
  it('a customer created in one case reads it in another; another customer still cannot', async () => {
    const created = await h.service.create({ title: 'VPN down' }, as({ id: 'Carla@Example.COM', roles: ['customer'] }));
    expect(created.metadata.created_by).toBe('carla@example.com');
    const read = await h.service.get(created.incident_id, as({ id: ' carla@example.com ', roles: ['customer'] }));
    expect(read.incident_id).toBe(created.incident_id);
    await expect(h.service.get(created.incident_id, as(actors.dora))).rejects.toMatchObject({ code: 'not_found' });
  });

  it('an assignee given in another case is the same operator', async () => {
    const inc = await h.service.create({ title: 'Disk full' }, as(actors.admin));
    const assigned = await h.service.assign(
      { incident_id: inc.incident_id, assignee: 'ANA@example.com' },
      as(actors.admin),
    );
    expect(assigned.assigned_to).toBe('ana@example.com');
    const started = await h.service.startWork(inc.incident_id, as({ id: 'Ana@Example.com', roles: ['operator'] }));
    expect(started.status).toBe('IN_PROGRESS');
    const mine = await h.service.query(
      { by: 'assignee', assigned_to: 'ANA@EXAMPLE.COM' },
      { limit: 50 },
      as(actors.ana),
    );
    expect(mine.items.map((i) => i.incident_id)).toContain(inc.incident_id);
  });

  it('users are registered and found in one spelling', async () => {
    const user = await h.service.putUser({ email: 'Bob.Smith@Example.com', role: 'operator' }, as(actors.admin));
    expect(user.email).toBe('bob.smith@example.com');
    expect(await h.store.getUser('BOB.SMITH@example.com')).toMatchObject({ email: 'bob.smith@example.com' });
  });

  it('an actor id with spaces or control characters, or longer than 254 characters, is refused naming actor.id', async () => {
    for (const id of ['ana @example.com', 'ana\u001b]0;x\u0007@example.com', `${'a'.repeat(250)}@example.com`]) {
      const err = await rejection(h.service.create({ title: 'x' }, as({ id, roles: ['operator'] })));
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).details.issues[0]?.path).toBe('id');
    }
  });
});

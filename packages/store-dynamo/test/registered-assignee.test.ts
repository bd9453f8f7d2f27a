/**
 * Assignees must be registered users, on DynamoDB too: the service looks the assignee up through the
 * store (case-insensitively) and refuses unknown or inactive people with a validation error naming
 * the field, before anything is written.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createIncidentService, ValidationError } from '@incidents/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoIncidentStore } from '../src/index.js';
import { dropTable, freshStore, localClient } from './helpers.js';

describe('assignees must be registered users (DynamoDB Local)', () => {
  let store: DynamoIncidentStore;
  let client: DynamoDBClient;
  let tableName: string;
  const admin = { actor: { id: 'admin@example.com', roles: ['admin' as const] } };

  beforeAll(async () => {
    client = localClient();
    ({ store, tableName } = await freshStore({ client }));
    const created_at = '2026-01-01T00:00:00.000Z';
    await store.putUser({ email: 'ana@example.com', name: 'Ana', role: 'operator', active: true, created_at });
    await store.putUser({ email: 'gone@example.com', name: 'Gone', role: 'operator', active: false, created_at });
  });
  afterAll(async () => {
    await store.close();
    await dropTable(client, tableName);
    client.destroy();
  });

  it('assigns to a registered user given in another case, in the store spelling', async () => {
    const service = createIncidentService({ store });
    const inc = await service.create({ title: 'Printer jam' }, admin);
    const assigned = await service.assign({ incident_id: inc.incident_id, assignee: 'ANA@Example.com' }, admin);
    expect(assigned.assigned_to).toBe('ana@example.com');
    const created = await service.create({ title: 'Scanner jam', assigned_to: 'Ana@example.com' }, admin);
    expect(created.assigned_to).toBe('ana@example.com');
  });

  it.each([
    ['nobody@example.com', 'not a registered user'],
    ['gone@example.com', 'not an active user'],
  ])('refuses %s (%s) naming the field; nothing is written', async (email, why) => {
    const service = createIncidentService({ store });
    const inc = await service.create({ title: 'Monitor flicker' }, admin);
    const before = await store.getIncident(inc.incident_id);
    const err = await service.assign({ incident_id: inc.incident_id, assignee: email }, admin).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).details.issues[0]).toMatchObject({ path: 'assignee' });
    expect((err as ValidationError).message).toContain(why);
    expect(await store.getIncident(inc.incident_id)).toEqual(before);
    const onCreate = await service.create({ title: 'Ghost', assigned_to: email }, admin).catch((e) => e);
    expect((onCreate as ValidationError).details.issues[0]).toMatchObject({ path: 'assigned_to' });
    const ghosts = await store.queryIncidents({ by: 'assignee', assigned_to: email }, { limit: 5 });
    expect(ghosts.items).toEqual([]);
  });
});

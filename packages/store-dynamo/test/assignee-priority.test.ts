/**
 * "My incidents of priority P" (MCP `search_my_incidents` with a priority, issue 18 item 8) is answered
 * on GSI-2 by a key condition — `begins_with(gsi2sk, '<status rank>#<priority>#')` per status — with no
 * FilterExpression, so DynamoDB reads only the matching items (R-ACCESS-2: an assignee's open work).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createIncidentService, type Incident, type IncidentQuery, type Priority } from '@incidents/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoIncidentStore } from '../src/index.js';
import { readAll } from '../src/store/paging.js';
import { incidentQuerySegments } from '../src/store/queries.js';
import { dropTable, freshStore } from './helpers.js';

describe('assignee + priority by key condition on GSI-2', () => {
  let store: DynamoIncidentStore;
  let client: DynamoDBClient;
  let tableName: string;
  const mine: Incident[] = [];

  beforeAll(async () => {
    ({ store, client, tableName } = await freshStore());
    const base = await createIncidentService({ store }).create(
      { title: 'Checkout returns 502', severity: 'HIGH', team: 'payments' },
      { actor: { id: 'admin@example.com', roles: ['admin'] } },
    );
    const priorities: Priority[] = ['P1', 'P2', 'P3', 'P1', 'P4', 'P1'];
    const statuses = ['ASSIGNED', 'IN_PROGRESS', 'ASSIGNED', 'IN_PROGRESS', 'ASSIGNED', 'RESOLVED'] as const;
    for (const [n, priority] of priorities.entries()) {
      const id = `INC-PRIO${n}`;
      const incident: Incident = {
        ...base,
        incident_id: id,
        external_id: id,
        priority,
        status: statuses[n] as Incident['status'],
        assigned_to: n === 2 ? 'someone@example.com' : 'dev@example.com',
      };
      await store.createIncident({ incident });
      if (incident.assigned_to === 'dev@example.com') mine.push(incident);
    }
  });

  afterAll(async () => {
    await dropTable(client, tableName);
    client.destroy();
  });

  const query = (q: Record<string, unknown>) =>
    ({ by: 'assignee', assigned_to: 'dev@example.com', ...q }) as IncidentQuery;

  it('builds key conditions with the priority in the sort-key prefix and no filter', () => {
    const segments = incidentQuerySegments(query({ priority: 'P1', status: ['ASSIGNED', 'IN_PROGRESS'] }));
    expect(segments.map((s) => s.ExpressionAttributeValues?.[':prefix'])).toEqual(['2#P1#', '3#P1#']);
    for (const s of segments) {
      expect(s.IndexName).toBe('gsi2');
      expect(s.KeyConditionExpression).toContain('begins_with');
      expect(s.FilterExpression).toBeUndefined();
    }
    // Without a status: one key condition per status, in the canonical order.
    expect(incidentQuerySegments(query({ priority: 'P1' })).every((s) => s.FilterExpression === undefined)).toBe(true);
  });

  it('returns exactly the assignee’s incidents of that priority', async () => {
    const read = async (q: Record<string, unknown>) =>
      (await readAll(store.client, tableName, incidentQuerySegments(query(q)), {})).map((i) => i.incident_id).sort();
    const expected = (statuses?: string[]) =>
      mine
        .filter((i) => i.priority === 'P1' && (!statuses || statuses.includes(i.status)))
        .map((i) => i.incident_id)
        .sort();
    expect(await read({ priority: 'P1' })).toEqual(expected());
    expect(await read({ priority: 'P1', status: ['ASSIGNED', 'IN_PROGRESS'] })).toEqual(
      expected(['ASSIGNED', 'IN_PROGRESS']),
    );
    expect(await read({ priority: 'P1', status: 'RESOLVED' })).toEqual(expected(['RESOLVED']));
    expect((await read({})).length).toBe(mine.length);
  });
});

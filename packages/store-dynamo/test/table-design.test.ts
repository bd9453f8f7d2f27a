import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { createIncidentService, type Incident, type IncidentQuery } from '@incidents/core';
import { createSteppingClock } from '@incidents/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoIncidentStore, ensureTable, incidentsTableDefinition } from '../src/index.js';
import {
  dropTable,
  freshStore,
  localClient,
  type RecordedCommand,
  recordCommands,
  uniqueTableName,
} from './helpers.js';

describe('incidentsTableDefinition', () => {
  it('describes pk/sk, seven GSIs with the seed projections, on-demand billing and the TTL attribute', () => {
    const def = incidentsTableDefinition({ tableName: 'incidents-prod' });
    expect(def.TableName).toBe('incidents-prod');
    expect(def.BillingMode).toBe('PAY_PER_REQUEST');
    expect(def.TimeToLiveAttribute).toBe('ttl');
    expect(def.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    const projections = Object.fromEntries(
      (def.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i.Projection?.ProjectionType]),
    );
    expect(projections).toEqual({
      gsi1: 'ALL',
      gsi2: 'ALL',
      gsi3: 'ALL',
      gsi4: 'KEYS_ONLY',
      gsi5: 'KEYS_ONLY',
      gsi6: 'ALL',
      gsi7: 'ALL',
    });
    expect((def.GlobalSecondaryIndexes ?? []).length).toBeLessThanOrEqual(20);
    expect(incidentsTableDefinition().TableName).toBe('incidents');
    expect(() => incidentsTableDefinition({ tableName: 'x' })).toThrow(/tableName/);
  });

  it('ensureTable creates the table once, waits for ACTIVE and enables TTL', async () => {
    const client = localClient();
    const tableName = uniqueTableName('ensure');
    try {
      expect(await ensureTable({ client, tableName })).toMatchObject({ created: true, ttlEnabled: true });
      expect(await ensureTable({ client, tableName })).toMatchObject({ created: false, ttlEnabled: true });
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.GlobalSecondaryIndexes).toHaveLength(7);
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
      expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
    } finally {
      await dropTable(client, tableName);
      client.destroy();
    }
  });
});

describe('access patterns use the expected index, one Query (or GetItem), no Scan, no filter', () => {
  let store: DynamoIncidentStore;
  let log: RecordedCommand[];
  let cleanup: () => Promise<void>;
  const admin = { actor: { id: 'admin@example.com', roles: ['admin' as const] } };
  const ana = { actor: { id: 'ana@example.com', roles: ['operator' as const] } };
  let incidents: Incident[] = [];

  beforeAll(async () => {
    const client = localClient();
    log = recordCommands(client);
    const made = await freshStore({ client, returnConsumedCapacity: 'INDEXES' });
    store = made.store;
    cleanup = async () => {
      await store.close();
      await dropTable(client, made.tableName);
      client.destroy();
    };
    const service = createIncidentService({ store, clock: createSteppingClock() });
    for (const [i, severity] of (['LOW', 'CRITICAL', 'MEDIUM', 'HIGH'] as const).entries()) {
      incidents.push(
        await service.create(
          {
            incident_id: `JIRA-${i}`,
            title: `t${i}`,
            severity,
            category: 'Network',
            team: 'platform',
            source_system: 'JIRA',
            external_id: `PAY-${i}`,
          },
          admin,
        ),
      );
    }
    await service.claim('JIRA-0', ana);
    await store.updateIncident({
      incident: { ...((await store.getIncident('JIRA-1')) as Incident), revision: 2 },
      expectedRevision: 1,
      sourceRecords: [
        {
          incident_id: 'JIRA-1',
          source_system: 'ZENDESK',
          record_id: '77',
          priority: 'High',
          status: 'open',
          created_at: '2026-01-05T09:00:00.000Z',
          updated_at: '2026-01-05T09:00:00.000Z',
          data: {},
        },
      ],
    });
    await store.putUser({
      email: 'ana@example.com',
      name: 'Ana',
      role: 'operator',
      active: true,
      created_at: '2026-01-05T09:00:00.000Z',
    });
    incidents = await Promise.all(incidents.map((i) => store.getIncident(i.incident_id) as Promise<Incident>));
  });

  afterAll(async () => cleanup());

  async function capture<T>(fn: () => Promise<T>): Promise<{ result: T; commands: RecordedCommand[] }> {
    const start = log.length;
    const result = await fn();
    return { result, commands: log.slice(start) };
  }

  function expectQuery(cmd: RecordedCommand | undefined, index: string | undefined, keyCondition: RegExp) {
    expect(cmd?.command).toBe('QueryCommand');
    expect(cmd?.input.IndexName).toBe(index);
    expect(String(cmd?.input.KeyConditionExpression)).toMatch(keyCondition);
    expect(cmd?.input.FilterExpression).toBeUndefined();
    expect(cmd?.consumed).toMatchObject({ TableName: store.tableName, CapacityUnits: expect.any(Number) });
  }

  const cases: Array<[string, IncidentQuery, string, RegExp, number]> = [
    [
      'status + priority (GSI-1)',
      { by: 'status', status: 'NEW', priority: 'P1' },
      'gsi1',
      /^#pk = :pk AND begins_with\(#sk, :prefix\)$/,
      1,
    ],
    [
      'assignee + status (GSI-2)',
      { by: 'assignee', assigned_to: 'ana@example.com', status: 'ASSIGNED' },
      'gsi2',
      /begins_with/,
      1,
    ],
    ['team (GSI-3)', { by: 'team', team: 'platform' }, 'gsi3', /^#pk = :pk$/, 4],
    ['due (GSI-6)', { by: 'due', status: 'NEW', due_before: '2030-01-01T00:00:00.000Z' }, 'gsi6', /#sk < :before/, 3],
  ];
  for (const [name, query, index, condition, count] of cases) {
    it(name, async () => {
      const { result, commands } = await capture(() => store.queryIncidents(query, { limit: 10 }));
      expect(result.items).toHaveLength(count);
      expect(commands).toHaveLength(1);
      expectQuery(commands[0], index, condition);
    });
  }

  it('category (GSI-4, keys only) is one Query + one BatchGetItem, CRITICAL first', async () => {
    const { result, commands } = await capture(() =>
      store.queryIncidents({ by: 'category', category: 'Network' }, { limit: 10 }),
    );
    expect(result.items.map((i) => i.severity)).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']);
    expect(commands.map((c) => c.command)).toEqual(['QueryCommand', 'BatchGetItemCommand']);
    expectQuery(commands[0], 'gsi4', /^#pk = :pk$/);
  });

  it('source + external id (GSI-5, keys only) and findBySource through the uniqueness item', async () => {
    const { result, commands } = await capture(() =>
      store.queryIncidents({ by: 'source', source_system: 'JIRA', external_id: 'PAY-2' }),
    );
    expect(result.items.map((i) => i.incident_id)).toEqual(['JIRA-2']);
    expect(commands.map((c) => c.command)).toEqual(['QueryCommand', 'BatchGetItemCommand']);
    expectQuery(commands[0], 'gsi5', /#sk = :sk/);
    const found = await capture(() => store.findBySource('JIRA', 'PAY-3'));
    expect(found.result?.incident_id).toBe('JIRA-3');
    expect(found.commands.map((c) => c.command)).toEqual(['GetItemCommand', 'GetItemCommand']);
  });

  it('a multi-status page walks the statuses in canonical order, one Query each', async () => {
    const { result, commands } = await capture(() =>
      store.queryIncidents({ by: 'status', status: ['ASSIGNED', 'NEW'] }, { limit: 10 }),
    );
    expect(result.items.map((i) => i.status)).toEqual(['NEW', 'NEW', 'NEW', 'ASSIGNED']);
    expect(commands.map((c) => c.input.ExpressionAttributeValues)).toHaveLength(2);
    for (const c of commands) expectQuery(c, 'gsi1', /^#pk = :pk$/);
  });

  it('knowledge-base queue and user directory read the sparse GSI-7', async () => {
    const kb = await capture(() => store.listPendingKbSync());
    expect(kb.result.items).toEqual([]);
    expectQuery(kb.commands[0], 'gsi7', /^#pk = :pk$/);
    const users = await capture(() => store.listUsers());
    expect(users.result.items.map((u) => u.email)).toEqual(['ana@example.com']);
    expectQuery(users.commands[0], 'gsi7', /^#pk = :pk$/);
  });

  it('the item collection returns an incident with its versions, timeline and source records in one Query', async () => {
    const { result, commands } = await capture(() => store.getIncidentCollection('JIRA-1'));
    expect(result.incident?.incident_id).toBe('JIRA-1');
    expect(result.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(result.sourceRecords.map((r) => r.record_id)).toEqual(['77']);
    expect(commands).toHaveLength(1);
    expectQuery(commands[0], undefined, /^#pk = :pk$/);
  });

  it('R-SOURCE-3 views of source records: priority (GSI-1), state (GSI-6), source (GSI-5 + BatchGetItem)', async () => {
    const byPriority = await capture(() => store.querySourceRecords({ by: 'priority', priority: 'High' }));
    expect(byPriority.result.items.map((r) => r.incident_id)).toEqual(['JIRA-1']);
    expectQuery(byPriority.commands[0], 'gsi1', /^#pk = :pk$/);
    const byState = await capture(() => store.querySourceRecords({ by: 'state', status: 'open' }));
    expect(byState.result.items.map((r) => r.record_id)).toEqual(['77']);
    expectQuery(byState.commands[0], 'gsi6', /^#pk = :pk$/);
    const bySystem = await capture(() => store.querySourceRecords({ by: 'source', source_system: 'ZENDESK' }));
    expect(bySystem.result.items.map((r) => r.record_id)).toEqual(['77']);
    expectQuery(bySystem.commands[0], 'gsi5', /^#pk = :pk$/);
  });

  it('metrics read the team, assignee or status partitions', async () => {
    const team = await capture(() => store.aggregateMetrics({ team: 'platform' }));
    expect(team.result.total).toBe(4);
    expect(team.commands).toHaveLength(1);
    expectQuery(team.commands[0], 'gsi3', /^#pk = :pk$/);
    const mine = await capture(() => store.aggregateMetrics({ assigned_to: 'ana@example.com' }));
    expect(mine.result.total).toBe(1);
    expectQuery(mine.commands[0], 'gsi2', /^#pk = :pk$/);
    const all = await capture(() => store.aggregateMetrics({}));
    expect(all.result.total).toBe(4);
    expect(all.commands).toHaveLength(7);
    for (const c of all.commands) expectQuery(c, 'gsi1', /^#pk = :pk$/);
  });

  it('writes are single transactions with consumed capacity, and nothing in the package ever scans', async () => {
    const service = createIncidentService({
      store,
      clock: createSteppingClock(Date.parse('2026-02-01T00:00:00.000Z')),
    });
    const { commands } = await capture(() => service.startWork('JIRA-0', ana));
    expect(commands.map((c) => c.command)).toEqual(['GetItemCommand', 'TransactWriteItemsCommand']);
    expect(commands[1]?.consumed).toEqual(
      expect.arrayContaining([expect.objectContaining({ TableName: store.tableName })]),
    );
    expect(log.some((c) => c.command.startsWith('Scan'))).toBe(false);
    expect(log.filter((c) => c.command === 'QueryCommand').every((c) => c.input.FilterExpression === undefined)).toBe(
      true,
    );
  });
});

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createIncidentService } from '@incidents/core';
import { createSteppingClock } from '@incidents/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSyncQueue,
  type DynamoIncidentStore,
  METRICS_TTL_SECONDS,
  periodRange,
  readMetricsRollup,
  rollupMetrics,
  SYNC_QUEUE_TTL_SECONDS,
} from '../src/index.js';
import { dropTable, freshStore, localClient } from './helpers.js';

let store: DynamoIncidentStore;
let client: DynamoDBClient;
let tableName: string;

beforeEach(async () => {
  client = localClient();
  ({ store, tableName } = await freshStore({ client }));
});
afterEach(async () => {
  await store.close();
  await dropTable(client, tableName);
  client.destroy();
});

describe('periodRange', () => {
  it('maps months and ISO weeks to [start, end) and rejects anything else naming the field', () => {
    expect(periodRange('2026-01')).toEqual({ start: '2026-01-01T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z' });
    expect(periodRange('2026-W01')).toEqual({ start: '2025-12-29T00:00:00.000Z', end: '2026-01-05T00:00:00.000Z' });
    expect(() => periodRange('2026-13')).toThrow(/period/);
  });
});

describe('rollupMetrics', () => {
  it('stores one summary per team and per user for the period, with a 365-day TTL', async () => {
    const clock = createSteppingClock(Date.parse('2026-01-10T09:00:00.000Z'));
    const service = createIncidentService({ store, clock });
    const admin = { actor: { id: 'admin@example.com', roles: ['admin' as const] } };
    const ana = { actor: { id: 'ana@example.com', roles: ['operator' as const] } };
    const a = await service.create({ title: 'a', team: 'payments', severity: 'CRITICAL', category: 'Network' }, admin);
    await service.create({ title: 'b', team: 'payments', severity: 'LOW' }, admin);
    await service.create({ title: 'c', team: 'platform' }, admin);
    await service.claim(a.incident_id, ana);
    clock.advance(60 * 60_000);
    await service.resolve({ incident_id: a.incident_id, solution: 'rerouted', root_cause: 'bad route' }, ana);
    clock.advance(40 * 24 * 60 * 60_000); // February: not in January's rollup
    await service.create({ title: 'd', team: 'payments' }, admin);

    const now = new Date('2026-02-20T00:00:00.000Z');
    const rollups = await rollupMetrics({ store, period: '2026-01', now });
    expect(rollups.map((r) => r.metric_key)).toEqual([
      'team:payments:2026-01',
      'team:platform:2026-01',
      'user:ana@example.com:2026-01',
    ]);
    const payments = await readMetricsRollup({ client, tableName, scope: 'team', id: 'payments', period: '2026-01' });
    expect(payments).toMatchObject({
      total_incidents: 2,
      resolved_incidents: 1,
      by_severity: { critical: 1, high: 0, medium: 0, low: 1 },
      period_start: '2026-01-01T00:00:00.000Z',
      period_end: '2026-02-01T00:00:00.000Z',
      ttl: Math.floor(now.getTime() / 1000) + METRICS_TTL_SECONDS,
    });
    expect(payments?.median_resolution_time_minutes).toBeGreaterThanOrEqual(60);
    expect(
      (await readMetricsRollup({ store, scope: 'user', id: 'ana@example.com', period: '2026-01' }))?.total_incidents,
    ).toBe(1);
    expect(await readMetricsRollup({ store, scope: 'team', id: 'payments', period: '2026-02' })).toBeNull();
  });
});

describe('sync queue', () => {
  const item = {
    sync_id: 'S-1',
    timestamp: '2026-01-05T10:00:00.000Z',
    incident_id: 'JIRA-1',
    source_system: 'JIRA' as const,
    sync_direction: 'TO_EXTERNAL' as const,
    sync_type: 'COMMENT' as const,
    payload: { text: 'hello' },
    max_attempts: 2,
  };

  it('enqueues, hands an item to exactly one worker, retries, completes with a 7-day TTL', async () => {
    const queue = createSyncQueue({ store });
    await queue.enqueue(item);
    await expect(queue.enqueue(item)).rejects.toMatchObject({ code: 'conflict' });
    await queue.enqueue({ ...item, sync_id: 'S-2', timestamp: '2026-01-05T09:00:00.000Z' });
    expect((await queue.list('PENDING')).items.map((i) => i.sync_id)).toEqual(['S-2', 'S-1']);

    const starts = await Promise.all([
      queue.start(item, '2026-01-05T10:01:00.000Z'),
      queue.start(item, '2026-01-05T10:01:00.000Z'),
    ]);
    expect(starts.filter(Boolean)).toHaveLength(1);
    expect(await queue.fail(item, '2026-01-05T10:02:00.000Z', 'HTTP 503')).toBe('PENDING');
    const retried = (await queue.list('PENDING')).items.find((i) => i.sync_id === 'S-1');
    expect(retried).toMatchObject({ attempts: 1, error_message: 'HTTP 503' });

    expect(await queue.start(item, '2026-01-05T10:03:00.000Z')).toBe(true);
    await queue.complete(item, '2026-01-05T10:04:00.000Z');
    const done = await queue.list('COMPLETED');
    expect(done.items).toHaveLength(1);
    expect(done.items[0]).toMatchObject({
      sync_id: 'S-1',
      status: 'COMPLETED',
      ttl: Date.parse('2026-01-05T10:04:00.000Z') / 1000 + SYNC_QUEUE_TTL_SECONDS,
    });
    expect((await queue.list('PENDING')).items.map((i) => i.sync_id)).toEqual(['S-2']);
    await expect(queue.complete(item, '2026-01-05T10:05:00.000Z')).rejects.toMatchObject({ code: 'conflict' });
    await expect(queue.enqueue({ ...item, sync_id: '' })).rejects.toMatchObject({ code: 'validation' });
  });
});

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createIncidentService, type Incident, IncidentsError, type Interaction } from '@incidents/core';
import { createSteppingClock } from '@incidents/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoIncidentStore } from '../src/index.js';
import { dropTable, freshStore, localClient } from './helpers.js';

/** A middleware that lets `allowed` TransactWriteItems through once armed, then fails the next one (a crash between chunks). */
function crashSwitch(client: DynamoDBClient) {
  const state = { armed: false, allowed: 0, seen: 0 };
  client.middlewareStack.add(
    // biome-ignore lint/suspicious/noExplicitAny: smithy middleware signature
    (next: any, context: any) => async (args: any) => {
      if (state.armed && context.commandName === 'TransactWriteItemsCommand') {
        state.seen += 1;
        if (state.seen > state.allowed) throw new Error('simulated crash between link chunks');
      }
      return next(args);
    },
    { step: 'initialize', name: 'crashSwitch' },
  );
  return {
    arm(allowed: number) {
      Object.assign(state, { armed: true, allowed, seen: 0 });
    },
    disarm() {
      state.armed = false;
    },
    get seen() {
      return state.seen;
    },
  };
}

describe('linking an SL- incident with more than 100 items into a ZD- incident', () => {
  let store: DynamoIncidentStore;
  let client: DynamoDBClient;
  let tableName: string;
  const admin = { actor: { id: 'admin@example.com', roles: ['admin' as const] } };

  beforeEach(async () => {
    client = localClient();
    ({ store, tableName } = await freshStore({ client }));
  });
  afterEach(async () => {
    await store.close();
    await dropTable(client, tableName);
    client.destroy();
  });

  async function seed(service: ReturnType<typeof createIncidentService>) {
    const slack = await service.create(
      { incident_id: 'SL-1700000000.1', title: 'Login broken', source_system: 'SLACK', external_id: '1700000000.1' },
      admin,
    );
    await service.create(
      { incident_id: 'ZD-12345', title: 'Login button not working', source_system: 'ZENDESK', external_id: '12345' },
      admin,
    );
    // 130 comments and 3 source records on the Slack incident (written in batches of 65 per update).
    let current = slack;
    for (let batch = 0; batch < 2; batch++) {
      const interactions: Interaction[] = Array.from({ length: 65 }, (_, i) => ({
        interaction_id: `C-${batch}-${String(i).padStart(3, '0')}`,
        incident_id: slack.incident_id,
        type: 'comment',
        author: 'U123ABC',
        created_at: new Date(Date.parse('2026-01-01T00:00:00.000Z') + (batch * 65 + i) * 1000).toISOString(),
        text: `message ${batch * 65 + i}`,
        visibility: 'PUBLIC',
        source: 'SLACK',
        metadata: {},
      }));
      const next: Incident = { ...current, revision: current.revision + 1 };
      await store.updateIncident({
        incident: next,
        expectedRevision: current.revision,
        interactions,
        sourceRecords:
          batch === 0
            ? ['1700000000.1', '1700000000.2', '1700000000.3'].map((ts) => ({
                incident_id: slack.incident_id,
                source_system: 'SLACK' as const,
                record_id: ts,
                created_at: '2026-01-01T00:00:00.000Z',
                updated_at: '2026-01-01T00:00:00.000Z',
                data: { ts },
              }))
            : [],
      });
      current = next;
    }
    return current;
  }

  async function counts(id: string) {
    const collection = await store.getIncidentCollection(id);
    return { interactions: collection.interactions, records: collection.sourceRecords };
  }

  it('moves every record in chunks, redirects the old id, and completes after a crash between chunks', async () => {
    const crash = crashSwitch(client);
    const service = createIncidentService({
      store,
      clock: createSteppingClock(Date.parse('2026-01-02T00:00:00.000Z')),
    });
    const slack = await seed(service);
    const before = await counts(slack.incident_id);
    expect(before.interactions).toHaveLength(130);
    expect(before.records).toHaveLength(3);

    // The first chunk commits, the second transaction "crashes".
    crash.arm(1);
    const err = await service.link({ from: slack.incident_id, to: 'ZD-12345' }, admin).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncidentsError);
    crash.disarm();

    // Interrupted: the tombstone is not written yet, nothing is lost or duplicated.
    expect((await store.getIncident(slack.incident_id))?.merged_into).toBeUndefined();
    const midFrom = await counts(slack.incident_id);
    const midTo = await counts('ZD-12345');
    expect(midTo.interactions.length).toBeGreaterThan(0);
    expect(midFrom.interactions.length + midTo.interactions.length).toBe(130);
    expect(midFrom.records.length + midTo.records.length).toBe(3);
    const ids = new Set([...midFrom.interactions, ...midTo.interactions].map((i) => i.interaction_id));
    expect(ids.size).toBe(130);

    // Re-running the service's link completes the move.
    const linked = await service.link({ from: slack.incident_id, to: 'ZD-12345' }, admin);
    expect(linked.incident_id).toBe('ZD-12345');
    expect((await store.getIncident(slack.incident_id))?.merged_into).toBe('ZD-12345');
    const after = await counts('ZD-12345');
    expect(after.interactions.filter((i) => i.type === 'comment')).toHaveLength(130);
    expect(after.interactions.every((i) => i.incident_id === 'ZD-12345')).toBe(true);
    expect(after.records.map((r) => r.record_id)).toEqual(['1700000000.1', '1700000000.2', '1700000000.3']);
    expect(await counts(slack.incident_id)).toEqual({ interactions: [], records: [] });

    const details = await service.get(slack.incident_id, admin);
    expect(details.incident_id).toBe('ZD-12345');
    expect(details.redirected_from).toBe(slack.incident_id);
    expect(details.comments).toHaveLength(130);
    expect(details.source_records).toHaveLength(3);
    expect((await store.getVersion(slack.incident_id, slack.revision + 1))?.merged_into).toBe('ZD-12345');
  });

  it('an uninterrupted link of 133 items takes three transactions (two chunks + the final one)', async () => {
    const crash = crashSwitch(client);
    const service = createIncidentService({
      store,
      clock: createSteppingClock(Date.parse('2026-01-02T00:00:00.000Z')),
    });
    const slack = await seed(service);
    crash.arm(1_000);
    await service.link({ from: slack.incident_id, to: 'ZD-12345' }, admin);
    expect(crash.seen).toBe(3);
    crash.disarm();
    expect((await counts('ZD-12345')).interactions.filter((i) => i.type === 'comment')).toHaveLength(130);
  });
});

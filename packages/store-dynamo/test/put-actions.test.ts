/**
 * The hand-built Put actions of the hot write path (src/store/put-actions.ts) must be exactly what
 * ElectroDB's entities build for the same items — same attributes, keys, sparse-index keys and
 * conditions — so that the table keeps one design (R-DATA: items readable by every access path).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createIncidentService, type Incident, type Interaction } from '@incidents/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoIncidentStore } from '../src/index.js';
import { currentItem, interactionItem, versionItem } from '../src/store/items.js';
import { createPutActions } from '../src/store/put-actions.js';
import { dropTable, freshStore } from './helpers.js';

describe('hand-built Put actions equal ElectroDB params', () => {
  let store: DynamoIncidentStore;
  let client: DynamoDBClient;
  let tableName: string;
  let base: Incident;

  beforeAll(async () => {
    ({ store, client, tableName } = await freshStore());
    base = await createIncidentService({ store }).create(
      { title: 'Checkout returns 502', severity: 'HIGH', team: 'payments', description: 'since 09:00' },
      { actor: { id: 'admin@example.com', roles: ['admin'] } },
    );
  });

  afterAll(async () => {
    await dropTable(client, tableName);
    client.destroy();
  });

  // biome-ignore lint/suspicious/noExplicitAny: ElectroDB's commit() objects are typed per entity
  const electro = (build: (e: Record<string, any>) => unknown[]) =>
    // JSON round trip: drops ElectroDB's internal Symbol(transaction_commit) marker, which the SDK ignores.
    JSON.parse(
      JSON.stringify(
        // biome-ignore lint/suspicious/noExplicitAny: ElectroDB's builder typing is per entity
        ((store.entities.service.transaction.write as any)(build).params() as { TransactItems: unknown[] })
          .TransactItems,
      ),
    );

  const variants = (): [string, Incident][] => [
    ['new, unassigned', base],
    ['assigned', { ...base, status: 'ASSIGNED', assigned_to: 'dev@example.com', revision: 2 }],
    ['no team, no due date', { ...base, team: undefined, due_date: undefined } as unknown as Incident],
    [
      'KB pending',
      {
        ...base,
        status: 'CLOSED',
        kb_sync_status: { ...base.kb_sync_status, state: 'PENDING' },
      } as Incident,
    ],
  ];

  it('incident version 0 and history version (new, assigned, no team or due date, KB pending)', () => {
    const actions = createPutActions(store.entities, tableName);
    for (const [, incident] of variants()) {
      expect([actions.incident(currentItem(incident))]).toEqual(
        electro((e) => [e.incident.create(currentItem(incident)).commit()]),
      );
      const where = {
        revision: incident.revision - 1,
        source_system: incident.source_system,
        external_id: incident.external_id,
        kb_sync_status: incident.kb_sync_status,
      };
      expect([actions.incident(currentItem(incident), where)]).toEqual(
        electro((e) => [
          e.incident
            .put(currentItem(incident))
            // biome-ignore lint/suspicious/noExplicitAny: ElectroDB where callback
            .where((a: any, op: any) =>
              [
                op.eq(a.revision, where.revision),
                op.eq(a.source_system, where.source_system),
                op.eq(a.external_id, where.external_id),
                op.eq(a.kb_sync_status, where.kb_sync_status),
              ].join(' AND '),
            )
            .commit(),
        ]),
      );
      expect([actions.incidentVersion(versionItem(incident, 7))]).toEqual(
        electro((e) => [e.incidentVersion.create(versionItem(incident, 7)).commit()]),
      );
    }
  });

  it('interaction and source guard items', () => {
    const actions = createPutActions(store.entities, tableName);
    const interaction: Interaction = {
      interaction_id: '01J0000000000000000000000A',
      incident_id: base.incident_id,
      type: 'status_change',
      author: 'dev@example.com',
      created_at: '2026-12-05T10:00:00.000Z',
      text: 'NEW → ASSIGNED',
      visibility: 'PUBLIC',
      source: 'MANUAL',
      external_id: 'c-1',
      revision: 2,
      metadata: { from: 'NEW', to: 'ASSIGNED' },
    };
    expect([actions.interaction(interactionItem(interaction))]).toEqual(
      electro((e) => [e.interaction.create(interactionItem(interaction)).commit()]),
    );
    const guard = { source_system: 'JIRA', external_id: 'OPS-1', incident_id: base.incident_id };
    expect([actions.sourceGuard(guard)]).toEqual(electro((e) => [e.sourceGuard.create(guard).commit()]));
  });
});

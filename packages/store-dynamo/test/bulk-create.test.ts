/**
 * `createIncidents` — the bulk path (imports, seeding) keeps every invariant of `createIncident`
 * (R-SOURCE-1: one incident per `(source_system, external_id)`; version 0 + version 1 written
 * together; validation of every write before anything is written), on DynamoDB Local.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ConflictError,
  type CreateIncidentWrite,
  createIncidentService,
  type Incident,
  type Interaction,
  ValidationError,
} from '@incidents/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoIncidentStore } from '../src/index.js';
import { dropTable, freshStore, type RecordedCommand, recordCommands } from './helpers.js';

const admin = { actor: { id: 'admin@example.com', roles: ['admin' as const] } };

describe('createIncidents (bulk create) on DynamoDB Local', () => {
  let store: DynamoIncidentStore;
  let client: DynamoDBClient;
  let tableName: string;
  let log: RecordedCommand[];
  let template: Incident;

  beforeEach(async () => {
    ({ store, client, tableName } = await freshStore());
    log = recordCommands(client);
    template = await createIncidentService({ store }).create(
      { title: 'Checkout fails with HTTP 502', category: 'Application', description: 'Seen on the web shop.' },
      admin,
    );
    log.length = 0;
  });

  afterEach(async () => {
    await dropTable(client, tableName);
    client.destroy();
  });

  /** A new incident copied from the template, with its own id, external id and (copied) interactions. */
  function write(n: number, overrides: Partial<Incident> = {}): CreateIncidentWrite {
    const id = `INC-BULK${String(n).padStart(5, '0')}`;
    return {
      incident: { ...template, incident_id: id, external_id: id, ...overrides },
      interactions: [0, 1].map(
        (k): Interaction => ({
          interaction_id: `${id}-I${k}`,
          incident_id: id,
          type: 'comment',
          author: 'admin@example.com',
          created_at: template.created_at,
          text: `imported comment ${k}`,
          visibility: 'PUBLIC',
          source: 'CLI',
          metadata: {},
        }),
      ),
    };
  }

  const transactions = () => log.filter((c) => c.command === 'TransactWriteItemsCommand');

  it('writes what createIncident writes, packed into transactions of at most 100 actions', async () => {
    const writes = Array.from({ length: 70 }, (_, n) => write(n, { team: `team-${n % 3}` }));
    await store.createIncidents(writes);

    const sent = transactions();
    expect(sent.length).toBeGreaterThan(1);
    for (const tx of sent) expect((tx.input.TransactItems as unknown[]).length).toBeLessThanOrEqual(100);

    // Same item collection shape as the single path: version 0, version 1 and the interactions.
    const single = await store.getIncidentCollection(template.incident_id);
    for (const w of [writes[0], writes[69]] as CreateIncidentWrite[]) {
      const id = w.incident.incident_id;
      const got = await store.getIncidentCollection(id);
      expect(got.incident).toEqual(w.incident);
      expect(
        got.versions.map((v) => ({
          ...v,
          incident_id: template.incident_id,
          external_id: template.external_id,
          team: template.team,
        })),
      ).toEqual(single.versions);
      expect(got.interactions.map((i) => i.interaction_id).sort()).toEqual(
        (w.interactions ?? []).map((i) => i.interaction_id).sort(),
      );
      // The (source_system, external_id) guard item is written: lookups by source find it.
      expect((await store.findBySource(w.incident.source_system, w.incident.external_id))?.incident_id).toBe(id);
    }
    const team1 = await store.queryIncidents({ by: 'team', team: 'team-1' }, { limit: 100 });
    expect(team1.items.length).toBe(writes.filter((w) => w.incident.team === 'team-1').length);
  });

  it('refuses a record whose (source_system, external_id) is already imported, naming it, and writes nothing of it', async () => {
    const dup = write(5, { external_id: template.external_id });
    const err = await store.createIncidents([write(1), dup]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).details).toMatchObject({ reason: 'duplicate_source', id: dup.incident.incident_id });
    expect((err as Error).message).toContain(template.incident_id);
    // The transaction holding the duplicate is all-or-none: neither incident of it was written.
    expect(await store.getIncident(dup.incident.incident_id)).toBeNull();
    expect(await store.getIncident(write(1).incident.incident_id)).toBeNull();
    expect((await store.findBySource(template.source_system, template.external_id))?.incident_id).toBe(
      template.incident_id,
    );
  });

  it('refuses an id that already exists with already_exists', async () => {
    const err = await store
      .createIncidents([
        write(1),
        { ...write(2), incident: { ...write(2).incident, incident_id: template.incident_id } },
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).details).toMatchObject({ reason: 'already_exists', id: template.incident_id });
    expect((await store.getIncident(template.incident_id))?.external_id).toBe(template.external_id);
  });

  it('refuses repeats inside the call before writing anything', async () => {
    const cases: [CreateIncidentWrite[], string][] = [
      [[write(1), write(1)], 'already_exists'],
      [[write(1), write(2, { external_id: write(1).incident.external_id })], 'duplicate_source'],
      [
        [
          write(1),
          {
            ...write(2),
            interactions: (write(2).interactions ?? []).map((i) => ({
              ...i,
              interaction_id: (write(1).interactions ?? [])[0]?.interaction_id ?? 'x',
            })),
          },
        ],
        'already_exists',
      ],
    ];
    for (const [writes, reason] of cases) {
      const err = await store.createIncidents(writes).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect((err as ConflictError).details).toMatchObject({ reason });
    }
    expect(transactions()).toHaveLength(0);
    expect(await store.getIncident(write(1).incident.incident_id)).toBeNull();
  });

  it('validates every write first and names the field of the bad one; nothing is written', async () => {
    const bad = write(3, { title: '' });
    const err = await store.createIncidents([write(1), write(2), bad]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).details.issues.map((i) => i.path)).toContain('writes.2.incident.title');
    const revision = await store
      .createIncidents([{ ...write(4), incident: { ...write(4).incident, revision: 2 } }])
      .catch((e: unknown) => e);
    expect((revision as ValidationError).details.issues.map((i) => i.path)).toContain('writes.0.incident.revision');
    expect(transactions()).toHaveLength(0);
    expect(await store.getIncident(write(1).incident.incident_id)).toBeNull();
  });

  it('accepts an empty call and rejects a non-array', async () => {
    await store.createIncidents([]);
    await expect(store.createIncidents(null as unknown as CreateIncidentWrite[])).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(transactions()).toHaveLength(0);
  });
});

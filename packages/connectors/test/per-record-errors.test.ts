/**
 * A refusal that concerns one record stays with that record's outbound item: a 403 on one Jira
 * issue or a closed Zendesk ticket (422) never stops the connector, and a closed ticket is not
 * retried.
 */
import { type Actor, collectAll, createIncidentService, type OutboundItem } from '@incidents/core';
import { createTursoStore } from '@incidents/store-turso';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSyncEngine } from '../src/engine/index.js';
import { type Fixture, FIXTURES } from './vendors.js';

const ana: Actor = { id: 'ana@example.com', roles: ['operator'] };

async function setUp(name: 'jira' | 'zendesk', seed: (f: Fixture) => void) {
  const f = await (FIXTURES[name] as NonNullable<(typeof FIXTURES)[string]>)({ baseDelayMs: 1, maxRetries: 2 });
  const store = await createTursoStore({ url: ':memory:' });
  const engine = createSyncEngine({ store, connectors: [f.connector], backoff: () => 0 });
  seed(f);
  expect((await engine.pull(f.connector.name)).errors).toEqual([]);
  const incidents = (await store.queryIncidents({ by: 'source', source_system: f.connector.sourceSystem }, {})).items;
  for (const incident of incidents) {
    await createIncidentService({ store }).addComment(
      { incident_id: incident.incident_id, text: `Update on ${incident.external_id}` },
      { actor: ana },
    );
  }
  const outbound = async () =>
    new Map(
      (await collectAll((c) => store.listOutbound({}, { cursor: c }))).map((i): [string, OutboundItem] => [
        i.external_id,
        i,
      ]),
    );
  return { f, store, engine, outbound };
}

describe('per-record errors stay per record', () => {
  let cleanup: Array<() => Promise<void>> = [];
  beforeEach(() => {
    cleanup = [];
  });
  afterEach(async () => {
    for (const c of cleanup) await c();
  });

  it('a 403 on one Jira issue fails that item only; the connector goes on with the others', async () => {
    const { f, store, engine, outbound } = await setUp('jira', (fx) => {
      const server = fx.server as unknown as { issues: unknown[] };
      fx.seed();
      const [first] = server.issues as Array<Record<string, unknown>>;
      server.issues.push({ ...first, key: 'OPS-2', summary: 'Incident 2', comments: [] });
    });
    cleanup.push(
      () => store.close(),
      () => f.server.close(),
    );
    f.server.failNext('/rest/api/3/issue/OPS-1/comment', {
      status: 403,
      body: { errorMessages: ['You do not have permission to comment on this issue.'], errors: {} },
    });
    const run = await engine.push(f.connector.name);
    expect(run.connectors[0]).toMatchObject({ ok: true, pushed: 1, failed: 1 });
    expect(run.errors).toEqual([]);
    const items = await outbound();
    expect(items.get('OPS-2')?.status).toBe('COMPLETED');
    expect(items.get('OPS-1')).toMatchObject({ status: 'FAILED' });
    expect(items.get('OPS-1')?.error_message).toMatch(/403.*permission/);
  });

  it('a closed Zendesk ticket (422) is unsupported: DEAD at once with the reason, never retried', async () => {
    const { f, store, engine, outbound } = await setUp('zendesk', (fx) => {
      fx.seed();
      const server = fx.server as unknown as { tickets: Array<Record<string, unknown>> };
      const [first] = server.tickets;
      server.tickets.push({ ...first, id: 2, subject: 'Second', comments: [] });
    });
    cleanup.push(
      () => store.close(),
      () => f.server.close(),
    );
    const tickets = (f.server as unknown as { tickets: Array<{ id: number; status: string }> }).tickets;
    const closed = tickets.find((t) => t.id === 1);
    if (closed) closed.status = 'closed';
    const run = await engine.push(f.connector.name);
    expect(run.connectors[0]).toMatchObject({ ok: true, pushed: 1, dead: 1, failed: 0 });
    const items = await outbound();
    expect(items.get('1')).toMatchObject({ status: 'DEAD', attempts: 1 });
    expect(items.get('1')?.error_message).toMatch(/closed.*cannot be updated/);
    expect(items.get('2')?.status).toBe('COMPLETED');
    await engine.push(f.connector.name);
    expect(f.server.requestsTo('/api/v2/tickets/1.json', 'PUT')).toHaveLength(1);
  });
});

/**
 * The raw baseline is only a fair comparison if it writes what the SDK writes: these tests write the
 * same records through the store and through the raw statements, and compare the databases.
 */
import type { Incident, Interaction } from '@incidents/core';
import type { Client } from '@libsql/client';
import type { TursoStore } from '@incidents/store-turso';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRaw, openStore, type TempDir, tempDir } from '../src/databases.js';
import {
  bulkCreateStatements,
  compareStoredRows,
  createStatements,
  shapeOf,
  updateStatements,
} from '../src/raw-sql.js';
import { incidentRecord } from '../src/records.js';
import { seededRandom } from '../src/stats.js';

let dir: TempDir;
let store: TursoStore;
let raw: Client;

beforeEach(async () => {
  dir = await tempDir('test-raw-sql');
  store = await openStore(dir.url('sdk'));
  raw = await openRaw(dir.url('raw'));
});

afterEach(async () => {
  await store.close();
  raw.close();
  await dir.cleanup();
});

const record = (seq: number): Incident =>
  incidentRecord({ seq, rnd: seededRandom(seq + 1), createdAtMs: Date.parse('2026-03-01T10:00:00.000Z') });

function claimed(incident: Incident): { next: Incident; rows: Interaction[] } {
  const now = '2026-03-01T10:05:00.000Z';
  const next: Incident = {
    ...incident,
    status: 'ASSIGNED',
    assigned_to: 'op1@example.com',
    assigned_at: now,
    revision: incident.revision + 1,
    updated_at: now,
    metadata: {
      ...incident.metadata,
      last_modified_by: 'op1@example.com',
      version_notes: 'claimed by op1@example.com',
    },
  };
  const row: Interaction = {
    interaction_id: `01JTESTINTERACTION${incident.incident_id.slice(-4)}`,
    incident_id: incident.incident_id,
    type: 'status_change',
    author: 'op1@example.com',
    created_at: now,
    text: 'NEW → ASSIGNED',
    visibility: 'PUBLIC',
    source: 'MANUAL',
    revision: next.revision,
    metadata: { from: 'NEW', to: 'ASSIGNED' },
  };
  return { next, rows: [row] };
}

const both = (id: string) =>
  [
    { client: store.client, incidentId: id },
    { client: raw, incidentId: id },
  ] as const;

describe('raw statements vs the store', () => {
  it('a create writes the same version 0 and history version 1, value for value', async () => {
    const incident = record(1);
    await store.createIncident({ incident });
    await raw.batch(createStatements(incident), 'write');
    expect(await compareStoredRows(...both(incident.incident_id), { exact: true })).toEqual([]);
  });

  it('a change writes the same update, history version and interactions', async () => {
    const incident = record(2);
    await store.createIncident({ incident });
    await raw.batch(createStatements(incident), 'write');
    const { next, rows } = claimed(incident);
    await store.updateIncident({ incident: next, expectedRevision: incident.revision, interactions: rows });
    const results = await raw.batch(updateStatements(next, incident.revision, rows), 'write');
    expect(results[0]?.rowsAffected).toBe(1);
    expect(await compareStoredRows(...both(incident.incident_id), { exact: true })).toEqual([]);
  });

  it('a change with a stale revision writes nothing at all (the guard works as in the store)', async () => {
    const incident = record(3);
    await raw.batch(createStatements(incident), 'write');
    const { next, rows } = claimed(incident);
    const results = await raw.batch(updateStatements({ ...next, revision: 5 }, 4, rows), 'write');
    expect(results[0]?.rowsAffected).toBe(0);
    const counts = await raw.batch(
      ['SELECT count(*) FROM incident_versions', 'SELECT count(*) FROM interactions', 'SELECT status FROM incidents'],
      'read',
    );
    expect(counts.map((rs) => rs.rows[0]?.[0])).toEqual([1, 0, 'NEW']);
  });

  it('bulk multi-row INSERTs write what store.createIncidents writes', async () => {
    const incidents = Array.from({ length: 450 }, (_, i) => record(100 + i));
    await store.createIncidents(incidents.map((incident) => ({ incident })));
    await raw.batch(bulkCreateStatements(incidents), 'write');
    for (const i of [0, 399, 400, 449]) {
      expect(await compareStoredRows(...both((incidents[i] as Incident).incident_id), { exact: true })).toEqual([]);
    }
  });

  it('reports a difference when the rows differ', async () => {
    const incident = record(4);
    await store.createIncident({ incident });
    await raw.batch(createStatements({ ...incident, status: 'ASSIGNED', assigned_to: 'x@example.com' }), 'write');
    const exact = await compareStoredRows(...both(incident.incident_id), { exact: true });
    const shape = await compareStoredRows(...both(incident.incident_id));
    expect(exact.length).toBeGreaterThan(0);
    expect(shape.join('\n')).toMatch(/"status":"NEW"[\s\S]*"status":"ASSIGNED"/);
  });
});

describe('shapeOf', () => {
  it('keeps enumerations, key sets and nesting, and blanks run-specific values', () => {
    expect(shapeOf({ status: 'NEW', title: 'x', metrics: '{"sla_breached":false,"reopened_count":0}' })).toEqual({
      metrics: { reopened_count: 'number', sla_breached: false },
      status: 'NEW',
      title: 'string',
    });
  });
});

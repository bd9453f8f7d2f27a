import type { Interaction } from '@incidents/core';
import { type Client, createClient, type InValue } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTursoStore, TURSO_MIGRATIONS } from '../src/index.js';
import { applyMigrations } from '../src/migrations.js';
import { timelineStatement } from '../src/queries.js';
import { INCIDENT_COLUMNS, INTERACTION_COLUMNS, incidentArgs, interactionArgs } from '../src/rows.js';
import { incidentRecord, interactionRecord } from './fixtures.js';
import { tempDir } from './helpers.js';

/**
 * Migration 004 rewrites the interactions table as a WITHOUT ROWID table clustered by
 * (incident_id, created_at, interaction_id), so that one incident's timeline (R-DESK-3) is stored
 * together. It must keep every row and column value, the uniqueness of interaction ids (R-MODEL-5:
 * a duplicate aborts the write) and the exact timeline order, on a database created by the schema
 * before it (migrations 001–003).
 */
describe('migration 004: interactions clustered by incident', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    await cleanup();
  });

  const INCIDENTS = 4;
  const PER_INCIDENT = 60;

  /** A database at schema version 3 holding interleaved timelines, written through the raw client. */
  async function databaseAtVersion3(url: string): Promise<Client> {
    const raw = createClient({ url, intMode: 'number' });
    const report = await applyMigrations(
      raw,
      TURSO_MIGRATIONS.filter((m) => m.version <= 3),
    );
    expect(report.current).toBe(3);
    const incidents = Array.from({ length: INCIDENTS }, (_, i) => incidentRecord(i));
    const stmts: { sql: string; args: InValue[] }[] = incidents.map((i) => ({
      sql: `INSERT INTO incidents (${INCIDENT_COLUMNS.join(', ')}) VALUES (${INCIDENT_COLUMNS.map(() => '?').join(', ')})`,
      args: incidentArgs(i),
    }));
    // Written round-robin (one incident's entries interleaved with the others', as in real use); every
    // fifth pair shares a created_at (entries of one change), so interaction_id must break the tie.
    for (let n = 1; n <= PER_INCIDENT; n++) {
      for (const incident of incidents) {
        const entry = interactionRecord(incident, n, {
          // External ids and metadata on some rows: every column must survive the rewrite.
          ...(n % 7 === 0 ? { external_id: `ext-${n}` } : {}),
          ...(n % 4 === 0 ? { metadata: { from: 'NEW', to: 'ASSIGNED' } } : {}),
          ...(n % 5 === 1 && n > 1
            ? { created_at: new Date(Date.parse(incident.created_at) + (n - 1) * 1000).toISOString() }
            : {}),
        });
        stmts.push({
          sql: `INSERT INTO interactions (${INTERACTION_COLUMNS.join(', ')}) VALUES (${INTERACTION_COLUMNS.map(() => '?').join(', ')})`,
          args: interactionArgs(entry),
        });
      }
    }
    await raw.batch(stmts, 'write');
    return raw;
  }

  /** Every timeline page of every incident (operator and public view), read with the store's statement. */
  async function timelines(client: Client): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (let i = 0; i < INCIDENTS; i++) {
      const id = incidentRecord(i).incident_id;
      for (const includeInternal of [true, false]) {
        for (const order of ['desc', 'asc'] as const) {
          const rs = await client.execute(timelineStatement(id, { includeInternal, order }, 1000));
          out[`${id} ${includeInternal ? 'all' : 'public'} ${order}`] = rs.rows.map((r) => String(r[0]));
        }
      }
    }
    return out;
  }

  const allRows = async (client: Client) =>
    (
      await client.execute(
        `SELECT ${INTERACTION_COLUMNS.join(', ')}, is_internal FROM interactions ORDER BY interaction_id`,
      )
    ).rows.map((r) => ({ ...r }));

  it('rewrites a version-3 database: every row kept, ids unique, timelines identical', async () => {
    const url = `file:${dir}/v3.db`;
    const raw = await databaseAtVersion3(url);
    const rowsBefore = await allRows(raw);
    const timelinesBefore = await timelines(raw);
    expect(rowsBefore).toHaveLength(INCIDENTS * PER_INCIDENT);
    raw.close();

    const store = await createTursoStore({ url });
    try {
      expect(store.schema.applied).toEqual([4]);
      const table = await store.client.execute("SELECT sql FROM sqlite_schema WHERE name = 'interactions'");
      expect(String(table.rows[0]?.sql)).toMatch(
        /PRIMARY KEY \(incident_id, created_at, interaction_id\)\s*\) WITHOUT ROWID/,
      );
      const indexes = await store.client.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'interactions' ORDER BY name",
      );
      // The old timeline index is gone (the table is the timeline order now); the id's unique index stays.
      expect(indexes.rows.map((r) => r.name)).toEqual(['ux_interactions_id']);

      expect(await allRows(store.client)).toEqual(rowsBefore);
      const unique = await store.client.execute(
        'SELECT count(*) AS n, count(DISTINCT interaction_id) AS d FROM interactions',
      );
      expect(unique.rows[0]).toMatchObject({ n: INCIDENTS * PER_INCIDENT, d: INCIDENTS * PER_INCIDENT });
      expect(await timelines(store.client)).toEqual(timelinesBefore);

      // Through the store, page by page (the keyset cursor on the new key): the same order.
      const id = incidentRecord(2).incident_id;
      const paged: Interaction[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listInteractions(id, {
          limit: 7,
          includeInternal: true,
          ...(cursor ? { cursor } : {}),
        });
        paged.push(...page.items);
        cursor = page.cursor ?? undefined;
      } while (cursor);
      const idsBefore = (timelinesBefore[`${id} all desc`] ?? []).map((doc) => JSON.parse(doc).interaction_id);
      expect(idsBefore).toHaveLength(PER_INCIDENT);
      expect(paged.map((i) => i.interaction_id)).toEqual(idsBefore);
      expect(await store.checkIntegrity()).toEqual({ ok: true, messages: [] });
    } finally {
      await store.close();
    }
  });

  it('keeps interaction ids unique across incidents after the rewrite (a duplicate aborts the write)', async () => {
    const url = `file:${dir}/dup.db`;
    (await databaseAtVersion3(url)).close();
    const store = await createTursoStore({ url });
    try {
      const taken = interactionRecord(incidentRecord(0), 1);
      const other = incidentRecord(50);
      // Same id, another incident and time: only the id's unique index can refuse it.
      await expect(
        store.createIncident({
          incident: other,
          interactions: [{ ...taken, incident_id: other.incident_id, created_at: other.created_at }],
        }),
      ).rejects.toMatchObject({ code: 'conflict', details: { entity: 'Interaction', id: taken.interaction_id } });
      expect(await store.getIncident(other.incident_id)).toBeNull();
      // The very same entry again (same primary key): the same typed conflict, nothing written.
      const current = await store.getIncident(taken.incident_id);
      await expect(
        store.updateIncident({
          incident: { ...(current as NonNullable<typeof current>), revision: 2 },
          expectedRevision: 1,
          interactions: [taken],
        }),
      ).rejects.toMatchObject({ code: 'conflict', details: { entity: 'Interaction', id: taken.interaction_id } });
      expect((await store.getIncident(taken.incident_id))?.revision).toBe(1);
    } finally {
      await store.close();
    }
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConflictError, IncidentsError, ValidationError } from '@incidents/core';
import { markValidated } from '@incidents/core/store-kit';
import { createClient } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTursoStore, type TursoStore } from '../src/index.js';
import { bulkWrites, incidentRecord, interactionRecord } from './fixtures.js';

describe('TursoStore beyond the contract', () => {
  let store: TursoStore;
  beforeEach(async () => {
    store = await createTursoStore({ url: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  const count = async (table: string) =>
    Number((await store.client.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);

  describe('createIncidents (bulk)', () => {
    it('writes every incident with version 1, interactions and source records, round-tripping exactly', async () => {
      const writes = bulkWrites(900, 2);
      const first = writes[0];
      if (!first) throw new Error('fixture');
      first.sourceRecords = [
        {
          incident_id: first.incident.incident_id,
          source_system: 'ZENDESK',
          record_id: '77',
          status: 'open',
          created_at: first.incident.created_at,
          updated_at: first.incident.created_at,
          data: { via: 'email' },
        },
      ];
      await store.createIncidents(writes);
      expect(await count('incidents')).toBe(900);
      expect(await count('incident_versions')).toBe(900);
      expect(await count('interactions')).toBe(1800);
      expect(await store.getIncident('BULK-000899')).toEqual(writes[899]?.incident);
      expect(await store.getVersion('BULK-000005', 1)).toEqual({ ...writes[5]?.incident, version: 1 });
      expect(await store.listSourceRecords(first.incident.incident_id)).toEqual(first.sourceRecords);
      const timeline = await store.listInteractions('BULK-000001', { includeInternal: true, order: 'asc' });
      expect(timeline.items).toEqual(writes[1]?.interactions);
    });

    it('is all-or-nothing and names the incident that collides with a stored one', async () => {
      await store.createIncidents(bulkWrites(3));
      const err = await store.createIncidents(bulkWrites(10, 1, 2)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect((err as ConflictError).details).toMatchObject({ id: 'BULK-000002', reason: 'already_exists' });
      expect(await count('incidents')).toBe(3);
      expect(await count('interactions')).toBe(0);

      const sameSource = bulkWrites(2, 0, 50).map((w) => ({ incident: { ...w.incident, external_id: 'BULK-000001' } }));
      await expect(store.createIncidents(sameSource.slice(1))).rejects.toMatchObject({
        details: { id: 'BULK-000051', reason: 'duplicate_source' },
      });
      await expect(store.createIncidents(sameSource)).rejects.toMatchObject({
        details: { reason: 'duplicate_source' },
      });
      expect(await count('incidents')).toBe(3);
    });

    it('refuses duplicates inside one call and invalid records with the field path', async () => {
      const twice = [...bulkWrites(1), ...bulkWrites(1)];
      await expect(store.createIncidents(twice)).rejects.toMatchObject({
        details: { reason: 'already_exists', id: 'BULK-000000' },
      });
      const bad = bulkWrites(2);
      (bad[1]?.incident as { title: string }).title = '';
      const err = await store.createIncidents(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).details.issues[0]?.path).toBe('writes.1.incident.title');
      const foreign = bulkWrites(1, 1);
      (foreign[0]?.interactions?.[0] as { incident_id: string }).incident_id = 'SOMEONE-ELSE';
      await expect(store.createIncidents(foreign)).rejects.toMatchObject({
        details: { issues: [{ path: 'writes.0.interactions.0.incident_id' }] },
      });
      expect(await count('incidents')).toBe(0);
    });
  });

  describe('write validation', () => {
    it('refuses an update whose revision is not expectedRevision + 1, and a create not at revision 1', async () => {
      const incident = incidentRecord(1);
      await store.createIncident({ incident });
      await expect(
        store.updateIncident({ incident: { ...incident, revision: 5 }, expectedRevision: 1 }),
      ).rejects.toMatchObject({
        code: 'validation',
        details: { issues: [{ path: 'write.incident.revision' }] },
      });
      await expect(store.createIncident({ incident: { ...incidentRecord(2), revision: 2 } })).rejects.toMatchObject({
        details: { issues: [{ path: 'write.incident.revision' }] },
      });
      await expect(
        store.createIncident({ incident: { ...incidentRecord(3), severity: 'URGENT' as 'HIGH' } }),
      ).rejects.toMatchObject({ details: { issues: [{ path: 'write.incident.severity' }] } });
      expect(await store.getIncident(incident.incident_id)).toEqual(incident);
    });

    it('skips the record parse only for a write marked by SDK code, and only once', async () => {
      const bad = { ...incidentRecord(4), tags: [42 as unknown as string] };
      // Marked: the store trusts the builder (the read path still validates what it returns).
      const marked = markValidated({ incident: bad });
      await store.createIncident(marked);
      await expect(store.getIncident(bad.incident_id)).rejects.toMatchObject({ code: 'store.corrupt_row' });
      // The cheap structural checks still run on a marked write.
      await expect(
        store.createIncident(markValidated({ incident: { ...incidentRecord(5), revision: 3 } })),
      ).rejects.toMatchObject({ details: { issues: [{ path: 'write.incident.revision' }] } });
      // The same object again is not marked any more: validated, refused.
      const other = { ...bad, incident_id: 'INC-MARK-2', external_id: 'INC-MARK-2' };
      const reused = markValidated({ incident: other });
      await store.createIncident(reused).catch(() => undefined);
      await store.client.execute({
        sql: 'DELETE FROM incident_versions WHERE incident_id = ?',
        args: [other.incident_id],
      });
      await store.client.execute({ sql: 'DELETE FROM incidents WHERE incident_id = ?', args: [other.incident_id] });
      await expect(store.createIncident(reused)).rejects.toMatchObject({
        details: { issues: [{ path: 'write.incident.tags.0' }] },
      });
    });

    it('reads its own rows with a shape check, refuses a row of the wrong shape, and checkIntegrity() runs the full schema', async () => {
      // Reads of rows the store wrote check their shape only (R-ACCESS-1: pages spend their time on SQL);
      // a row of the wrong shape is still refused naming the field, and checkIntegrity() finds the rest.
      const shape = incidentRecord(6, { incident_id: 'INC-SHAPE', external_id: 'INC-SHAPE' });
      const deep = incidentRecord(7, { incident_id: 'INC-DEEP', external_id: 'INC-DEEP' });
      await store.createIncident({ incident: shape });
      await store.createIncident({ incident: deep });
      expect(await store.checkIntegrity()).toEqual({ ok: true, messages: [] });
      await store.client.execute({
        sql: `UPDATE incidents SET tags = '"not a list"' WHERE incident_id = 'INC-SHAPE'`,
      });
      await expect(store.getIncident('INC-SHAPE')).rejects.toMatchObject({
        code: 'store.corrupt_row',
        message: expect.stringContaining('tags'),
      });
      await store.client.execute({
        sql: `UPDATE incidents SET metrics = json_set(metrics, '$.reopened_count', 'many') WHERE incident_id = 'INC-DEEP'`,
      });
      const report = await store.checkIntegrity();
      expect(report.ok).toBe(false);
      expect(report.messages).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^incident INC-SHAPE does not match the model: tags/),
          expect.stringMatching(/^incident INC-DEEP does not match the model: metrics\.reopened_count/),
        ]),
      );
      await store.client.execute({
        sql: "DELETE FROM incident_versions WHERE incident_id IN ('INC-SHAPE', 'INC-DEEP')",
      });
      await store.client.execute({ sql: "DELETE FROM incidents WHERE incident_id IN ('INC-SHAPE', 'INC-DEEP')" });
    });

    it('keeps optional fields absent (no undefined keys) and nested groups intact', async () => {
      const incident = incidentRecord(4, {
        cline_work: {
          started_at: '2026-01-05T10:00:00.000Z',
          last_updated: '2026-01-05T11:00:00.000Z',
          developer: 'ana@example.com',
          progress_notes: [
            { at: '2026-01-05T10:30:00.000Z', by: 'ana@example.com', text: 'ñandú "quoted" \\ emoji 🚀' },
          ],
          time_tracking: { total_minutes: 12.5, sessions: [] },
        },
      });
      delete (incident as { team?: string }).team;
      await store.createIncident({ incident });
      const got = await store.getIncident(incident.incident_id);
      expect(got).toEqual(incident);
      expect(Object.keys(got ?? {})).not.toContain('team');
      expect(Object.keys(got ?? {})).not.toContain('resolution');
    });
  });

  describe('rows read as JSON documents', () => {
    it('round-trips text that needs escaping and leaves absent optional fields out (no undefined keys)', async () => {
      const text = 'quote " backslash \\ newline \n tab \t control \u0001 accents é ü emoji 😀 </script>';
      const incident = incidentRecord(20, { incident_id: 'INC-ESC', external_id: 'INC-ESC', title: text });
      delete incident.team;
      delete incident.due_date;
      const entries = [
        interactionRecord(incident, 1, { text, external_id: 'ext "1"', metadata: { note: text, none: null } }),
        interactionRecord(incident, 2, { revision: undefined }),
      ];
      delete entries[1]?.revision;
      await store.createIncident({ incident, interactions: entries });
      const read = await store.getIncident('INC-ESC');
      expect(read).toStrictEqual(incident);
      expect(Object.keys(read ?? {})).not.toContain('team');
      const page = await store.listInteractions('INC-ESC', { includeInternal: true, order: 'asc' });
      expect(page.items).toStrictEqual(entries);
      expect(Object.keys(page.items[1] ?? {})).not.toContain('revision');
    });

    it('refuses a row whose JSON column is not valid JSON with store.corrupt_row', async () => {
      const incident = incidentRecord(21, { incident_id: 'INC-BADJSON', external_id: 'INC-BADJSON' });
      await store.createIncident({ incident, interactions: [interactionRecord(incident, 1)] });
      await store.client.execute(
        `UPDATE incidents SET metrics = '{"reopened_count": 0' WHERE incident_id = 'INC-BADJSON'`,
      );
      await expect(store.getIncident('INC-BADJSON')).rejects.toMatchObject({ code: 'store.corrupt_row' });
      await store.client.execute(`UPDATE interactions SET metadata = '{oops' WHERE incident_id = 'INC-BADJSON'`);
      await expect(store.listInteractions('INC-BADJSON')).rejects.toMatchObject({ code: 'store.corrupt_row' });
    });
  });

  describe('list pages and timelines (documents read by column index)', () => {
    it('refuses a row of the wrong shape with store.corrupt_row naming the field, on a page as on a get', async () => {
      const incident = incidentRecord(22, { incident_id: 'INC-PAGE', external_id: 'INC-PAGE' });
      await store.createIncident({ incident, interactions: [interactionRecord(incident, 1)] });
      const query = { by: 'source', source_system: incident.source_system, external_id: 'INC-PAGE' } as const;
      expect((await store.queryIncidents(query)).items).toEqual([incident]);
      await store.client.execute(`UPDATE incidents SET tags = '[1]' WHERE incident_id = 'INC-PAGE'`);
      await expect(store.queryIncidents(query)).rejects.toMatchObject({
        code: 'store.corrupt_row',
        message: expect.stringContaining('tags'),
      });
      await store.client.execute(`UPDATE interactions SET source = 'carrier pigeon' WHERE incident_id = 'INC-PAGE'`);
      await expect(store.listInteractions('INC-PAGE', { includeInternal: true })).rejects.toMatchObject({
        code: 'store.corrupt_row',
        message: expect.stringContaining('source'),
      });
    });

    it('reads an optional JSON column holding the text null as an absent field', async () => {
      const incident = incidentRecord(23, { incident_id: 'INC-NULL', external_id: 'INC-NULL' });
      await store.createIncident({ incident });
      await store.client.execute(
        `UPDATE incidents SET cline_work = 'null', resolution = 'null' WHERE incident_id = 'INC-NULL'`,
      );
      const query = { by: 'source', source_system: incident.source_system, external_id: 'INC-NULL' } as const;
      const [read] = (await store.queryIncidents(query)).items;
      expect(read).toEqual(incident);
      expect(Object.keys(read ?? {})).not.toContain('cline_work');
      expect(Object.keys(read ?? {})).not.toContain('resolution');
      expect(await store.getIncident('INC-NULL')).toEqual(read);
    });
  });

  describe('pagination guards', () => {
    it('refuses a cursor from another query', async () => {
      await store.createIncidents(bulkWrites(30));
      const page = await store.queryIncidents({ by: 'team', team: 'team-1' }, { limit: 1 });
      expect(page.cursor).toEqual(expect.any(String));
      await expect(
        store.queryIncidents({ by: 'category', category: 'Network' }, { cursor: page.cursor }),
      ).rejects.toMatchObject({
        code: 'validation',
        details: { issues: [{ path: 'cursor' }] },
      });
      await expect(store.listInteractions('BULK-000001', { cursor: page.cursor })).rejects.toBeInstanceOf(
        ValidationError,
      );
      await expect(store.listUsers({ cursor: page.cursor })).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('linking', () => {
    it('resumes an interrupted link: moves what is left without writing versions', async () => {
      const from = incidentRecord(10, { incident_id: 'SL-1', external_id: 'SL-1', source_system: 'SLACK' });
      const to = incidentRecord(11, { incident_id: 'ZD-1', external_id: 'ZD-1', source_system: 'ZENDESK' });
      await store.createIncidents([{ incident: from, interactions: [interactionRecord(from, 1)] }, { incident: to }]);
      // Simulate an interrupted link: the tombstone is there, the timeline was not moved yet.
      await store.client.execute("UPDATE incidents SET merged_into = 'ZD-1' WHERE incident_id = 'SL-1'");
      const tomb = { ...from, merged_into: 'ZD-1' };
      await store.linkIncidents({ from: tomb, fromExpectedRevision: 1, to, toExpectedRevision: 1, resume: true });
      expect(
        (await store.listInteractions('ZD-1', { includeInternal: true })).items.map((i) => i.interaction_id),
      ).toEqual(['SL-1-I00001']);
      expect((await store.listVersions('ZD-1')).items).toHaveLength(1);
      expect((await store.getIncident('ZD-1'))?.revision).toBe(1);
    });
  });

  describe('knowledge-base marks', () => {
    it('keeps WITHDRAW_PENDING on a failed withdrawal', async () => {
      const incident = incidentRecord(20, {
        kb_sync_status: { state: 'WITHDRAW_PENDING', synced: false, sync_attempts: 0, document_key: 'closed/x.json' },
      });
      await store.createIncident({ incident });
      expect(
        await store.markKbSyncFailed({
          incident_id: incident.incident_id,
          attempted_at: '2026-01-06T00:00:00.000Z',
          error: 'S3 503',
        }),
      ).toBe(1);
      const got = await store.getIncident(incident.incident_id);
      expect(got?.kb_sync_status).toEqual({
        state: 'WITHDRAW_PENDING',
        synced: false,
        sync_attempts: 1,
        document_key: 'closed/x.json',
        last_sync_attempt: '2026-01-06T00:00:00.000Z',
        last_sync_error: 'S3 503',
      });
      expect((await store.listPendingKbSync()).items.map((i) => i.incident_id)).toEqual([incident.incident_id]);
    });
  });
});

describe('createTursoStore options and errors', () => {
  it('needs a url or a client, and reports bad options by field', async () => {
    await expect(createTursoStore({})).rejects.toMatchObject({
      code: 'validation',
      details: { issues: [{ path: 'url' }] },
    });
    await expect(createTursoStore({ url: ':memory:', busyTimeoutMs: -1 })).rejects.toMatchObject({
      details: { issues: [{ path: 'busyTimeoutMs' }] },
    });
    await expect(createTursoStore({ url: 'ftp://nowhere/db' })).rejects.toMatchObject({
      code: 'config',
      userError: true,
    });
  });

  it('cacheSizeMiB sets the connection page cache of a local database; a bad value names the field', async () => {
    const sized = await createTursoStore({ url: ':memory:', cacheSizeMiB: 256 });
    try {
      const rs = await sized.client.execute('PRAGMA cache_size');
      expect(Number(rs.rows[0]?.[0])).toBe(-256 * 1024);
    } finally {
      await sized.close();
    }
    const plain = await createTursoStore({ url: ':memory:' });
    try {
      const rs = await plain.client.execute('PRAGMA cache_size');
      expect(Number(rs.rows[0]?.[0])).toBe(-2000); // SQLite's default, untouched
    } finally {
      await plain.close();
    }
    await expect(createTursoStore({ url: ':memory:', cacheSizeMiB: 0.5 })).rejects.toMatchObject({
      code: 'validation',
      details: { issues: [{ path: 'cacheSizeMiB' }] },
    });
  });

  it('creates the folder of a file: database (absolute, file:// and relative), or says why it cannot', async () => {
    const root = await mkdtemp(join(tmpdir(), 'turso-folder-'));
    try {
      for (const url of [
        `file:${join(root, 'a', 'b', 'incidents.db')}`,
        `${pathToFileURL(join(root, 'c', 'incidents.db')).href}`,
        `file:${relative(process.cwd(), join(root, 'd', 'incidents.db'))}`,
      ]) {
        const store = await createTursoStore({ url });
        await store.createIncident({ incident: incidentRecord(1) });
        expect((await store.getIncident('BULK-000001'))?.incident_id, url).toBe('BULK-000001');
        await store.close();
      }
      // A plain file where the folder should be: a config error naming the path, not SQLite's code 14.
      await writeFile(join(root, 'taken'), 'not a folder');
      await expect(createTursoStore({ url: `file:${join(root, 'taken', 'x', 'incidents.db')}` })).rejects.toMatchObject(
        {
          code: 'config',
          userError: true,
          message: expect.stringContaining(
            `Cannot create the folder of the database file ${join(root, 'taken', 'x', 'incidents.db')}`,
          ),
        },
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('works over an injected client and leaves closing it to its owner', async () => {
    const client = createClient({ url: ':memory:', intMode: 'number' });
    const store = await createTursoStore({ client });
    expect(store.client).toBe(client);
    await store.createIncident({ incident: incidentRecord(1) });
    await store.close();
    await store.close();
    expect(client.closed).toBe(false);
    expect(Number((await client.execute('SELECT count(*) AS n FROM incidents')).rows[0]?.n)).toBe(1);
    await expect(store.getIncident('BULK-000001')).rejects.toMatchObject({ code: 'store.closed' });
    client.close();
  });

  it('wraps driver failures as store errors that keep the cause', async () => {
    const client = createClient({ url: ':memory:', intMode: 'number' });
    const store = await createTursoStore({ client });
    await client.execute('DROP TABLE interactions');
    const err = await store.listInteractions('X').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncidentsError);
    expect(err).toMatchObject({ code: 'store', userError: false });
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/no such table: interactions/);
    client.close();
  });
});

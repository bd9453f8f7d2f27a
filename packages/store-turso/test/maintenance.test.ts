import { stat, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTursoStore, type TursoStore } from '../src/index.js';
import { bulkWrites } from './fixtures.js';
import { tempDir } from './helpers.js';

describe('maintenance helpers', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: TursoStore;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    store = await createTursoStore({ url: `file:${dir}/live.db` });
    await store.createIncidents(bulkWrites(40, 3));
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  it('backs up to a file that opens as a store with the same rows', async () => {
    const result = await store.backup(`${dir}/backups/copy.db`);
    expect(result.path).toBe(`${dir}/backups/copy.db`);
    expect(result.bytes).toBe((await stat(result.path)).size);
    expect(result.bytes).toBeGreaterThan(0);
    const copy = await createTursoStore({ url: `file:${result.path}` });
    expect(copy.schema.applied).toEqual([]);
    const live = await store.stats();
    const restored = await copy.stats();
    expect(restored.tables.map((t) => [t.name, t.rows])).toEqual(live.tables.map((t) => [t.name, t.rows]));
    expect(restored.tables.find((t) => t.name === 'interactions')?.rows).toBe(120);
    expect(await copy.getIncident('BULK-000007')).toEqual(await store.getIncident('BULK-000007'));
    expect((await copy.checkIntegrity()).ok).toBe(true);
    await copy.close();
  });

  it('backs up an in-memory database too, and never overwrites an existing file', async () => {
    const mem = await createTursoStore({ url: ':memory:' });
    await mem.createIncidents(bulkWrites(3));
    const { path } = await mem.backup(`${dir}/mem.db`);
    const copy = await createTursoStore({ url: `file:${path}` });
    expect((await copy.queryIncidents({ by: 'source', source_system: 'MANUAL' })).items).toHaveLength(3);
    await copy.close();
    await writeFile(`${dir}/taken.db`, 'x');
    await expect(mem.backup(`${dir}/taken.db`)).rejects.toMatchObject({ code: 'store.backup_exists', userError: true });
    await expect(mem.backup('')).rejects.toMatchObject({ code: 'validation' });
    await mem.close();
  });

  it('reports integrity ok, and a foreign-key violation when one sneaks in', async () => {
    expect(await store.checkIntegrity()).toEqual({ ok: true, messages: [] });
    await store.client.execute('PRAGMA foreign_keys = OFF');
    await store.client.execute(
      "INSERT INTO interactions (interaction_id, incident_id, type, author, created_at, visibility, source) VALUES ('ORPHAN', 'NO-SUCH', 'comment', 'x', '2026-01-01T00:00:00.000Z', 'PUBLIC', 'MANUAL')",
    );
    await store.client.execute('PRAGMA foreign_keys = ON');
    const report = await store.checkIntegrity();
    expect(report.ok).toBe(false);
    expect(report.messages).toEqual([
      expect.stringMatching(/foreign key violation: interactions row references a missing incidents row/),
    ]);
  });

  it('runs ANALYZE and REINDEX, and VACUUM only when asked', async () => {
    const plain = await store.maintain();
    expect(plain).toMatchObject({ analyzed: true, reindexed: true, vacuumed: false });
    expect(plain.durationMs).toBeGreaterThanOrEqual(0);
    const stat1 = await store.client.execute("SELECT count(*) AS n FROM sqlite_stat1 WHERE tbl = 'incidents'");
    expect(Number(stat1.rows[0]?.n)).toBeGreaterThan(0);
    expect(await store.maintain({ vacuum: true })).toMatchObject({ vacuumed: true });
    expect((await store.checkIntegrity()).ok).toBe(true);
  });

  it('counts the statements it runs and sizes the tables', async () => {
    const before = (await store.stats()).queries.count;
    await store.getIncident('BULK-000001');
    await store.listInteractions('BULK-000001');
    await store.queryIncidents({ by: 'team', team: 'team-1' });
    const after = await store.stats();
    // The three reads, plus the statements of the first stats() call itself.
    expect(after.queries.count).toBeGreaterThanOrEqual(before + 3);
    expect(after.queries.avgMs).toBeGreaterThan(0);
    expect(after.tables.find((t) => t.name === 'incidents')).toMatchObject({ rows: 40, bytes: expect.any(Number) });
    expect(after.tables.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'incidents',
        'incident_versions',
        'interactions',
        'source_records',
        'users',
        'schema_migrations',
      ]),
    );
  });

  it('keeps slow statements (above slowQueryMs) with their SQL but never their arguments', async () => {
    const slow = await createTursoStore({ url: ':memory:', slowQueryMs: 0 });
    await slow.getIncident('SECRET-ARGUMENT');
    const { queries } = await slow.stats();
    expect(queries.slow.length).toBeGreaterThan(0);
    const entry = queries.slow.find((q) => q.sql.includes('FROM incidents WHERE incident_id = ?'));
    expect(entry).toMatchObject({ ms: expect.any(Number), at: expect.any(String) });
    expect(JSON.stringify(queries.slow)).not.toContain('SECRET-ARGUMENT');
    await slow.close();
  });
});

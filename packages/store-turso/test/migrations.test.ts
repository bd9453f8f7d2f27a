import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTursoStore, TURSO_MIGRATIONS } from '../src/index.js';
import { tempDir } from './helpers.js';

const migrationsDir = join(import.meta.dirname, '..', 'migrations');

describe('migrations', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    await cleanup();
  });

  it('ships every .sql file of migrations/ in order, embedded verbatim', async () => {
    const files = (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).sort();
    expect(TURSO_MIGRATIONS.map((m) => `${m.name}.sql`)).toEqual(files);
    expect(TURSO_MIGRATIONS.map((m) => m.version)).toEqual(files.map((_, i) => i + 1));
    for (const m of TURSO_MIGRATIONS) {
      expect(m.sql).toBe(await readFile(join(migrationsDir, `${m.name}.sql`), 'utf8'));
    }
  });

  it('justifies every index with a comment right above it', () => {
    // A migration may create no index (003's table is served by its primary key); all of them together do.
    let seen = 0;
    for (const m of TURSO_MIGRATIONS) {
      const lines = m.sql.split('\n');
      const indexes = lines.map((l, i) => [l, i] as const).filter(([l]) => /^CREATE (UNIQUE )?INDEX/.test(l));
      seen += indexes.length;
      for (const [line, i] of indexes) {
        expect(lines[i - 1], `comment above: ${line}`).toMatch(/^--\s+\S/);
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('applies the schema once, records it, and is a no-op on reopen', async () => {
    const url = `file:${dir}/m.db`;
    const first = await createTursoStore({ url });
    const all = TURSO_MIGRATIONS.map((m) => m.version);
    const latest = Math.max(...all);
    expect(first.schema).toEqual({ applied: all, current: latest });
    const rows = (await first.client.execute('SELECT version, name, checksum, applied_at FROM schema_migrations')).rows;
    expect(rows.map((r) => [r.version, r.name])).toEqual(TURSO_MIGRATIONS.map((m) => [m.version, m.name]));
    expect(String(rows[0]?.checksum)).toMatch(/^[0-9a-f]{8}$/);
    await first.putUser({
      email: 'zoe@example.com',
      name: 'Zoe',
      role: 'admin',
      active: true,
      created_at: '2026-01-01T00:00:00.000Z',
    });
    await first.close();

    const second = await createTursoStore({ url });
    expect(second.schema).toEqual({ applied: [], current: latest });
    expect((await second.client.execute('SELECT count(*) AS n FROM schema_migrations')).rows[0]?.n).toBe(all.length);
    expect((await second.getUser('zoe@example.com'))?.role).toBe('admin');
    await second.close();
  });

  it('opens a file database in WAL mode with foreign keys and a busy timeout', async () => {
    const store = await createTursoStore({ url: `file:${dir}/p.db`, busyTimeoutMs: 1234 });
    const pragma = async (name: string) => (await store.client.execute(`PRAGMA ${name}`)).rows[0]?.[0];
    expect(String(await pragma('journal_mode')).toLowerCase()).toBe('wal');
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(1234);
    await store.close();
  });

  it('refuses a database whose schema is newer than the package', async () => {
    const url = `file:${dir}/new.db`;
    await (await createTursoStore({ url })).close();
    const raw = createClient({ url });
    await raw.execute(
      "INSERT INTO schema_migrations VALUES (99, '099_future', '00000000', '2030-01-01T00:00:00.000Z')",
    );
    raw.close();
    await expect(createTursoStore({ url })).rejects.toMatchObject({
      code: 'store.schema_too_new',
      details: { databaseVersion: 99, packageVersion: TURSO_MIGRATIONS.length },
    });
  });

  it('lets two stores open the same new file at once: the schema is applied exactly once', async () => {
    const url = `file:${dir}/race.db`;
    const [a, b] = await Promise.all([createTursoStore({ url }), createTursoStore({ url })]);
    expect([...a.schema.applied, ...b.schema.applied].sort()).toEqual(TURSO_MIGRATIONS.map((m) => m.version));
    await Promise.all([a.close(), b.close()]);
  });
});

import { type Client, createClient, LibsqlBatchError, LibsqlError } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canUseLocalClient, createLocalClient } from '../src/local-client.js';
import { columnValues } from '../src/result-values.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('store-turso-local-client-'));
});
afterAll(async () => {
  await cleanup();
});

const SCHEMA = `
  CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER NOT NULL, doc TEXT, data BLOB);
  CREATE TABLE u (id TEXT PRIMARY KEY REFERENCES t (id));
`;

/** The same script against our client and @libsql/client: results must match. */
async function script(client: Client) {
  await client.executeMultiple(SCHEMA);
  const inserted = await client.execute({ sql: 'INSERT INTO t (id, n, doc) VALUES (?, ?, ?)', args: ['a', 1, '{}'] });
  await client.execute({
    sql: 'INSERT INTO t (id, n, doc) VALUES (:id, $n, @doc)',
    args: { ':id': 'b', $n: 2, '@doc': null },
  });
  await client.execute('INSERT INTO t (id, n, data) VALUES (?, ?, ?)', ['c', 3, new Uint8Array([1, 2, 3])]);
  const flag = await client.execute({ sql: 'SELECT ? AS yes, ? AS no', args: [true, false] });
  const rows = await client.execute('SELECT id, n, doc, n * 2 AS n FROM t ORDER BY id');
  const blob = await client.execute("SELECT data FROM t WHERE id = 'c'");
  return {
    inserted: { rowsAffected: inserted.rowsAffected, lastInsertRowid: inserted.lastInsertRowid },
    flag: flag.rows[0],
    columns: rows.columns,
    columnTypes: rows.columnTypes,
    named: rows.rows.map((r) => ({ ...r })),
    indexed: rows.rows.map((r) => [r[0], r[1], r[2], r[3], r.length]),
    json: rows.toJSON(),
    blob: [...new Uint8Array(blob.rows[0]?.data as ArrayBuffer)],
  };
}

describe('createLocalClient', () => {
  it('gives the same results as @libsql/client', async () => {
    const ours = createLocalClient({ url: `file:${dir}/ours.db` });
    const theirs = createClient({ url: `file:${dir}/theirs.db`, intMode: 'number' });
    try {
      const a = await script(ours);
      const b = await script(theirs);
      expect(a).toEqual(b);
      expect(a.named[0]).toEqual({ id: 'a', n: 1, doc: '{}' }); // a repeated column name keeps the first value
      expect(a.flag).toMatchObject({ yes: 1, no: 0 });
      expect(a.blob).toEqual([1, 2, 3]);
      expect(ours.protocol).toBe('file');
    } finally {
      ours.close();
      theirs.close();
    }
  });

  it('columnValues reads a column of every row, the same for both clients and before or after rows are read', async () => {
    const ours = createLocalClient({ url: ':memory:' });
    const theirs = createClient({ url: ':memory:', intMode: 'number' });
    try {
      const read = async (client: Client) => {
        await client.executeMultiple(SCHEMA);
        await client.batch(
          [
            { sql: 'INSERT INTO t (id, n, doc) VALUES (?, ?, ?)', args: ['a', 1, '{"k":1}'] },
            {
              sql: 'INSERT INTO t (id, n, doc, data) VALUES (?, ?, ?, ?)',
              args: ['b', 2 ** 40, null, new Uint8Array([7])],
            },
          ],
          'write',
        );
        const rs = await client.execute('SELECT doc, n, id, data FROM t ORDER BY id');
        const first = [0, 1, 2].map((i) => columnValues(rs, i));
        const blobs = columnValues(rs, 3).map((b) => (b === null ? null : [...new Uint8Array(b as ArrayBuffer)]));
        const rows = rs.rows.map((r) => [r.doc, r.n, r.id]);
        return {
          first,
          blobs,
          rows,
          again: columnValues(rs, 0),
          empty: columnValues(await client.execute('SELECT id FROM t WHERE 0'), 0),
        };
      };
      const a = await read(ours);
      expect(a).toEqual(await read(theirs));
      expect(a.first).toEqual([
        ['{"k":1}', null],
        [1, 2 ** 40],
        ['a', 'b'],
      ]);
      expect(a.blobs).toEqual([null, [7]]);
      expect(a.rows).toEqual([
        ['{"k":1}', 1, 'a'],
        [null, 2 ** 40, 'b'],
      ]);
      expect(a.empty).toEqual([]);
    } finally {
      ours.close();
      theirs.close();
    }
  });

  it('reuses statements across calls with different arguments, and after the schema changes', async () => {
    const client = createLocalClient({ url: ':memory:' });
    await client.executeMultiple(SCHEMA);
    const select = 'SELECT * FROM t WHERE n >= ? ORDER BY n';
    for (let i = 0; i < 5; i++) {
      await client.execute({ sql: 'INSERT INTO t (id, n) VALUES (?, ?)', args: [`r${i}`, i] });
      expect((await client.execute({ sql: select, args: [i] })).rows.map((r) => r.id)).toEqual([`r${i}`]);
    }
    await client.executeMultiple("ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'x'");
    const after = await client.execute({ sql: select, args: [4] });
    expect(after.columns).toContain('extra');
    expect(after.rows[0]?.extra).toBe('x');
    // More distinct statements than the cache holds: still correct.
    for (let i = 0; i < 300; i++) {
      expect((await client.execute(`SELECT ${i} AS v`)).rows[0]?.v).toBe(i);
    }
    client.close();
  });

  it('runs a batch atomically: a failing statement names its index and rolls everything back', async () => {
    const client = createLocalClient({ url: ':memory:' });
    await client.executeMultiple(SCHEMA);
    const err = await client
      .batch(
        [
          { sql: 'INSERT INTO t (id, n) VALUES (?, ?)', args: ['x', 1] },
          { sql: 'INSERT INTO t (id, n) VALUES (?, ?)', args: ['y', 2] },
          { sql: 'INSERT INTO t (id, n) VALUES (?, ?)', args: ['x', 3] },
        ],
        'write',
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibsqlBatchError);
    expect(err).toMatchObject({
      statementIndex: 2,
      code: 'SQLITE_CONSTRAINT',
      extendedCode: 'SQLITE_CONSTRAINT_PRIMARYKEY',
    });
    expect((await client.execute('SELECT count(*) AS n FROM t')).rows[0]?.n).toBe(0);
    const ok = await client.batch(
      [{ sql: 'INSERT INTO t (id, n) VALUES (?, ?)', args: ['x', 1] }, ['UPDATE t SET n = n + 1 WHERE id = ?', ['x']]],
      'write',
    );
    expect(ok.map((r) => r.rowsAffected)).toEqual([1, 1]);
    client.close();
  });

  it('maps driver errors to LibsqlError and rejects undefined arguments', async () => {
    const client = createLocalClient({ url: ':memory:' });
    await expect(client.execute('SELECT * FROM missing')).rejects.toMatchObject({ code: 'SQLITE_ERROR' });
    await expect(client.execute('SELECT * FROM missing')).rejects.toBeInstanceOf(LibsqlError);
    await expect(client.execute({ sql: 'SELECT ?', args: [undefined as never] })).rejects.toThrow(/undefined/);
    await expect(client.execute({ sql: 'SELECT ?', args: [Number.NaN] })).rejects.toThrow(/finite/);
    client.close();
    expect(client.closed).toBe(true);
    await expect(client.execute('SELECT 1')).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
  });

  it('holds its one connection for an interactive transaction, then commits or rolls back', async () => {
    const client = createLocalClient({ url: `file:${dir}/tx.db` });
    await client.executeMultiple(SCHEMA);
    const tx = await client.transaction('write');
    await tx.execute({ sql: 'INSERT INTO t (id, n) VALUES (?, ?)', args: ['a', 1] });
    await expect(client.execute('SELECT 1')).rejects.toMatchObject({ code: 'TRANSACTION_ACTIVE' });
    await tx.rollback();
    expect(tx.closed).toBe(true);
    expect((await client.execute('SELECT count(*) AS n FROM t')).rows[0]?.n).toBe(0);
    const tx2 = await client.transaction('write');
    await tx2.batch([{ sql: 'INSERT INTO t (id, n) VALUES (?, ?)', args: ['b', 2] }]);
    await tx2.commit();
    expect((await client.execute('SELECT id FROM t')).rows.map((r) => r.id)).toEqual(['b']);
    client.close();
  });

  it('sees the writes of another connection to the same file', async () => {
    const url = `file:${dir}/shared.db`;
    const a = createLocalClient({ url, timeoutMs: 2000 });
    const b = createLocalClient({ url, timeoutMs: 2000 });
    await a.executeMultiple('PRAGMA journal_mode = WAL; CREATE TABLE k (v INTEGER);');
    const read = 'SELECT count(*) AS n FROM k';
    expect((await b.execute(read)).rows[0]?.n).toBe(0);
    await a.execute('INSERT INTO k VALUES (1)');
    expect((await b.execute(read)).rows[0]?.n).toBe(1);
    a.close();
    b.close();
  });

  it('knows which URLs it can open', () => {
    expect(canUseLocalClient(':memory:')).toBe(true);
    expect(canUseLocalClient('file:local.db')).toBe(true);
    expect(canUseLocalClient('file:///tmp/x.db')).toBe(true);
    expect(canUseLocalClient('libsql://db-org.turso.io')).toBe(false);
    expect(canUseLocalClient('http://127.0.0.1:8080')).toBe(false);
    expect(() => createLocalClient({ url: 'file://remote-host/x.db' })).toThrow(/Invalid host/);
  });
});

describe('createLocalClient: the rest of the Client interface', () => {
  it('migrate() runs statements in one transaction with foreign keys off, then on again', async () => {
    const client = createLocalClient({ url: ':memory:' });
    await client.executeMultiple(`PRAGMA foreign_keys = ON; ${SCHEMA}`);
    // u references t: with foreign keys on, this insert would fail.
    const results = await client.migrate([{ sql: "INSERT INTO u (id) VALUES ('orphan')", args: [] }]);
    expect(results[0]?.rowsAffected).toBe(1);
    expect((await client.execute('PRAGMA foreign_keys')).rows[0]?.[0]).toBe(1);
    await expect(client.execute("INSERT INTO u (id) VALUES ('another orphan')")).rejects.toMatchObject({
      code: 'SQLITE_CONSTRAINT',
    });
    client.close();
  });

  it('executeMultiple() rolls back a transaction the script left open', async () => {
    const client = createLocalClient({ url: ':memory:' });
    await client.executeMultiple(SCHEMA);
    await client.executeMultiple("BEGIN; INSERT INTO t (id, n) VALUES ('left-open', 1);");
    expect((await client.execute('SELECT count(*) AS n FROM t')).rows[0]?.n).toBe(0);
    client.close();
  });

  it('reconnect() opens the same file again; sync() says it needs an embedded replica', async () => {
    const client = createLocalClient({ url: `file:${dir}/reconnect.db` });
    await client.executeMultiple(SCHEMA);
    await client.execute("INSERT INTO t (id, n) VALUES ('kept', 1)");
    client.reconnect();
    expect((await client.execute('SELECT id FROM t')).rows.map((r) => r.id)).toEqual(['kept']);
    await expect(client.sync()).rejects.toMatchObject({ code: 'SYNC_NOT_SUPPORTED' });
    client.close();
  });
});

/**
 * Temporary database files and the two ways of talking to them: the SDK (`createTursoStore`) and the
 * raw `@libsql/client` baseline, opened with the same connection settings and the same schema.
 *
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, createClient, type InStatement, type ResultSet } from '@libsql/client';
import { createLocalClient, createTursoStore, type TursoStore } from '@incidents/store-turso';

/** A temporary directory for the database files of one benchmark run. */
export interface TempDir {
  path: string;
  /** A `file:` URL for a new database file in the directory. */
  url(name: string): string;
  /** Deletes the directory and every database file in it. */
  cleanup(): Promise<void>;
}

/** Creates a temporary directory under `os.tmpdir()`. */
export async function tempDir(prefix: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `incidents-bench-${prefix}-`));
  return {
    path,
    url: (name) => `file:${join(path, `${name}.db`)}`,
    cleanup: () => rm(path, { recursive: true, force: true }),
  };
}

/** Opens the SDK store on a database file (creating the schema). */
export function openStore(url: string): Promise<TursoStore> {
  return createTursoStore({ url });
}

/**
 * Creates the store's schema in a new database file and returns a raw client on it, configured as the
 * store configures its own connection (WAL, `synchronous = NORMAL`, foreign keys, busy timeout), so the
 * baseline differs from the SDK only in the code between the caller and the driver.
 */
export async function openRaw(url: string): Promise<Client> {
  const store = await createTursoStore({ url });
  await store.close();
  const client = createClient({ url, intMode: 'number', concurrency: 1, timeout: 5000 });
  await client.execute('PRAGMA foreign_keys = ON');
  await client.execute('PRAGMA busy_timeout = 5000');
  await client.execute('PRAGMA journal_mode = WAL');
  await client.execute('PRAGMA synchronous = NORMAL');
  return client;
}

/**
 * Like {@link openRaw}, through the store's own local client (`createLocalClient`: the same engine with
 * prepared statements kept): the best a hand-written caller of the same SQL could do.
 */
export async function openRawPrepared(url: string): Promise<Client> {
  const store = await createTursoStore({ url });
  await store.close();
  const client = createLocalClient({ url, timeoutMs: 5000 });
  await client.execute('PRAGMA foreign_keys = ON');
  await client.execute('PRAGMA busy_timeout = 5000');
  await client.execute('PRAGMA journal_mode = WAL');
  await client.execute('PRAGMA synchronous = NORMAL');
  return client;
}

/**
 * A raw connection for loading a data set quickly: a 256 MB page cache and `synchronous = OFF`.
 * Close it before measuring, so that the measured connections have the store's default settings.
 */
export async function openLoader(url: string): Promise<Client> {
  const client = await openRaw(url);
  await client.execute('PRAGMA cache_size = -262144');
  await client.execute('PRAGMA synchronous = OFF');
  return client;
}

/** A database file seeded for one benchmark run. */
export interface SeededDatabase<T> {
  dir: TempDir;
  url: string;
  /** What `seed` returned. */
  seeded: T;
  /** Wall time of the seeding, checkpoint included. */
  seedMs: number;
}

/**
 * Creates a temporary database `name`, fills it through a loader connection ({@link openLoader}),
 * checkpoints the WAL and closes the loader, so that measured connections start from a clean file.
 * On failure the directory is deleted and the error rethrown; on success the caller cleans up.
 */
export async function seedDatabase<T>(name: string, seed: (loader: Client) => Promise<T>): Promise<SeededDatabase<T>> {
  const dir = await tempDir(name);
  const url = dir.url(name);
  const started = performance.now();
  try {
    const loader = await openLoader(url);
    try {
      const seeded = await seed(loader);
      await loader.execute('PRAGMA wal_checkpoint(TRUNCATE)');
      return { dir, url, seeded, seedMs: performance.now() - started };
    } finally {
      loader.close();
    }
  } catch (err) {
    await dir.cleanup();
    throw err;
  }
}

/** Time spent inside the driver, by kind of call. */
export interface DriverTime {
  executeMs: number;
  executeCalls: number;
  batchMs: number;
  batchCalls: number;
}

/**
 * Measures the time a client spends inside `execute` and `batch` (the driver and SQLite), so the rest
 * of an operation's time can be attributed to JavaScript above the driver. The SDK store calls the
 * client it exposes as `store.client`, so wrapping that object sees every statement the store runs.
 */
export function timeDriver(client: Client): { read(): DriverTime; reset(): void } {
  const time: DriverTime = { executeMs: 0, executeCalls: 0, batchMs: 0, batchCalls: 0 };
  const execute = client.execute.bind(client) as (stmt: InStatement) => Promise<ResultSet>;
  const batch = client.batch.bind(client);
  Object.assign(client, {
    execute: async (stmt: InStatement) => {
      const started = performance.now();
      try {
        return await execute(stmt);
      } finally {
        time.executeMs += performance.now() - started;
        time.executeCalls += 1;
      }
    },
    batch: async (...args: Parameters<Client['batch']>) => {
      const started = performance.now();
      try {
        return await batch(...args);
      } finally {
        time.batchMs += performance.now() - started;
        time.batchCalls += 1;
      }
    },
  });
  return {
    read: () => ({ ...time }),
    reset: () => {
      time.executeMs = 0;
      time.executeCalls = 0;
      time.batchMs = 0;
      time.batchCalls = 0;
    },
  };
}

/** Records the statements a client executes (to EXPLAIN exactly what the SDK ran). */
export function captureStatements(client: Client): { take(): InStatement[] } {
  let seen: InStatement[] = [];
  const execute = client.execute.bind(client) as (stmt: InStatement) => Promise<ResultSet>;
  Object.assign(client, {
    execute: (stmt: InStatement) => {
      seen.push(stmt);
      return execute(stmt);
    },
  });
  return {
    take: () => {
      const out = seen;
      seen = [];
      return out;
    },
  };
}

/** One `EXPLAIN QUERY PLAN` of a statement. */
export interface QueryPlan {
  sql: string;
  plan: string[];
  /** Indexes the plan searches or scans (`<table> PRIMARY KEY` for a WITHOUT ROWID table's key). */
  indexes: string[];
  /** Whether SQLite builds a temporary B-tree (a sort or a DISTINCT) — what the hot queries must avoid. */
  tempBTree: boolean;
}

/** Runs `EXPLAIN QUERY PLAN` on a statement. */
export async function explain(client: Client, stmt: InStatement): Promise<QueryPlan> {
  const { sql, args } = typeof stmt === 'string' ? { sql: stmt, args: [] } : stmt;
  const rs = await client.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args: args ?? [] });
  const plan = rs.rows.map((r) => String(r.detail));
  const indexes = [
    ...new Set(
      plan.flatMap((line) => [
        ...[...line.matchAll(/USING (?:COVERING )?INDEX (\w+)/g)].map((m) => m[1] as string),
        // A WITHOUT ROWID table searched by its key (the interactions table since migration 004).
        ...[...line.matchAll(/(?:SEARCH|SCAN) (\w+) USING PRIMARY KEY/g)].map((m) => `${m[1]} PRIMARY KEY`),
      ]),
    ),
  ];
  return {
    sql: sql.replace(/\s+/g, ' ').trim(),
    plan,
    indexes,
    tempBTree: plan.some((l) => l.includes('TEMP B-TREE')),
  };
}

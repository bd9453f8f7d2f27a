/**
 * `createTursoStore()` and the maintenance helpers of the libSQL store (backup, integrity check,
 * ANALYZE/REINDEX/VACUUM, statistics).
 *
 * @module
 */
import {
  type CreateIncidentWrite,
  IncidentsError,
  type IncidentStore,
  type UserCredentials,
  ValidationError,
} from '@incidents/core';
import { parseInput } from '@incidents/core/store-kit';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client, InValue, ResultSet } from '@libsql/client';
import * as z from 'zod';
import { mapDriverError } from './driver-errors.js';
import { InstrumentedClient, type SlowQuery } from './instrumented-client.js';
import { applyMigrations, type MigrationReport } from './migrations.js';
import { hotQueries } from './queries.js';
import { fullCheckOfRow, INCIDENT_SELECT, INTERACTION_SELECT } from './rows.js';
import { canUseLocalClient, createLocalClient } from './local-client.js';
import { TursoIncidentStore } from './store.js';

/** Options of {@link createTursoStore}. */
export interface TursoStoreOptions {
  /**
   * Where the database lives: `file:incidents.db` (a local file, created if missing), `:memory:`
   * (a private in-memory database, gone on close) or `libsql://<db>-<org>.turso.io` (Turso cloud).
   * Required unless `client` is given.
   */
  url?: string;
  /** Turso cloud auth token (a secret: pass it in, never log it). Ignored for local databases. */
  authToken?: string;
  /**
   * A libSQL client you created yourself (e.g. with custom `fetch`, TLS or concurrency settings).
   * The store does not close a client it did not create. For a local file, create it with
   * `intMode: 'number'` and a `timeout` (busy timeout); the store applies its pragmas on open.
   */
  client?: Client;
  /** How long a local write waits for another connection's lock before failing; default 5000 ms. */
  busyTimeoutMs?: number;
  /** Statements slower than this are kept in `stats().queries.slow`; default 100 ms (R-OPS-3). */
  slowQueryMs?: number;
  /**
   * `PRAGMA synchronous` for local files in WAL mode: `normal` (default) syncs at checkpoints — a
   * power loss may lose the last transactions but never corrupts the file; `full` syncs every commit.
   */
  synchronous?: 'normal' | 'full';
  /**
   * Local databases only: keep prepared statements and reuse them (default `true`). The store then
   * talks to the file through its own `Client` over the same `libsql` engine `@libsql/client` uses,
   * which prepares every statement again on every call — for the store's wide statements that costs
   * as much as running them. `false` opens the database with `@libsql/client`'s `createClient`.
   */
  preparedStatements?: boolean;
  /**
   * Local databases only: the connection's SQLite page cache in MiB (`PRAGMA cache_size`); default
   * SQLite's own, 2 MiB. Pages are taken only as they are read, so a large value costs memory only
   * when the database uses it. Raise it for long-lived processes on databases far larger than the
   * pages their queries keep touching: over 1 million incidents, once a 256 MiB cache was warm the p95
   * of "my open incidents" fell from 3.5 to 1.8 ms (docs/benchmarks.md, item 3 at 1M); a one-shot
   * process starts cold and gains little. Whole number, 1–65536.
   */
  cacheSizeMiB?: number;
}

/** Result of {@link TursoStore.backup}. */
export interface BackupResult {
  /** Absolute path of the backup file. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
}

/** Result of {@link TursoStore.checkIntegrity}. */
export interface IntegrityReport {
  /**
   * `true` when `PRAGMA integrity_check` says `ok`, `PRAGMA foreign_key_check` finds nothing and every
   * version 0 record and interaction matches the model's schema (reads check only the shape of the
   * rows the store wrote; this is the full check).
   */
  ok: boolean;
  /** One line per problem found; empty when `ok`. */
  messages: string[];
}

/** Options of {@link TursoStore.maintain}. */
export interface MaintainOptions {
  /** Also run `VACUUM` (rewrites the whole file to reclaim free pages; takes a write lock). Default `false`. */
  vacuum?: boolean;
}

/** Result of {@link TursoStore.maintain}. */
export interface MaintenanceReport {
  analyzed: boolean;
  reindexed: boolean;
  vacuumed: boolean;
  durationMs: number;
}

/** Size of one table. */
export interface TableStats {
  name: string;
  rows: number;
  /** Bytes of the table's B-tree plus its indexes (from `dbstat`; absent where `dbstat` is unavailable). */
  bytes?: number;
}

/** The query plan of one hot query (`EXPLAIN QUERY PLAN`). */
export interface IndexUsage {
  /** Which query: `timeline`, `status-by-priority`, `my-open-incidents`, `by-team`, `by-category`, `by-source`, `by-due`, `kb-pending` (and their next pages). */
  query: string;
  /** Whether the plan searches an index (rather than scanning the table). */
  usesIndex: boolean;
  /** The index used, when one is. */
  index?: string;
  /** Whether the plan needs a temporary B-tree to sort (`USE TEMP B-TREE FOR ORDER BY`). */
  tempSort: boolean;
  /** The plan's lines. */
  plan: string[];
}

/** Database statistics (R-OPS-3: query count and time, slow queries, table sizes, index usage). */
export interface DatabaseStats {
  queries: {
    /** Statements run by this store object since it was opened. */
    count: number;
    /** Mean wall time per statement, in milliseconds. */
    avgMs: number;
    /** The most recent statements slower than `slowQueryMs` (100 ms by default), oldest first. */
    slow: SlowQuery[];
  };
  tables: TableStats[];
  indexUsage: IndexUsage[];
}

/** The libSQL store: the whole `IncidentStore` port plus bulk creation and maintenance helpers. */
export interface TursoStore extends IncidentStore {
  /** The underlying libSQL client. Statements you run on it directly are not counted by {@link TursoStore.stats}. */
  readonly client: Client;
  /** What opening the database did to its schema. */
  readonly schema: MigrationReport;
  /**
   * Creates many incidents (with their history version 1, interactions and source records) in one
   * transaction and one round trip: all of them or none. For imports and seeding. This store's
   * implementation of the port's optional {@link IncidentStore.createIncidents} (always present here).
   * @throws ConflictError `already_exists` / `duplicate_source` naming the first offending incident.
   */
  createIncidents(writes: readonly CreateIncidentWrite[]): Promise<void>;
  /** Stores a user's login credentials in `user_credentials` (never returned by getUser/listUsers). */
  setUserCredentials(email: string, credentials: UserCredentials): Promise<void>;
  /** The credentials of a user, or `null`. */
  getUserCredentials(email: string): Promise<UserCredentials | null>;
  /**
   * Writes a consistent copy of the database to a new file with `VACUUM INTO` (safe while the
   * database is in use). Local databases only; for Turso cloud use its point-in-time restore or
   * `turso db shell <db> .dump`.
   * @throws IncidentsError `store.backup_exists` if the file already exists.
   */
  backup(toPath: string): Promise<BackupResult>;
  /** Runs `PRAGMA integrity_check`, `PRAGMA foreign_key_check` and the full model schema over every record and interaction. */
  checkIntegrity(): Promise<IntegrityReport>;
  /** Refreshes planner statistics (`ANALYZE`), rebuilds indexes (`REINDEX`) and optionally runs `VACUUM`. */
  maintain(options?: MaintainOptions): Promise<MaintenanceReport>;
  /** Query counters, table sizes and the plans of the hot queries. */
  stats(): Promise<DatabaseStats>;
}

const OptionsSchema = z
  .object({
    url: z.string().trim().min(1, 'url must not be empty').optional(),
    authToken: z.string().optional(),
    client: z
      .custom<Client>(
        (c) =>
          typeof c === 'object' &&
          c !== null &&
          typeof (c as Client).execute === 'function' &&
          typeof (c as Client).batch === 'function',
        'expected a libSQL Client (from createClient of @libsql/client)',
      )
      .optional(),
    busyTimeoutMs: z.number().int().nonnegative().default(5000),
    preparedStatements: z.boolean().default(true),
    slowQueryMs: z.number().nonnegative().default(100),
    synchronous: z.enum(['normal', 'full']).default('normal'),
    cacheSizeMiB: z.number().int().min(1).max(65536).optional(),
  })
  .refine((o) => o.url !== undefined || o.client !== undefined, { message: 'give url or client', path: ['url'] });

function isLocalUrl(url: string): boolean {
  return url === ':memory:' || url.startsWith('file:');
}

/**
 * The file of a `file:` URL (`file:db/x.db`, `file:///abs/x.db`, with or without `?query`), or
 * `undefined` for `:memory:` and in-memory `file::memory:` URLs.
 */
function localFilePath(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  const bare = url.replace(/[?#].*$/, '');
  if (bare === 'file::memory:' || bare === 'file:') return undefined;
  return bare.startsWith('file://') ? fileURLToPath(bare) : decodeURIComponent(bare.slice('file:'.length));
}

/** SQLite creates the database file but not its folder: create the folder, or say why not. */
function ensureParentFolder(url: string): void {
  const file = localFilePath(url);
  if (!file) return;
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (cause) {
    throw new IncidentsError(
      'config',
      `Cannot create the folder of the database file ${file}: ${(cause as Error).message}`,
      { cause, userError: true, details: { path: dirname(file) } },
    );
  }
}

class TursoStoreImpl extends TursoIncidentStore implements TursoStore {
  readonly schema: MigrationReport;

  constructor(db: InstrumentedClient, local: boolean, ownsClient: boolean, schema: MigrationReport) {
    super({ db, local, ownsClient });
    this.schema = schema;
  }

  async backup(toPath: string): Promise<BackupResult> {
    this.checkOpen();
    const target = parseInput(z.string().trim().min(1, 'a backup file path is required'), toPath, 'backup path');
    if (!this.local) {
      throw new IncidentsError(
        'store.unsupported',
        'backup() copies local databases (file: or :memory:); for Turso cloud use point-in-time restore or `turso db shell <db> .dump > backup.sql`',
        { userError: true },
      );
    }
    const [{ mkdir, stat }, { dirname, resolve }] = await Promise.all([
      import('node:fs/promises'),
      import('node:path'),
    ]);
    const path = resolve(target.startsWith('file:') ? target.slice('file:'.length) : target);
    const existing = await stat(path).catch(() => undefined);
    if (existing) {
      throw new IncidentsError('store.backup_exists', `Backup target ${path} already exists; choose a new file name`, {
        userError: true,
        details: { path },
      });
    }
    await mkdir(dirname(path), { recursive: true });
    try {
      await this.db.execute({ sql: 'VACUUM INTO ?', args: [path] });
    } catch (err) {
      throw mapDriverError(err, 'write the backup');
    }
    return { path, bytes: (await stat(path)).size };
  }

  async checkIntegrity(): Promise<IntegrityReport> {
    this.checkOpen();
    try {
      const integrity = await this.db.execute('PRAGMA integrity_check');
      const foreign = await this.db.execute('PRAGMA foreign_key_check');
      const messages = integrity.rows.map((r) => String(r[0])).filter((m) => m !== 'ok');
      for (const r of foreign.rows) {
        messages.push(
          // A WITHOUT ROWID table (interactions) reports no rowid.
          `foreign key violation: ${String(r.table)} row ${r.rowid === null || r.rowid === undefined ? '' : `${String(r.rowid)} `}references a missing ${String(r.parent)} row`,
        );
      }
      // Every record against the full schema, 1,000 rows at a time: incidents in rowid order,
      // interactions (a WITHOUT ROWID table) in primary-key order.
      let after = -1;
      for (;;) {
        const rs = await this.db.execute({
          sql: `SELECT rowid AS rid, ${INCIDENT_SELECT} FROM incidents WHERE rowid > ? ORDER BY rowid LIMIT 1000`,
          args: [after],
        });
        for (const row of rs.rows) {
          const problem = fullCheckOfRow('incident', row);
          if (problem) messages.push(problem);
        }
        if (rs.rows.length < 1000) break;
        after = Number(rs.rows.at(-1)?.rid);
      }
      let key: InValue[] | null = null;
      for (;;) {
        const rs: ResultSet = await this.db.execute({
          sql: `SELECT incident_id AS k1, created_at AS k2, interaction_id AS k3, ${INTERACTION_SELECT} FROM interactions ${key ? 'WHERE (incident_id, created_at, interaction_id) > (?, ?, ?) ' : ''}ORDER BY incident_id, created_at, interaction_id LIMIT 1000`,
          args: key ?? [],
        });
        for (const row of rs.rows) {
          const problem = fullCheckOfRow('interaction', row);
          if (problem) messages.push(problem);
        }
        if (rs.rows.length < 1000) break;
        const last = rs.rows.at(-1);
        key = [last?.k1 ?? null, last?.k2 ?? null, last?.k3 ?? null];
      }
      return { ok: messages.length === 0, messages };
    } catch (err) {
      throw mapDriverError(err, 'check integrity');
    }
  }

  async maintain(options: MaintainOptions = {}): Promise<MaintenanceReport> {
    this.checkOpen();
    const opts =
      parseInput(z.object({ vacuum: z.boolean().optional() }).optional(), options, 'maintenance options') ?? {};
    const started = performance.now();
    try {
      await this.db.execute('ANALYZE');
      await this.db.execute('REINDEX');
      if (opts.vacuum) await this.db.execute('VACUUM');
    } catch (err) {
      throw mapDriverError(err, 'run maintenance');
    }
    return {
      analyzed: true,
      reindexed: true,
      vacuumed: opts.vacuum === true,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    };
  }

  async stats(): Promise<DatabaseStats> {
    this.checkOpen();
    const counters = this.db.counters();
    try {
      const names = (
        await this.db.execute(
          "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
      ).rows.map((r) => String(r.name));
      const counts = names.length
        ? await this.db.batch(
            names.map((name) => `SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`),
            'read',
          )
        : [];
      const bytes = await this.#tableBytes();
      const tables: TableStats[] = names.map((name, i) => ({
        name,
        rows: Number(counts[i]?.rows[0]?.n ?? 0),
        ...(bytes?.has(name) ? { bytes: bytes.get(name) as number } : {}),
      }));
      const indexUsage: IndexUsage[] = [];
      for (const hot of hotQueries()) {
        const stmt = typeof hot.statement === 'string' ? { sql: hot.statement, args: [] } : hot.statement;
        const rs = await this.db.execute({ sql: `EXPLAIN QUERY PLAN ${stmt.sql}`, args: stmt.args ?? [] });
        const plan = rs.rows.map((r) => String(r.detail));
        const index = plan.map((line) => /USING (?:COVERING )?INDEX (\w+)/.exec(line)?.[1]).find(Boolean);
        const primary = plan.some((line) => /USING (?:INTEGER )?PRIMARY KEY/.test(line));
        indexUsage.push({
          query: hot.name,
          usesIndex: index !== undefined || primary,
          ...(index ? { index } : primary ? { index: 'PRIMARY KEY' } : {}),
          tempSort: plan.some((line) => line.includes('USE TEMP B-TREE')),
          plan,
        });
      }
      return {
        queries: {
          count: counters.count,
          avgMs: counters.count ? Math.round((counters.totalMs / counters.count) * 1000) / 1000 : 0,
          slow: counters.slow,
        },
        tables,
        indexUsage,
      };
    } catch (err) {
      throw mapDriverError(err, 'collect statistics');
    }
  }

  /** Bytes per table (its B-tree plus its indexes) from the `dbstat` virtual table, if compiled in. */
  async #tableBytes(): Promise<Map<string, number> | undefined> {
    try {
      const rs = await this.db.execute(
        `SELECT s.tbl_name AS name, sum(d.pgsize) AS bytes FROM dbstat d JOIN sqlite_schema s ON s.name = d.name
         GROUP BY s.tbl_name`,
      );
      return new Map(rs.rows.map((r) => [String(r.name), Number(r.bytes)]));
    } catch {
      return undefined;
    }
  }
}

/**
 * Opens (and creates or migrates) an incidents database on libSQL: a local file, `:memory:`, or a
 * Turso cloud database.
 *
 * Opening applies the pending schema migrations in one transaction and records them in
 * `schema_migrations`; local files are switched to WAL mode with foreign keys on and a busy timeout.
 *
 * @example
 * ```ts
 * import { createIncidentService } from '@incidents/core';
 * import { createTursoStore } from '@incidents/store-turso';
 *
 * const store = await createTursoStore({ url: 'file:incidents.db' });
 * const incidents = createIncidentService({ store });
 * const actor = { id: 'ana@example.com', roles: ['operator' as const] };
 * const created = await incidents.create({ title: 'Checkout returns 502', severity: 'HIGH' }, { actor });
 * await incidents.claim(created.incident_id, { actor });
 * await store.close();
 * ```
 *
 * @throws ValidationError for bad options; IncidentsError `config` for an unusable URL;
 * IncidentsError `store` when the database cannot be opened or migrated.
 */
export async function createTursoStore(options: TursoStoreOptions): Promise<TursoStore> {
  const opts = parseInput(OptionsSchema, options, 'Turso store options');
  let client: Client;
  const ownsClient = opts.client === undefined;
  if (opts.client) {
    client = opts.client;
  } else {
    const url = opts.url as string;
    const local = isLocalUrl(url);
    ensureParentFolder(url);
    // `@libsql/client` (with its HTTP/WebSocket protocols) is imported only when a local file is not
    // opened by `createLocalClient`: a CLI command on the embedded default starts without it.
    const useLocalClient = local && opts.preparedStatements !== false && canUseLocalClient(url);
    const { createClient } = useLocalClient ? { createClient: undefined } : await import('@libsql/client');
    try {
      client =
        createClient === undefined
          ? createLocalClient({ url, timeoutMs: opts.busyTimeoutMs })
          : createClient({
              url,
              ...(opts.authToken && !local ? { authToken: opts.authToken } : {}),
              intMode: 'number',
              // One connection per store object for local databases: the pragmas below hold on it, and
              // writes from this process are naturally serialized (libSQL runs a batch synchronously).
              ...(local ? { concurrency: 1, timeout: opts.busyTimeoutMs } : {}),
            });
    } catch (cause) {
      throw new IncidentsError('config', `Cannot use the database URL: ${(cause as Error).message}`, {
        cause,
        userError: true,
        details: { scheme: url.split(':')[0] ?? '' },
      });
    }
  }
  const local = client.protocol === 'file';
  const db = new InstrumentedClient(client, opts.slowQueryMs);
  try {
    if (local) {
      await db.execute('PRAGMA foreign_keys = ON');
      await db.execute(`PRAGMA busy_timeout = ${opts.busyTimeoutMs}`);
      const mode = await db.execute('PRAGMA journal_mode = WAL');
      if (String(mode.rows[0]?.[0] ?? '').toLowerCase() === 'wal') {
        await db.execute(`PRAGMA synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      }
      // Negative: a size in KiB rather than in pages.
      if (opts.cacheSizeMiB !== undefined) await db.execute(`PRAGMA cache_size = -${opts.cacheSizeMiB * 1024}`);
    }
    const schema = await applyMigrations(client);
    return new TursoStoreImpl(db, local, ownsClient, schema);
  } catch (err) {
    if (ownsClient) client.close();
    if (err instanceof IncidentsError || err instanceof ValidationError) throw err;
    throw mapDriverError(err, 'open the database');
  }
}

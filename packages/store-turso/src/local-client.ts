/**
 * A libSQL `Client` for local databases (`file:` and `:memory:`) that keeps its prepared
 * statements.
 *
 * `@libsql/client` prepares every statement again on every call: for the store's wide statements
 * (a 34-column `json_object(…)` read, the 35-column conditional UPDATE, the history insert) preparing
 * costs as much as running them. This client speaks the same `Client` interface over one connection of
 * the same engine (the `libsql` package `@libsql/client` itself uses for local files), with the same
 * results (`intMode: 'number'` rows readable by column name and by index), the same errors
 * (`LibsqlError`, `LibsqlBatchError` with `statementIndex`) and the same transaction semantics
 * (`BEGIN IMMEDIATE` for `write` batches, rollback on any failure) — but prepares each distinct SQL
 * text once and reuses it (a bounded LRU cache, dropped when the schema may have changed).
 *
 * The store creates it for local URLs it opens itself; a client passed in `createTursoStore({ client })`
 * is used as it is.
 *
 * @module
 */
import type {
  Client,
  InArgs,
  InStatement,
  InValue,
  Replicated,
  ResultSet,
  Row,
  Transaction,
  TransactionMode,
} from '@libsql/client';
// The error classes `@libsql/client` re-exports, from where they are defined: its Node entry also
// loads the remote protocols (Hrana over HTTP/WebSocket, `ws`), which a local file never needs.
import { LibsqlBatchError, LibsqlError } from '@libsql/core/api';
import { expandConfig } from '@libsql/core/config';
import Database from 'libsql';
import { keepValues } from './result-values.js';

type Statement = ReturnType<Database.Database['prepare']>;

/** A prepared statement and what the cache learnt about it. */
interface Prepared {
  stmt: Statement;
  /** Whether it returns rows (then it runs in raw mode). */
  reader: boolean;
}

/** Distinct statements kept prepared per connection. */
const STATEMENT_CACHE_SIZE = 256;
/** Longer SQL texts (bulk multi-row inserts built for one call) are not worth keeping. */
const MAX_CACHED_SQL_LENGTH = 64 * 1024;

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_INT64 = -9223372036854775808n;
const MAX_INT64 = 9223372036854775807n;

const SQLITE_CODES: Record<number, string> = {
  1: 'SQLITE_ERROR',
  2: 'SQLITE_INTERNAL',
  3: 'SQLITE_PERM',
  4: 'SQLITE_ABORT',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM',
  8: 'SQLITE_READONLY',
  9: 'SQLITE_INTERRUPT',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  12: 'SQLITE_NOTFOUND',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  15: 'SQLITE_PROTOCOL',
  16: 'SQLITE_EMPTY',
  17: 'SQLITE_SCHEMA',
  18: 'SQLITE_TOOBIG',
  19: 'SQLITE_CONSTRAINT',
  20: 'SQLITE_MISMATCH',
  21: 'SQLITE_MISUSE',
  22: 'SQLITE_NOLFS',
  23: 'SQLITE_AUTH',
  24: 'SQLITE_FORMAT',
  25: 'SQLITE_RANGE',
  26: 'SQLITE_NOTADB',
  27: 'SQLITE_NOTICE',
  28: 'SQLITE_WARNING',
};

/** The driver's `SqliteError` as the `LibsqlError` `@libsql/client` would throw. */
function toLibsqlError(err: unknown): unknown {
  if (err instanceof LibsqlError || !(err instanceof Error)) return err;
  const e = err as Error & { code?: unknown; rawCode?: unknown };
  if (err.name !== 'SqliteError' && typeof e.rawCode !== 'number') return err;
  const rawCode = typeof e.rawCode === 'number' ? e.rawCode : undefined;
  const base =
    rawCode === undefined ? 'SQLITE_UNKNOWN' : (SQLITE_CODES[rawCode & 0xff] ?? `SQLITE_UNKNOWN_${rawCode & 0xff}`);
  return new LibsqlError(err.message, base, typeof e.code === 'string' ? e.code : undefined, rawCode, err);
}

function toBatchError(err: unknown, index: number): unknown {
  const mapped = toLibsqlError(err);
  if (mapped instanceof LibsqlBatchError || !(mapped instanceof LibsqlError)) return mapped;
  return new LibsqlBatchError(
    mapped.message,
    index,
    mapped.code,
    mapped.extendedCode,
    mapped.rawCode,
    mapped.cause instanceof Error ? mapped.cause : undefined,
  );
}

function valueToSql(value: InValue | undefined): unknown {
  switch (typeof value) {
    case 'string':
    case 'object':
      if (value instanceof ArrayBuffer) return Buffer.from(value);
      if (value instanceof Date) return value.valueOf();
      return value; // string, null, Uint8Array
    case 'number':
      if (!Number.isFinite(value))
        throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
      return value;
    case 'bigint':
      if (value < MIN_INT64 || value > MAX_INT64) {
        throw new RangeError('bigint is too large to be represented as a 64-bit integer and passed as argument');
      }
      return value;
    case 'boolean':
      return value ? 1 : 0;
    case 'undefined':
      throw new TypeError('undefined cannot be passed as argument to the database');
    default:
      return value;
  }
}

function argsToSql(args: InArgs | undefined): unknown[] | Record<string, unknown> {
  if (args === undefined) return [];
  if (Array.isArray(args)) return args.map(valueToSql);
  const named: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) {
    const key = name[0] === '@' || name[0] === '$' || name[0] === ':' ? name.slice(1) : name;
    named[key] = valueToSql(value);
  }
  return named;
}

function valueFromSql(value: unknown): unknown {
  if (typeof value === 'bigint') {
    if (value < MIN_SAFE || value > MAX_SAFE) {
      throw new RangeError('Received integer which cannot be safely represented as a JavaScript number');
    }
    return Number(value);
  }
  if (value instanceof Buffer) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  return value;
}

function rowFromSql(values: unknown[], columns: readonly string[]): Row {
  const row: Record<string | number, unknown> = {};
  Object.defineProperty(row, 'length', { value: values.length });
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    Object.defineProperty(row, i, { value });
    const column = columns[i] as string;
    if (!Object.hasOwn(row, column)) row[column] = value;
  }
  return row as Row;
}

/**
 * A result set whose `rows` (objects readable by column name and by index, as `@libsql/client` gives)
 * are built on first use: a caller that reads the values by index ({@link resultValues}) never pays
 * for them. `values` are already converted (`valueFromSql`).
 */
function resultSet(
  columns: string[],
  columnTypes: string[],
  values: unknown[][],
  rowsAffected: number,
  lastInsertRowid: bigint | undefined,
): ResultSet {
  let rows: Row[] | undefined;
  const rs: ResultSet = {
    columns,
    columnTypes,
    get rows(): Row[] {
      if (rows === undefined) {
        rows = new Array<Row>(values.length);
        for (let i = 0; i < values.length; i++) rows[i] = rowFromSql(values[i] as unknown[], columns);
      }
      return rows;
    },
    set rows(value: Row[]) {
      rows = value;
    },
    rowsAffected,
    lastInsertRowid,
    toJSON() {
      return {
        columns,
        columnTypes,
        rows: values.map((v) => [...v]),
        rowsAffected,
        lastInsertRowid: lastInsertRowid === undefined ? null : String(lastInsertRowid),
      };
    },
  };
  keepValues(rs, values);
  return rs;
}

function normalize(stmt: InStatement | [string, InArgs?]): { sql: string; args?: InArgs } {
  if (typeof stmt === 'string') return { sql: stmt };
  if (Array.isArray(stmt)) return stmt[1] === undefined ? { sql: stmt[0] } : { sql: stmt[0], args: stmt[1] };
  return stmt;
}

function beginStatement(mode: TransactionMode): string {
  if (mode === 'write') return 'BEGIN IMMEDIATE';
  if (mode === 'read') return 'BEGIN TRANSACTION READONLY';
  if (mode === 'deferred') return 'BEGIN DEFERRED';
  throw new RangeError('Unknown transaction mode, supported values are "write", "read" and "deferred"');
}

/** One connection with its statement cache. */
class Connection {
  readonly db: Database.Database;
  readonly #cache = new Map<string, Prepared>();

  constructor(path: string, timeoutMs: number | undefined) {
    try {
      this.db = new Database(path, timeoutMs !== undefined ? { timeout: timeoutMs } : {});
    } catch (err) {
      throw toLibsqlError(err);
    }
  }

  /** Drops every prepared statement (schema changes, close). */
  forget(): void {
    this.#cache.clear();
  }

  #prepare(sql: string): Prepared {
    const cached = this.#cache.get(sql);
    if (cached) {
      // LRU: most recently used last.
      this.#cache.delete(sql);
      this.#cache.set(sql, cached);
      return cached;
    }
    const stmt = this.db.prepare(sql);
    stmt.safeIntegers(true);
    let reader = true;
    try {
      stmt.raw(true);
    } catch {
      reader = false; // raw() throws for statements that return no data
    }
    const prepared = { stmt, reader };
    if (sql.length <= MAX_CACHED_SQL_LENGTH) {
      this.#cache.set(sql, prepared);
      if (this.#cache.size > STATEMENT_CACHE_SIZE) {
        const oldest = this.#cache.keys().next().value;
        if (oldest !== undefined) this.#cache.delete(oldest);
      }
    }
    return prepared;
  }

  execute(stmt: InStatement | [string, InArgs?]): ResultSet {
    const { sql, args } = normalize(stmt);
    try {
      const { stmt: prepared, reader } = this.#prepare(sql);
      const bound = argsToSql(args);
      if (reader) {
        const defs = prepared.columns();
        const columns = defs.map((c) => c.name);
        const columnTypes = defs.map((c) => c.type ?? '');
        const values = prepared.all(bound) as unknown[][];
        for (const row of values) {
          for (let i = 0; i < row.length; i++) {
            const value = row[i];
            if (typeof value === 'bigint' || (typeof value === 'object' && value !== null))
              row[i] = valueFromSql(value);
          }
        }
        return resultSet(columns, columnTypes, values, 0, undefined);
      }
      const info = prepared.run(bound);
      return resultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
    } catch (err) {
      throw toLibsqlError(err);
    }
  }

  /** Runs statements inside the open transaction; a failure names the statement's index. */
  runInTransaction(stmts: ReadonlyArray<InStatement | [string, InArgs?]>): ResultSet[] {
    const results: ResultSet[] = [];
    for (let i = 0; i < stmts.length; i++) {
      if (!this.db.inTransaction) {
        throw new LibsqlBatchError('The transaction has been rolled back', i, 'TRANSACTION_CLOSED');
      }
      try {
        results.push(this.execute(stmts[i] as InStatement));
      } catch (err) {
        throw toBatchError(err, i);
      }
    }
    return results;
  }

  batch(stmts: ReadonlyArray<InStatement | [string, InArgs?]>, mode: TransactionMode): ResultSet[] {
    this.execute(beginStatement(mode));
    try {
      const results = this.runInTransaction(stmts);
      this.execute('COMMIT');
      return results;
    } finally {
      this.rollbackIfOpen();
    }
  }

  executeMultiple(sql: string): void {
    // Multi-statement scripts are how schemas change: prepared statements may go stale.
    this.forget();
    try {
      this.db.exec(sql);
    } catch (err) {
      throw toLibsqlError(err);
    }
  }

  rollbackIfOpen(): void {
    if (this.db.open && this.db.inTransaction) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        // the connection stays usable; nothing more to undo
      }
    }
  }

  close(): void {
    this.forget();
    try {
      if (this.db.open) this.db.close();
    } catch {
      // closing twice or after a failure: nothing useful to do
    }
  }
}

/** Options of {@link createLocalClient}. */
export interface LocalClientOptions {
  /** `file:<path>`, `file:///<absolute path>` or `:memory:`. */
  url: string;
  /** How long a write waits for another connection's lock (SQLite busy timeout), in ms. */
  timeoutMs?: number;
}

/**
 * Whether {@link createLocalClient} can open `url`: local `file:` URLs and `:memory:`, without
 * embedded-replica (`syncUrl`) or encryption options, which stay with `@libsql/client`.
 */
export function canUseLocalClient(url: string): boolean {
  if (url !== ':memory:' && !url.startsWith('file:')) return false;
  try {
    const config = expandConfig({ url, intMode: 'number' }, true);
    return config.scheme === 'file' && config.syncUrl === undefined && config.encryptionKey === undefined;
  } catch {
    return false;
  }
}

/** Opens a libSQL `Client` (the `@libsql/client` interface) on a local database, with prepared-statement reuse. */
export function createLocalClient(options: LocalClientOptions): Client {
  const config = expandConfig({ url: options.url, intMode: 'number' }, true);
  if (config.scheme !== 'file') {
    throw new LibsqlError(
      `URL scheme ${JSON.stringify(`${config.scheme}:`)} is not a local database`,
      'URL_SCHEME_NOT_SUPPORTED',
    );
  }
  const host = config.authority?.host.toLowerCase();
  if (host !== undefined && host !== '' && host !== 'localhost') {
    throw new LibsqlError(
      `Invalid host in file URL: ${JSON.stringify(config.authority?.host)}. A "file:" URL with an absolute path should start with one slash ("file:/absolute/path.db") or with three slashes ("file:///absolute/path.db").`,
      'URL_INVALID',
    );
  }
  const memory = config.path === ':memory:' || config.path === '';
  const path = memory ? ':memory:' : config.path;
  return new LocalClient(path, options.timeoutMs);
}

class LocalClient implements Client {
  closed = false;
  readonly protocol = 'file';
  #connection: Connection;
  #transaction: LocalTransaction | null = null;
  readonly #path: string;
  readonly #timeoutMs: number | undefined;

  constructor(path: string, timeoutMs: number | undefined) {
    this.#path = path;
    this.#timeoutMs = timeoutMs;
    this.#connection = new Connection(path, timeoutMs);
    this.#connection.execute('SELECT 1 AS checkThatTheDatabaseCanBeOpened');
  }

  #use(): Connection {
    if (this.closed) throw new LibsqlError('The client is closed', 'CLIENT_CLOSED');
    if (this.#transaction) {
      throw new LibsqlError(
        'This client has a single connection, which an open transaction is holding. Commit or roll back the transaction before using the client again.',
        'TRANSACTION_ACTIVE',
      );
    }
    return this.#connection;
  }

  async execute(stmtOrSql: InStatement, args?: InArgs): Promise<ResultSet> {
    const connection = this.#use();
    return connection.execute(
      typeof stmtOrSql === 'string' && args !== undefined ? { sql: stmtOrSql, args } : stmtOrSql,
    );
  }

  async batch(stmts: Array<InStatement | [string, InArgs?]>, mode: TransactionMode = 'deferred'): Promise<ResultSet[]> {
    return this.#use().batch(stmts, mode);
  }

  async migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    const connection = this.#use();
    connection.forget();
    connection.execute('PRAGMA foreign_keys=off');
    try {
      return connection.batch(stmts, 'deferred');
    } finally {
      connection.execute('PRAGMA foreign_keys=on');
    }
  }

  async transaction(mode: TransactionMode = 'write'): Promise<Transaction> {
    const connection = this.#use();
    connection.execute(beginStatement(mode));
    const tx = new LocalTransaction(connection, () => {
      if (this.#transaction === tx) this.#transaction = null;
    });
    this.#transaction = tx;
    return tx;
  }

  async executeMultiple(sql: string): Promise<void> {
    const connection = this.#use();
    try {
      connection.executeMultiple(sql);
    } finally {
      connection.rollbackIfOpen();
    }
  }

  async sync(): Promise<Replicated> {
    throw new LibsqlError(
      'sync() needs an embedded replica (a syncUrl); this is a plain local database',
      'SYNC_NOT_SUPPORTED',
    );
  }

  reconnect(): void {
    this.#transaction = null;
    this.#connection.close();
    this.#connection = new Connection(this.#path, this.#timeoutMs);
    this.closed = false;
  }

  close(): void {
    this.closed = true;
    this.#transaction = null;
    this.#connection.close();
  }
}

class LocalTransaction implements Transaction {
  #connection: Connection | null;
  readonly #settle: () => void;

  constructor(connection: Connection, settle: () => void) {
    this.#connection = connection;
    this.#settle = settle;
  }

  get closed(): boolean {
    return this.#connection === null;
  }

  #use(): Connection {
    const connection = this.#connection;
    if (!connection) throw new LibsqlError('The transaction is closed', 'TRANSACTION_CLOSED');
    if (!connection.db.inTransaction) {
      this.close();
      throw new LibsqlError('The transaction has been rolled back', 'TRANSACTION_CLOSED');
    }
    return connection;
  }

  async execute(stmt: InStatement): Promise<ResultSet> {
    return this.#use().execute(stmt);
  }

  async batch(stmts: InStatement[]): Promise<ResultSet[]> {
    return this.#use().runInTransaction(stmts);
  }

  async executeMultiple(sql: string): Promise<void> {
    this.#use().executeMultiple(sql);
  }

  async rollback(): Promise<void> {
    const connection = this.#connection;
    if (!connection) return;
    connection.rollbackIfOpen();
    this.close();
  }

  async commit(): Promise<void> {
    const connection = this.#connection;
    if (!connection) throw new LibsqlError('The transaction is closed', 'TRANSACTION_CLOSED');
    try {
      connection.execute('COMMIT');
    } finally {
      this.close();
    }
  }

  close(): void {
    const connection = this.#connection;
    if (!connection) return;
    this.#connection = null;
    connection.rollbackIfOpen();
    this.#settle();
  }
}

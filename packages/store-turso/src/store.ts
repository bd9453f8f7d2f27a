/**
 * The libSQL implementation of the `IncidentStore` port.
 *
 * Writes are one `batch(…, 'write')` each — a single round trip and a single `BEGIN IMMEDIATE …
 * COMMIT` transaction: the conditional `UPDATE … WHERE incident_id = ? AND revision = ?` comes
 * first, and every later statement of the batch is guarded by the random `write_id` that UPDATE
 * stored, so a stale write changes nothing at all. No interactive transaction is ever held open
 * across `await`s, so concurrent calls on one store object (one connection) cannot interleave inside
 * a transaction, and other connections or processes serialize on SQLite's write lock (with a busy
 * timeout for file databases).
 *
 * @module
 */
import {
  checkBulkCreateRepeats,
  StorePageRequestSchema,
  pageLimit,
  parseInput,
  parseInputAt,
  takeValidated,
  decodeCursor,
  encodeCursor,
} from '@incidents/core/store-kit';
import {
  ConflictError,
  type CreateIncidentWrite,
  type Incident,
  type IncidentAccess,
  incidentSchema,
  type IncidentQuery,
  incidentQuerySchema,
  IncidentsError,
  type IncidentStore,
  type Interaction,
  interactionSchema,
  type LinkIncidentsWrite,
  type ListInteractionsOptions,
  type MarkKbSyncedInput,
  type MarkKbSyncFailedInput,
  type MetricsAggregate,
  type MetricsFilter,
  NotFoundError,
  type Page,
  type PageRequest,
  type Priority,
  type Severity,
  type SourceRecord,
  sourceRecordSchema,
  type SourceSystem,
  type Status,
  type UpdateIncidentWrite,
  normalizeEmail,
  type User,
  type UserCredentials,
  userCredentialsSchema,
  userSchema,
  ValidationError,
} from '@incidents/core';
import type {
  DueOutboundOptions,
  InteractionExternalIdInput,
  OutboundFilter,
  OutboundItem,
  OutboundUpdate,
  SyncCursor,
} from '@incidents/core';
import type { Client, InStatement, InValue, ResultSet } from '@libsql/client';
import * as z from 'zod';
import { mapDriverError, type StatementOwner } from './driver-errors.js';
import type { InstrumentedClient } from './instrumented-client.js';
import { columnValues } from './result-values.js';
import * as syncState from './sync-state.js';
import {
  decodePosition,
  encodePosition,
  encodeTimelineCursor,
  KB_PENDING_PLAN,
  type KeysetPlan,
  keysetStatements,
  planFor,
  timelineStatement,
} from './queries.js';
import {
  INCIDENT_COLUMNS,
  INCIDENT_SELECT,
  INTERACTION_COLUMNS,
  incidentArgs,
  incidentFromDoc,
  interactionArgs,
  interactionFromDoc,
  rowToIncident,
  rowToIncidentAccess,
  rowToSourceRecord,
  rowToUser,
  rowToUserCredentials,
  SOURCE_RECORD_COLUMNS,
  snapshotToIncident,
  sourceRecordArgs,
} from './rows.js';

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

const INSERT_INCIDENT = `INSERT INTO incidents (${INCIDENT_COLUMNS.join(', ')}, write_id) VALUES (${placeholders(INCIDENT_COLUMNS.length + 1)})`;
/**
 * The conditional UPDATE of version 0. `kb_sync_status` takes two arguments: a flag (1 keeps the
 * stored value — the KB job's marks change it without a new revision) and the record's value.
 */
const UPDATE_INCIDENT = `UPDATE incidents SET ${INCIDENT_COLUMNS.filter((c) => c !== 'incident_id')
  .map((c) => (c === 'kb_sync_status' ? 'kb_sync_status = CASE WHEN ? THEN kb_sync_status ELSE ? END' : `${c} = ?`))
  .join(', ')}, write_id = ? WHERE incident_id = ? AND revision = ?`;
/** Position of `kb_sync_status` among the UPDATE's column arguments (incident_id excluded). */
const KB_ARG = INCIDENT_COLUMNS.indexOf('kb_sync_status') - 1;
/** The history snapshot with the `kb_sync_status` version 0 holds after the UPDATE (kept or written). */
const SNAPSHOT_WITH_STORED_KB =
  "json_set(?, '$.kb_sync_status', json((SELECT kb_sync_status FROM incidents WHERE incident_id = ?)))";
const INSERT_VERSION =
  'INSERT INTO incident_versions (incident_id, version, changed_at, changed_by, version_notes, snapshot)';
const INSERT_INTERACTION = `INSERT INTO interactions (${INTERACTION_COLUMNS.join(', ')})`;
const UPSERT_SOURCE_RECORD_TAIL = ` ON CONFLICT (incident_id, source_system, record_id) DO UPDATE SET ${SOURCE_RECORD_COLUMNS.filter(
  (c) => c !== 'incident_id' && c !== 'source_system' && c !== 'record_id',
)
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')}`;
const INSERT_SOURCE_RECORD = `INSERT INTO source_records (${SOURCE_RECORD_COLUMNS.join(', ')})`;
/** Guard appended to the statements that follow a conditional UPDATE in the same batch. */
const WRITTEN = 'EXISTS (SELECT 1 FROM incidents WHERE incident_id = ? AND write_id = ?)';

// The statements of the hot paths, built once: a statement's text is the key of the client's
// prepared-statement cache, and a text built per call is hashed and compared in full on every lookup.
const INSERT_VERSION_VALUES = `${INSERT_VERSION} VALUES (${placeholders(6)})`;
const INSERT_INTERACTION_VALUES = `${INSERT_INTERACTION} VALUES (${placeholders(INTERACTION_COLUMNS.length)})`;
const UPSERT_SOURCE_RECORD = `${INSERT_SOURCE_RECORD} SELECT ${placeholders(SOURCE_RECORD_COLUMNS.length)} WHERE true${UPSERT_SOURCE_RECORD_TAIL}`;
const INSERT_VERSION_KEEPING_KB_IF_WRITTEN = `${INSERT_VERSION} SELECT ${placeholders(5)}, ${SNAPSHOT_WITH_STORED_KB} WHERE ${WRITTEN}`;
const INSERT_VERSION_IF_WRITTEN = `${INSERT_VERSION} SELECT ${placeholders(6)} WHERE ${WRITTEN}`;
const INSERT_INTERACTION_IF_WRITTEN = `${INSERT_INTERACTION} SELECT ${placeholders(INTERACTION_COLUMNS.length)} WHERE ${WRITTEN}`;
const UPSERT_SOURCE_RECORD_IF_WRITTEN = `${INSERT_SOURCE_RECORD} SELECT ${placeholders(SOURCE_RECORD_COLUMNS.length)} WHERE ${WRITTEN}${UPSERT_SOURCE_RECORD_TAIL}`;
const SELECT_INCIDENT_BY_ID = `SELECT ${INCIDENT_SELECT} FROM incidents WHERE incident_id = ?`;
const SELECT_INCIDENT_ACCESS = `SELECT incident_id, merged_into, json_extract(metadata, '$.created_by') AS created_by FROM incidents WHERE incident_id = ?`;
const SELECT_INCIDENT_BY_SOURCE = `SELECT ${INCIDENT_SELECT} FROM incidents WHERE source_system = ? AND external_id = ?`;
const SELECT_SOURCE_RECORDS = `SELECT ${SOURCE_RECORD_COLUMNS.join(', ')} FROM source_records WHERE incident_id = ? ORDER BY source_system, record_id`;

/** Everything the store needs besides the client. */
export interface StoreInternals {
  db: InstrumentedClient;
  local: boolean;
  ownsClient: boolean;
}

/** Rows per multi-row INSERT: well below SQLite's 32766 bound parameters for the widest table. */
const ROWS_PER_INSERT = 400;

/** `INSERT … VALUES (…), (…), …` statements for `rows`, a few hundred rows each. */
function multiRowInserts(head: string, rows: InValue[][], tail = ''): InStatement[] {
  const out: InStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    const tuple = `(${placeholders(chunk[0]?.length ?? 0)})`;
    out.push({ sql: `${head} ${chunk.map(() => tuple).join(', ')}${tail}`, args: chunk.flat() });
  }
  return out;
}

function newWriteId(): string {
  return globalThis.crypto.randomUUID();
}

/** Arguments of {@link UPDATE_INCIDENT}'s SET list: the columns but `incident_id`, with the keep-KB flag. */
function updateColumnArgs(incident: Incident, keepKb: boolean): InValue[] {
  const [, ...args] = incidentArgs(incident);
  args.splice(KB_ARG, 0, keepKb ? 1 : 0);
  return args;
}

function versionArgs(incident: Incident, version: number): InValue[] {
  return [
    incident.incident_id,
    version,
    incident.updated_at,
    incident.metadata.last_modified_by,
    incident.metadata.version_notes ?? null,
    JSON.stringify({ ...incident, version }),
  ];
}

function checkPage(page: PageRequest | undefined): PageRequest | undefined {
  return parseInputAt(StorePageRequestSchema, page, 'page');
}

function conflictStale(incidentId: string, expected: number, actual: number | undefined): ConflictError {
  return ConflictError.staleRevision({ id: incidentId, expectedRevision: expected, actualRevision: actual });
}

/** Validates the records of a write; a bad field is a ValidationError naming its path. */
function checkIncident(incident: Incident, path: string): Incident {
  return parseInputAt(incidentSchema(), incident, path);
}

function checkChildren<T extends { incident_id: string }>(
  items: readonly T[] | undefined,
  schema: z.ZodType<T>,
  incidentId: string,
  path: string,
  trusted = false,
): T[] {
  return (items ?? []).map((item, i) => {
    const parsed = trusted ? item : parseInputAt(schema, item, `${path}.${i}`);
    if (parsed.incident_id !== incidentId) {
      throw new ValidationError([
        { path: `${path}.${i}.incident_id`, message: `must be ${incidentId}, the incident being written` },
      ]);
    }
    return parsed;
  });
}

/** The store implementation; see `createTursoStore` for the public entry point. */
export class TursoIncidentStore implements IncidentStore {
  readonly name = 'turso';
  protected readonly db: InstrumentedClient;
  protected readonly local: boolean;
  #ownsClient: boolean;
  #closed = false;

  constructor(internals: StoreInternals) {
    this.db = internals.db;
    this.local = internals.local;
    this.#ownsClient = internals.ownsClient;
  }

  /** The libSQL client (statements run on it directly are not counted by `stats()`). */
  get client(): Client {
    return this.db.client;
  }

  // ---------------------------------------------------------------------------------------------
  // writes

  #checkCreate(
    write: CreateIncidentWrite,
    path: string,
  ): { incident: Incident; children: Interaction[]; sourceRecords: SourceRecord[] } {
    if (typeof write !== 'object' || write === null)
      throw new ValidationError([{ path, message: 'expected { incident, interactions?, sourceRecords? }' }]);
    // Writes the service or the sync engine built from validated values skip the second parse.
    const trusted = takeValidated(write);
    const incident = trusted ? write.incident : checkIncident(write.incident, `${path}.incident`);
    if (incident.version !== 0)
      throw new ValidationError([{ path: `${path}.incident.version`, message: 'a new record is version 0' }]);
    if (incident.revision !== 1)
      throw new ValidationError([{ path: `${path}.incident.revision`, message: 'a new record has revision 1' }]);
    return {
      incident,
      children: checkChildren(
        write.interactions,
        interactionSchema(),
        incident.incident_id,
        `${path}.interactions`,
        trusted,
      ),
      sourceRecords: checkChildren(
        write.sourceRecords,
        sourceRecordSchema(),
        incident.incident_id,
        `${path}.sourceRecords`,
        trusted,
      ),
    };
  }

  /** The statements that create one incident with its history version 1, interactions and records. */
  #createStatements(write: CreateIncidentWrite, path: string, owners: (StatementOwner | undefined)[]): InStatement[] {
    const { incident, children: interactions, sourceRecords: records } = this.#checkCreate(write, path);
    const id = incident.incident_id;
    const stmts: InStatement[] = [
      { sql: INSERT_INCIDENT, args: [...incidentArgs(incident), newWriteId()] },
      { sql: INSERT_VERSION_VALUES, args: versionArgs(incident, 1) },
    ];
    owners.push({ incidentId: id }, { incidentId: id });
    for (const row of interactions) {
      stmts.push({
        sql: INSERT_INTERACTION_VALUES,
        args: interactionArgs(row),
      });
      owners.push({ incidentId: id, interactionId: row.interaction_id });
    }
    for (const record of records) {
      stmts.push({
        sql: UPSERT_SOURCE_RECORD,
        args: sourceRecordArgs(record),
      });
      owners.push({ incidentId: id });
    }
    return stmts;
  }

  async createIncident(write: CreateIncidentWrite): Promise<void> {
    this.#checkOpen();
    const owners: (StatementOwner | undefined)[] = [];
    const stmts = this.#createStatements(write, 'write', owners);
    try {
      await this.db.batch(stmts, 'write');
    } catch (err) {
      throw await this.#explainCreateFailure(err, [write], owners);
    }
  }

  /**
   * Creates many incidents in one transaction (bulk imports, seeding): all of them or none. Each
   * write is validated first; rows go in as multi-row INSERTs (one prepared statement per few hundred
   * rows), so a call costs a handful of statements whatever its size. A duplicate id or source record
   * fails the whole call with the `ConflictError` a single create would give, naming the incident.
   */
  async createIncidents(writes: readonly CreateIncidentWrite[]): Promise<void> {
    this.#checkOpen();
    if (!Array.isArray(writes)) throw new ValidationError([{ path: 'writes', message: 'expected an array of writes' }]);
    if (writes.length === 0) return;
    const incidents: InValue[][] = [];
    const versions: InValue[][] = [];
    const interactions: InValue[][] = [];
    const records: InValue[][] = [];
    const checked = writes.map((write, i) => this.#checkCreate(write, `writes.${i}`));
    checkBulkCreateRepeats(checked.map((c) => ({ incident: c.incident, interactions: c.children })));
    for (const { incident, children, sourceRecords } of checked) {
      incidents.push([...incidentArgs(incident), newWriteId()]);
      versions.push(versionArgs(incident, 1));
      for (const row of children) interactions.push(interactionArgs(row));
      for (const record of sourceRecords) records.push(sourceRecordArgs(record));
    }
    const stmts: InStatement[] = [
      ...multiRowInserts(`INSERT INTO incidents (${INCIDENT_COLUMNS.join(', ')}, write_id) VALUES`, incidents),
      ...multiRowInserts(`${INSERT_VERSION} VALUES`, versions),
      ...multiRowInserts(`${INSERT_INTERACTION} VALUES`, interactions),
      ...multiRowInserts(`${INSERT_SOURCE_RECORD} VALUES`, records, UPSERT_SOURCE_RECORD_TAIL),
    ];
    try {
      await this.db.batch(stmts, 'write');
    } catch (err) {
      throw await this.#explainCreateFailure(err, writes);
    }
  }

  /**
   * Names the incident of a failed create that collided with a stored one. SQLite reports whichever
   * unique index it checked first, so when a record repeats both an id and a source record, the id
   * wins (`already_exists`), as for a single create.
   */
  async #explainCreateFailure(
    err: unknown,
    writes: readonly CreateIncidentWrite[],
    owners?: readonly (StatementOwner | undefined)[],
  ): Promise<IncidentsError<object>> {
    const mapped = mapDriverError(err, 'create the incidents', undefined, owners);
    if (!(mapped instanceof ConflictError) || mapped.details.entity !== 'Incident') return mapped;
    const find = async (byId: boolean): Promise<Incident | undefined> => {
      for (let i = 0; i < writes.length; i += 200) {
        const chunk = writes.slice(i, i + 200).map((w) => w.incident);
        const rs = await this.#read(
          byId
            ? {
                sql: `SELECT incident_id FROM incidents WHERE incident_id IN (${placeholders(chunk.length)}) LIMIT 1`,
                args: chunk.map((c) => c.incident_id),
              }
            : {
                sql: `SELECT source_system, external_id FROM incidents WHERE (source_system, external_id) IN (VALUES ${chunk.map(() => '(?, ?)').join(', ')}) LIMIT 1`,
                args: chunk.flatMap((c) => [c.source_system, c.external_id]),
              },
          'diagnose the failed create',
        );
        const row = rs.rows[0];
        if (!row) continue;
        return byId
          ? chunk.find((c) => c.incident_id === row.incident_id)
          : chunk.find((c) => c.source_system === row.source_system && c.external_id === row.external_id);
      }
      return undefined;
    };
    const existing = await find(true);
    if (existing) {
      return new ConflictError(
        `Incident ${existing.incident_id} already exists`,
        {
          entity: 'Incident',
          id: existing.incident_id,
          reason: 'already_exists',
        },
        { cause: err },
      );
    }
    const duplicate = await find(false);
    if (duplicate) {
      return new ConflictError(
        `Another incident was already imported from the same source record (${duplicate.source_system} ${duplicate.external_id}) as ${duplicate.incident_id}`,
        { entity: 'Incident', id: duplicate.incident_id, reason: 'duplicate_source' },
        { cause: err },
      );
    }
    return mapped;
  }

  async getIncident(incidentId: string): Promise<Incident | null> {
    this.#checkOpen();
    const rs = await this.#read({ sql: SELECT_INCIDENT_BY_ID, args: [incidentId] }, 'read the incident');
    const row = rs.rows[0];
    return row ? rowToIncident(row) : null;
  }

  async getIncidentAccess(incidentId: string): Promise<IncidentAccess | null> {
    this.#checkOpen();
    const rs = await this.#read(
      {
        sql: SELECT_INCIDENT_ACCESS,
        args: [incidentId],
      },
      'read the incident',
    );
    const row = rs.rows[0];
    return row ? rowToIncidentAccess(row) : null;
  }

  async updateIncident(write: UpdateIncidentWrite): Promise<void> {
    this.#checkOpen();
    const trusted = takeValidated(write);
    const incident = trusted ? write.incident : checkIncident(write.incident, 'write.incident');
    const expected = write.expectedRevision;
    if (!Number.isInteger(expected) || expected < 1) {
      throw new ValidationError([{ path: 'write.expectedRevision', message: 'must be a positive integer' }]);
    }
    if (incident.version !== 0)
      throw new ValidationError([{ path: 'write.incident.version', message: 'version 0 is the record written' }]);
    if (incident.revision !== expected + 1) {
      throw new ValidationError([
        { path: 'write.incident.revision', message: `must be expectedRevision + 1 (${expected + 1})` },
      ]);
    }
    const id = incident.incident_id;
    const interactions = checkChildren(write.interactions, interactionSchema(), id, 'write.interactions', trusted);
    const records = checkChildren(write.sourceRecords, sourceRecordSchema(), id, 'write.sourceRecords', trusted);
    const token = newWriteId();
    const keepKb = write.keepKbSyncStatus === true;
    const columnArgs = updateColumnArgs(incident, keepKb);
    const stmts: InStatement[] = [
      { sql: UPDATE_INCIDENT, args: [...columnArgs, token, id, expected] },
      keepKb
        ? {
            sql: INSERT_VERSION_KEEPING_KB_IF_WRITTEN,
            args: [...versionArgs(incident, incident.revision), id, id, token],
          }
        : {
            sql: INSERT_VERSION_IF_WRITTEN,
            args: [...versionArgs(incident, incident.revision), id, token],
          },
    ];
    const owners: (StatementOwner | undefined)[] = [{ incidentId: id }, { incidentId: id }];
    for (const row of interactions) {
      stmts.push({
        sql: INSERT_INTERACTION_IF_WRITTEN,
        args: [...interactionArgs(row), id, token],
      });
      owners.push({ incidentId: id, interactionId: row.interaction_id });
    }
    for (const record of records) {
      stmts.push({
        sql: UPSERT_SOURCE_RECORD_IF_WRITTEN,
        args: [...sourceRecordArgs(record), id, token],
      });
      owners.push({ incidentId: id });
    }
    // Transactional outbox (sync-state.ts): inserted only if the conditional UPDATE took effect.
    const outbound = syncState.checkOutbound(write.outbound, 'write.outbound');
    const outboxStart = stmts.length;
    stmts.push(...syncState.outboundInserts(outbound, { sql: WRITTEN, args: [id, token] }));
    let results: ResultSet[];
    try {
      results = await this.db.batch(stmts, 'write');
    } catch (err) {
      if (outbound.length && Number((err as { statementIndex?: unknown }).statementIndex) >= outboxStart) {
        throw syncState.mapOutboundError(err, 'update the incident', []);
      }
      throw mapDriverError(err, 'update the incident', { incidentId: id }, owners);
    }
    if (results[0]?.rowsAffected === 1) return;
    const actual = await this.#currentRevision(id);
    if (actual === undefined) throw new NotFoundError('Incident', id);
    throw conflictStale(id, expected, actual);
  }

  async linkIncidents(write: LinkIncidentsWrite): Promise<void> {
    this.#checkOpen();
    const from = checkIncident(write.from, 'write.from');
    const to = checkIncident(write.to, 'write.to');
    if (write.resume) return this.#resumeLink(from, to);
    const checks: Array<[boolean, string, string]> = [
      [from.incident_id !== to.incident_id, 'write.to.incident_id', 'cannot link an incident into itself'],
      [from.merged_into === to.incident_id, 'write.from.merged_into', `must be ${to.incident_id}`],
      [from.revision === write.fromExpectedRevision + 1, 'write.from.revision', 'must be fromExpectedRevision + 1'],
      [to.revision === write.toExpectedRevision + 1, 'write.to.revision', 'must be toExpectedRevision + 1'],
      [from.version === 0 && to.version === 0, 'write.from.version', 'version 0 records are written'],
    ];
    const issues = checks.filter(([ok]) => !ok).map(([, path, message]) => ({ path, message }));
    if (issues.length) throw new ValidationError(issues, { context: 'link' });
    const interactions = checkChildren(write.interactions, interactionSchema(), to.incident_id, 'write.interactions');
    const token = newWriteId();
    const guard = `(SELECT count(*) FROM incidents WHERE incident_id IN (?, ?) AND write_id = ?) = 2`;
    const guardArgs = [from.incident_id, to.incident_id, token];
    const fromArgs = updateColumnArgs(from, false);
    const toArgs = updateColumnArgs(to, false);
    const stmts: InStatement[] = [
      // Both conditional updates, the first one also conditional on the second's revision: inside the
      // write transaction they succeed or fail together.
      {
        sql: `${UPDATE_INCIDENT} AND EXISTS (SELECT 1 FROM incidents WHERE incident_id = ? AND revision = ?)`,
        args: [
          ...fromArgs,
          token,
          from.incident_id,
          write.fromExpectedRevision,
          to.incident_id,
          write.toExpectedRevision,
        ],
      },
      {
        sql: `${UPDATE_INCIDENT} AND ${WRITTEN}`,
        args: [...toArgs, token, to.incident_id, write.toExpectedRevision, from.incident_id, token],
      },
      {
        sql: `${INSERT_VERSION} SELECT ${placeholders(6)} WHERE ${guard}`,
        args: [...versionArgs(from, from.revision), ...guardArgs],
      },
      {
        sql: `${INSERT_VERSION} SELECT ${placeholders(6)} WHERE ${guard}`,
        args: [...versionArgs(to, to.revision), ...guardArgs],
      },
      // Move the timeline and the source records (a record the target already has keeps the target's).
      {
        sql: `UPDATE interactions SET incident_id = ? WHERE incident_id = ? AND ${guard}`,
        args: [to.incident_id, from.incident_id, ...guardArgs],
      },
      {
        sql: `UPDATE OR IGNORE source_records SET incident_id = ? WHERE incident_id = ? AND ${guard}`,
        args: [to.incident_id, from.incident_id, ...guardArgs],
      },
      { sql: `DELETE FROM source_records WHERE incident_id = ? AND ${guard}`, args: [from.incident_id, ...guardArgs] },
    ];
    const owners: (StatementOwner | undefined)[] = stmts.map(() => ({ incidentId: to.incident_id }));
    for (const row of interactions) {
      stmts.push({
        sql: `${INSERT_INTERACTION} SELECT ${placeholders(INTERACTION_COLUMNS.length)} WHERE ${guard}`,
        args: [...interactionArgs(row), ...guardArgs],
      });
      owners.push({ incidentId: to.incident_id, interactionId: row.interaction_id });
    }
    let results: ResultSet[];
    try {
      results = await this.db.batch(stmts, 'write');
    } catch (err) {
      throw mapDriverError(err, 'link the incidents', { incidentId: to.incident_id }, owners);
    }
    if (results[0]?.rowsAffected === 1 && results[1]?.rowsAffected === 1) return;
    const [fromRev, toRev] = await Promise.all([
      this.#currentRevision(from.incident_id),
      this.#currentRevision(to.incident_id),
    ]);
    if (fromRev === undefined) throw new NotFoundError('Incident', from.incident_id);
    if (toRev === undefined) throw new NotFoundError('Incident', to.incident_id);
    if (fromRev !== write.fromExpectedRevision)
      throw conflictStale(from.incident_id, write.fromExpectedRevision, fromRev);
    throw conflictStale(to.incident_id, write.toExpectedRevision, toRev);
  }

  /**
   * Completes an interrupted link: moves what is still under `from` into `to`, writing no record or
   * version. Guarded by the stored tombstone, so it never moves rows of an incident that is not
   * linked into `to`.
   */
  async #resumeLink(from: Incident, to: Incident): Promise<void> {
    if (from.merged_into !== to.incident_id) {
      throw new ValidationError(
        [{ path: 'write.from.merged_into', message: `must be ${to.incident_id} to resume a link` }],
        {
          context: 'link',
        },
      );
    }
    const guard = 'EXISTS (SELECT 1 FROM incidents WHERE incident_id = ? AND merged_into = ?)';
    const guardArgs = [from.incident_id, to.incident_id];
    try {
      await this.db.batch(
        [
          {
            sql: `UPDATE interactions SET incident_id = ? WHERE incident_id = ? AND ${guard}`,
            args: [to.incident_id, from.incident_id, ...guardArgs],
          },
          {
            sql: `UPDATE OR IGNORE source_records SET incident_id = ? WHERE incident_id = ? AND ${guard}`,
            args: [to.incident_id, from.incident_id, ...guardArgs],
          },
          {
            sql: `DELETE FROM source_records WHERE incident_id = ? AND ${guard}`,
            args: [from.incident_id, ...guardArgs],
          },
        ],
        'write',
      );
    } catch (err) {
      throw mapDriverError(err, 'resume the link', { incidentId: to.incident_id });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // history, timeline, source records

  async getVersion(incidentId: string, version: number): Promise<Incident | null> {
    this.#checkOpen();
    const rs = await this.#read(
      {
        sql: 'SELECT snapshot FROM incident_versions WHERE incident_id = ? AND version = ?',
        args: [incidentId, version],
      },
      'read the history version',
    );
    const row = rs.rows[0];
    return row ? snapshotToIncident(row.snapshot, incidentId) : null;
  }

  async listVersions(incidentId: string, page?: PageRequest): Promise<Page<Incident>> {
    this.#checkOpen();
    const p = checkPage(page);
    const limit = pageLimit(p);
    let after = 0;
    if (p?.cursor) {
      const raw = decodeCursor<{ k?: unknown; v?: unknown }>(p.cursor);
      if (raw?.k !== 'versions' || !Number.isInteger(raw.v)) {
        throw new ValidationError([
          { path: 'cursor', message: 'this cursor belongs to another query; pass the cursor of the previous page' },
        ]);
      }
      after = raw.v as number;
    }
    const rs = await this.#read(
      {
        sql: 'SELECT version, snapshot FROM incident_versions WHERE incident_id = ? AND version > ? ORDER BY version LIMIT ?',
        args: [incidentId, after, limit + 1],
      },
      'list history versions',
    );
    const items = rs.rows.slice(0, limit).map((row) => snapshotToIncident(row.snapshot, incidentId));
    const last = items.at(-1);
    return { items, cursor: rs.rows.length > limit && last ? encodeCursor({ k: 'versions', v: last.version }) : null };
  }

  async listInteractions(incidentId: string, options: ListInteractionsOptions = {}): Promise<Page<Interaction>> {
    this.#checkOpen();
    const p = checkPage({ limit: options.limit, cursor: options.cursor });
    const limit = pageLimit(p);
    const docs = columnValues(
      await this.#read(timelineStatement(incidentId, options, limit + 1), 'list interactions'),
      0,
    );
    const count = Math.min(docs.length, limit);
    const items = new Array<Interaction>(count);
    for (let i = 0; i < count; i++) items[i] = interactionFromDoc(docs[i]);
    const last = items[count - 1];
    return { items, cursor: docs.length > limit && last ? encodeTimelineCursor(last, options.order) : null };
  }

  async listSourceRecords(incidentId: string): Promise<SourceRecord[]> {
    this.#checkOpen();
    const rs = await this.#read(
      {
        sql: SELECT_SOURCE_RECORDS,
        args: [incidentId],
      },
      'list source records',
    );
    return rs.rows.map(rowToSourceRecord);
  }

  // ---------------------------------------------------------------------------------------------
  // access patterns

  async findBySource(sourceSystem: SourceSystem, externalId: string): Promise<Incident | null> {
    this.#checkOpen();
    const rs = await this.#read(
      {
        sql: SELECT_INCIDENT_BY_SOURCE,
        args: [sourceSystem, externalId],
      },
      'find the incident by source',
    );
    const row = rs.rows[0];
    return row ? rowToIncident(row) : null;
  }

  async queryIncidents(query: IncidentQuery, page?: PageRequest): Promise<Page<Incident>> {
    this.#checkOpen();
    // A query the service already parsed (markValidated) is not parsed again.
    const q = takeValidated(query) ? query : (parseInput(incidentQuerySchema(), query, 'query') as IncidentQuery);
    return this.#keysetPage(planFor(q), checkPage(page));
  }

  async listPendingKbSync(page?: PageRequest): Promise<Page<Incident>> {
    this.#checkOpen();
    return this.#keysetPage(KB_PENDING_PLAN, checkPage(page));
  }

  async #keysetPage(plan: KeysetPlan, page: PageRequest | undefined): Promise<Page<Incident>> {
    const limit = pageLimit(page);
    const position = page?.cursor ? decodePosition(plan, page.cursor) : null;
    const { first, rest } = keysetStatements(plan, position, limit + 1);
    // The statements select one `doc` column: read it by index, without building `Row` objects.
    let docs = columnValues(await this.#read(first, 'query incidents'), 0);
    if (rest && docs.length < limit + 1) {
      docs = docs.concat(columnValues(await this.#read(rest(limit + 1 - docs.length), 'query incidents'), 0));
    }
    const count = Math.min(docs.length, limit);
    const items = new Array<Incident>(count);
    for (let i = 0; i < count; i++) items[i] = incidentFromDoc(docs[i]);
    const last = items[count - 1];
    return { items, cursor: docs.length > limit && last ? encodePosition(plan, last) : null };
  }

  // ---------------------------------------------------------------------------------------------
  // knowledge-base bookkeeping (no revision bump, no history version)

  async markKbSynced(input: MarkKbSyncedInput): Promise<boolean> {
    this.#checkOpen();
    const mark = parseInput(TursoIncidentStore.kbMarkSchema, input, 'KB mark');
    const rs = await this.#write(TursoIncidentStore.kbMarkStatement(mark), 'mark the incident synced');
    return rs.rowsAffected === 1;
  }

  /** Validates one KB mark (built once, not per call). */
  private static readonly kbMarkSchema = z.object({
    incident_id: z.string().min(1),
    expectedRevision: z.number().int().positive(),
    synced_at: z.string().min(1),
    document_key: z.string().min(1),
    withdrawn: z.boolean().optional(),
  });

  /** Validates the inputs of {@link TursoIncidentStore.markKbSyncedMany}. */
  private static readonly kbMarksSchema = z.array(TursoIncidentStore.kbMarkSchema);

  /** The conditional UPDATE of one KB mark: guarded by the revision, attempts kept. */
  private static kbMarkStatement(m: z.output<typeof TursoIncidentStore.kbMarkSchema>): InStatement {
    const attempts = "coalesce(json_extract(kb_sync_status, '$.sync_attempts'), 0)";
    return m.withdrawn
      ? {
          sql: `UPDATE incidents SET kb_sync_status = json_object('state', 'NOT_APPLICABLE', 'synced', json('false'), 'synced_at', ?, 'sync_attempts', ${attempts}) WHERE incident_id = ? AND revision = ?`,
          args: [m.synced_at, m.incident_id, m.expectedRevision],
        }
      : {
          sql: `UPDATE incidents SET kb_sync_status = json_object('state', 'SYNCED', 'synced', json('true'), 'synced_at', ?, 'sync_attempts', ${attempts}, 'document_key', ?) WHERE incident_id = ? AND revision = ?`,
          args: [m.synced_at, m.document_key, m.incident_id, m.expectedRevision],
        };
  }

  /**
   * The batched form of {@link TursoIncidentStore.markKbSynced}, for the knowledge-base job's pages:
   * every mark is the same conditional `UPDATE … WHERE incident_id = ? AND revision = ?`, and all of
   * them run in one `batch(…, 'write')` — one transaction and one round trip instead of one
   * autocommit write each. Each mark is still guarded by its own revision: an incident that changed
   * since it was exported is left as it is (`false` at its position) while the others are written.
   * Invalid input (any element) is a `ValidationError` naming `<index>.<field>`; nothing is written.
   * @returns per input, in order, whether that mark was written.
   */
  async markKbSyncedMany(inputs: readonly MarkKbSyncedInput[]): Promise<boolean[]> {
    this.#checkOpen();
    // Marks the KB job built from listed records skip the schema check (see markValidated).
    const marks = takeValidated(inputs)
      ? (inputs as z.output<typeof TursoIncidentStore.kbMarksSchema>)
      : parseInput(TursoIncidentStore.kbMarksSchema, inputs, 'KB marks');
    if (marks.length === 0) return [];
    const stmts = marks.map((m) => TursoIncidentStore.kbMarkStatement(m));
    let results: ResultSet[];
    try {
      results = await this.db.batch(stmts, 'write');
    } catch (err) {
      throw mapDriverError(err, 'mark the incidents synced');
    }
    return results.map((rs) => rs.rowsAffected === 1);
  }

  async markKbSyncFailed(input: MarkKbSyncFailedInput): Promise<number | null> {
    this.#checkOpen();
    const data = parseInput(
      z.object({ incident_id: z.string().min(1), attempted_at: z.string().min(1), error: z.string() }),
      input,
      'KB failure',
    );
    const rs = await this.#write(
      {
        sql: `UPDATE incidents SET kb_sync_status = json_set(kb_sync_status,
            '$.state', CASE WHEN kb_state = 'WITHDRAW_PENDING' THEN 'WITHDRAW_PENDING' ELSE 'FAILED' END,
            '$.synced', json('false'),
            '$.sync_attempts', coalesce(json_extract(kb_sync_status, '$.sync_attempts'), 0) + 1,
            '$.last_sync_attempt', ?,
            '$.last_sync_error', ?)
          WHERE incident_id = ?
          RETURNING json_extract(kb_sync_status, '$.sync_attempts') AS attempts`,
        args: [data.attempted_at, data.error, data.incident_id],
      },
      'record the failed KB sync',
    );
    const row = rs.rows[0];
    return row ? Number(row.attempts) : null;
  }

  // ---------------------------------------------------------------------------------------------
  // metrics

  async aggregateMetrics(filter: MetricsFilter): Promise<MetricsAggregate> {
    this.#checkOpen();
    const f = parseInput(
      z.object({
        team: z.string().optional(),
        assigned_to: z.string().optional(),
        from: z.string().optional(),
        to: z.string().optional(),
      }),
      filter ?? {},
      'metrics filter',
    );
    // A link tombstone (`merged_into` set) is not an incident of its own: it is counted in its target.
    const conditions: string[] = ['merged_into IS NULL'];
    const args: InValue[] = [];
    const add = (sql: string, value: string | undefined) => {
      if (value === undefined) return;
      conditions.push(sql);
      args.push(value);
    };
    add('team = ?', f.team);
    add('assigned_to = ?', f.assigned_to);
    add('created_at >= ?', f.from);
    add('created_at < ?', f.to);
    const where = `WHERE ${conditions.join(' AND ')}`;
    const done = "status IN ('RESOLVED', 'CLOSED')";
    let results: ResultSet[];
    try {
      results = await this.db.batch(
        [
          {
            sql: `SELECT status, severity, priority, category, count(*) AS n,
                    coalesce(sum(json_extract(metrics, '$.reopened_count')), 0) AS reopened,
                    sum(CASE WHEN ${done} AND due_date IS NOT NULL AND json_extract(metrics, '$.sla_breached') THEN 1 ELSE 0 END) AS breached,
                    sum(CASE WHEN ${done} AND due_date IS NOT NULL AND NOT coalesce(json_extract(metrics, '$.sla_breached'), 0) THEN 1 ELSE 0 END) AS met
                  FROM incidents ${where} GROUP BY status, severity, priority, category`,
            args,
          },
          {
            sql: `SELECT json_extract(metrics, '$.resolution_time_minutes') AS minutes FROM incidents
                  ${where} AND ${done} AND json_extract(metrics, '$.resolution_time_minutes') IS NOT NULL`,
            args,
          },
          // date() turns any offset into the UTC day.
          { sql: `SELECT date(created_at) AS day, count(*) AS n FROM incidents ${where} GROUP BY day`, args },
          {
            sql: `SELECT date(coalesce(resolved_at, closed_at)) AS day, count(*) AS n FROM incidents
                  ${where ? `${where} AND` : 'WHERE'} ${done} AND coalesce(resolved_at, closed_at) IS NOT NULL GROUP BY day`,
            args,
          },
        ],
        'read',
      );
    } catch (err) {
      throw mapDriverError(err, 'aggregate metrics');
    }
    const agg: MetricsAggregate = {
      total: 0,
      by_status: {},
      by_severity: {},
      by_priority: {},
      by_category: {},
      resolution_minutes: [],
      sla_met: 0,
      sla_breached: 0,
      reopened: 0,
    };
    const count = <K extends string>(map: Partial<Record<K, number>>, key: K, n: number) => {
      map[key] = (map[key] ?? 0) + n;
    };
    for (const row of results[0]?.rows ?? []) {
      const n = Number(row.n);
      agg.total += n;
      count(agg.by_status, row.status as Status, n);
      count(agg.by_severity, row.severity as Severity, n);
      count(agg.by_priority, row.priority as Priority, n);
      count(agg.by_category, row.category as string, n);
      agg.reopened += Number(row.reopened);
      agg.sla_breached += Number(row.breached);
      agg.sla_met += Number(row.met);
    }
    agg.resolution_minutes = (results[1]?.rows ?? []).map((row) => Number(row.minutes));
    const perDay = (rs: ResultSet | undefined) =>
      Object.fromEntries((rs?.rows ?? []).filter((r) => r.day !== null).map((r) => [String(r.day), Number(r.n)]));
    agg.created_per_day = perDay(results[2]);
    agg.resolved_per_day = perDay(results[3]);
    return agg;
  }

  // ---------------------------------------------------------------------------------------------
  // users

  async putUser(user: User): Promise<void> {
    this.#checkOpen();
    const u = parseInput(userSchema(), user, 'user');
    await this.#write(
      {
        sql: `INSERT INTO users (email, name, role, team, active, created_at) VALUES (?, ?, ?, ?, ?, ?)
              ON CONFLICT (email) DO UPDATE SET name = excluded.name, role = excluded.role, team = excluded.team,
                active = excluded.active, created_at = excluded.created_at`,
        args: [u.email, u.name, u.role, u.team ?? null, u.active ? 1 : 0, u.created_at],
      },
      'write the user',
    );
  }

  async getUser(email: string): Promise<User | null> {
    this.#checkOpen();
    const rs = await this.#read(
      {
        sql: 'SELECT email, name, role, team, active, created_at FROM users WHERE email = ?',
        // Stored normalised (UserSchema): the lookup is case-insensitive.
        args: [normalizeEmail(email)],
      },
      'read the user',
    );
    const row = rs.rows[0];
    return row ? rowToUser(row) : null;
  }

  async listUsers(page?: PageRequest): Promise<Page<User>> {
    this.#checkOpen();
    const p = checkPage(page);
    const limit = pageLimit(p);
    let after: string | null = null;
    if (p?.cursor) {
      const raw = decodeCursor<{ k?: unknown; v?: unknown }>(p.cursor);
      if (raw?.k !== 'users' || typeof raw.v !== 'string') {
        throw new ValidationError([
          { path: 'cursor', message: 'this cursor belongs to another query; pass the cursor of the previous page' },
        ]);
      }
      after = raw.v;
    }
    const rs = await this.#read(
      {
        sql: `SELECT email, name, role, team, active, created_at FROM users ${after === null ? '' : 'WHERE email > ?'} ORDER BY email LIMIT ?`,
        args: after === null ? [limit + 1] : [after, limit + 1],
      },
      'list users',
    );
    const items = rs.rows.slice(0, limit).map(rowToUser);
    const last = items.at(-1);
    return { items, cursor: rs.rows.length > limit && last ? encodeCursor({ k: 'users', v: last.email }) : null };
  }

  async setUserCredentials(email: string, credentials: UserCredentials): Promise<void> {
    this.#checkOpen();
    const c = parseInput(userCredentialsSchema(), credentials, 'credentials');
    const rs = await this.#write(
      {
        sql: `INSERT INTO user_credentials (user_id, password_hash, updated_at)
              SELECT user_id, ?, ? FROM users WHERE email = ?
              ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at`,
        args: [c.password_hash, c.updated_at, email],
      },
      'write the user credentials',
    );
    if (rs.rowsAffected === 0) throw new NotFoundError('User', email);
  }

  async getUserCredentials(email: string): Promise<UserCredentials | null> {
    this.#checkOpen();
    const rs = await this.#read(
      {
        sql: `SELECT c.password_hash, c.updated_at FROM user_credentials c JOIN users u ON u.user_id = c.user_id
              WHERE u.email = ?`,
        args: [email],
      },
      'read the user credentials',
    );
    const row = rs.rows[0];
    return row ? rowToUserCredentials(row, email) : null;
  }

  // ---------------------------------------------------------------------------------------------
  // sync state: pull cursors and the outbound queue (implemented in sync-state.ts)

  getSyncCursor(connector: string) {
    this.#checkOpen();
    return syncState.getSyncCursor(this.db, connector);
  }
  saveSyncCursor(cursor: SyncCursor) {
    this.#checkOpen();
    return syncState.saveSyncCursor(this.db, cursor);
  }
  listSyncCursors() {
    this.#checkOpen();
    return syncState.listSyncCursors(this.db);
  }
  enqueueOutbound(items: readonly OutboundItem[]) {
    this.#checkOpen();
    return syncState.enqueueOutbound(this.db, items);
  }
  listDueOutbound(options: DueOutboundOptions) {
    this.#checkOpen();
    return syncState.listDueOutbound(this.db, options);
  }
  updateOutbound(update: OutboundUpdate) {
    this.#checkOpen();
    return syncState.updateOutbound(this.db, update);
  }
  listOutbound(filter?: OutboundFilter, page?: PageRequest) {
    this.#checkOpen();
    return syncState.listOutbound(this.db, filter, page);
  }
  countOutbound() {
    this.#checkOpen();
    return syncState.countOutbound(this.db);
  }
  setInteractionExternalId(input: InteractionExternalIdInput) {
    this.#checkOpen();
    return syncState.setInteractionExternalId(this.db, input);
  }

  // ---------------------------------------------------------------------------------------------
  // lifecycle

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsClient) this.db.client.close();
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  protected checkOpen(): void {
    this.#checkOpen();
  }

  #checkOpen(): void {
    if (this.#closed) throw new IncidentsError('store.closed', 'The Turso store is closed', { userError: false });
  }

  async #currentRevision(incidentId: string): Promise<number | undefined> {
    const rs = await this.#read(
      { sql: 'SELECT revision FROM incidents WHERE incident_id = ?', args: [incidentId] },
      'read the revision',
    );
    const row = rs.rows[0];
    return row ? Number(row.revision) : undefined;
  }

  async #read(stmt: InStatement, action: string): Promise<ResultSet> {
    try {
      return await this.db.execute(stmt);
    } catch (err) {
      throw mapDriverError(err, action);
    }
  }

  async #write(stmt: InStatement, action: string): Promise<ResultSet> {
    try {
      return await this.db.execute(stmt);
    } catch (err) {
      throw mapDriverError(err, action);
    }
  }
}

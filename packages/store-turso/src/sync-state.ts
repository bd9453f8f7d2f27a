/**
 * The sync-state operations of the libSQL store (`SyncStateStore` of `@incidents/core`): pull
 * cursors (`sync_cursors`) and the outbound queue (`outbound_queue`, migration 002).
 *
 * Every change of a queue item is one `UPDATE … WHERE sync_id = ? AND status = ? AND attempts = ?`:
 * of two workers that read the same item, exactly one changes it. The outbox rows of an incident
 * write are inserted by the same batch (transaction) as the write, guarded like its other rows.
 *
 * @module
 */
import {
  InteractionExternalIdInputSchema,
  StorePageRequestSchema,
  decodeCursor,
  encodeCursor,
  pageLimit,
  parseInput,
  parseInputAt,
} from '@incidents/core/store-kit';
import {
  ConflictError,
  type DueOutboundOptions,
  type InteractionExternalIdInput,
  OUTBOUND_DUE_STATUSES,
  OUTBOUND_STATUSES,
  type OutboundCounts,
  type OutboundFilter,
  type OutboundItem,
  OutboundItemSchema,
  type OutboundStatus,
  OutboundStatusSchema,
  type OutboundUpdate,
  type Page,
  type PageRequest,
  type SyncCursor,
  SyncCursorSchema,
  ValidationError,
} from '@incidents/core';
import type { InStatement, InValue, Row } from '@libsql/client';
import * as z from 'zod';
import { mapDriverError } from './driver-errors.js';
import type { InstrumentedClient } from './instrumented-client.js';

const rank = (status: OutboundStatus): number => OUTBOUND_STATUSES.indexOf(status);
const utc = (iso: string): string => new Date(Date.parse(iso)).toISOString();

const INSERT_OUTBOUND =
  'INSERT INTO outbound_queue (sync_id, incident_id, connector, status, status_rank, attempts, next_attempt_at, item)';

function outboundArgs(item: OutboundItem): InValue[] {
  return [
    item.sync_id,
    item.incident_id,
    item.connector,
    item.status,
    rank(item.status),
    item.attempts,
    utc(item.next_attempt_at),
    JSON.stringify(item),
  ];
}

function rowToItem(row: Row): OutboundItem {
  return OutboundItemSchema.parse(JSON.parse(String(row.item)));
}

/** Validates outbound items; a bad field is a ValidationError naming `path.i.field`. */
export function checkOutbound(items: readonly OutboundItem[] | undefined, path: string): OutboundItem[] {
  return (items ?? []).map((item, i) => parseInput(OutboundItemSchema, item, `${path}.${i}`));
}

/**
 * INSERT statements for the outbox rows of an incident write; with `guard`, each row is inserted
 * only if the guard (the write's own conditional UPDATE took effect) holds.
 */
export function outboundInserts(
  items: readonly OutboundItem[],
  guard?: { sql: string; args: InValue[] },
): InStatement[] {
  return items.map((item) =>
    guard
      ? {
          sql: `${INSERT_OUTBOUND} SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE ${guard.sql}`,
          args: [...outboundArgs(item), ...guard.args],
        }
      : { sql: `${INSERT_OUTBOUND} VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, args: outboundArgs(item) },
  );
}

/** Maps a UNIQUE violation on `outbound_queue.sync_id` to a ConflictError. */
export function mapOutboundError(err: unknown, action: string, items: readonly OutboundItem[]) {
  const message = err instanceof Error ? err.message : String(err);
  if (/UNIQUE constraint failed: outbound_queue\.sync_id/.test(message)) {
    const index = (err as { statementIndex?: unknown }).statementIndex;
    const id = typeof index === 'number' ? (items[index]?.sync_id ?? 'unknown') : 'unknown';
    return new ConflictError(
      `Outbound item ${id} already exists`,
      { entity: 'OutboundItem', id, reason: 'already_exists' },
      { cause: err },
    );
  }
  return mapDriverError(err, action);
}

async function read(db: InstrumentedClient, stmt: InStatement, action: string) {
  try {
    return await db.execute(stmt);
  } catch (err) {
    throw mapDriverError(err, action);
  }
}

/** `SyncStateStore.getSyncCursor`. */
export async function getSyncCursor(db: InstrumentedClient, connector: string): Promise<SyncCursor | null> {
  const name = parseInput(z.string().min(1), connector, 'connector');
  const rs = await read(
    db,
    { sql: 'SELECT cursor FROM sync_cursors WHERE connector = ?', args: [name] },
    'read the sync cursor',
  );
  const row = rs.rows[0];
  return row ? SyncCursorSchema.parse(JSON.parse(String(row.cursor))) : null;
}

/** `SyncStateStore.saveSyncCursor`. */
export async function saveSyncCursor(db: InstrumentedClient, cursor: SyncCursor): Promise<void> {
  const c = parseInput(SyncCursorSchema, cursor, 'sync cursor');
  await read(
    db,
    {
      sql: `INSERT INTO sync_cursors (connector, cursor, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (connector) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
      args: [c.connector, JSON.stringify(c), c.updated_at],
    },
    'save the sync cursor',
  );
}

/** `SyncStateStore.listSyncCursors`. */
export async function listSyncCursors(db: InstrumentedClient): Promise<SyncCursor[]> {
  const rs = await read(db, 'SELECT cursor FROM sync_cursors ORDER BY connector', 'list sync cursors');
  return rs.rows.map((row) => SyncCursorSchema.parse(JSON.parse(String(row.cursor))));
}

/** `SyncStateStore.enqueueOutbound`: all items in one transaction, or none. */
export async function enqueueOutbound(db: InstrumentedClient, items: readonly OutboundItem[]): Promise<void> {
  const valid = checkOutbound(items, 'items');
  if (valid.length === 0) return;
  try {
    await db.batch(outboundInserts(valid), 'write');
  } catch (err) {
    throw mapOutboundError(err, 'enqueue outbound items', valid);
  }
}

/** `SyncStateStore.listDueOutbound`. */
export async function listDueOutbound(db: InstrumentedClient, options: DueOutboundOptions): Promise<OutboundItem[]> {
  const o = parseInput(
    z.object({
      now: z.iso.datetime({ offset: true }),
      limit: z.number().optional(),
      connector: z.string().min(1).optional(),
    }),
    options,
    'due outbound options',
  );
  const limit = pageLimit({ limit: o.limit });
  const now = utc(o.now);
  const out: OutboundItem[] = [];
  for (const status of OUTBOUND_DUE_STATUSES) {
    if (out.length >= limit) break;
    const rs = await read(
      db,
      {
        sql: `SELECT item FROM outbound_queue WHERE ${o.connector ? 'connector = ? AND ' : ''}status_rank = ? AND next_attempt_at <= ?
              ORDER BY next_attempt_at, sync_id LIMIT ?`,
        args: [...(o.connector ? [o.connector] : []), rank(status), now, limit - out.length],
      },
      'list due outbound items',
    );
    out.push(...rs.rows.map(rowToItem));
  }
  return out;
}

/** `SyncStateStore.updateOutbound`: conditional on the status and attempts read. */
export async function updateOutbound(db: InstrumentedClient, update: OutboundUpdate): Promise<OutboundItem | null> {
  if (typeof update !== 'object' || update === null) {
    throw new ValidationError([{ path: 'update', message: 'expected { item, changes }' }]);
  }
  const item = parseInput(OutboundItemSchema, update.item, 'update.item');
  const next = parseInput(OutboundItemSchema, { ...item, ...update.changes }, 'update.changes');
  const rs = await read(
    db,
    {
      sql: `UPDATE outbound_queue SET status = ?, status_rank = ?, attempts = ?, next_attempt_at = ?, item = ?
            WHERE sync_id = ? AND status = ? AND attempts = ?`,
      args: [
        next.status,
        rank(next.status),
        next.attempts,
        utc(next.next_attempt_at),
        JSON.stringify(next),
        item.sync_id,
        item.status,
        item.attempts,
      ],
    },
    'update the outbound item',
  );
  return rs.rowsAffected === 1 ? next : null;
}

const OutboundCursorSchema = z.object({ k: z.literal('outbound'), r: z.number().int(), t: z.string(), s: z.string() });

/** `SyncStateStore.listOutbound`: keyset pagination on (status_rank, next_attempt_at, sync_id). */
export async function listOutbound(
  db: InstrumentedClient,
  filter: OutboundFilter = {},
  page?: PageRequest,
): Promise<Page<OutboundItem>> {
  const f = parseInput(
    z.object({
      status: z.union([OutboundStatusSchema, z.array(OutboundStatusSchema)]).optional(),
      connector: z.string().min(1).optional(),
    }),
    filter ?? {},
    'outbound filter',
  );
  const p = parseInputAt(StorePageRequestSchema, page, 'page');
  const limit = pageLimit(p);
  const conditions: string[] = [];
  const args: InValue[] = [];
  if (f.connector) {
    conditions.push('connector = ?');
    args.push(f.connector);
  }
  if (f.status !== undefined) {
    const statuses = Array.isArray(f.status) ? f.status : [f.status];
    conditions.push(`status_rank IN (${statuses.map(() => '?').join(', ')})`);
    args.push(...statuses.map(rank));
  }
  if (p?.cursor) {
    const parsed = OutboundCursorSchema.safeParse(decodeCursor(p.cursor));
    if (!parsed.success) {
      throw new ValidationError([
        { path: 'cursor', message: 'this cursor belongs to another query; pass the cursor of the previous page' },
      ]);
    }
    conditions.push('(status_rank, next_attempt_at, sync_id) > (?, ?, ?)');
    args.push(parsed.data.r, parsed.data.t, parsed.data.s);
  }
  const rs = await read(
    db,
    {
      sql: `SELECT status_rank, next_attempt_at, sync_id, item FROM outbound_queue
            ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
            ORDER BY status_rank, next_attempt_at, sync_id LIMIT ?`,
      args: [...args, limit + 1],
    },
    'list outbound items',
  );
  const rows = rs.rows.slice(0, limit);
  const last = rows.at(-1);
  return {
    items: rows.map(rowToItem),
    cursor:
      rs.rows.length > limit && last
        ? encodeCursor({
            k: 'outbound',
            r: Number(last.status_rank),
            t: String(last.next_attempt_at),
            s: String(last.sync_id),
          })
        : null,
  };
}

/** `SyncStateStore.countOutbound`. */
export async function countOutbound(db: InstrumentedClient): Promise<OutboundCounts> {
  const rs = await read(db, 'SELECT status, count(*) AS n FROM outbound_queue GROUP BY status', 'count outbound items');
  const counts = Object.fromEntries(OUTBOUND_STATUSES.map((s) => [s, 0])) as OutboundCounts;
  for (const row of rs.rows) counts[row.status as OutboundStatus] = Number(row.n);
  return counts;
}

/** `SyncStateStore.setInteractionExternalId` (by interaction id: it survives a link that moved the row). */
export async function setInteractionExternalId(
  db: InstrumentedClient,
  input: InteractionExternalIdInput,
): Promise<boolean> {
  const data = parseInput(InteractionExternalIdInputSchema, input, 'interaction external id');
  const rs = await read(
    db,
    {
      sql: 'UPDATE interactions SET external_id = ? WHERE interaction_id = ?',
      args: [data.external_id, data.interaction.interaction_id],
    },
    'record the external id of the interaction',
  );
  return rs.rowsAffected === 1;
}

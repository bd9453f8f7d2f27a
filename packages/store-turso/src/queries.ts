/**
 * The read queries of the store, built so that each one is an index range scan in result order
 * (no temporary B-tree sort) with keyset ("seek") pagination.
 *
 * An access pattern is a {@link KeysetPlan}: fixed filters, an optional *group* column walked in
 * order (`status_rank` or `severity_rank`, restricted to a set of values or not), and the remaining
 * order columns ending with `incident_id`. The first page is one statement; a later page seeks
 * inside the cursor's group with a row-value comparison and, if that group runs out, continues in
 * the following groups with a second statement.
 *
 * @module
 */
import {
  type Incident,
  type IncidentQuery,
  type ListInteractionsOptions,
  SEVERITIES,
  STATUSES,
  type Severity,
  type Status,
  ValidationError,
} from '@incidents/core';
import { decodeCursor, encodeCursor } from '@incidents/core/store-kit';
import type { InStatement, InValue } from '@libsql/client';
import { INCIDENT_SELECT, INTERACTION_SELECT } from './rows.js';

/** Rank of a status in the canonical order (the `status_rank` generated column). */
export const statusRank = (s: Status): number => STATUSES.indexOf(s);
/** Rank of a severity, CRITICAL first (the `severity_rank` generated column). */
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

/** A filter with its arguments. */
interface Filter {
  sql: string;
  args: InValue[];
}

/** How one access pattern is read. */
export interface KeysetPlan {
  /** Cursor tag: a cursor of one pattern is refused by another. */
  kind: string;
  filters: Filter[];
  /** The leading order column restricted to `values` (ascending), or to any value when `null`. */
  group?: { column: 'status_rank' | 'severity_rank'; values: number[] | null; of: (i: Incident) => number };
  /** The order columns after the group, all ascending; the last one makes the order total. */
  order: { column: string; of: (i: Incident) => InValue }[];
  /** The index that serves the pattern (documentation and EXPLAIN tests). */
  index: string;
}

function ranksOf(status: Status | readonly Status[] | undefined): number[] | null {
  if (status === undefined) return null;
  const list = typeof status === 'string' ? [status] : status;
  return [...new Set(list.map(statusRank))].sort((a, b) => a - b);
}

const byId = { column: 'incident_id', of: (i: Incident) => i.incident_id };
const byCreated = { column: 'created_at', of: (i: Incident) => i.created_at };
const byPriority = { column: 'priority', of: (i: Incident) => i.priority };
const statusGroup = (values: number[] | null) => ({
  column: 'status_rank' as const,
  values,
  of: (i: Incident) => statusRank(i.status),
});

/** `LIKE` pattern for a substring, with `%`, `_` and `\` escaped (used with `ESCAPE '\'`). */
export function likeSubstring(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The `text` filter: a substring of the id, title or description. SQLite's `LIKE` is case-insensitive
 * for ASCII letters, as the contract asks. It is evaluated on the rows of the pattern's index range
 * (no full-text index: the range is already narrowed by status, assignee or team).
 */
function textFilter(text: string | undefined): Filter[] {
  if (text === undefined) return [];
  const pattern = likeSubstring(text);
  return [
    {
      sql: "(incident_id LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\')",
      args: [pattern, pattern, pattern],
    },
  ];
}

/** The plan of an access pattern (see `IncidentQuery` in `@incidents/core`). */
export function planFor(query: IncidentQuery): KeysetPlan {
  const plan = planOf(query);
  const text = 'text' in query ? query.text : undefined;
  return text === undefined ? plan : { ...plan, filters: [...plan.filters, ...textFilter(text)] };
}

function planOf(query: IncidentQuery): KeysetPlan {
  switch (query.by) {
    case 'status':
      return {
        kind: 'status',
        filters: query.priority ? [{ sql: 'priority = ?', args: [query.priority] }] : [],
        group: statusGroup(ranksOf(query.status)),
        order: [byPriority, byCreated, byId],
        index: 'idx_incidents_status_priority',
      };
    case 'assignee':
      return {
        kind: 'assignee',
        // priority follows status_rank in idx_incidents_assignee: an equality on it is part of the seek.
        filters: [
          { sql: 'assigned_to = ?', args: [query.assigned_to] },
          ...(query.priority ? [{ sql: 'priority = ?', args: [query.priority] }] : []),
        ],
        group: statusGroup(ranksOf(query.status)),
        order: [byPriority, byCreated, byId],
        index: 'idx_incidents_assignee',
      };
    case 'team':
      return {
        kind: 'team',
        filters: [{ sql: 'team = ?', args: [query.team] }],
        group: statusGroup(ranksOf(query.status)),
        order: [byCreated, byId],
        index: 'idx_incidents_team',
      };
    case 'category':
      return {
        kind: 'category',
        filters: [{ sql: 'category = ?', args: [query.category] }],
        group: {
          column: 'severity_rank',
          values: query.severity ? [severityRank(query.severity)] : null,
          of: (i) => severityRank(i.severity),
        },
        order: [byCreated, byId],
        index: 'idx_incidents_category',
      };
    case 'source':
      return {
        kind: 'source',
        filters: [
          { sql: 'source_system = ?', args: [query.source_system] },
          ...(query.external_id !== undefined ? [{ sql: 'external_id = ?', args: [query.external_id] }] : []),
        ],
        // (source_system, external_id) is unique: external_id alone makes the order total.
        order: [{ column: 'external_id', of: (i) => i.external_id }],
        index: 'ux_incidents_source',
      };
    case 'due':
      return {
        kind: 'due',
        filters: [
          { sql: 'due_date IS NOT NULL', args: [] },
          ...(query.due_before !== undefined ? [{ sql: 'due_date < ?', args: [query.due_before] }] : []),
        ],
        group: statusGroup(ranksOf(query.status)),
        order: [{ column: 'due_date', of: (i) => i.due_date ?? null }, byId],
        index: 'idx_incidents_due',
      };
    default: {
      const never: never = query;
      throw new ValidationError([{ path: 'by', message: `unknown access pattern ${JSON.stringify(never)}` }]);
    }
  }
}

/** The plan of `listPendingKbSync`: the sparse KB index in incident_id order. */
export const KB_PENDING_PLAN: KeysetPlan = {
  kind: 'kb',
  filters: [{ sql: "kb_state IN ('PENDING', 'FAILED', 'WITHDRAW_PENDING')", args: [] }],
  order: [byId],
  index: 'idx_incidents_kb_pending',
};

/** A decoded cursor: the sort key of the last item of the previous page. */
export interface KeysetPosition {
  group?: number;
  values: InValue[];
}

/** Decodes and checks a cursor for `plan`; a cursor of another query is a ValidationError. */
export function decodePosition(plan: KeysetPlan, cursor: string): KeysetPosition {
  const raw = decodeCursor<{ k?: unknown; g?: unknown; v?: unknown }>(cursor);
  const ok =
    typeof raw === 'object' &&
    raw !== null &&
    raw.k === plan.kind &&
    Array.isArray(raw.v) &&
    raw.v.length === plan.order.length &&
    raw.v.every((x) => typeof x === 'string' || typeof x === 'number') &&
    (plan.group ? Number.isInteger(raw.g) : raw.g === undefined);
  if (!ok) {
    throw new ValidationError([
      { path: 'cursor', message: 'this cursor belongs to another query; pass the cursor of the previous page' },
    ]);
  }
  return { ...(plan.group ? { group: raw.g as number } : {}), values: raw.v as InValue[] };
}

/** The cursor pointing after `last`. */
export function encodePosition(plan: KeysetPlan, last: Incident): string {
  return encodeCursor({
    k: plan.kind,
    ...(plan.group ? { g: plan.group.of(last) } : {}),
    v: plan.order.map((o) => o.of(last)),
  });
}

/** Full statement texts by their short variable part (see {@link statementText}). */
const STATEMENT_TEXTS = new Map<string, string>();
/** The number of distinct shapes is small (patterns × optional filters × IN-list sizes); a bound all the same. */
const MAX_STATEMENT_TEXTS = 1024;

/**
 * The statement text `build(key)` for a short `key`, built once: a page reuses the same string (its
 * hash is computed once, and the prepared-statement cache finds it by identity) instead of
 * concatenating and hashing a text of several kilobytes (the `SELECT` list of one document) per call.
 */
function statementText(key: string, build: () => string): string {
  let sql = STATEMENT_TEXTS.get(key);
  if (sql === undefined) {
    if (STATEMENT_TEXTS.size >= MAX_STATEMENT_TEXTS) STATEMENT_TEXTS.clear();
    sql = build();
    STATEMENT_TEXTS.set(key, sql);
  }
  return sql;
}

function where(filters: Filter[]): { sql: string; args: InValue[] } {
  let sql = '';
  const args: InValue[] = [];
  for (const f of filters) {
    sql += sql === '' ? `WHERE ${f.sql}` : ` AND ${f.sql}`;
    for (const a of f.args) args.push(a);
  }
  return { sql, args };
}

function inList(column: string, values: number[]): Filter {
  return values.length === 1
    ? { sql: `${column} = ?`, args: [values[0] as number] }
    : { sql: `${column} IN (${values.map(() => '?').join(', ')})`, args: values };
}

/**
 * The statements that read one page: the first is always run; the second only when the first
 * returned fewer than `limit + 1` rows (it continues in the groups after the cursor's group).
 */
export function keysetStatements(
  plan: KeysetPlan,
  position: KeysetPosition | null,
  fetch: number,
  select = INCIDENT_SELECT,
): { first: InStatement; rest?: (remaining: number) => InStatement } {
  const orderCols = plan.order.map((o) => o.column);
  const group = plan.group;
  // The select list is one of a few constant texts: it is part of the key by identity of the text only
  // when it is not the default.
  const selectKey = select === INCIDENT_SELECT ? '' : select;
  const build = (filters: Filter[], order: string[], limit: number): InStatement => {
    const w = where(filters);
    const tail = `${w.sql} ORDER BY ${order.join(', ')} LIMIT ?`;
    return {
      sql: statementText(`${selectKey}\u0000incidents ${tail}`, () => `SELECT ${select} FROM incidents ${tail}`),
      args: [...w.args, limit],
    };
  };
  const seek = (values: InValue[]): Filter =>
    orderCols.length === 1
      ? { sql: `${orderCols[0]} > ?`, args: values }
      : { sql: `(${orderCols.join(', ')}) > (${orderCols.map(() => '?').join(', ')})`, args: values };

  if (!group) {
    const filters = position ? [...plan.filters, seek(position.values)] : plan.filters;
    return { first: build(filters, orderCols, fetch) };
  }
  const allOrder = [group.column, ...orderCols];
  if (!position) {
    const filters = group.values ? [...plan.filters, inList(group.column, group.values)] : plan.filters;
    return { first: build(filters, allOrder, fetch) };
  }
  const g = position.group as number;
  const first = build(
    [...plan.filters, { sql: `${group.column} = ?`, args: [g] }, seek(position.values)],
    orderCols,
    fetch,
  );
  const later = group.values ? group.values.filter((v) => v > g) : null;
  if (later && later.length === 0) return { first };
  const laterFilter: Filter = later ? inList(group.column, later) : { sql: `${group.column} > ?`, args: [g] };
  return { first, rest: (remaining) => build([...plan.filters, laterFilter], allOrder, remaining) };
}

/** A decoded timeline cursor. */
interface TimelinePosition {
  created_at: string;
  interaction_id: string;
}

/**
 * The timeline statement, newest first by default: served by the primary key of the interactions
 * table, `(incident_id, created_at, interaction_id)` (a WITHOUT ROWID table since migration 004, so one
 * incident's entries are stored together in timeline order).
 */
export function timelineStatement(incidentId: string, options: ListInteractionsOptions, fetch: number): InStatement {
  const desc = (options.order ?? 'desc') === 'desc';
  const filters: Filter[] = [{ sql: 'incident_id = ?', args: [incidentId] }];
  if (!options.includeInternal) filters.push({ sql: 'is_internal = 0', args: [] });
  if (options.types && options.types.length > 0) {
    filters.push({ sql: `type IN (${options.types.map(() => '?').join(', ')})`, args: [...options.types] });
  }
  if (options.cursor) {
    const raw = decodeCursor<{ k?: unknown; c?: unknown; i?: unknown; d?: unknown }>(options.cursor);
    if (raw?.k !== 'timeline' || typeof raw.c !== 'string' || typeof raw.i !== 'string' || raw.d !== desc) {
      throw new ValidationError([
        { path: 'cursor', message: 'this cursor belongs to another query; pass the cursor of the previous page' },
      ]);
    }
    filters.push({ sql: `(created_at, interaction_id) ${desc ? '<' : '>'} (?, ?)`, args: [raw.c, raw.i] });
  }
  const w = where(filters);
  const dir = desc ? 'DESC' : 'ASC';
  const tail = `${w.sql} ORDER BY created_at ${dir}, interaction_id ${dir} LIMIT ?`;
  return {
    sql: statementText(`interactions ${tail}`, () => `SELECT ${INTERACTION_SELECT} FROM interactions ${tail}`),
    args: [...w.args, fetch],
  };
}

/** The cursor after `last` on a timeline. */
export function encodeTimelineCursor(last: TimelinePosition, order: 'asc' | 'desc' | undefined): string {
  return encodeCursor({ k: 'timeline', c: last.created_at, i: last.interaction_id, d: (order ?? 'desc') === 'desc' });
}

/** A hot query of the application, with representative arguments, for EXPLAIN QUERY PLAN. */
export interface HotQuery {
  name: string;
  /** The index the query is designed to use. */
  index: string;
  statement: InStatement;
}

/** The hot queries (R-ACCESS-1…6 and the timeline of R-DESK-3), exactly as the store runs them (first page and a later page). */
export function hotQueries(): HotQuery[] {
  const sample: Incident = {
    incident_id: 'INC-0',
    created_at: '2026-01-01T00:00:00.000Z',
    priority: 'P2',
    status: 'NEW',
    severity: 'HIGH',
    external_id: 'EXT-1',
    due_date: '2026-01-02T00:00:00.000Z',
  } as Incident;
  const page = (name: string, query: IncidentQuery): HotQuery[] => {
    const plan = planFor(query);
    const next = keysetStatements(plan, decodePosition(plan, encodePosition(plan, sample)), 51);
    return [
      { name, index: plan.index, statement: keysetStatements(plan, null, 51).first },
      { name: `${name} (next page)`, index: plan.index, statement: next.first },
    ];
  };
  return [
    {
      name: 'timeline',
      index: 'PRIMARY KEY',
      statement: timelineStatement('INC-0', {}, 51),
    },
    {
      name: 'timeline (next page)',
      index: 'PRIMARY KEY',
      statement: timelineStatement(
        'INC-0',
        { cursor: encodeTimelineCursor({ created_at: '2026-01-01T00:00:00.000Z', interaction_id: 'I' }, 'desc') },
        51,
      ),
    },
    ...page('status-by-priority', { by: 'status', status: 'NEW' }),
    ...page('my-open-incidents', {
      by: 'assignee',
      assigned_to: 'ana@example.com',
      status: ['ASSIGNED', 'IN_PROGRESS', 'PENDING'],
    }),
    ...page('my-open-incidents-by-priority', {
      by: 'assignee',
      assigned_to: 'ana@example.com',
      status: ['ASSIGNED', 'IN_PROGRESS', 'PENDING'],
      priority: 'P2',
    }),
    ...page('by-team', { by: 'team', team: 'payments' }),
    ...page('by-category', { by: 'category', category: 'Network' }),
    ...page('by-source', { by: 'source', source_system: 'JIRA' }),
    ...page('by-due', {
      by: 'due',
      status: ['NEW', 'ASSIGNED', 'IN_PROGRESS'],
      due_before: '2026-02-01T00:00:00.000Z',
    }),
    {
      name: 'kb-pending',
      index: KB_PENDING_PLAN.index,
      statement: keysetStatements(KB_PENDING_PLAN, null, 51).first,
    },
  ];
}

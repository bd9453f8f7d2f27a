/**
 * The ServiceNow connector (Table API).
 * @module
 */
import * as z from 'zod';
import type {
  Connector,
  DeletedRecord,
  ListDeletedOptions,
  PulledIncident,
  PulledPage,
  PullOptions,
} from '../connector.js';
import { ValidationError } from '@incidents/core';
import { ConnectorError } from '../errors.js';
import { type AuthProvider, basicAuth, bearerAuth } from '../http/auth.js';
import { oauthAuth } from '../http/oauth.js';
import { readAhead } from '../http/read-ahead.js';
import { createHttpClient, type HttpClient } from '../http/http-client.js';
import { attachPageComments, mapEach, maxIso, type OwnedComment } from '../mapping/common.js';
import { decodePullCursor, encodePullCursor, normaliseSince } from '../mapping/cursor.js';
import { serviceNowErrorMessage } from './errors.js';
import {
  mapServiceNowIncident,
  mapServiceNowJournal,
  SERVICENOW_CLOSE_CODES,
  SERVICENOW_PUSH_STATES,
  ServiceNowJournalSchema,
  snDate,
  snDateArgs,
} from './mapper.js';
import { SERVICENOW_MAX_PAGE_SIZE, type ServiceNowConnectorOptions } from './options.js';

const FIELDS = [
  'sys_id',
  'number',
  'short_description',
  'description',
  'state',
  'priority',
  'category',
  'subcategory',
  'assigned_to',
  'assigned_to.email',
  'assignment_group',
  'opened_at',
  'sys_created_on',
  'sys_updated_on',
  'due_date',
  'close_code',
  'close_notes',
  'cmdb_ci',
  'business_service',
  'caller_id',
  'sys_mod_count',
].join(',');

const ResultListSchema = z.looseObject({ result: z.array(z.unknown()) });

/** Where a pull continues: after the key (`sys_updated_on` UTC value, `sys_id`) of the last row read. */
interface KeysetPosition {
  after: { updated: string; id: string } | null;
  /** Rows to skip within the keyset query (only after pages the ACLs emptied). */
  offset: number;
}

function isKeysetPosition(value: unknown): value is KeysetPosition {
  if (!value || typeof value !== 'object') return false;
  const v = value as { after?: unknown; offset?: unknown };
  const after = v.after as { updated?: unknown; id?: unknown } | null;
  return (
    typeof v.offset === 'number' &&
    (after === null || (typeof after === 'object' && typeof after.updated === 'string' && typeof after.id === 'string'))
  );
}

/** The raw value of a field read with `sysparm_display_value=all` (or plain). */
function rawValue(field: unknown): string | undefined {
  if (typeof field === 'string') return field;
  if (field && typeof field === 'object' && typeof (field as { value?: unknown }).value === 'string')
    return (field as { value: string }).value;
  return undefined;
}

/** The keyset of the last row of a page, if it has the fields. */
function lastKey(rows: readonly unknown[]): KeysetPosition['after'] {
  const row = rows[rows.length - 1] as Record<string, unknown> | undefined;
  const updated = rawValue(row?.sys_updated_on);
  const id = rawValue(row?.sys_id);
  return updated && id && /^[\d :-]+$/.test(updated) && /^\w+$/.test(id) ? { updated, id } : null;
}

/** An instant as a ServiceNow date-time literal (`yyyy-MM-dd HH:mm:ss`, UTC). */
function snLiteral(iso: string): string {
  const { date, time } = snDateArgs(iso);
  return `${date} ${time}`;
}
const JournalListSchema = z.looseObject({ result: z.array(ServiceNowJournalSchema) });
const DeletedListSchema = z.looseObject({
  result: z.array(z.looseObject({ documentkey: z.string().optional(), sys_created_on: z.string().optional() })),
});
const JOURNAL_PAGE = 1000;

/**
 * Whether a Table API page is followed by another. ACLs remove rows *after* the page is cut, so a
 * page shorter than `sysparm_limit` (even an empty one) is not the end: the `Link` header's
 * `rel="next"` says; without a `Link` header, a full page means there may be more.
 */
function hasNextPage(headers: Headers, rows: number, limit: number): boolean {
  const link = headers.get('link');
  return link !== null ? /rel="?next"?/i.test(link) : rows === limit;
}

/** A journal entry; its `owner` is the sys_id of the record it belongs to (`element_id`). */
type JournalEntry = OwnedComment;

async function readJournal(http: HttpClient, query: string, signal?: AbortSignal): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  for (let offset = 0; ; offset += JOURNAL_PAGE) {
    const { body, headers } = await http.request({
      path: '/api/now/table/sys_journal_field',
      query: {
        sysparm_query: query,
        sysparm_fields: 'sys_id,element,element_id,value,sys_created_on,sys_created_by',
        sysparm_limit: JOURNAL_PAGE,
        sysparm_offset: offset,
      },
      schema: JournalListSchema,
      ...(signal ? { signal } : {}),
    });
    for (const row of body.result) {
      const owner = typeof row.element_id === 'string' ? row.element_id : (row.element_id.value ?? '');
      out.push({ owner, comment: mapServiceNowJournal(row) });
    }
    if (!hasNextPage(headers, body.result.length, JOURNAL_PAGE)) return out;
  }
}

/**
 * Creates the ServiceNow connector: pulls `/api/now/table/<table>` with
 * `sysparm_query=sys_updated_on>=<UTC literal>^ORDERBYsys_updated_on^ORDERBYsys_id`, paging by keyset
 * (after the last row's `sys_updated_on`, `sys_id`) and following the `Link: rel="next"` header
 * (ACLs can shorten a page without ending the listing) (`sysparm_display_value=all`), reads comments and work notes from `sys_journal_field` (one query
 * per page), pushes `comments` (PUBLIC) or `work_notes` (INTERNAL) and `state` with
 * `close_code`/`close_notes`.
 *
 * @example
 * ```ts
 * const snow = createServiceNowConnector({ baseUrl: 'https://acme.service-now.com', auth: { username, password } });
 * ```
 */
export function createServiceNowConnector(options: ServiceNowConnectorOptions): Connector {
  const name = 'servicenow';
  const auth: AuthProvider =
    'oauth' in options.auth
      ? oauthAuth(
          name,
          { bodyFormat: 'form', ...options.auth.oauth },
          { ...(options.fetch ? { fetch: options.fetch } : {}) },
        )
      : 'bearerToken' in options.auth
        ? bearerAuth(options.auth.bearerToken)
        : basicAuth(options.auth.username, options.auth.password);
  const http = createHttpClient({ ...options, connector: name, auth, errorMessage: serviceNowErrorMessage });
  const table = options.table ?? 'incident';
  const pageSize = Math.min(SERVICENOW_MAX_PAGE_SIZE, Math.max(1, options.pageSize ?? 100));
  const mapping = { ...options.mapping, baseUrl: options.baseUrl, table };

  function commentsOf(ids: readonly string[], signal?: AbortSignal): Promise<JournalEntry[]> {
    return readJournal(http, `element_idIN${ids.join(',')}^elementINcomments,work_notes^ORDERBYsys_created_on`, signal);
  }

  async function* pull(opts: PullOptions = {}): AsyncGenerator<PulledPage> {
    let since = normaliseSince(opts.since);
    let position: KeysetPosition = { after: null, offset: 0 };
    if (opts.cursor) {
      const resumed = decodePullCursor<unknown>(name, opts.cursor);
      if (!isKeysetPosition(resumed.position)) {
        // An offset cursor of an older version: the engine starts again from its watermark.
        throw new ValidationError([
          { path: 'cursor', message: 'a servicenow offset cursor of an older version; pull again from the watermark' },
        ]);
      }
      since = resumed.since;
      position = resumed.position;
    }
    const size = opts.pageSize ? Math.min(SERVICENOW_MAX_PAGE_SIZE, Math.max(1, opts.pageSize)) : pageSize;
    const base: string[] = [];
    if (options.query?.trim()) base.push(options.query.trim());
    // A plain date-time literal is compared with the stored (UTC) value; gs.dateGenerate() would read
    // it in the integration user's time zone.
    if (since) base.push(`sys_updated_on>=${snLiteral(since)}`);
    const ORDER = 'ORDERBYsys_updated_on^ORDERBYsys_id';
    /**
     * Keyset paging on (sys_updated_on, sys_id): the next page starts after the last row read, so a
     * record changed mid-pull (moved to the end) never shifts an unread row out of reach.
     */
    const queryFor = (after: KeysetPosition['after']) => {
      if (!after) return [...base, ORDER].join('^');
      const rest = base.length ? `${base.join('^')}^` : '';
      return `${rest}sys_updated_on>${after.updated}^NQ${rest}sys_updated_on=${after.updated}^sys_id>${after.id}^${ORDER}`;
    };
    let high: string | null = null;
    const list = async (at: KeysetPosition, signal: AbortSignal) => {
      const response = await http.request({
        path: `/api/now/table/${table}`,
        query: {
          sysparm_query: queryFor(at.after),
          sysparm_limit: size,
          sysparm_offset: at.offset,
          sysparm_display_value: 'all',
          sysparm_exclude_reference_link: true,
          sysparm_fields: FIELDS,
        },
        schema: ResultListSchema,
        signal,
      });
      return { result: response.body.result, more: hasNextPage(response.headers, response.body.result.length, size) };
    };
    const pages = readAhead<KeysetPosition, { result: unknown[]; more: boolean }>(
      position,
      list,
      (body, at) => {
        if (!body.more) return null;
        const last = lastKey(body.result);
        // A page the ACLs emptied: its window is passed by offset within the same query.
        return last ? { after: last, offset: 0 } : { after: at.after, offset: at.offset + size };
      },
      opts.signal,
    );
    for await (const { body, next } of pages) {
      const mapped = mapEach(body.result, 'result', (r) => mapServiceNowIncident(r, mapping));
      const comments = mapped.length
        ? await commentsOf(
            mapped.map((m) => m.external_id),
            opts.signal,
          )
        : [];
      const items: PulledIncident[] = attachPageComments(
        mapped,
        comments,
        options.includeRaw ? body.result : undefined,
      );
      for (const item of items) high = maxIso(high, item.updated_at);
      yield {
        items,
        nextCursor: next !== null ? encodePullCursor<KeysetPosition>(name, { since, position: next }) : null,
        highWatermark: high,
      };
    }
  }

  /** `idempotent`: setting fields to values is; appending to a journal field (comments, work notes) is not. */
  async function patch(
    sysId: string,
    values: Record<string, string>,
    signal: AbortSignal | undefined,
    idempotent: boolean,
  ): Promise<void> {
    await http.request({
      method: 'PATCH',
      idempotent,
      path: `/api/now/table/${table}/${encodeURIComponent(sysId)}`,
      query: { sysparm_fields: 'sys_id,sys_updated_on' },
      json: values,
      schema: z.looseObject({ result: z.looseObject({ sys_id: z.unknown() }) }),
      ...(signal ? { signal } : {}),
    });
  }

  /**
   * Deleted records of the table: `sys_audit_delete` rows (`tablename`, `documentkey` = the deleted
   * record's sys_id) created since `since`, 1,000 per page.
   */
  async function* listDeleted(opts: ListDeletedOptions): AsyncIterable<DeletedRecord[]> {
    const query = [`tablename=${table}`, ...(opts.since ? [`sys_created_on>=${snLiteral(opts.since)}`] : [])];
    for (let offset = 0; ; offset += JOURNAL_PAGE) {
      const { body, headers } = await http.request({
        path: '/api/now/table/sys_audit_delete',
        query: {
          sysparm_query: `${query.join('^')}^ORDERBYsys_created_on^ORDERBYsys_id`,
          sysparm_fields: 'sys_id,documentkey,tablename,sys_created_on',
          sysparm_limit: JOURNAL_PAGE,
          sysparm_offset: offset,
        },
        schema: DeletedListSchema,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const batch = body.result.flatMap((row): DeletedRecord[] => {
        const at = snDate(row.sys_created_on);
        return row.documentkey ? [{ external_id: row.documentkey, ...(at ? { deleted_at: at } : {}) }] : [];
      });
      if (batch.length) yield batch;
      if (!hasNextPage(headers, body.result.length, JOURNAL_PAGE)) return;
    }
  }

  return {
    name,
    sourceSystem: 'SERVICENOW',
    capabilities: { internalComments: true, status: true },
    redact: (text) => http.redact(text),
    pull,
    listDeleted,
    fetchComments: (externalId, opts = {}) =>
      readJournal(
        http,
        `element_id=${externalId}^elementINcomments,work_notes^ORDERBYsys_created_on`,
        opts.signal,
      ).then((rows) => rows.map((r) => r.comment)),
    async pushComment(input) {
      const element = input.visibility === 'INTERNAL' ? 'work_notes' : 'comments';
      await patch(input.externalId, { [element]: input.text }, input.signal, false);
      // The Table API does not return the journal entry: find it (newest first) by its text.
      const recent = await http.request({
        path: '/api/now/table/sys_journal_field',
        query: {
          sysparm_query: `element_id=${input.externalId}^element=${element}^ORDERBYDESCsys_created_on`,
          sysparm_fields: 'sys_id,element,element_id,value,sys_created_on,sys_created_by',
          sysparm_limit: 10,
        },
        schema: JournalListSchema,
        ...(input.signal ? { signal: input.signal } : {}),
      });
      const entry = recent.body.result.map(mapServiceNowJournal).find((c) => c.text.trim() === input.text.trim());
      if (!entry) {
        throw new ConnectorError(
          'connector.invalid_response',
          `the ${element} entry just written to ${input.externalId} was not found in sys_journal_field`,
          {
            connector: name,
          },
        );
      }
      return { externalCommentId: entry.external_id };
    },
    async pushStatus(input) {
      const state = options.states?.[input.status] ?? SERVICENOW_PUSH_STATES[input.status];
      // Never move the record backwards: ASSIGNED (and NEW) are written as state 1 (New), which
      // would reset an incident already In Progress or On Hold.
      if (input.status === 'NEW' || input.status === 'ASSIGNED') {
        const { body } = await http.request({
          path: `/api/now/table/${table}/${encodeURIComponent(input.externalId)}`,
          query: { sysparm_fields: 'state' },
          schema: z.looseObject({ result: z.looseObject({ state: z.unknown() }) }),
          ...(input.signal ? { signal: input.signal } : {}),
        });
        const current = rawValue(body.result.state);
        if (current !== undefined && current !== '1' && current !== state) return;
      }
      const values: Record<string, string> = { state };
      if (input.status === 'PENDING') values.hold_reason = options.holdReason ?? '1';
      if (input.status === 'RESOLVED' || input.status === 'CLOSED' || input.status === 'CANCELLED') {
        const type = input.resolution?.type ?? (input.status === 'CANCELLED' ? 'WONT_FIX' : 'FIXED');
        values.close_code = options.closeCodes?.[type] ?? SERVICENOW_CLOSE_CODES[type];
        values.close_notes = input.resolution?.description?.trim() || `Set to ${input.status} by the incidents sync`;
      }
      await patch(input.externalId, values, input.signal, true);
    },
  };
}

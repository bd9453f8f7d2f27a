/**
 * The BMC Remedy / Helix ITSM connector (AR System REST API).
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
import type { AuthProvider } from '../http/auth.js';
import { readAhead } from '../http/read-ahead.js';
import { createHttpClient, type HttpClient } from '../http/http-client.js';
import { attachPageComments, mapEach, maxIso, type OwnedComment } from '../mapping/common.js';
import { decodePullCursor, encodePullCursor, normaliseSince } from '../mapping/cursor.js';
import { remedyErrorMessage } from './errors.js';
import { mapRemedyEntry, mapRemedyWorkLog, REMEDY_PUSH_STATUSES, RemedyWorkLogSchema } from './mapper.js';
import {
  REMEDY_MAX_PAGE_SIZE,
  REMEDY_INCIDENT_INTERFACE,
  REMEDY_STATUS_REASONS,
  type RemedyConnectorOptions,
} from './options.js';

const EntryListSchema = z.looseObject({
  entries: z.array(z.unknown()),
  _links: z.looseObject({ next: z.array(z.looseObject({ href: z.string() })).optional() }).optional(),
});
const WorkLogListSchema = z.looseObject({
  entries: z.array(RemedyWorkLogSchema),
  _links: z.looseObject({ next: z.array(z.unknown()).optional() }).optional(),
});

/** Where a pull continues: after this entry's 'Last Modified Date' (epoch seconds) and 'Request ID'. */
interface RemedyKey {
  modified: number;
  id: string;
}

function isRemedyKey(value: unknown): value is RemedyKey | null {
  if (value === null) return true;
  const v = value as Partial<RemedyKey> | undefined;
  return !!v && typeof v === 'object' && typeof v.modified === 'number' && typeof v.id === 'string';
}

/** The key of an entry (`null` when it lacks the fields: the listing cannot continue by keyset). */
function remedyKey(entry: unknown): RemedyKey | null {
  const values = ((entry as { values?: unknown } | undefined)?.values ?? {}) as Record<string, unknown>;
  const modified = Date.parse(String(values['Last Modified Date'] ?? ''));
  const id = values['Request ID'];
  if (Number.isNaN(modified) || typeof id !== 'string' || id === '') {
    throw new ConnectorError(
      'connector.invalid_response',
      "an entry without 'Last Modified Date' and 'Request ID': add them to the form's fields to page by keyset",
      { connector: 'remedy' },
    );
  }
  return { modified: Math.floor(modified / 1000), id };
}

/** Quotes a value for an AR System qualification (`"…"`, inner quotes doubled). */
function q(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** AR-JWT authentication: logs in lazily, once at a time, and again when a request gets 401. */
function arJwtAuth(getHttp: () => HttpClient, credentials: { username: string; password: string }): AuthProvider {
  let token: Promise<string> | undefined;
  /** Every token this connector obtained: redacted from error texts even after a refresh. */
  const issued: string[] = [];
  const login = (signal?: AbortSignal) =>
    getHttp()
      .request({
        method: 'POST',
        path: '/api/jwt/login',
        form: { username: credentials.username, password: credentials.password },
        responseType: 'text',
        // A new login is harmless.
        idempotent: true,
        skipAuth: true,
        label: '/api/jwt/login',
        ...(signal ? { signal } : {}),
      })
      .then((r) => {
        const value = String(r.body).trim();
        if (!value)
          throw new ConnectorError('connector.auth', 'the AR-JWT login returned an empty token', {
            connector: 'remedy',
            status: r.status,
          });
        issued.push(value);
        if (issued.length > 8) issued.shift();
        return value;
      });
  return {
    async headers(signal) {
      token ??= login(signal).catch((err: unknown) => {
        token = undefined;
        throw err;
      });
      return { authorization: `AR-JWT ${await token}` };
    },
    async refresh(signal) {
      token = login(signal).catch((err: unknown) => {
        token = undefined;
        throw err;
      });
      await token;
      return true;
    },
    secrets: () => [credentials.password, `${credentials.username}:${credentials.password}`, ...issued],
  };
}

/**
 * Creates the Remedy / Helix ITSM connector: logs in at `POST /api/jwt/login` (AR-JWT, refreshed
 * once on 401), pulls `GET /api/arsys/v1/entry/<form>` with `q='Last Modified Date' >= <epoch>`,
 * sorted by ('Last Modified Date', 'Request ID') and paged by keyset (after the last entry read), reads and writes HPD:WorkLog entries (View Access Public/Internal) and
 * updates `Status` through `HPD:IncidentInterface` (with `Status_Reason` where the status needs one).
 *
 * @example
 * ```ts
 * const remedy = createRemedyConnector({ baseUrl: 'https://acme-restapi.onbmc.com', auth: { username, password } });
 * ```
 */
export function createRemedyConnector(options: RemedyConnectorOptions): Connector {
  const name = 'remedy';
  const form = options.form ?? 'HPD:Help Desk';
  const updateForm = options.updateForm ?? REMEDY_INCIDENT_INTERFACE;
  const statusReasons = { ...REMEDY_STATUS_REASONS, ...options.statusReasons };
  const workLogForm = options.workLogForm ?? 'HPD:WorkLog';
  const pageSize = Math.min(REMEDY_MAX_PAGE_SIZE, Math.max(1, options.pageSize ?? 100));
  let http!: HttpClient;
  const auth = arJwtAuth(() => http, options.auth);
  http = createHttpClient({ ...options, connector: name, auth, errorMessage: remedyErrorMessage });
  const entryPath = (f: string) => `/api/arsys/v1/entry/${encodeURIComponent(f)}`;

  async function workLogs(qualification: string, signal?: AbortSignal): Promise<OwnedComment[]> {
    const out: OwnedComment[] = [];
    for (let offset = 0; ; offset += 500) {
      const { body } = await http.request({
        path: entryPath(workLogForm),
        query: { q: qualification, sort: 'Submit Date.asc', offset, limit: 500 },
        schema: WorkLogListSchema,
        ...(signal ? { signal } : {}),
      });
      for (const e of body.entries)
        out.push({ owner: e.values['Incident Number'] ?? '', comment: mapRemedyWorkLog(e) });
      if (!body._links?.next?.length || body.entries.length === 0) return out;
    }
  }

  async function* pull(opts: PullOptions = {}): AsyncGenerator<PulledPage> {
    let since = normaliseSince(opts.since);
    let after: RemedyKey | null = null;
    if (opts.cursor) {
      const resumed = decodePullCursor<unknown>(name, opts.cursor);
      if (!isRemedyKey(resumed.position)) {
        // An offset cursor of an older version: the engine starts again from its watermark.
        throw new ValidationError([
          { path: 'cursor', message: 'a remedy offset cursor of an older version; pull again from the watermark' },
        ]);
      }
      since = resumed.since;
      after = resumed.position;
    }
    const size = opts.pageSize ? Math.min(REMEDY_MAX_PAGE_SIZE, Math.max(1, opts.pageSize)) : pageSize;
    const clauses: string[] = [];
    if (options.query?.trim()) clauses.push(`(${options.query.trim()})`);
    if (since) clauses.push(`'Last Modified Date' >= ${Math.floor(Date.parse(since) / 1000)}`);
    /**
     * Keyset paging on ('Last Modified Date', 'Request ID'): the next page starts after the last
     * entry read, so an entry modified mid-pull never shifts an unread one out of reach.
     */
    const qualification = (key: RemedyKey | null) => {
      const all = [...clauses];
      if (key) {
        all.push(
          `(('Last Modified Date' > ${key.modified}) OR ('Last Modified Date' = ${key.modified} AND 'Request ID' > ${q(key.id)}))`,
        );
      }
      return all.length ? all.join(' AND ') : undefined;
    };
    let high: string | null = null;
    const list = async (key: RemedyKey | null, signal: AbortSignal) =>
      (
        await http.request({
          path: entryPath(form),
          query: {
            q: qualification(key),
            sort: 'Last Modified Date.asc,Request ID.asc',
            limit: size,
          },
          schema: EntryListSchema,
          signal,
        })
      ).body;
    const pages = readAhead<RemedyKey | null, z.output<typeof EntryListSchema>>(
      after,
      list,
      (body) => (body._links?.next?.length && body.entries.length > 0 ? remedyKey(body.entries.at(-1)) : null),
      opts.signal,
    );
    for await (const { body, next } of pages) {
      const mapped = mapEach(body.entries, 'entries', (e) => mapRemedyEntry(e, options.mapping));
      const logs = mapped.length
        ? await workLogs(mapped.map((m) => `'Incident Number' = ${q(m.external_id)}`).join(' OR '), opts.signal)
        : [];
      const items: PulledIncident[] = attachPageComments(mapped, logs, options.includeRaw ? body.entries : undefined);
      for (const item of items) high = maxIso(high, item.updated_at);
      yield {
        items,
        nextCursor: next !== null ? encodePullCursor<RemedyKey>(name, { since, position: next }) : null,
        highWatermark: high,
      };
    }
  }

  /**
   * AR System has no deletion feed: the known incident numbers are looked up on the pulled form,
   * 100 at a time (`'Incident Number' = "…" OR …`); a number the form no longer returns is gone
   * (deleted, or no longer visible to the integration user).
   */
  async function* listDeleted(opts: ListDeletedOptions): AsyncIterable<DeletedRecord[]> {
    for await (const numbers of opts.known()) {
      const { body } = await http.request({
        path: entryPath(form),
        query: {
          q: numbers.map((n) => `'Incident Number' = ${q(n)}`).join(' OR '),
          fields: 'values(Incident Number)',
          limit: numbers.length,
        },
        schema: z.looseObject({
          entries: z.array(z.looseObject({ values: z.looseObject({ 'Incident Number': z.string() }) })),
        }),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const seen = new Set(body.entries.map((e) => e.values['Incident Number']));
      const gone = numbers.filter((n) => !seen.has(n));
      if (gone.length) yield gone.map((external_id) => ({ external_id }));
    }
  }

  return {
    name,
    sourceSystem: 'REMEDY',
    ...(options.reconcileDeletions ? { listDeleted } : {}),
    capabilities: { internalComments: true, status: true },
    redact: (text) => http.redact(text),
    pull,
    fetchComments: async (externalId, opts = {}) =>
      (await workLogs(`'Incident Number' = ${q(externalId)}`, opts.signal)).map((l) => l.comment),
    async pushComment(input) {
      const res = await http.request({
        method: 'POST',
        path: entryPath(workLogForm),
        json: {
          values: {
            'Incident Number': input.externalId,
            'Detailed Description': input.text,
            'Work Log Type': options.workLogType ?? 'General Information',
            'View Access': input.visibility === 'INTERNAL' ? 'Internal' : 'Public',
            'Secure Work Log': 'No',
          },
        },
        responseType: 'none',
        ...(input.signal ? { signal: input.signal } : {}),
      });
      const location = res.headers.get('location');
      const id = location ? decodeURIComponent(location.split('/').pop() ?? '') : '';
      if (!id)
        throw new ConnectorError('connector.invalid_response', 'the work-log create response has no Location header', {
          connector: name,
          status: res.status,
        });
      return { externalCommentId: id };
    },
    async pushStatus(input) {
      const signal = input.signal ? { signal: input.signal } : {};
      // BMC Helix ITSM modifies incidents through its interface form (HPD:IncidentInterface), keyed
      // by the incident's Request ID there; writing HPD:Help Desk directly bypasses (and is refused
      // by) the incident workflow.
      const { body } = await http.request({
        path: entryPath(updateForm),
        query: {
          q: `'Incident Number' = ${q(input.externalId)}`,
          fields: 'values(Request ID,Incident Number)',
          limit: 1,
        },
        schema: z.looseObject({
          entries: z.array(z.looseObject({ values: z.looseObject({ 'Request ID': z.string().min(1) }) })),
        }),
        ...signal,
      });
      const requestId = body.entries[0]?.values['Request ID'];
      if (!requestId)
        throw new ConnectorError('connector.http', `incident ${input.externalId} not found in ${updateForm}`, {
          connector: name,
          status: 404,
        });
      const values: Record<string, string> = {
        // The keyword that starts the interface form's modify workflow.
        'z1D Action': 'MODIFY',
        Status: options.statuses?.[input.status] ?? REMEDY_PUSH_STATUSES[input.status],
      };
      const reason = statusReasons[input.status];
      if (reason) values.Status_Reason = reason;
      if (input.resolution?.description) values.Resolution = input.resolution.description;
      await http.request({
        method: 'PUT',
        path: `${entryPath(updateForm)}/${encodeURIComponent(requestId)}`,
        json: { values },
        responseType: 'none',
        ...signal,
      });
    },
  };
}

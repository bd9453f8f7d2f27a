/**
 * The BMC Remedy / Helix ITSM connector (AR System REST API).
 * @module
 */
import { z } from 'zod';
import type { Connector, PulledIncident, PulledPage, PullOptions } from '../connector.js';
import { ConnectorError } from '../errors.js';
import type { AuthProvider } from '../http/auth.js';
import { readAhead } from '../http/read-ahead.js';
import { createHttpClient, type HttpClient } from '../http/http-client.js';
import { attachPageComments, mapEach, maxIso, type OwnedComment } from '../mapping/common.js';
import { decodePullCursor, encodePullCursor, normaliseSince } from '../mapping/cursor.js';
import { remedyErrorMessage } from './errors.js';
import { mapRemedyEntry, mapRemedyWorkLog, REMEDY_PUSH_STATUSES, RemedyWorkLogSchema } from './mapper.js';
import type { RemedyConnectorOptions } from './options.js';

const EntryListSchema = z.looseObject({
  entries: z.array(z.unknown()),
  _links: z.looseObject({ next: z.array(z.looseObject({ href: z.string() })).optional() }).optional(),
});
const WorkLogListSchema = z.looseObject({
  entries: z.array(RemedyWorkLogSchema),
  _links: z.looseObject({ next: z.array(z.unknown()).optional() }).optional(),
});

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
 * once on 401), pulls `GET /api/arsys/v1/entry/<form>` with `q='Last Modified Date' >= <epoch>`
 * and `offset`/`limit`, reads and writes HPD:WorkLog entries (View Access Public/Internal) and
 * updates `Status`.
 *
 * @example
 * ```ts
 * const remedy = createRemedyConnector({ baseUrl: 'https://acme-restapi.onbmc.com', auth: { username, password } });
 * ```
 */
export function createRemedyConnector(options: RemedyConnectorOptions): Connector {
  const name = 'remedy';
  const form = options.form ?? 'HPD:Help Desk';
  const updateForm = options.updateForm ?? form;
  const workLogForm = options.workLogForm ?? 'HPD:WorkLog';
  const pageSize = Math.max(1, options.pageSize ?? 100);
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
    let offset = 0;
    if (opts.cursor) {
      const resumed = decodePullCursor<number>(name, opts.cursor);
      since = resumed.since;
      offset = resumed.position;
    }
    const size = opts.pageSize ? Math.max(1, opts.pageSize) : pageSize;
    const clauses: string[] = [];
    if (options.query?.trim()) clauses.push(`(${options.query.trim()})`);
    if (since) clauses.push(`'Last Modified Date' >= ${Math.floor(Date.parse(since) / 1000)}`);
    let high: string | null = null;
    const list = async (position: number, signal: AbortSignal) =>
      (
        await http.request({
          path: entryPath(form),
          query: {
            q: clauses.length ? clauses.join(' AND ') : undefined,
            sort: 'Last Modified Date.asc',
            offset: position,
            limit: size,
          },
          schema: EntryListSchema,
          signal,
        })
      ).body;
    const pages = readAhead(
      offset,
      list,
      (body, position) =>
        body._links?.next?.length && body.entries.length > 0 ? position + body.entries.length : null,
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
        nextCursor: next !== null ? encodePullCursor(name, { since, position: next }) : null,
        highWatermark: high,
      };
    }
  }

  return {
    name,
    sourceSystem: 'REMEDY',
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
      const { body } = await http.request({
        path: entryPath(form),
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
        throw new ConnectorError('connector.http', `incident ${input.externalId} not found in ${form}`, {
          connector: name,
          status: 404,
        });
      const values: Record<string, string> = {
        Status: options.statuses?.[input.status] ?? REMEDY_PUSH_STATUSES[input.status],
      };
      const reason = options.statusReasons?.[input.status];
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

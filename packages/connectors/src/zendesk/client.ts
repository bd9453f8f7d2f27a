/**
 * The Zendesk Support connector.
 * @module
 */
import * as z from 'zod';
import type { Connector, ImportedComment, PulledIncident, PulledPage, PullOptions } from '../connector.js';
import { ConnectorError } from '../errors.js';
import { type AuthProvider, basicAuth, bearerAuth } from '../http/auth.js';
import { oauthAuth } from '../http/oauth.js';
import { readAhead } from '../http/read-ahead.js';
import { createHttpClient } from '../http/http-client.js';
import { mapEach, maxIso } from '../mapping/common.js';
import { decodePullCursor, encodePullCursor, normaliseSince } from '../mapping/cursor.js';
import { zendeskErrorMessage } from './errors.js';
import {
  mapZendeskComment,
  mapZendeskTicket,
  ZENDESK_PUSH_STATUSES,
  ZendeskCommentSchema,
  type ZendeskPerson,
} from './mapper.js';
import { ZENDESK_MAX_PAGE_SIZE, type ZendeskConnectorOptions } from './options.js';

const PersonSchema = z.looseObject({ id: z.number().int(), name: z.string().optional(), email: z.string().nullish() });

const ExportPageSchema = z.looseObject({
  tickets: z.array(z.unknown()),
  after_cursor: z.string().nullish(),
  end_of_stream: z.boolean(),
  users: z.array(PersonSchema).optional(),
  groups: z.array(PersonSchema).optional(),
});

const CommentPageSchema = z.looseObject({
  comments: z.array(ZendeskCommentSchema),
  users: z.array(PersonSchema).optional(),
  meta: z.looseObject({ has_more: z.boolean(), after_cursor: z.string().nullish() }).optional(),
});

function byId(list: ReadonlyArray<z.infer<typeof PersonSchema>> | undefined): Map<number, ZendeskPerson> {
  return new Map(
    (list ?? []).map((p) => [p.id, { ...(p.name ? { name: p.name } : {}), ...(p.email ? { email: p.email } : {}) }]),
  );
}

/**
 * Creates the Zendesk connector: pulls the cursor-based incremental ticket export
 * (`/api/v2/incremental/tickets/cursor.json`, `start_time` then `cursor` until `end_of_stream`,
 * users and groups sideloaded), reads each ticket's comments (cursor pagination), pushes comments
 * with their `public` flag and status changes.
 *
 * @example
 * ```ts
 * const zd = createZendeskConnector({ baseUrl: 'https://acme.zendesk.com', auth: { email: 'agent@acme.com', apiToken } });
 * ```
 */
export function createZendeskConnector(options: ZendeskConnectorOptions): Connector {
  const name = 'zendesk';
  const auth: AuthProvider =
    'oauth' in options.auth
      ? oauthAuth(
          name,
          { bodyFormat: 'json', ...options.auth.oauth },
          { ...(options.fetch ? { fetch: options.fetch } : {}) },
        )
      : 'bearerToken' in options.auth
        ? bearerAuth(options.auth.bearerToken)
        : basicAuth(`${options.auth.email}/token`, options.auth.apiToken);
  const http = createHttpClient({ ...options, connector: name, auth, errorMessage: zendeskErrorMessage });
  const pageSize = Math.min(ZENDESK_MAX_PAGE_SIZE, Math.max(1, options.pageSize ?? 100));

  async function fetchComments(ticketId: string, opts: { signal?: AbortSignal } = {}): Promise<ImportedComment[]> {
    const out: ImportedComment[] = [];
    let after: string | null | undefined;
    for (;;) {
      const { body } = await http.request({
        path: `/api/v2/tickets/${encodeURIComponent(ticketId)}/comments.json`,
        query: { 'page[size]': 100, 'page[after]': after, include: 'users' },
        schema: CommentPageSchema,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const users = byId(body.users);
      out.push(...body.comments.map((c) => mapZendeskComment(c, users)));
      after = body.meta?.after_cursor;
      if (!body.meta?.has_more || !after) return out;
    }
  }

  async function* pull(opts: PullOptions = {}): AsyncGenerator<PulledPage> {
    let since = normaliseSince(opts.since);
    let cursor: string | null = null;
    if (opts.cursor) {
      const resumed = decodePullCursor<string>(name, opts.cursor);
      since = resumed.since;
      cursor = resumed.position;
    }
    // Zendesk refuses a start_time less than a minute old.
    const startTime = Math.max(
      0,
      Math.min(since ? Math.floor(Date.parse(since) / 1000) : 0, Math.floor(Date.now() / 1000) - 61),
    );
    const size = opts.pageSize ? Math.min(ZENDESK_MAX_PAGE_SIZE, Math.max(1, opts.pageSize)) : pageSize;
    let high: string | null = null;
    const exportPage = async (position: string | null, signal: AbortSignal) =>
      (
        await http.request({
          path: '/api/v2/incremental/tickets/cursor.json',
          query: {
            ...(position ? { cursor: position } : { start_time: startTime }),
            per_page: size,
            include: 'users,groups',
            exclude_deleted: options.excludeDeleted ? true : undefined,
          },
          schema: ExportPageSchema,
          signal,
        })
      ).body;
    const pages = readAhead(
      cursor,
      exportPage,
      (body) => {
        if (body.end_of_stream) return null;
        if (!body.after_cursor) {
          throw new ConnectorError(
            'connector.invalid_response',
            'the export page is not the last one but has no after_cursor',
            { connector: name },
          );
        }
        return body.after_cursor;
      },
      opts.signal,
    );
    for await (const { body, next } of pages) {
      const mapping = {
        ...options.mapping,
        baseUrl: options.baseUrl,
        users: byId(body.users),
        groups: byId(body.groups),
      };
      const mapped = mapEach(body.tickets, 'tickets', (t) => mapZendeskTicket(t, mapping));
      const items: PulledIncident[] = await Promise.all(
        mapped.map(async (m, i) => ({
          ...m,
          comments: m.status === 'CANCELLED' ? [] : await fetchComments(m.external_id, opts),
          ...(options.includeRaw ? { raw: body.tickets[i] } : {}),
        })),
      );
      for (const item of items) high = maxIso(high, item.updated_at);
      yield {
        items,
        nextCursor: next ? encodePullCursor(name, { since, position: next }) : null,
        highWatermark: high,
      };
    }
  }

  /** A PUT, but one carrying a comment appends it: not idempotent. */
  async function updateTicket(id: string, ticket: Record<string, unknown>, signal?: AbortSignal) {
    return sendUpdate(id, ticket, signal).catch((err: unknown) => {
      // A closed ticket can never be updated again: unsupported, not worth a retry.
      if (
        err instanceof ConnectorError &&
        err.details.status === 422 &&
        /closed prevents ticket update/i.test(err.details.vendorMessage ?? '')
      ) {
        throw new ConnectorError(
          'connector.unsupported',
          `ticket ${id} is closed in Zendesk: a closed ticket cannot be updated or reopened (create a follow-up ticket)`,
          { connector: name, status: 422, method: 'PUT', path: err.details.path ?? '' },
        );
      }
      throw err;
    });
  }

  function sendUpdate(id: string, ticket: Record<string, unknown>, signal?: AbortSignal) {
    return http.request({
      method: 'PUT',
      idempotent: ticket.comment === undefined,
      path: `/api/v2/tickets/${encodeURIComponent(id)}.json`,
      json: { ticket },
      schema: z.looseObject({
        ticket: z.looseObject({ id: z.number() }),
        audit: z.looseObject({ events: z.array(z.looseObject({ id: z.number(), type: z.string() })) }).optional(),
      }),
      ...(signal ? { signal } : {}),
    });
  }

  return {
    name,
    sourceSystem: 'ZENDESK',
    capabilities: { internalComments: true, status: true },
    redact: (text) => http.redact(text),
    pull,
    fetchComments,
    async pushComment(input) {
      const { body } = await updateTicket(
        input.externalId,
        { comment: { body: input.text, public: input.visibility === 'PUBLIC' } },
        input.signal,
      );
      const event = body.audit?.events.find((e) => e.type === 'Comment');
      if (!event)
        throw new ConnectorError('connector.invalid_response', 'the ticket update has no Comment audit event', {
          connector: name,
        });
      return { externalCommentId: String(event.id) };
    },
    async pushStatus(input) {
      await updateTicket(
        input.externalId,
        { status: options.statuses?.[input.status] ?? ZENDESK_PUSH_STATUSES[input.status] },
        input.signal,
      );
    },
  };
}

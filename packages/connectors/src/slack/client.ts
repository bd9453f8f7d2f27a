/**
 * The Slack connector, on the official `@slack/web-api` `WebClient` whose transport is the shared
 * HTTP layer (retries, `Retry-After`, concurrency limit).
 * @module
 */
import { STATUS_LABELS } from '@incidents/core';
import { LogLevel, WebClient } from '@slack/web-api';
import * as z from 'zod';
import type {
  Connector,
  DeletedRecord,
  ImportedComment,
  ListDeletedOptions,
  PulledIncident,
  PulledPage,
  PullOptions,
} from '../connector.js';
import { ConnectorError } from '../errors.js';
import { createHttpClient } from '../http/http-client.js';
import { oauthAuth } from '../http/oauth.js';
import { readAhead } from '../http/read-ahead.js';
import { sleep } from '../http/retry.js';
import { mapEach, maxIso } from '../mapping/common.js';
import { decodePullCursor, encodePullCursor, normaliseSince } from '../mapping/cursor.js';
import { fromSlackError } from './errors.js';
import { mapSlackMessage, mapSlackReply, SlackMessageSchema } from './mapper.js';
import { SLACK_MAX_PAGE_SIZE, type SlackConnectorOptions } from './options.js';

/** Message subtypes that are reports (everything else — joins, topic changes, broadcasts of replies — is skipped). */
const REPORT_SUBTYPES = new Set([undefined, 'bot_message', 'file_share', 'me_message']);

const HistorySchema = z.looseObject({
  ok: z.literal(true),
  messages: z.array(z.unknown()),
  has_more: z.boolean().optional(),
  response_metadata: z.looseObject({ next_cursor: z.string().optional() }).optional(),
});
const RepliesSchema = z.looseObject({
  ok: z.literal(true),
  messages: z.array(SlackMessageSchema),
  has_more: z.boolean().optional(),
  response_metadata: z.looseObject({ next_cursor: z.string().optional() }).optional(),
});
const PostSchema = z.looseObject({ ok: z.literal(true), ts: z.string() });

const silentLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

function splitExternalId(externalId: string): { channel: string; ts: string } {
  const i = externalId.lastIndexOf(':');
  if (i <= 0)
    throw new ConnectorError('connector.unsupported', `"${externalId}" is not a Slack record id (<channel>:<ts>)`, {
      connector: 'slack',
    });
  return { channel: externalId.slice(0, i), ts: externalId.slice(i + 1) };
}

/**
 * Creates the Slack connector for one channel: pulls `conversations.history` (`oldest`, cursor
 * pagination) and each thread's `conversations.replies` as comments, maps messages with
 * {@link mapSlackMessage} (`ticketId=`/`priority=` tags, synthetic `SL-<ts>` ids), and replies in
 * the thread (`chat.postMessage`) for comments and status changes.
 *
 * @example
 * ```ts
 * const slack = createSlackConnector({ token: process.env.SLACK_BOT_TOKEN!, channelId: 'C024BE91L' });
 * ```
 */
export function createSlackConnector(options: SlackConnectorOptions): Connector {
  const name = 'slack';
  const baseUrl = options.baseUrl ?? 'https://slack.com/api/';
  if (!options.token && !options.oauth) {
    throw new ConnectorError('connector.auth', 'the Slack connector needs a token or oauth settings', {
      connector: name,
    });
  }
  const http = createHttpClient({
    ...options,
    baseUrl,
    connector: name,
    secrets: [options.token ? [options.token] : []],
    // Token rotation: the provider's Authorization header replaces the WebClient's.
    ...(options.oauth
      ? {
          auth: oauthAuth(
            name,
            { tokenUrl: 'https://slack.com/api/oauth.v2.access', ...options.oauth, bodyFormat: 'form' },
            { ...(options.fetch ? { fetch: options.fetch } : {}) },
          ),
        }
      : {}),
    // Every Web API call is a POST; only chat.postMessage writes.
    fetchIdempotent: (_method, url) => !url.pathname.endsWith('/chat.postMessage'),
  });
  const client = new WebClient(options.token, {
    slackApiUrl: baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`,
    fetch: http.fetch as never,
    retryConfig: { retries: 0 },
    maxRequestConcurrency: options.concurrency ?? 4,
    logger: silentLogger,
    allowAbsoluteUrls: false,
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
  });
  const channel = options.channelId;
  const nonMarketplace = options.rateTier === 'non-marketplace';
  /** `conversations.history` returns at most 15 messages a page to non-Marketplace apps. */
  const maxPage = nonMarketplace ? 15 : SLACK_MAX_PAGE_SIZE;
  const pageSize = Math.min(maxPage, Math.max(1, options.pageSize ?? (nonMarketplace ? 15 : 200)));
  const rescanMs = Math.max(0, options.rescanWindowMs ?? 6 * 3600_000);
  const historyInterval = Math.max(0, options.historyIntervalMs ?? (nonMarketplace ? 60_000 : 0));
  /**
   * A pace for one rate-limited method: its calls run one at a time, each at least `interval` after
   * the previous call's *answer*. Slack counts a call when it receives it, which is before its answer
   * reaches us, so counting from the answer keeps Slack's gap at least the interval whatever the
   * network latency (counted from the send, a slow request followed by a fast one reached Slack
   * closer together than the interval — a 429). A 429 that still comes (another client of the same
   * app) is waited out with its `Retry-After` by the HTTP layer.
   */
  function pace(interval: number) {
    let nextAt = 0;
    let queue: Promise<unknown> = Promise.resolve();
    return <T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> => {
      if (interval === 0) return fn();
      const turn = queue.then(async () => {
        for (let wait = nextAt - Date.now(); wait > 0; wait = nextAt - Date.now()) await sleep(wait, signal);
        try {
          return await fn();
        } finally {
          nextAt = Date.now() + interval;
        }
      });
      queue = turn.catch(() => undefined);
      return turn;
    };
  }
  /**
   * Slack limits `conversations.history` and `conversations.replies` of non-Marketplace apps to one
   * call a minute each (counted per method): each gets its own pace.
   */
  const historyPace = pace(historyInterval);
  const repliesPace = pace(nonMarketplace ? historyInterval : 0);
  /** `conversations.replies` returns at most 15 messages a page to non-Marketplace apps too. */
  const repliesPage = nonMarketplace ? 15 : 200;
  const mapping = { ...options.mapping, channelId: channel };

  async function call<S extends z.ZodType>(
    method: string,
    args: Record<string, unknown>,
    schema: S,
  ): Promise<z.output<S>> {
    let result: unknown;
    try {
      result = await client.apiCall(method, args);
    } catch (err) {
      throw http.redactError(fromSlackError(err, method));
    }
    return http.parse(schema, result, `response to ${method}`);
  }

  async function replies(ts: string, signal?: AbortSignal): Promise<ImportedComment[]> {
    const out: ImportedComment[] = [];
    let cursor: string | undefined;
    do {
      signal?.throwIfAborted();
      const position = cursor;
      const body = await repliesPace(signal, () =>
        call(
          'conversations.replies',
          { channel, ts, limit: repliesPage, ...(position ? { cursor: position } : {}) },
          RepliesSchema,
        ),
      );
      for (const m of body.messages) if (m.ts !== ts) out.push(mapSlackReply(m));
      cursor = body.has_more ? body.response_metadata?.next_cursor || undefined : undefined;
    } while (cursor);
    return out;
  }

  async function* pull(opts: PullOptions = {}): AsyncGenerator<PulledPage> {
    let since = normaliseSince(opts.since);
    let cursor: string | null = null;
    if (opts.cursor) {
      const resumed = decodePullCursor<string>(name, opts.cursor);
      since = resumed.since;
      cursor = resumed.position;
    }
    const size = opts.pageSize ? Math.min(maxPage, Math.max(1, opts.pageSize)) : pageSize;
    let high: string | null = null;
    // Messages from `rescanMs` before `since` are read again (reactions, replies to older threads).
    const sinceSec = since ? Date.parse(since) / 1000 : undefined;
    const oldest = sinceSec === undefined ? undefined : Math.max(0, sinceSec - rescanMs / 1000);
    // WebClient calls cannot be aborted: a read-ahead call left behind by an early stop just completes.
    const history = async (position: string | null, signal: AbortSignal) => {
      signal.throwIfAborted();
      return historyPace(signal, () =>
        call(
          'conversations.history',
          {
            channel,
            limit: size,
            inclusive: true,
            ...(oldest !== undefined ? { oldest: oldest.toFixed(6) } : {}),
            ...(position ? { cursor: position } : {}),
          },
          HistorySchema,
        ),
      );
    };
    const pages = readAhead(
      cursor,
      history,
      (body) => (body.has_more ? body.response_metadata?.next_cursor || null : null),
      opts.signal,
    );
    for await (const { body, next } of pages) {
      const reports = body.messages.filter((m) => {
        const msg = m as { subtype?: string; thread_ts?: string; ts?: string };
        return REPORT_SUBTYPES.has(msg.subtype) && (!msg.thread_ts || msg.thread_ts === msg.ts);
      });
      const mapped = mapEach(reports, 'messages', (m) => mapSlackMessage(m, mapping));
      const items: PulledIncident[] = await Promise.all(
        mapped.map(async (m, i) => ({
          ...m,
          // A thread older than `since` is read again only when it has a newer reply.
          comments:
            options.includeReplies !== false &&
            typeof m.sourceRecord.data.reply_count === 'number' &&
            (sinceSec === undefined ||
              Number(m.sourceRecord.record_id) >= sinceSec ||
              Number((reports[i] as { latest_reply?: string } | undefined)?.latest_reply ?? 0) >= sinceSec)
              ? await replies(m.sourceRecord.record_id, opts.signal)
              : [],
          ...(options.includeRaw ? { raw: reports[i] } : {}),
        })),
      );
      for (const item of items) high = maxIso(high, item.updated_at);
      yield { items, nextCursor: next ? encodePullCursor(name, { since, position: next }) : null, highWatermark: high };
    }
  }

  async function post(externalId: string, text: string): Promise<string> {
    const { channel: ch, ts } = splitExternalId(externalId);
    const body = await call('chat.postMessage', { channel: ch, thread_ts: ts, text }, PostSchema);
    return body.ts;
  }

  /**
   * Slack keeps no list of deleted messages: each known message is looked for with
   * `conversations.history` (`latest` = `oldest` = its ts, `inclusive`, `limit` 1) under the tier's
   * pacing; a message that is gone, or left as a `tombstone` (a deleted thread parent), was deleted.
   */
  async function* listDeleted(opts: ListDeletedOptions): AsyncIterable<DeletedRecord[]> {
    for await (const ids of opts.known()) {
      const gone: DeletedRecord[] = [];
      for (const id of ids) {
        const { channel: ch, ts } = splitExternalId(id);
        if (ch !== channel) continue;
        opts.signal?.throwIfAborted();
        const body = await historyPace(opts.signal, () =>
          call('conversations.history', { channel, latest: ts, oldest: ts, inclusive: true, limit: 1 }, HistorySchema),
        );
        const found = body.messages.find((m) => (m as { ts?: string }).ts === ts) as { subtype?: string } | undefined;
        if (!found || found.subtype === 'tombstone') gone.push({ external_id: id });
      }
      if (gone.length) yield gone;
    }
  }

  return {
    name,
    sourceSystem: 'SLACK',
    ...(options.reconcileDeletions ? { listDeleted } : {}),
    capabilities: { internalComments: false, status: false },
    redact: (text) => http.redact(text),
    pull,
    fetchComments: (externalId, opts = {}) => replies(splitExternalId(externalId).ts, opts.signal),
    async pushComment(input) {
      if (input.visibility === 'INTERNAL') {
        throw new ConnectorError(
          'connector.unsupported',
          'Slack channels have no internal comments; only PUBLIC comments are posted',
          { connector: name },
        );
      }
      return { externalCommentId: await post(input.externalId, input.text) };
    },
    async pushStatus(input) {
      const note = input.resolution?.description ? ` — ${input.resolution.description}` : '';
      await post(input.externalId, `Status: ${STATUS_LABELS[input.status].en}${note}`);
    },
  };
}

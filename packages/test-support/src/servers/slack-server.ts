/**
 * A local Slack Web API server: `conversations.history` (`oldest`, `latest`, `inclusive`, `limit`, `cursor`, newest first,
 * `has_more` + `response_metadata.next_cursor`), `conversations.replies` (the parent first, then the
 * replies; `limit`, `cursor`), `chat.postMessage`.
 * Requests are form-encoded POSTs with `Authorization: Bearer`; errors are HTTP 200 `{ ok: false,
 * error }` (docs.slack.dev/reference/methods).
 */
import { type RecordedRequest, startVendorServer, type VendorServer } from './vendor-server.js';

export interface SlackMsg {
  ts: string;
  text: string;
  user?: string;
  subtype?: string;
  thread_ts?: string;
  reply_count?: number;
  latest_reply?: string;
  reactions?: Array<{ name: string; count: number; users: string[] }>;
}

export interface SlackServer extends VendorServer {
  /**
   * The app's rate-limit tier. `non-marketplace` (apps created after May 2025 outside the
   * Marketplace): `conversations.history` and `conversations.replies` each return at most 15
   * messages a page, and a call of one of them received within `historyIntervalMs` (a minute at
   * Slack) of the previous call of the same method is answered 429 with `Retry-After` = the whole
   * seconds left in the window (Slack counts per method, workspace and app).
   */
  tier: 'standard' | 'non-marketplace';
  historyIntervalMs: number;
  /**
   * Time (ms) the next `conversations.history` requests spend on their way in, one entry a request:
   * the server counts a call when it receives it, so a slow request followed by a fast one arrive
   * closer together than they were sent — what network latency does to a client pacing itself.
   */
  historyLatencyMs: number[];
  /** `conversations.history` and `conversations.replies` calls answered 429 so far. */
  rateLimited: number;
  channel: string;
  messages: SlackMsg[];
  replies: Map<string, SlackMsg[]>;
}

export async function startSlackServer(token: string, channel: string): Promise<SlackServer> {
  const base = await startVendorServer();
  const server = base as SlackServer;
  server.channel = channel;
  server.messages = [];
  server.replies = new Map();
  let clock = 1770000000;
  server.tier = 'standard';
  server.historyIntervalMs = 60_000;
  server.historyLatencyMs = [];
  server.rateLimited = 0;
  const lastCall = new Map<string, number>();
  /** The non-Marketplace tier's window of one method: a 429 reply, or `undefined` when the call may go on. */
  const tierWindow = (method: string) => {
    if (server.tier !== 'non-marketplace') return undefined;
    const now = Date.now();
    const left = (lastCall.get(method) ?? Number.NEGATIVE_INFINITY) + server.historyIntervalMs - now;
    if (left > 0) {
      server.rateLimited += 1;
      return {
        status: 429,
        headers: { 'retry-after': String(Math.max(1, Math.ceil(left / 1000))) },
        body: { ok: false, error: 'ratelimited' },
      };
    }
    lastCall.set(method, now);
    return undefined;
  };
  const offsetOf = (cursor: string | null) =>
    cursor ? Number(Buffer.from(cursor, 'base64').toString().replace('off:', '')) : 0;
  const cursorAt = (offset: number) => Buffer.from(`off:${offset}`).toString('base64');

  const guard = (req: RecordedRequest, handler: () => unknown) => {
    const bearer = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (bearer !== token && !base.accepts(bearer)) return { body: { ok: false, error: 'invalid_auth' } };
    if (req.form.get('channel') !== channel) return { body: { ok: false, error: 'channel_not_found' } };
    return { body: handler() };
  };

  base.route('POST', '/api/conversations.history', async (req) => {
    const latency = server.historyLatencyMs.shift() ?? 0;
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const limited = tierWindow('conversations.history');
    if (limited) return limited;
    return guard(req, () => {
      const oldest = Number(req.form.get('oldest') ?? 0);
      const asked = Number(req.form.get('limit') ?? 100);
      const limit = server.tier === 'non-marketplace' ? Math.min(15, asked) : asked;
      const from = offsetOf(req.form.get('cursor'));
      const latest = Number(req.form.get('latest') ?? Number.POSITIVE_INFINITY);
      const inclusive = ['true', '1'].includes(String(req.form.get('inclusive')));
      const all = server.messages
        .filter((m) => (inclusive ? Number(m.ts) >= oldest : Number(m.ts) > oldest || !req.form.get('oldest')))
        .filter((m) => (inclusive ? Number(m.ts) <= latest : Number(m.ts) < latest))
        .sort((a, b) => Number(b.ts) - Number(a.ts));
      const page = all.slice(from, from + limit);
      const more = from + limit < all.length;
      return {
        ok: true,
        messages: page.map((m) => ({ type: 'message', ...m })),
        has_more: more,
        pin_count: 0,
        response_metadata: { next_cursor: more ? cursorAt(from + limit) : '' },
      };
    });
  });

  base.route('POST', '/api/conversations.replies', (req) => {
    const limited = tierWindow('conversations.replies');
    if (limited) return limited;
    return guard(req, () => {
      const ts = req.form.get('ts') ?? '';
      const parent = server.messages.find((m) => m.ts === ts);
      if (!parent) return { ok: false, error: 'thread_not_found' };
      const asked = Number(req.form.get('limit') ?? 1000);
      const limit = server.tier === 'non-marketplace' ? Math.min(15, asked) : asked;
      const from = offsetOf(req.form.get('cursor'));
      const all = [parent, ...(server.replies.get(ts) ?? [])];
      const more = from + limit < all.length;
      return {
        ok: true,
        messages: all.slice(from, from + limit).map((m) => ({ type: 'message', ...m })),
        has_more: more,
        response_metadata: { next_cursor: more ? cursorAt(from + limit) : '' },
      };
    });
  });

  base.route('POST', '/api/chat.postMessage', (req) =>
    guard(req, () => {
      const thread = req.form.get('thread_ts') ?? undefined;
      const ts = `${clock++}.000100`;
      const msg: SlackMsg = {
        ts,
        text: req.form.get('text') ?? '',
        user: 'UBOT',
        ...(thread ? { thread_ts: thread } : {}),
      };
      if (thread) {
        const list = server.replies.get(thread) ?? [];
        list.push(msg);
        server.replies.set(thread, list);
        const parent = server.messages.find((m) => m.ts === thread);
        if (parent) {
          parent.reply_count = list.length;
          parent.latest_reply = ts;
        }
      } else server.messages.push(msg);
      return { ok: true, channel, ts, message: { type: 'message', ...msg } };
    }),
  );

  return server;
}

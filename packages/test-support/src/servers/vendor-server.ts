/**
 * A small node:http server for connector tests: routes with `:params`, an auth check, scripted
 * faults (`failNext`), and a log of every request. Vendor servers (jira-server.ts…) build on it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
  form: URLSearchParams;
  at: number;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** Object → JSON; string → sent as is. */
  body?: unknown;
}

export type Handler = (req: RecordedRequest, params: Record<string, string>) => Reply | Promise<Reply>;

/** A scripted reply: fixed, or built from the request (an error page echoing it). */
export type FaultReply = Reply | ((req: RecordedRequest) => Reply);

export interface VendorServer {
  url: string;
  requests: RecordedRequest[];
  route(method: string, pattern: string, handler: Handler): void;
  /** The next requests whose path starts with `pathPrefix` get these replies, in order. */
  failNext(pathPrefix: string, ...replies: FaultReply[]): void;
  /**
   * The next request whose path starts with `pathPrefix` is handled (its write applied), then
   * answered with `reply` instead — or its connection is reset (`'reset'`): what a client sees when
   * a gateway times out or a connection drops after the vendor committed the write.
   */
  applyThenFail(pathPrefix: string, reply: Reply | 'reset'): void;
  /**
   * Accepts `Authorization: Bearer <token>` besides the server's own credentials (an access token
   * the local OAuth server issued), until {@link VendorServer.revokeBearers}.
   */
  acceptBearer(token: string): void;
  /** Whether `token` is an accepted bearer token. */
  accepts(token: string): boolean;
  /** Forgets every accepted bearer token (they expired, or the app was uninstalled). */
  revokeBearers(): void;
  /** Routes `<prefix>/rest/…` as `/rest/…` too (Atlassian's `api.atlassian.com/ex/jira/{cloudId}` gateway). */
  mount(prefix: string): void;
  /** Requests to paths starting with `pathPrefix`. */
  requestsTo(pathPrefix: string, method?: string): RecordedRequest[];
  close(): Promise<void>;
}

export interface VendorServerOptions {
  /** Returns false to answer with `unauthorized`. */
  authorize?: (req: RecordedRequest) => boolean;
  unauthorized?: Reply;
}

function send(res: ServerResponse, reply: Reply): void {
  const status = reply.status ?? 200;
  const headers = { ...reply.headers };
  let payload = '';
  if (reply.body !== undefined) {
    if (typeof reply.body === 'string') payload = reply.body;
    else {
      payload = JSON.stringify(reply.body);
      headers['content-type'] ??= 'application/json';
    }
  }
  res.writeHead(status, headers);
  res.end(payload);
}

function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const a = path.split('/');
  if (p.length !== a.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i] ?? '';
    const actual = a[i] ?? '';
    if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(actual);
    else if (seg !== decodeURIComponent(actual)) return null;
  }
  return params;
}

export async function startVendorServer(options: VendorServerOptions = {}): Promise<VendorServer> {
  const routes: Array<{ method: string; pattern: string; handler: Handler }> = [];
  const faults: Array<{ prefix: string; reply: FaultReply }> = [];
  const lateFaults: Array<{ prefix: string; reply: Reply | 'reset' }> = [];
  const requests: RecordedRequest[] = [];
  const bearers = new Set<string>();
  const mounts: string[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = body ? JSON.parse(body) : undefined;
        } catch {
          json = undefined;
        }
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET',
          path: decodeURIComponent(url.pathname),
          query: url.searchParams,
          headers: req.headers,
          body,
          json,
          form: new URLSearchParams(String(req.headers['content-type']).includes('form') ? body : ''),
          at: Date.now(),
        };
        requests.push(recorded);
        const faultIndex = faults.findIndex((f) => recorded.path.startsWith(f.prefix));
        if (faultIndex >= 0) {
          const [fault] = faults.splice(faultIndex, 1);
          if (fault) return send(res, typeof fault.reply === 'function' ? fault.reply(recorded) : fault.reply);
        }
        const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
        const viaOAuth = bearer !== undefined && bearers.has(bearer);
        if (options.authorize && !viaOAuth && !options.authorize(recorded)) {
          return send(res, options.unauthorized ?? { status: 401, body: { error: 'unauthorized' } });
        }
        for (const r of routes) {
          if (r.method !== recorded.method) continue;
          const mounted = mounts.find((m) => url.pathname.startsWith(`${m}/`));
          const params = match(r.pattern, mounted ? url.pathname.slice(mounted.length) : url.pathname);
          if (params) {
            const reply = await r.handler(recorded, params);
            const late = lateFaults.findIndex((f) => recorded.path.startsWith(f.prefix));
            if (late >= 0) {
              const [fault] = lateFaults.splice(late, 1);
              if (fault?.reply === 'reset') return void req.socket.destroy();
              if (fault) return send(res, fault.reply);
            }
            return send(res, reply);
          }
        }
        send(res, { status: 404, body: { error: `no route for ${recorded.method} ${recorded.path}` } });
      })().catch((err: unknown) => send(res, { status: 500, body: { error: String(err) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (method, pattern, handler) => routes.push({ method, pattern, handler }),
    acceptBearer: (token) => bearers.add(token),
    revokeBearers: () => bearers.clear(),
    accepts: (token) => bearers.has(token),
    mount: (prefix) => mounts.push(prefix),
    failNext: (prefix, ...replies) => {
      for (const reply of replies) faults.push({ prefix, reply });
    },
    applyThenFail: (prefix, reply) => {
      lateFaults.push({ prefix, reply });
    },
    requestsTo: (prefix, method) =>
      requests.filter((r) => r.path.startsWith(prefix) && (!method || r.method === method)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * What a careless vendor error page shows of a request: every header (the `Authorization` header
 * too), the query and the body, also percent-encoded and JSON-escaped, after `pad` characters of
 * text (so that a shortened message would cut a secret in half). Real services have done this on
 * 5xx pages, debug responses and proxies' error pages.
 */
export function dumpRequest(req: RecordedRequest, pad = 0): string {
  // Credential headers first: a shortened message still holds them.
  const first = (k: string) => (/authorization|token|key|cookie/i.test(k) ? 0 : 1);
  const lines = Object.entries(req.headers)
    .sort(([a], [b]) => first(a) - first(b))
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
  const auth = String(req.headers.authorization ?? '');
  return [
    'x'.repeat(pad),
    ...lines,
    `query: ${req.query.toString()}`,
    `body: ${req.body}`,
    `decoded body: ${decodeURIComponent(req.body.replace(/\+/g, ' '))}`,
    `redirect: /login?return=${encodeURIComponent(auth)}&body=${encodeURIComponent(req.body)}`,
    `json: ${JSON.stringify({ headers: req.headers, body: req.body }).replace(/\//g, '\\/')}`,
  ].join('\n');
}

/** Echoing error replies, in the shapes vendors answer with. */
export const ECHO: Record<
  'html500' | 'json400' | 'json401' | 'json403' | 'text400' | 'text200' | 'json422',
  (req: RecordedRequest) => Reply
> = {
  html500: (req) => ({
    status: 500,
    headers: { 'content-type': 'text/html' },
    body: `<html><body><h1>500 Internal Server Error</h1><pre>${dumpRequest(req, 280)}</pre></body></html>`,
  }),
  json400: (req) => {
    const dump = dumpRequest(req, 250);
    return {
      status: 400,
      body: { errorMessages: [dump], message: dump, error: { message: dump, detail: dump }, description: dump },
    };
  },
  json401: (req) => ({
    status: 401,
    body: { errorMessages: [dumpRequest(req)], error: dumpRequest(req), message: dumpRequest(req) },
  }),
  json403: (req) => ({ status: 403, body: { errorMessages: [dumpRequest(req, 100)], message: dumpRequest(req, 100) } }),
  json422: (req) => ({
    status: 422,
    body: {
      error: 'RecordInvalid',
      description: dumpRequest(req, 10),
      details: { base: [{ description: dumpRequest(req) }] },
    },
  }),
  text400: (req) => ({ status: 400, headers: { 'content-type': 'text/plain' }, body: dumpRequest(req) }),
  text200: (req) => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: dumpRequest(req, 5) }),
};

/** Wall-clock `yyyy-MM-dd HH:mm:ss` in `timeZone` → the UTC literal. */
export function zonedToUtc(date: string, time: string, timeZone: string): string {
  const guess = Date.parse(`${date}T${time}Z`);
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(guess));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  const local = Date.parse(
    `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}Z`,
  );
  return new Date(guess - (local - guess)).toISOString().slice(0, 19).replace('T', ' ');
}

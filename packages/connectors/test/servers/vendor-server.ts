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

export interface VendorServer {
  url: string;
  requests: RecordedRequest[];
  route(method: string, pattern: string, handler: Handler): void;
  /** The next requests whose path starts with `pathPrefix` get these replies, in order. */
  failNext(pathPrefix: string, ...replies: Reply[]): void;
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
  const faults: Array<{ prefix: string; reply: Reply }> = [];
  const requests: RecordedRequest[] = [];

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
          if (fault) return send(res, fault.reply);
        }
        if (options.authorize && !options.authorize(recorded)) {
          return send(res, options.unauthorized ?? { status: 401, body: { error: 'unauthorized' } });
        }
        for (const r of routes) {
          if (r.method !== recorded.method) continue;
          const params = match(r.pattern, url.pathname);
          if (params) return send(res, await r.handler(recorded, params));
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
    failNext: (prefix, ...replies) => {
      for (const reply of replies) faults.push({ prefix, reply });
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

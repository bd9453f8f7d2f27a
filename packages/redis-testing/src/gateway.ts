/**
 * A local HTTP gateway that speaks Upstash's REST protocol in front of a real redis-server, so the
 * stock `@upstash/redis` client can be exercised end to end in tests and on a laptop.
 *
 * **Test and development only — not for production.** It has no TLS, one static token and no limits.
 *
 * Protocol (what `@upstash/redis` sends):
 * - `POST /` with a JSON array `["SET","k","v"]` → `{ "result": … }` or `{ "error": "…" }` (HTTP 400);
 * - `POST /pipeline` with `[[…],[…]]` → `[{ "result": … } | { "error": … }, …]` (not atomic);
 * - `POST /multi-exec` with `[[…],[…]]` → the same shape, run in `MULTI`/`EXEC`;
 * - `Authorization: Bearer <token>` (else HTTP 401);
 * - `Upstash-Encoding: base64`: every bulk string of the reply is base64-encoded (status `OK` is not).
 *
 * Commands are passed to redis-server with `ioredis` (which speaks RESP); nothing is interpreted here.
 *
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis as IORedis } from 'ioredis';

/** Options of {@link startUpstashGateway}. */
export interface UpstashGatewayOptions {
  /** The redis-server to forward to (`redis://127.0.0.1:6379`). */
  redisUrl: string;
  /** The bearer token clients must send. */
  token: string;
  /** Port to listen on (default 0: a free port). Always on 127.0.0.1. */
  port?: number;
  /** Delay added before every reply, in milliseconds (simulates a slow Redis). Change it with `setDelay`. */
  delayMs?: number;
}

/** A running gateway. */
export interface UpstashGateway {
  /** `http://127.0.0.1:<port>` — give it to `@upstash/redis` as `url`. */
  readonly url: string;
  /** Requests served so far (every POST, including rejected ones). */
  readonly requests: number;
  /** Changes the delay added before every reply. */
  setDelay(ms: number): void;
  /** Stops the server and its Redis connection. */
  close(): Promise<void>;
}

type Reply = { result: unknown } | { error: string };

function encode(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'string') return value === 'OK' ? 'OK' : Buffer.from(value, 'utf8').toString('base64');
  if (Array.isArray(value)) return value.map(encode);
  if (typeof value === 'object') return encode(Object.entries(value as object).flat());
  return value;
}

function plain(value: unknown): unknown {
  if (value === undefined) return null;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(plain);
  // ioredis turns HGETALL replies into objects; the REST protocol returns the flat array.
  if (typeof value === 'object')
    return Object.entries(value as object)
      .flat()
      .map(plain);
  return value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function isCommand(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' || typeof v === 'number');
}

/**
 * Starts the gateway on 127.0.0.1. **Not for production.**
 *
 * @example
 * ```ts
 * const gateway = await startUpstashGateway({ redisUrl: 'redis://127.0.0.1:6379', token: 'dev-token' });
 * const redis = new Redis({ url: gateway.url, token: 'dev-token' });
 * ```
 */
export async function startUpstashGateway(options: UpstashGatewayOptions): Promise<UpstashGateway> {
  const redis = new IORedis(options.redisUrl, {
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 100, 1_000),
  });
  redis.on('error', () => {});
  let delay = options.delayMs ?? 0;
  let requests = 0;
  const expected = Buffer.from(`Bearer ${options.token}`);

  const run = async (cmd: unknown): Promise<Reply> => {
    if (!isCommand(cmd)) return { error: 'ERR malformed command: expected a JSON array of strings' };
    const [name, ...args] = cmd.map(String);
    try {
      return { result: await redis.call(name as string, ...args) };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    requests++;
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const auth = Buffer.from(req.headers.authorization ?? '');
    if (auth.length !== expected.length || !timingSafeEqual(auth, expected)) {
      send(401, { error: 'Unauthorized' });
      return;
    }
    if (req.method !== 'POST') {
      send(405, { error: 'ERR only POST is supported by this gateway' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      send(400, { error: 'ERR request body is not JSON' });
      return;
    }
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    const out = (r: Reply) => ('error' in r ? r : { result: base64 ? encode(r.result) : plain(r.result) });
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/pipeline' || path === '/multi-exec') {
      if (!Array.isArray(body) || !body.every(isCommand)) {
        send(400, { error: 'ERR expected a JSON array of commands' });
        return;
      }
      if (path === '/pipeline') {
        const replies = await Promise.all(body.map(run));
        send(200, replies.map(out));
        return;
      }
      try {
        const replies = (await redis.multi(body.map((c) => ['call', ...c.map(String)])).exec()) ?? [];
        send(
          200,
          replies.map(([err, result]: [Error | null, unknown]) => out(err ? { error: err.message } : { result })),
        );
      } catch (err) {
        send(400, { error: err instanceof Error ? err.message : String(err) });
      }
      return;
    }
    if (path !== '/') {
      send(404, { error: `ERR unknown path ${path}` });
      return;
    }
    const reply = await run(body);
    send('error' in reply ? 400 : 200, out(reply));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: err instanceof Error ? err.message : 'internal error' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    setDelay(ms: number) {
      delay = ms;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}

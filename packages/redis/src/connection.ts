/**
 * One small interface over the two Redis clients the package supports:
 *
 * - **Upstash REST** through the stock `@upstash/redis` client ({@link createUpstashConnection});
 * - **TCP** (Redis, Valkey, ElastiCache…) through `ioredis` ({@link createTcpConnection}).
 *
 * The package only needs raw commands (`command`), pipelines of raw commands (`pipeline`) and an
 * `@upstash/redis`-shaped object for `@upstash/ratelimit` (`ratelimitClient`). Replies are RESP2
 * values as the clients return them: strings, integers, `null` and arrays. The RESP protocol itself
 * is always spoken by the client library, never by this package.
 *
 * @module
 */
import { IncidentsError } from '@incidents/core';
import { Redis as UpstashRedis, type Requester, type UpstashRequest, type UpstashResponse } from '@upstash/redis';
import { Redis as IORedis, type RedisOptions as IORedisOptions } from 'ioredis';
import { redactSecrets } from './redact.js';

/** One argument of a Redis command. */
export type RedisArg = string | number;

/** A raw Redis command: the name, then its arguments (`['SET', 'k', 'v', 'EX', 60]`). */
export type RedisCommand = readonly [string, ...RedisArg[]];

/** The minimal client this package needs; see {@link createUpstashConnection} and {@link createTcpConnection}. */
export interface RedisConnection {
  /** `upstash` (REST) or `tcp`. */
  readonly kind: 'upstash' | 'tcp';
  /** Where the connection goes, without credentials (for logs and metrics). */
  readonly target: string;
  /** Runs one command and resolves with its reply; a Redis error reply rejects. */
  command<T = unknown>(command: RedisCommand): Promise<T>;
  /**
   * Runs several commands in one round trip (not atomic). Resolves with one entry per command, in
   * order: the reply, or an `Error` for a command that failed.
   */
  pipeline(commands: readonly RedisCommand[]): Promise<unknown[]>;
  /** An `@upstash/redis` client over the same connection, for `@upstash/ratelimit` and `@upstash/lock`. */
  readonly ratelimitClient: UpstashRedis;
  /** Releases the connection. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link createUpstashConnection}. */
export interface UpstashConnectionOptions {
  /** `UPSTASH_REDIS_REST_URL`. */
  url?: string;
  /** `UPSTASH_REDIS_REST_TOKEN`. Never logged. */
  token?: string;
  /**
   * A client you created. Create it with `automaticDeserialization: false`: replies are then passed
   * through as Redis returns them (the package copes with a deserializing client too).
   */
  redis?: UpstashRedis;
  /** HTTP retries of the client on network errors (default 1; the cache has its own timeout). */
  retries?: number;
}

function connectionError(kind: string, target: string, cause: unknown): IncidentsError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new IncidentsError('unavailable', `Redis (${kind} ${target}) is unavailable: ${redactSecrets(message)}`, {
    userError: false,
    details: { kind, target },
  });
}

function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'redis';
  }
}

/** Replies of a deserializing `@upstash/redis` client back to text where the package expects text. */
function upstashRequester(redis: UpstashRedis): Requester {
  // The client's own requester (the protected `client` field) is what `exec` and `pipeline` use.
  return (redis as unknown as { client: Requester }).client;
}

/**
 * A {@link RedisConnection} over Upstash's REST API with the stock `@upstash/redis` client.
 *
 * @example
 * ```ts
 * const redis = createUpstashConnection({
 *   url: process.env.UPSTASH_REDIS_REST_URL,
 *   token: process.env.UPSTASH_REDIS_REST_TOKEN,
 * });
 * ```
 */
export function createUpstashConnection(options: UpstashConnectionOptions): RedisConnection {
  let client: UpstashRedis;
  let target = 'upstash';
  if (options.redis) {
    client = options.redis;
  } else {
    if (!options.url) throw new IncidentsError('config', 'Upstash Redis needs url (UPSTASH_REDIS_REST_URL)');
    if (!options.token) throw new IncidentsError('config', 'Upstash Redis needs token (UPSTASH_REDIS_REST_TOKEN)');
    target = describeUrl(options.url);
    client = new UpstashRedis({
      url: options.url,
      token: options.token,
      automaticDeserialization: false,
      enableTelemetry: false,
      retry: { retries: options.retries ?? 1, backoff: () => 20 },
    });
  }
  const requester = upstashRequester(client);
  return {
    kind: 'upstash',
    target,
    async command<T>(command: RedisCommand): Promise<T> {
      try {
        return (await client.exec(command.map(String) as [string, ...string[]])) as T;
      } catch (err) {
        throw isRedisReplyError(err) ? replyError(err) : connectionError('upstash', target, err);
      }
    },
    async pipeline(commands: readonly RedisCommand[]): Promise<unknown[]> {
      if (commands.length === 0) return [];
      let res: UpstashResponse<unknown>[] | UpstashResponse<unknown>;
      try {
        res = await requester.request({
          path: ['pipeline'],
          body: commands.map((c) => c.map(String)),
        } as UpstashRequest);
      } catch (err) {
        throw connectionError('upstash', target, err);
      }
      if (!Array.isArray(res)) {
        throw connectionError('upstash', target, new Error(String(res.error ?? 'unexpected pipeline reply')));
      }
      return res.map((r) => (r.error ? new Error(redactSecrets(r.error)) : r.result));
    },
    ratelimitClient: client,
    async close() {},
  };
}

/** Options of {@link createTcpConnection}. */
export interface TcpConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (`INCIDENTS_REDIS_URL`). Never logged. */
  url?: string;
  /** A client you created (the connection then does not close it). */
  client?: IORedis;
  /** Extra `ioredis` options when the connection creates the client. */
  ioredis?: IORedisOptions;
}

function isRedisReplyError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  // ioredis: ReplyError; @upstash/redis: UpstashError carrying Redis's own message (ERR, WRONGTYPE, NOSCRIPT…).
  return (
    err.name === 'ReplyError' ||
    (err.name === 'UpstashError' && /^(ERR|WRONGTYPE|NOSCRIPT|BUSY|NOPERM|EXECABORT|OOM)\b/.test(err.message))
  );
}

function replyError(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const out = new Error(redactSecrets(message));
  out.name = 'RedisReplyError';
  return out;
}

function flattenForUpstash(reply: unknown): unknown {
  if (reply === undefined) return null;
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  if (Array.isArray(reply)) return reply.map(flattenForUpstash);
  // ioredis turns HGETALL replies into objects; the REST protocol returns the flat array.
  if (typeof reply === 'object' && reply !== null) return Object.entries(reply).flat().map(flattenForUpstash);
  return reply;
}

/**
 * A requester for `@upstash/redis` that runs the REST protocol's commands on an `ioredis` client
 * (single commands, `pipeline`, `multi-exec`), so the stock Upstash client — and `@upstash/ratelimit`
 * on top of it — works over TCP.
 */
function ioredisRequester(client: IORedis): Requester {
  const one = async (cmd: string[]): Promise<UpstashResponse<unknown>> => {
    try {
      const [name, ...args] = cmd;
      return { result: flattenForUpstash(await client.call(name as string, ...args)) };
    } catch (err) {
      return { error: redactSecrets(err instanceof Error ? err.message : String(err)) };
    }
  };
  return {
    async request<TResult>(req: UpstashRequest): Promise<UpstashResponse<TResult>> {
      const path = req.path?.[0];
      if (path === 'pipeline' || path === 'multi-exec') {
        const cmds = (req.body as string[][]) ?? [];
        if (path === 'pipeline') {
          const results = await Promise.all(cmds.map(one));
          return results as unknown as UpstashResponse<TResult>;
        }
        const multi = client.multi(cmds.map(([name, ...args]) => ['call', name as string, ...args]));
        const replies = (await multi.exec()) ?? [];
        return replies.map(([err, result]) =>
          err ? { error: redactSecrets(err.message) } : { result: flattenForUpstash(result) },
        ) as unknown as UpstashResponse<TResult>;
      }
      return (await one(req.body as string[])) as UpstashResponse<TResult>;
    },
  };
}

/**
 * A {@link RedisConnection} over TCP with `ioredis` (Redis, Valkey, ElastiCache, a local
 * redis-server). Commands fail fast while the server is down (no unbounded offline queue).
 *
 * @example
 * ```ts
 * const redis = createTcpConnection({ url: process.env.INCIDENTS_REDIS_URL });
 * ```
 */
export function createTcpConnection(options: TcpConnectionOptions): RedisConnection {
  let client: IORedis;
  let owns = false;
  let target = 'redis';
  if (options.client) {
    client = options.client;
    target = `redis://${client.options.host ?? '127.0.0.1'}:${client.options.port ?? 6379}`;
  } else {
    if (!options.url) throw new IncidentsError('config', 'TCP Redis needs url (INCIDENTS_REDIS_URL=redis://…)');
    if (!/^rediss?:\/\//.test(options.url)) {
      throw new IncidentsError('config', 'INCIDENTS_REDIS_URL must start with redis:// or rediss://');
    }
    target = describeUrl(options.url);
    client = new IORedis(options.url, {
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 100, 2_000),
      ...options.ioredis,
    });
    // ioredis emits connection errors as events; they are reported through command failures.
    client.on('error', () => {});
    owns = true;
  }
  const ratelimitClient = new UpstashRedis(ioredisRequester(client));
  let closed = false;
  return {
    kind: 'tcp',
    target,
    async command<T>(command: RedisCommand): Promise<T> {
      const [name, ...args] = command;
      try {
        return (await client.call(name, ...args)) as T;
      } catch (err) {
        throw isRedisReplyError(err) ? replyError(err) : connectionError('tcp', target, err);
      }
    },
    async pipeline(commands: readonly RedisCommand[]): Promise<unknown[]> {
      if (commands.length === 0) return [];
      const p = client.pipeline(commands.map(([name, ...args]) => ['call', name, ...args]));
      let replies: [Error | null, unknown][] | null;
      try {
        replies = await p.exec();
      } catch (err) {
        throw connectionError('tcp', target, err);
      }
      if (!replies) throw connectionError('tcp', target, new Error('pipeline was discarded'));
      const conn = replies.find(([err]) => err && !isRedisReplyError(err));
      if (conn?.[0]) throw connectionError('tcp', target, conn[0]);
      return replies.map(([err, result]) => (err ? replyError(err) : result));
    },
    ratelimitClient,
    async close() {
      if (closed || !owns) return;
      closed = true;
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}

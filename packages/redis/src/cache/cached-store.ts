/**
 * `createCachedStore` — a read cache in Redis in front of any {@link IncidentStore}.
 *
 * ## What is cached
 * - the current record (version 0) by incident id;
 * - users by email (`EX 300` by default);
 * - the first page of `queryIncidents` (the hot lists: a queue by status, "my incidents", a team's
 *   board), for `limit` ≤ 100.
 * Everything else — history, timelines, sync and KB bookkeeping, metrics — goes to the store.
 *
 * ## Why a cached value is never older than the last write for longer than its TTL
 * Every cached value is stamped with two **generation tokens**: the token of its key family (one per
 * incident id, one per user, one for all lists) and the cache-wide **epoch**. A read is a hit only
 * when both stamps equal the tokens stored in Redis now. A reader takes the tokens *before* it loads
 * from the store, so a value loaded before a write can never be stored as current after that write.
 * A write goes to the store first and then replaces the tokens with fresh random ones (never reused,
 * so a token key that expired or was evicted cannot revive an old value). When that invalidation
 * fails (Redis down or slow), the process bypasses the cache and keeps retrying to replace the
 * epoch; no cached value is served by it until that succeeded. Another process could still serve a
 * value cached before the write until the value's TTL ends — the bound the TTL gives.
 *
 * ## Faults
 * Every Redis call has a deadline (`timeoutMs`, 50 ms by default). A failure or a timeout makes the
 * read fall back to the store, sets `degraded`, logs one warning per outage and skips Redis for
 * `retryAfterMs`. Reads never fail because of Redis.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  type CreateIncidentWrite,
  type Incident,
  type IncidentQuery,
  incidentSchema,
  type IncidentStore,
  type LinkIncidentsWrite,
  type MarkKbSyncedInput,
  type MarkKbSyncFailedInput,
  type Page,
  type PageRequest,
  type UpdateIncidentWrite,
  type User,
  userSchema,
} from '@incidents/core';
import { pageLimit } from '@incidents/core/store-kit';
import * as z from 'zod';
import type { RedisCommand, RedisConnection } from '../connection.js';
import { type RedisLogger, RedisHealth, withTimeout } from '../guard.js';

/** Options of {@link createCachedStore}. */
export interface CachedStoreOptions {
  /** The Redis connection (`createUpstashConnection` or `createTcpConnection`). */
  redis: RedisConnection;
  /** Prefix of every key (default `incidents:cache:`). Use one per deployment sharing a Redis. */
  prefix?: string;
  /** TTL of a cached incident, in seconds (default 300). Bounds staleness when an invalidation fails. */
  ttlSeconds?: number;
  /** TTL of a cached user, in seconds (default 300: `user:{email}` `EX 300`). */
  userTtlSeconds?: number;
  /** TTL of a cached first list page, in seconds (default 60). */
  listTtlSeconds?: number;
  /** Deadline of a Redis call on the read path, in ms (default 50). Past it the read uses the store. */
  timeoutMs?: number;
  /** Deadline of an invalidation after a write, in ms (default 500). */
  invalidateTimeoutMs?: number;
  /** After a Redis failure, skip Redis for this long, in ms (default 1000). */
  retryAfterMs?: number;
  /** Largest `limit` of a first list page that is cached (default 100). */
  maxCachedListLimit?: number;
  /** Where outages are reported: one `warn` per outage. Default: none. */
  logger?: RedisLogger;
  /** Close the Redis connection with the store (default `false`: the caller owns it). */
  closeConnection?: boolean;
}

/** Counters of a cached store since it was created. */
export interface CacheStats {
  /** Reads answered from Redis. */
  hits: number;
  /** Reads that went to the store while Redis answered (absent, stale or invalid value). */
  misses: number;
  /** Reads that went to the store because Redis failed, timed out or was skipped after a failure. */
  fallbacks: number;
  /** Reads that joined a load of the same key already under way in this process. */
  joined: number;
  /** Store loads made by misses (concurrent misses of one key share one load). */
  loads: number;
  /** Cached values that failed validation (treated as misses). */
  invalid: number;
  /** Invalidations sent after writes. */
  invalidations: number;
  /** Invalidations that failed (the epoch is replaced once Redis answers again). */
  invalidationFailures: number;
  /** `(hits + joined) / (hits + joined + misses + fallbacks)`: reads that did not need their own store load; 0 when nothing was read. */
  hitRate: number;
  /** Whether Redis is failing now. */
  degraded: boolean;
  /** Outages seen (each logged once). */
  outages: number;
  /** Whether the epoch must still be replaced after a failed invalidation. */
  pendingEpochBump: boolean;
  /** The last Redis error, without credentials. */
  lastError?: string;
}

/** Control of the cache of a {@link CachedIncidentStore}. */
export interface CacheControl {
  /** Counters since creation. */
  stats(): CacheStats;
  /** Resolves when the loads and cache writes under way have finished (for tests and shutdown). */
  settled(): Promise<void>;
  /** Makes every cached value of this prefix stale (replaces the epoch). */
  invalidateAll(): Promise<void>;
  /** Adds this process's counters to the shared hash in Redis (`<prefix>stats`), read by `readCacheCounters`. */
  flushCounters(): Promise<void>;
}

/** A store wrapped by {@link createCachedStore}: the same methods as the inner store, plus `cache`. */
export type CachedIncidentStore<S extends IncidentStore = IncidentStore> = S & { readonly cache: CacheControl };

const GENERATION_TTL_SECONDS = 7 * 24 * 3600;

const StampedSchema = z.object({ e: z.string(), g: z.string(), v: z.unknown() });
const IncidentPageSchema = z.object({ items: z.array(incidentSchema()), cursor: z.string().nullable() });

/** Returns the stored token, creating it if absent — one round trip. */
const ENSURE_TOKENS = `
local out = {}
for i, key in ipairs(KEYS) do
  local t = redis.call('GET', key)
  if not t then
    t = ARGV[i]
    redis.call('SET', key, t, 'EX', ARGV[#KEYS + 1])
  end
  out[i] = t
end
return out`;

/** Stores a value only if the tokens it was loaded under are still current. */
const SET_IF_CURRENT = `
if redis.call('GET', KEYS[1]) == ARGV[1] and redis.call('GET', KEYS[2]) == ARGV[2] then
  redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[4])
  return 1
end
return 0`;

function token(): string {
  return randomBytes(9).toString('base64url');
}

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  // A deserializing @upstash/redis client hands JSON values back parsed.
  return JSON.stringify(value);
}

function hashQuery(query: IncidentQuery, limit: number): string {
  return createHash('sha1')
    .update(JSON.stringify([query, limit]))
    .digest('base64url');
}

/**
 * Wraps `store` with a Redis read cache; the result has every method of `store` (writes go to the
 * store first, then invalidate) and a `cache` control with counters.
 *
 * @example
 * ```ts
 * import { createTursoStore } from '@incidents/store-turso';
 * import { createCachedStore, createUpstashConnection } from '@incidents/redis';
 *
 * const redis = createUpstashConnection({ url: process.env.UPSTASH_REDIS_REST_URL, token: process.env.UPSTASH_REDIS_REST_TOKEN });
 * const store = createCachedStore(await createTursoStore({ url: 'file:incidents.db' }), { redis, logger: console });
 * ```
 */
export function createCachedStore<S extends IncidentStore>(
  store: S,
  options: CachedStoreOptions,
): CachedIncidentStore<S> {
  const redis = options.redis;
  const prefix = options.prefix ?? 'incidents:cache:';
  const ttl = options.ttlSeconds ?? 300;
  const userTtl = options.userTtlSeconds ?? 300;
  const listTtl = options.listTtlSeconds ?? 60;
  const timeoutMs = options.timeoutMs ?? 50;
  const invalidateTimeoutMs = options.invalidateTimeoutMs ?? 500;
  const maxListLimit = options.maxCachedListLimit ?? 100;
  const health = new RedisHealth(`cache ${prefix}`, options.logger, options.retryAfterMs ?? 1000);

  const epochKey = `${prefix}epoch`;
  const listsGenKey = `${prefix}g:lists`;
  const listValuePrefix = `${prefix}list:`;
  const keys = {
    incident: (id: string) => ({ gen: `${prefix}g:inc:${id}`, value: `${prefix}inc:${id}` }),
    // Every spelling of an email shares one generation (a store may compare emails without case).
    user: (email: string) => ({
      gen: `${prefix}g:user:${email.toLowerCase()}`,
      value: `${prefix}user:${email}`,
    }),
    list: (query: IncidentQuery, limit: number) => ({
      gen: listsGenKey,
      value: `${prefix}list:${hashQuery(query, limit)}`,
    }),
  };

  const counters = {
    hits: 0,
    misses: 0,
    fallbacks: 0,
    joined: 0,
    loads: 0,
    invalid: 0,
    invalidations: 0,
    invalidationFailures: 0,
  };
  const flushed = { hits: 0, misses: 0, fallbacks: 0 };
  let pendingEpochBump = false;
  let retryTimer: ReturnType<typeof setInterval> | undefined;
  const inflight = new Map<string, Promise<unknown>>();
  const background = new Set<Promise<void>>();
  let closed = false;

  const call = <T>(command: RedisCommand, ms: number) => withTimeout(redis.command<T>(command), ms);

  /** Replaces the epoch after a failed invalidation; true when the cache may be used again. */
  async function settleEpoch(): Promise<boolean> {
    if (!pendingEpochBump) return true;
    try {
      await call(['SET', epochKey, token(), 'EX', GENERATION_TTL_SECONDS], invalidateTimeoutMs);
      pendingEpochBump = false;
      health.ok();
      if (retryTimer) clearInterval(retryTimer);
      retryTimer = undefined;
      return true;
    } catch (err) {
      health.fail(err);
      return false;
    }
  }

  function scheduleEpochRetry(): void {
    if (retryTimer || closed) return;
    retryTimer = setInterval(() => {
      if (!health.open) void settleEpoch();
    }, options.retryAfterMs ?? 1000);
    retryTimer.unref?.();
  }

  /** Whether the read path may use Redis now. */
  async function usable(): Promise<boolean> {
    if (health.open) return false;
    return settleEpoch();
  }

  async function cachedRead<T>(
    k: { gen: string; value: string },
    schema: z.ZodType<T>,
    ttlSeconds: number,
    load: () => Promise<T>,
    cacheable: (value: T) => boolean,
  ): Promise<T> {
    // One loader per key in this process: a read joins a load of the same key already under way.
    const running = inflight.get(k.value) as Promise<T> | undefined;
    if (running) {
      counters.joined++;
      return running;
    }
    if (!(await usable())) {
      counters.fallbacks++;
      return singleFlight(k.value, load);
    }
    let tokens: [string | null, string | null];
    try {
      const [epoch, gen, raw] = ((await call<unknown[]>(['MGET', epochKey, k.gen, k.value], timeoutMs)) ?? []).map(
        asText,
      );
      health.ok();
      if (raw && epoch && gen) {
        const stamped = StampedSchema.safeParse(safeJson(raw));
        if (stamped.success && stamped.data.e === epoch && stamped.data.g === gen) {
          const value = schema.safeParse(stamped.data.v);
          if (value.success) {
            counters.hits++;
            return value.data;
          }
          counters.invalid++;
        } else if (!stamped.success) {
          counters.invalid++;
        }
      }
      tokens = [epoch ?? null, gen ?? null];
    } catch (err) {
      health.fail(err);
      counters.fallbacks++;
      return singleFlight(k.value, load);
    }
    const again = inflight.get(k.value) as Promise<T> | undefined;
    if (again) {
      counters.joined++;
      return again;
    }
    counters.misses++;
    let stored: Promise<unknown> = Promise.resolve();
    let settle: () => void = () => {};
    background.add(
      new Promise<void>((r) => {
        settle = r;
      }),
    );
    const loading = (async () => {
      let [epoch, gen] = tokens;
      if (!epoch || !gen) {
        try {
          const ensured = await call<unknown[]>(
            ['EVAL', ENSURE_TOKENS, 2, epochKey, k.gen, token(), token(), GENERATION_TTL_SECONDS],
            timeoutMs,
          );
          [epoch, gen] = [asText(ensured?.[0]), asText(ensured?.[1])];
        } catch (err) {
          health.fail(err);
          epoch = gen = null;
        }
      }
      counters.loads++;
      const value = await load();
      if (epoch && gen && cacheable(value)) {
        const stamped = JSON.stringify({ e: epoch, g: gen, v: value });
        stored = call(
          ['EVAL', SET_IF_CURRENT, 3, epochKey, k.gen, k.value, epoch, gen, stamped, ttlSeconds],
          timeoutMs,
        ).then(
          () => health.ok(),
          (err) => health.fail(err),
        );
      }
      return value;
    })();
    inflight.set(k.value, loading);
    // The entry stays until the value is stored, so reads arriving meanwhile join instead of loading again.
    const release = () => {
      if (inflight.get(k.value) === loading) inflight.delete(k.value);
    };
    const done = () => {
      release();
      settle();
    };
    loading.then(() => stored.then(done), done);
    return loading;
  }

  /** Shares one store load among concurrent reads of a key while Redis is skipped. */
  function singleFlight<T>(key: string, load: () => Promise<T>): Promise<T> {
    const running = inflight.get(key) as Promise<T> | undefined;
    if (running) {
      counters.joined++;
      return running;
    }
    const loading = load();
    inflight.set(key, loading);
    const release = () => {
      if (inflight.get(key) === loading) inflight.delete(key);
    };
    loading.then(release, release);
    return loading;
  }

  /** Forgets loads under way for keys a write changed (a read after the write must not join them). */
  function forgetLoads(valueKeys: string[]): void {
    for (const key of valueKeys) inflight.delete(key);
    for (const key of inflight.keys()) if (key.startsWith(listValuePrefix)) inflight.delete(key);
  }

  /** Replaces the tokens of the given families (after a write). Never throws. */
  async function invalidate(genKeys: string[], valueKeys: string[]): Promise<void> {
    counters.invalidations++;
    forgetLoads(valueKeys);
    const commands: RedisCommand[] = genKeys.map((g) => ['SET', g, token(), 'EX', GENERATION_TTL_SECONDS]);
    if (valueKeys.length > 0) commands.push(['DEL', ...valueKeys] as unknown as RedisCommand);
    if (!health.open) {
      try {
        const replies = await withTimeout(redis.pipeline(commands), invalidateTimeoutMs);
        if (!replies.some((r) => r instanceof Error)) {
          health.ok();
          return;
        }
        throw replies.find((r) => r instanceof Error);
      } catch (err) {
        health.fail(err);
      }
    }
    counters.invalidationFailures++;
    pendingEpochBump = true;
    scheduleEpochRetry();
  }

  const incidentFamilies = (ids: Iterable<string>) => {
    const gens = [listsGenKey];
    const values: string[] = [];
    for (const id of new Set(ids)) {
      const k = keys.incident(id);
      gens.push(k.gen);
      values.push(k.value);
    }
    return [gens, values] as const;
  };

  /** Runs a write on the store, then invalidates — also when it failed (it may have committed). */
  async function write<T>(ids: Iterable<string>, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } finally {
      const [gens, values] = incidentFamilies(ids);
      await invalidate(gens, values);
    }
  }

  const overrides = {
    async getIncident(incidentId: string): Promise<Incident | null> {
      return cachedRead<Incident | null>(
        keys.incident(incidentId),
        incidentSchema().nullable(),
        ttl,
        () => store.getIncident(incidentId),
        (v) => v !== null,
      );
    },
    async queryIncidents(query: IncidentQuery, page?: PageRequest): Promise<Page<Incident>> {
      // The page size the store will serve (the port's one reading; a non-number is refused here as
      // the store would refuse it, never answered from the entry of another size).
      const limit = pageLimit(page);
      if (page?.cursor || limit > maxListLimit) return store.queryIncidents(query, page);
      return cachedRead<Page<Incident>>(
        keys.list(query, limit),
        IncidentPageSchema,
        listTtl,
        () => store.queryIncidents(query, page),
        () => true,
      );
    },
    async getUser(email: string): Promise<User | null> {
      return cachedRead<User | null>(
        keys.user(email),
        userSchema().nullable(),
        userTtl,
        () => store.getUser(email),
        (v) => v !== null,
      );
    },
    async putUser(user: User): Promise<void> {
      try {
        await store.putUser(user);
      } finally {
        const k = keys.user(user.email);
        await invalidate([k.gen], [k.value]);
      }
    },
    createIncident(w: CreateIncidentWrite) {
      return write([w.incident.incident_id], () => store.createIncident(w));
    },
    async updateIncident(w: UpdateIncidentWrite) {
      return write([w.incident.incident_id], () => store.updateIncident(w));
    },
    linkIncidents(w: LinkIncidentsWrite) {
      return write([w.from.incident_id, w.to.incident_id], () => store.linkIncidents(w));
    },
    markKbSynced(input: MarkKbSyncedInput) {
      return write([input.incident_id], () => store.markKbSynced(input));
    },
    markKbSyncFailed(input: MarkKbSyncFailedInput) {
      return write([input.incident_id], () => store.markKbSyncFailed(input));
    },
    async close() {
      if (!closed) {
        closed = true;
        if (retryTimer) clearInterval(retryTimer);
        retryTimer = undefined;
        await control.flushCounters().catch(() => {});
        if (options.closeConnection) await redis.close();
      }
      await store.close();
    },
  };

  const extra: Record<string, unknown> = {};
  if (typeof store.markKbSyncedMany === 'function') {
    extra.markKbSyncedMany = (inputs: readonly MarkKbSyncedInput[]) =>
      write(
        inputs.map((i) => i.incident_id),
        () => (store.markKbSyncedMany as NonNullable<IncidentStore['markKbSyncedMany']>).call(store, inputs),
      );
  }
  const bulk = (store as unknown as { createIncidents?: (w: readonly CreateIncidentWrite[]) => Promise<void> })
    .createIncidents;
  if (typeof bulk === 'function') {
    extra.createIncidents = (writes: readonly CreateIncidentWrite[]) =>
      write(
        writes.map((w) => w.incident.incident_id),
        () => bulk.call(store, writes),
      );
  }

  const control: CacheControl = {
    stats() {
      const served = counters.hits + counters.joined;
      const reads = served + counters.misses + counters.fallbacks;
      return {
        ...counters,
        hitRate: reads === 0 ? 0 : served / reads,
        degraded: health.degraded,
        outages: health.outages,
        pendingEpochBump,
        ...(health.lastError ? { lastError: health.lastError } : {}),
      };
    },
    async settled() {
      while (background.size > 0) {
        const pending = [...background];
        await Promise.all(pending);
        for (const p of pending) background.delete(p);
      }
    },
    async invalidateAll() {
      pendingEpochBump = true;
      if (!(await settleEpoch())) scheduleEpochRetry();
    },
    async flushCounters() {
      const delta = {
        hits: counters.hits - flushed.hits,
        misses: counters.misses - flushed.misses,
        fallbacks: counters.fallbacks - flushed.fallbacks,
      };
      const commands: RedisCommand[] = Object.entries(delta)
        .filter(([, n]) => n > 0)
        .map(([field, n]) => ['HINCRBY', `${prefix}stats`, field, n]);
      if (commands.length === 0) return;
      await withTimeout(redis.pipeline(commands), invalidateTimeoutMs);
      Object.assign(flushed, { hits: counters.hits, misses: counters.misses, fallbacks: counters.fallbacks });
    },
  };

  const own: Record<PropertyKey, unknown> = { ...overrides, ...extra, cache: control };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (Object.hasOwn(own, prop)) return own[prop];
      const value = Reflect.get(target, prop, receiver === undefined ? target : target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    has(target, prop) {
      return Object.hasOwn(own, prop) || Reflect.has(target, prop);
    },
  }) as CachedIncidentStore<S>;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Redis metrics for `/api/metrics`, `incidents redis stats` and docs/METRICS.md: parsed
 * `INFO memory|stats|clients|keyspace`, queue lengths, and the cache's own hit/miss counters.
 *
 * @module
 */
import type { CacheStats } from './cache/cached-store.js';
import type { RedisConnection } from './connection.js';
import { withTimeout } from './guard.js';
import type { QueueLengths, TaskQueue } from './queue/queue.js';
import { redactSecrets } from './redact.js';

/** `INFO` text as `field → value` pairs (all sections merged; `# Section` lines skipped). */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/** One database of `INFO keyspace`. */
export interface KeyspaceDb {
  keys: number;
  expires: number;
  avg_ttl_ms: number;
}

/** Redis metrics. Numbers are `null` when the server does not report them. */
export interface RedisMetrics {
  /** Whether Redis answered. */
  available: boolean;
  /** `true` when Redis did not answer or the cache is falling back to the store. */
  degraded: boolean;
  /** Why Redis is unavailable (without credentials). */
  error?: string;
  kind: 'upstash' | 'tcp';
  /** Where the connection goes (no credentials). */
  target: string;
  /** Round trip of one `PING`, in ms. */
  latency_ms: number | null;
  redis_version: string | null;
  memory: {
    used_bytes: number | null;
    peak_bytes: number | null;
    /** 0 = no limit. */
    maxmemory_bytes: number | null;
    /** used / maxmemory, `null` without a limit. Tune when above 0.8. */
    used_ratio: number | null;
    fragmentation_ratio: number | null;
    eviction_policy: string | null;
  };
  stats: {
    keyspace_hits: number | null;
    keyspace_misses: number | null;
    /** Server-wide hits / (hits + misses): every client of this Redis, not only the cache. */
    hit_rate: number | null;
    evicted_keys: number | null;
    expired_keys: number | null;
    total_commands_processed: number | null;
    instantaneous_ops_per_sec: number | null;
  };
  clients: { connected: number | null; blocked: number | null };
  keyspace: Record<string, KeyspaceDb>;
  /** Queue lengths, when a queue was given. */
  queue?: QueueLengths;
  /** The cache's own counters: this process's, and the totals flushed by every process. */
  cache?: {
    process?: Pick<CacheStats, 'hits' | 'misses' | 'fallbacks' | 'hitRate' | 'degraded'>;
    shared?: { hits: number; misses: number; fallbacks: number; hit_rate: number | null };
  };
}

/** Options of {@link getRedisMetrics}. */
export interface RedisMetricsOptions {
  redis: RedisConnection;
  /** Adds queue lengths. */
  queue?: TaskQueue;
  /** Adds this process's cache counters (`cachedStore.cache`). */
  cache?: {
    /** The cache's counters so far. */
    stats(): CacheStats;
  };
  /** Adds the counters flushed to Redis by every process under this cache prefix (default `incidents:cache:`). */
  cachePrefix?: string;
  /** Deadline of the whole collection, in ms (default 2000). */
  timeoutMs?: number;
}

const num = (v: string | undefined): number | null => {
  if (v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || a + b === 0) return null;
  return a / (a + b);
}

/**
 * Collects the metrics. Never throws: when Redis does not answer, `available` is `false` and
 * `degraded` is `true`.
 */
export async function getRedisMetrics(options: RedisMetricsOptions): Promise<RedisMetrics> {
  const { redis } = options;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const prefix = options.cachePrefix ?? 'incidents:cache:';
  const processStats = options.cache?.stats();
  const base: RedisMetrics = {
    available: false,
    degraded: true,
    kind: redis.kind,
    target: redis.target,
    latency_ms: null,
    redis_version: null,
    memory: {
      used_bytes: null,
      peak_bytes: null,
      maxmemory_bytes: null,
      used_ratio: null,
      fragmentation_ratio: null,
      eviction_policy: null,
    },
    stats: {
      keyspace_hits: null,
      keyspace_misses: null,
      hit_rate: null,
      evicted_keys: null,
      expired_keys: null,
      total_commands_processed: null,
      instantaneous_ops_per_sec: null,
    },
    clients: { connected: null, blocked: null },
    keyspace: {},
    ...(processStats
      ? {
          cache: {
            process: {
              hits: processStats.hits,
              misses: processStats.misses,
              fallbacks: processStats.fallbacks,
              hitRate: processStats.hitRate,
              degraded: processStats.degraded,
            },
          },
        }
      : {}),
  };
  try {
    const started = performance.now();
    await withTimeout(redis.command(['PING']), timeoutMs);
    base.latency_ms = Math.round((performance.now() - started) * 100) / 100;
    const replies = await withTimeout(
      redis.pipeline([
        ['INFO', 'server'],
        ['INFO', 'memory'],
        ['INFO', 'stats'],
        ['INFO', 'clients'],
        ['INFO', 'keyspace'],
        ['HGETALL', `${prefix}stats`],
      ]),
      timeoutMs,
    );
    const info = parseInfo(
      replies
        .slice(0, 5)
        .map((r) => (typeof r === 'string' ? r : ''))
        .join('\n'),
    );
    const used = num(info.used_memory);
    const max = num(info.maxmemory);
    const hits = num(info.keyspace_hits);
    const misses = num(info.keyspace_misses);
    base.available = true;
    base.degraded = processStats?.degraded ?? false;
    base.redis_version = info.redis_version ?? null;
    base.memory = {
      used_bytes: used,
      peak_bytes: num(info.used_memory_peak),
      maxmemory_bytes: max,
      used_ratio: used !== null && max ? used / max : null,
      fragmentation_ratio: num(info.mem_fragmentation_ratio),
      eviction_policy: info.maxmemory_policy ?? null,
    };
    base.stats = {
      keyspace_hits: hits,
      keyspace_misses: misses,
      hit_rate: ratio(hits, misses),
      evicted_keys: num(info.evicted_keys),
      expired_keys: num(info.expired_keys),
      total_commands_processed: num(info.total_commands_processed),
      instantaneous_ops_per_sec: num(info.instantaneous_ops_per_sec),
    };
    base.clients = { connected: num(info.connected_clients), blocked: num(info.blocked_clients) };
    for (const [field, value] of Object.entries(info)) {
      if (!/^db\d+$/.test(field)) continue;
      const kv = Object.fromEntries(value.split(',').map((p) => p.split('=') as [string, string]));
      base.keyspace[field] = {
        keys: Number(kv.keys ?? 0),
        expires: Number(kv.expires ?? 0),
        avg_ttl_ms: Number(kv.avg_ttl ?? 0),
      };
    }
    const flat = replies[5];
    const shared: Record<string, number> = {};
    if (Array.isArray(flat)) for (let i = 0; i + 1 < flat.length; i += 2) shared[String(flat[i])] = Number(flat[i + 1]);
    else if (flat && typeof flat === 'object' && !(flat instanceof Error))
      for (const [f, v] of Object.entries(flat)) shared[f] = Number(v);
    if (Object.keys(shared).length > 0) {
      const h = shared.hits ?? 0;
      const m = (shared.misses ?? 0) + (shared.fallbacks ?? 0);
      base.cache = {
        ...base.cache,
        shared: {
          hits: h,
          misses: shared.misses ?? 0,
          fallbacks: shared.fallbacks ?? 0,
          hit_rate: h + m ? h / (h + m) : null,
        },
      };
    }
    if (options.queue) base.queue = await options.queue.lengths();
  } catch (err) {
    base.available = base.latency_ms !== null && base.redis_version !== null;
    base.degraded = true;
    base.error = redactSecrets(err instanceof Error ? err.message : String(err));
  }
  return base;
}

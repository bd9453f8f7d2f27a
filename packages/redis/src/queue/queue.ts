/**
 * The batch work queue.
 *
 * - **Simple form** ({@link createSimpleQueue}): `RPUSH tasks:pending <json>` / `LPOP tasks:pending` —
 *   at-most-once: a worker that dies after `LPOP` loses the task.
 * - **Reliable form** ({@link createTaskQueue}): at-least-once. Every change is one Lua script (atomic,
 *   one round trip, also over Upstash REST):
 *   - enqueue: the task body under `task:<id>`, its id `RPUSH`ed to `pending`, and an optional
 *     idempotency key (`SET NX EX`) so a retried enqueue adds nothing;
 *   - claim: due retries (`delayed`, a sorted set by due time) and expired claims (`deadlines`, a sorted
 *     set by visibility deadline) go back to `pending`; then up to N ids are `LMOVE`d from `pending` to
 *     `processing`, their attempts counted and stamped with a claim token;
 *   - ack: removes the task — only for the holder of the claim token;
 *   - fail: records the error, and schedules a retry with exponential backoff, or moves the task to the
 *     `dead` list after `max_attempts` (at once for a poison task: unknown type or invalid payload).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { IncidentsError, ValidationError } from '@incidents/core';
import type { RedisConnection } from '../connection.js';
import { withTimeout } from '../guard.js';
import { redactSecrets } from '../redact.js';
import { type QueuedTask, QueuedTaskSchema, type Task, type TaskInput, TaskSchema, type TaskType } from './tasks.js';

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: pending. ARGV: task prefix, idempotency key ('' for none), id, body, idempotency TTL. */
const ENQUEUE = `
if ARGV[2] ~= '' then
  local existing = redis.call('GET', ARGV[2])
  if existing then return {0, existing} end
  redis.call('SET', ARGV[2], ARGV[3], 'EX', ARGV[5])
end
redis.call('SET', ARGV[1] .. ARGV[3], ARGV[4])
redis.call('RPUSH', KEYS[1], ARGV[3])
return {1, ARGV[3]}`;

/** KEYS: pending, processing, deadlines, delayed, dead. ARGV: task prefix, count, visibility ms, claim token. */
const CLAIM = `${NOW}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, 500)) do
  redis.call('ZREM', KEYS[4], id)
  redis.call('RPUSH', KEYS[1], id)
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 500)
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[3], id)
  redis.call('LREM', KEYS[2], 1, id)
  redis.call('RPUSH', KEYS[1], id)
end
local out = {}
local dead = 0
local guard = 0
while #out < tonumber(ARGV[2]) and guard < 1000 do
  guard = guard + 1
  local id = redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')
  if not id then break end
  local key = ARGV[1] .. id
  local raw = redis.call('GET', key)
  if not raw then
    redis.call('LREM', KEYS[2], 1, id)
  else
    local task = cjson.decode(raw)
    if (task.attempts or 0) >= (task.max_attempts or 1) then
      -- Delivered max_attempts times and never finished: its workers died or timed out.
      task.claim = nil
      task.dead_at = now
      if not task.last_error then task.last_error = 'not finished within the visibility timeout' end
      redis.call('SET', key, cjson.encode(task))
      redis.call('LREM', KEYS[2], 1, id)
      redis.call('RPUSH', KEYS[5], id)
      dead = dead + 1
    else
      task.attempts = (task.attempts or 0) + 1
      task.claim = ARGV[4]
      raw = cjson.encode(task)
      redis.call('SET', key, raw)
      redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), id)
      out[#out + 1] = raw
    end
  end
end
return {#expired, dead, out}`;

/** KEYS: processing, deadlines. ARGV: task prefix, claim token, ids… */
const ACK = `
local n = 0
for i = 3, #ARGV do
  local key = ARGV[1] .. ARGV[i]
  local raw = redis.call('GET', key)
  if raw and cjson.decode(raw).claim == ARGV[2] then
    redis.call('LREM', KEYS[1], 1, ARGV[i])
    redis.call('ZREM', KEYS[2], ARGV[i])
    redis.call('DEL', key)
    n = n + 1
  end
end
return n`;

/** KEYS: processing, deadlines, delayed, dead. ARGV: task prefix, claim, id, error, backoff ms, poison, release. */
const FAIL = `${NOW}
local key = ARGV[1] .. ARGV[3]
local raw = redis.call('GET', key)
if not raw then return 'gone' end
local task = cjson.decode(raw)
if task.claim ~= ARGV[2] then return 'stale' end
redis.call('LREM', KEYS[1], 1, ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[3])
task.claim = nil
if ARGV[7] == '1' then
  task.attempts = math.max(0, (task.attempts or 1) - 1)
  redis.call('SET', key, cjson.encode(task))
  redis.call('ZADD', KEYS[3], now + tonumber(ARGV[5]), ARGV[3])
  return 'released'
end
task.last_error = ARGV[4]
task.failed_at = now
if ARGV[6] == '1' or (task.attempts or 0) >= (task.max_attempts or 1) then
  task.dead_at = now
  redis.call('SET', key, cjson.encode(task))
  redis.call('RPUSH', KEYS[4], ARGV[3])
  return 'dead'
end
redis.call('SET', key, cjson.encode(task))
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[5]), ARGV[3])
return 'retry'`;

/** KEYS: dead, pending. ARGV: task prefix, count, id ('' for the oldest). */
const RETRY_DEAD = `
local ids
if ARGV[3] ~= '' then
  if redis.call('LREM', KEYS[1], 1, ARGV[3]) == 0 then return 0 end
  ids = {ARGV[3]}
else
  ids = redis.call('LPOP', KEYS[1], tonumber(ARGV[2]))
  if not ids then return 0 end
end
for _, id in ipairs(ids) do
  local key = ARGV[1] .. id
  local raw = redis.call('GET', key)
  if raw then
    local task = cjson.decode(raw)
    task.attempts = 0
    task.dead_at = nil
    redis.call('SET', key, cjson.encode(task))
    redis.call('RPUSH', KEYS[2], id)
  end
end
return #ids`;

/** Options of {@link createTaskQueue}. */
export interface TaskQueueOptions {
  redis: RedisConnection;
  /** Key prefix (default `incidents:queue:`). */
  prefix?: string;
  /** How long a claimed task stays invisible before it is delivered again, in ms (default 60 000). */
  visibilityTimeoutMs?: number;
  /** Deliveries before a failing task goes to the dead-letter list (default 5). */
  maxAttempts?: number;
  /** Backoff before the first retry, in ms; doubles on every further attempt (default 1000). */
  backoffMs?: number;
  /** Largest backoff, in ms (default 300 000). */
  maxBackoffMs?: number;
  /** How long an idempotency key is remembered, in seconds (default 86 400). */
  idempotencyTtlSeconds?: number;
  /** Deadline of a Redis call, in ms (default 5000). */
  timeoutMs?: number;
}

/** Options of {@link TaskQueue.enqueue}. */
export interface EnqueueOptions {
  /** A second enqueue with the same key (within `idempotencyTtlSeconds`) adds nothing and returns the first id. */
  idempotencyKey?: string;
  /** Overrides the queue's `maxAttempts` for this task. */
  maxAttempts?: number;
}

/** What {@link TaskQueue.enqueue} did. */
export interface EnqueueResult {
  id: string;
  /** `false` when the idempotency key was already used: nothing was added. */
  created: boolean;
}

/** Context given to a handler. */
export interface TaskContext {
  /** The task with its envelope (`attempts` counts this delivery). */
  task: QueuedTask;
}

/** One handler per task type; a handler that throws fails the attempt. */
export type TaskHandlers = {
  [T in TaskType]?: (payload: Extract<Task, { type: T }>['payload'], ctx: TaskContext) => Promise<void> | void;
};

/** Options of {@link drainQueue}. */
export interface DrainOptions {
  /** The queue to drain. */
  queue: TaskQueue;
  /** Handlers by task type. A known type without a handler here is put back for another worker. */
  handlers: TaskHandlers;
  /** Stop after this many tasks (default 100). */
  maxTasks?: number;
  /** Stop claiming after this many ms (default 25 000); a task under way is finished. */
  deadlineMs?: number;
  /** Tasks claimed per round trip (default 10). */
  batchSize?: number;
}

/** The outcome of {@link drainQueue}. */
export interface DrainReport {
  /** Tasks handed to a handler (or rejected as poison). */
  processed: number;
  succeeded: number;
  /** Failed attempts scheduled for a retry. */
  retried: number;
  /** Tasks moved to the dead-letter list. */
  dead: number;
  /** Tasks put back because this drain has no handler for their type. */
  skipped: number;
  /** Claims of other workers that had expired and were delivered again. */
  redelivered: number;
  /** Why the drain stopped. */
  stoppedBy: 'empty' | 'maxTasks' | 'deadline';
  durationMs: number;
}

/** Queue lengths. */
export interface QueueLengths {
  pending: number;
  processing: number;
  /** Waiting for a retry (backoff). */
  delayed: number;
  dead: number;
}

/** The reliable work queue. */
export interface TaskQueue {
  /** The key prefix. */
  readonly prefix: string;
  /**
   * Validates and adds a task. One atomic script: the task is either fully queued or not at all.
   * @throws ValidationError for a bad task; IncidentsError `unavailable` when Redis does not answer.
   */
  enqueue(task: TaskInput, options?: EnqueueOptions): Promise<EnqueueResult>;
  /** Claims up to `count` tasks (a lower-level API; {@link drainQueue} uses it). */
  claim(count: number): Promise<{ tasks: QueuedTask[]; claim: string; redelivered: number; dead: number }>;
  /** Acknowledges finished tasks of a claim. @returns how many were still held and removed. */
  ack(claim: string, ids: readonly string[]): Promise<number>;
  /** Fails an attempt: a retry after backoff, or the dead-letter list. */
  fail(
    claim: string,
    task: QueuedTask,
    error: string,
    options?: { poison?: boolean },
  ): Promise<'retry' | 'dead' | 'stale' | 'gone'>;
  /** Puts a claimed task back without counting the attempt (after `delayMs`). */
  release(claim: string, task: QueuedTask, delayMs?: number): Promise<void>;
  /** Lengths of the lists. */
  lengths(): Promise<QueueLengths>;
  /** Dead tasks, oldest first. */
  listDead(limit?: number): Promise<QueuedTask[]>;
  /** Pending tasks, next first. */
  listPending(limit?: number): Promise<QueuedTask[]>;
  /** Moves dead tasks back to pending with their attempts reset: one by id, or the oldest `count`. @returns how many. */
  retryDead(options?: { id?: string; count?: number }): Promise<number>;
}

function unavailable(err: unknown): IncidentsError {
  if (err instanceof IncidentsError) return err;
  return new IncidentsError(
    'unavailable',
    `Redis is unavailable: ${redactSecrets(err instanceof Error ? err.message : String(err))}`,
    {
      userError: false,
    },
  );
}

function parseTask(raw: unknown): QueuedTask | null {
  if (typeof raw !== 'string') {
    if (raw && typeof raw === 'object') return QueuedTaskSchema.safeParse(raw).data ?? null;
    return null;
  }
  try {
    return QueuedTaskSchema.safeParse(JSON.parse(raw)).data ?? null;
  } catch {
    return null;
  }
}

/**
 * Creates the reliable queue over a {@link RedisConnection}.
 *
 * @example
 * ```ts
 * const queue = createTaskQueue({ redis });
 * await queue.enqueue({ type: 'notify', payload: { to: 'ana@example.com', subject: 'Assigned' } }, { idempotencyKey: 'assign:INC-1:3' });
 * ```
 */
export function createTaskQueue(options: TaskQueueOptions): TaskQueue {
  const redis = options.redis;
  const prefix = options.prefix ?? 'incidents:queue:';
  const visibility = options.visibilityTimeoutMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 5;
  const backoff = options.backoffMs ?? 1_000;
  const maxBackoff = options.maxBackoffMs ?? 300_000;
  const idemTtl = options.idempotencyTtlSeconds ?? 86_400;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const k = {
    pending: `${prefix}pending`,
    processing: `${prefix}processing`,
    deadlines: `${prefix}deadlines`,
    delayed: `${prefix}delayed`,
    dead: `${prefix}dead`,
    task: `${prefix}task:`,
    idem: `${prefix}idem:`,
  };
  const run = async <T>(command: Parameters<RedisConnection['command']>[0]): Promise<T> => {
    try {
      return await withTimeout(redis.command<T>(command), timeoutMs);
    } catch (err) {
      throw unavailable(err);
    }
  };
  const listTasks = async (key: string, limit: number): Promise<QueuedTask[]> => {
    const ids = ((await run<unknown[]>(['LRANGE', key, 0, Math.max(0, limit - 1)])) ?? []).map(String);
    if (ids.length === 0) return [];
    const raws = (await run<unknown[]>(['MGET', ...ids.map((id) => `${k.task}${id}`)] as unknown as [string])) ?? [];
    return raws.map(parseTask).filter((t): t is QueuedTask => t !== null);
  };

  return {
    prefix,
    async enqueue(input, opts = {}) {
      const parsed = TaskSchema.safeParse(input);
      if (!parsed.success) {
        throw new ValidationError(
          parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          { context: 'task' },
        );
      }
      const id = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
      const body: QueuedTask = {
        id,
        type: parsed.data.type,
        payload: parsed.data.payload,
        attempts: 0,
        max_attempts: opts.maxAttempts ?? maxAttempts,
        enqueued_at: Date.now(),
        ...(opts.idempotencyKey ? { idempotency_key: opts.idempotencyKey } : {}),
      };
      const reply = await run<unknown[]>([
        'EVAL',
        ENQUEUE,
        1,
        k.pending,
        k.task,
        opts.idempotencyKey ? `${k.idem}${opts.idempotencyKey}` : '',
        id,
        JSON.stringify(body),
        idemTtl,
      ]);
      return { id: String(reply?.[1] ?? id), created: Number(reply?.[0]) === 1 };
    },
    async claim(count) {
      const claim = randomBytes(9).toString('base64url');
      const reply = await run<unknown[]>([
        'EVAL',
        CLAIM,
        5,
        k.pending,
        k.processing,
        k.deadlines,
        k.delayed,
        k.dead,
        k.task,
        Math.max(1, Math.floor(count)),
        visibility,
        claim,
      ]);
      const raws = Array.isArray(reply?.[2]) ? (reply[2] as unknown[]) : [];
      return {
        claim,
        redelivered: Number(reply?.[0] ?? 0),
        dead: Number(reply?.[1] ?? 0),
        tasks: raws.map(parseTask).filter((t): t is QueuedTask => t !== null),
      };
    },
    async ack(claim, ids) {
      if (ids.length === 0) return 0;
      return Number(await run(['EVAL', ACK, 2, k.processing, k.deadlines, k.task, claim, ...ids]));
    },
    async fail(claim, task, error, opts = {}) {
      const delay = Math.min(maxBackoff, backoff * 2 ** Math.max(0, task.attempts - 1));
      const reply = await run<string>([
        'EVAL',
        FAIL,
        4,
        k.processing,
        k.deadlines,
        k.delayed,
        k.dead,
        k.task,
        claim,
        task.id,
        redactSecrets(error).slice(0, 2_000),
        delay,
        opts.poison ? '1' : '0',
        '0',
      ]);
      return String(reply) as 'retry' | 'dead' | 'stale' | 'gone';
    },
    async release(claim, task, delayMs = 1_000) {
      await run([
        'EVAL',
        FAIL,
        4,
        k.processing,
        k.deadlines,
        k.delayed,
        k.dead,
        k.task,
        claim,
        task.id,
        '',
        delayMs,
        '0',
        '1',
      ]);
    },
    async lengths() {
      let replies: unknown[];
      try {
        replies = await withTimeout(
          redis.pipeline([
            ['LLEN', k.pending],
            ['LLEN', k.processing],
            ['ZCARD', k.delayed],
            ['LLEN', k.dead],
          ]),
          timeoutMs,
        );
      } catch (err) {
        throw unavailable(err);
      }
      const [pending, processing, delayed, dead] = replies.map((r) => (r instanceof Error ? 0 : Number(r ?? 0)));
      return { pending: pending ?? 0, processing: processing ?? 0, delayed: delayed ?? 0, dead: dead ?? 0 };
    },
    listDead(limit = 50) {
      return listTasks(k.dead, limit);
    },
    listPending(limit = 50) {
      return listTasks(k.pending, limit);
    },
    async retryDead(opts = {}) {
      return Number(await run(['EVAL', RETRY_DEAD, 2, k.dead, k.pending, k.task, opts.count ?? 100, opts.id ?? '']));
    },
  };
}

/**
 * Drains the queue: claims tasks in batches, runs the handler of each task's type, acknowledges the
 * successes, schedules retries with backoff, and dead-letters tasks that failed `max_attempts` times
 * and poison tasks (unknown type or invalid payload: they never block the rest). Stops when the
 * queue is empty, after `maxTasks`, or when `deadlineMs` has passed (cron, Lambda, `/api/batch`).
 *
 * Delivery is at-least-once: a worker that dies after a handler ran but before the batch was
 * acknowledged leaves the task to be delivered again after the visibility timeout — make handlers
 * idempotent (the task's `id` and `idempotency_key` help).
 *
 * @example
 * ```ts
 * const report = await drainQueue({
 *   queue,
 *   handlers: { notify: async (p) => mailer.send(p.to, p.subject, p.body) },
 *   maxTasks: 100,
 *   deadlineMs: 25_000,
 * });
 * ```
 */
export async function drainQueue(options: DrainOptions): Promise<DrainReport> {
  const { queue, handlers } = options;
  const maxTasks = options.maxTasks ?? 100;
  const deadlineMs = options.deadlineMs ?? 25_000;
  const batchSize = Math.max(1, options.batchSize ?? 10);
  const started = Date.now();
  const report: DrainReport = {
    processed: 0,
    succeeded: 0,
    retried: 0,
    dead: 0,
    skipped: 0,
    redelivered: 0,
    stoppedBy: 'empty',
    durationMs: 0,
  };
  const pastDeadline = () => Date.now() - started >= deadlineMs;
  outer: for (;;) {
    if (report.processed >= maxTasks) {
      report.stoppedBy = 'maxTasks';
      break;
    }
    if (pastDeadline()) {
      report.stoppedBy = 'deadline';
      break;
    }
    const batch = await queue.claim(Math.min(batchSize, maxTasks - report.processed));
    report.redelivered += batch.redelivered;
    report.dead += batch.dead;
    if (batch.tasks.length === 0) {
      report.stoppedBy = 'empty';
      break;
    }
    const done: string[] = [];
    try {
      for (let i = 0; i < batch.tasks.length; i++) {
        const task = batch.tasks[i] as QueuedTask;
        if (pastDeadline()) {
          for (const rest of batch.tasks.slice(i)) await queue.release(batch.claim, rest, 0);
          report.stoppedBy = 'deadline';
          break outer;
        }
        const parsed = TaskSchema.safeParse({ type: task.type, payload: task.payload });
        if (!parsed.success) {
          report.processed++;
          const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'task'}: ${i.message}`).join('; ');
          await queue.fail(batch.claim, task, `poison task: ${why}`, { poison: true });
          report.dead++;
          continue;
        }
        const handler = handlers[parsed.data.type] as
          | ((payload: unknown, ctx: TaskContext) => Promise<void> | void)
          | undefined;
        if (!handler) {
          await queue.release(batch.claim, task);
          report.skipped++;
          continue;
        }
        report.processed++;
        try {
          await handler(parsed.data.payload, { task });
          done.push(task.id);
          report.succeeded++;
        } catch (err) {
          const outcome = await queue.fail(batch.claim, task, err instanceof Error ? err.message : String(err));
          if (outcome === 'dead') report.dead++;
          else if (outcome === 'retry') report.retried++;
        }
      }
    } finally {
      await queue.ack(batch.claim, done);
    }
  }
  report.durationMs = Date.now() - started;
  return report;
}

/** Options of {@link createSimpleQueue}. */
export interface SimpleQueueOptions {
  redis: RedisConnection;
  /** The list (default `tasks:pending`). */
  key?: string;
}

/** A task popped from the simple queue. */
export type SimpleTask = Task & { timestamp: number };

/** The simple form: `RPUSH`/`LPOP` on one list (at-most-once). */
export interface SimpleQueue {
  /** `RPUSH <key> {"type","payload","timestamp"}`. @throws ValidationError, IncidentsError `unavailable`. */
  push(task: TaskInput): Promise<void>;
  /** `LPOP <key>`: the next task, `null` when empty; an entry that is not a valid task comes back as `{ invalid }`. */
  pop(): Promise<SimpleTask | { invalid: string } | null>;
  /** `LLEN <key>`. */
  length(): Promise<number>;
}

/**
 * The simple queue of the support desk: `RPUSH tasks:pending` / `LPOP tasks:pending`. A task popped by
 * a worker that then dies is lost; use {@link createTaskQueue} where that matters.
 */
export function createSimpleQueue(options: SimpleQueueOptions): SimpleQueue {
  const key = options.key ?? 'tasks:pending';
  const redis = options.redis;
  return {
    async push(input) {
      const parsed = TaskSchema.safeParse(input);
      if (!parsed.success) {
        throw new ValidationError(
          parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          { context: 'task' },
        );
      }
      try {
        await redis.command(['RPUSH', key, JSON.stringify({ ...parsed.data, timestamp: Date.now() })]);
      } catch (err) {
        throw unavailable(err);
      }
    },
    async pop() {
      let raw: unknown;
      try {
        raw = await redis.command(['LPOP', key]);
      } catch (err) {
        throw unavailable(err);
      }
      if (raw === null || raw === undefined) return null;
      const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
      try {
        const value = JSON.parse(text) as { timestamp?: unknown };
        const parsed = TaskSchema.safeParse(value);
        if (parsed.success) return { ...parsed.data, timestamp: Number(value.timestamp ?? 0) };
      } catch {}
      return { invalid: text };
    },
    async length() {
      try {
        return Number(await redis.command(['LLEN', key]));
      } catch (err) {
        throw unavailable(err);
      }
    },
  };
}

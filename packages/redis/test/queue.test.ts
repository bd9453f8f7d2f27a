import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IncidentsError, ValidationError } from '@incidents/core';
import { type OwnRedisServer, startRedisServer, uniquePrefix } from '@incidents/redis-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimpleQueue, createTaskQueue, createTcpConnection, drainQueue, type QueuedTask } from '../src/index.js';
import { CLIENT_KINDS, connectionsForFile, SHARED_REDIS_URL } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const filePrefix = uniquePrefix('redis-queue');
const conns = connectionsForFile(filePrefix);
let n = 0;

const notify = (i: number) => ({ type: 'notify' as const, payload: { to: `user${i}@example.com`, subject: `s${i}` } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(CLIENT_KINDS)('reliable queue (%s)', (kind) => {
  it('validates tasks, naming the field, and dedupes by idempotency key', async () => {
    const queue = createTaskQueue({ redis: conns[kind], prefix: `${filePrefix}${++n}:` });
    const bad = await queue.enqueue({ type: 'notify', payload: { to: '', subject: 'x' } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).details.issues[0]?.path).toBe('payload.to');
    await expect(queue.enqueue({ type: 'reboot' } as never)).rejects.toBeInstanceOf(ValidationError);

    const first = await queue.enqueue(notify(1), { idempotencyKey: 'assign:INC-1:3' });
    const again = await queue.enqueue(notify(1), { idempotencyKey: 'assign:INC-1:3' });
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    await queue.enqueue({ type: 'closeInactiveResolved' });
    expect(await queue.lengths()).toEqual({ pending: 2, processing: 0, delayed: 0, dead: 0 });
    const pending = await queue.listPending();
    expect(pending.map((t) => t.type)).toEqual(['notify', 'closeInactiveResolved']);
    expect(pending[1]?.payload).toEqual({ inactive_days: 7, limit: 200 });
  });

  it('retries a failing task with backoff and dead-letters it with the last error', async () => {
    const queue = createTaskQueue({
      redis: conns[kind],
      prefix: `${filePrefix}${++n}:`,
      maxAttempts: 3,
      backoffMs: 150,
    });
    const { id } = await queue.enqueue(notify(1));
    const seen: number[] = [];
    const handlers = {
      notify: async (_p: unknown, ctx: { task: QueuedTask }) => {
        seen.push(ctx.task.attempts);
        throw new Error(`SMTP refused (attempt ${ctx.task.attempts})`);
      },
    };
    const first = await drainQueue({ queue, handlers });
    expect(first).toMatchObject({ processed: 1, retried: 1, dead: 0, stoppedBy: 'empty' });
    // Within the backoff the task is not delivered again.
    expect(await drainQueue({ queue, handlers })).toMatchObject({ processed: 0, stoppedBy: 'empty' });
    expect(await queue.lengths()).toMatchObject({ pending: 0, delayed: 1 });
    for (let i = 0; i < 50 && seen.length < 3; i++) {
      await sleep(100);
      await drainQueue({ queue, handlers });
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(await queue.lengths()).toEqual({ pending: 0, processing: 0, delayed: 0, dead: 1 });
    const [dead] = await queue.listDead();
    expect(dead).toMatchObject({ id, attempts: 3, last_error: 'SMTP refused (attempt 3)' });
    expect(dead?.dead_at).toBeGreaterThan(0);

    expect(await queue.retryDead({ id })).toBe(1);
    const ok = await drainQueue({ queue, handlers: { notify: async () => {} } });
    expect(ok).toMatchObject({ succeeded: 1 });
    expect(await queue.lengths()).toEqual({ pending: 0, processing: 0, delayed: 0, dead: 0 });
  });

  it('dead-letters a poison task at once without blocking the others', async () => {
    const prefix = `${filePrefix}${++n}:`;
    const queue = createTaskQueue({ redis: conns[kind], prefix });
    await queue.enqueue(notify(1));
    // A producer with another version wrote tasks this worker cannot understand.
    for (const [pid, body] of [
      ['poison-1', { type: 'reboot', payload: {} }],
      ['poison-2', { type: 'notify', payload: { subject: 'no recipient' } }],
    ] as const) {
      await conns.tcp.command([
        'SET',
        `${prefix}task:${pid}`,
        JSON.stringify({ id: pid, ...body, attempts: 0, max_attempts: 5, enqueued_at: Date.now() }),
      ]);
      await conns.tcp.command(['RPUSH', `${prefix}pending`, pid]);
    }
    await queue.enqueue(notify(2));
    const sent: string[] = [];
    const report = await drainQueue({ queue, handlers: { notify: async (p) => void sent.push(p.to) }, batchSize: 2 });
    expect(report).toMatchObject({ processed: 4, succeeded: 2, dead: 2, stoppedBy: 'empty' });
    expect(sent).toEqual(['user1@example.com', 'user2@example.com']);
    const dead = await queue.listDead();
    expect(dead.map((t) => t.id)).toEqual(['poison-1', 'poison-2']);
    expect(dead[0]?.last_error).toMatch(/poison task: type/);
    expect(dead[1]?.last_error).toMatch(/poison task: payload\.to/);
  });

  it('stops at maxTasks and puts back tasks it has no handler for', async () => {
    const queue = createTaskQueue({ redis: conns[kind], prefix: `${filePrefix}${++n}:` });
    for (let i = 0; i < 5; i++) await queue.enqueue(notify(i));
    await queue.enqueue({ type: 'kbSync' });
    const report = await drainQueue({ queue, handlers: { notify: async () => {} }, maxTasks: 3, batchSize: 2 });
    expect(report).toMatchObject({ processed: 3, succeeded: 3, stoppedBy: 'maxTasks' });
    const rest = await drainQueue({ queue, handlers: { notify: async () => {} } });
    expect(rest).toMatchObject({ succeeded: 2, skipped: 1 });
    expect(await queue.lengths()).toMatchObject({ pending: 0, processing: 0, delayed: 1, dead: 0 });
  });
});

describe('a worker killed mid-task', () => {
  it('gets its task delivered again once the visibility timeout has passed', async () => {
    const prefix = `${filePrefix}${++n}:`;
    const queue = createTaskQueue({ redis: conns.tcp, prefix, visibilityTimeoutMs: 400 });
    const { id } = await queue.enqueue(notify(7));
    const child = spawn(process.execPath, [join(here, 'support/claim-and-hang.mjs'), SHARED_REDIS_URL, prefix, '400'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    expect(JSON.parse(line.toString())).toEqual([id]);
    child.kill('SIGKILL');
    await once(child, 'exit');

    expect(await queue.lengths()).toMatchObject({ pending: 0, processing: 1 });
    // Still invisible right after the crash.
    expect(await drainQueue({ queue, handlers: { notify: async () => {} } })).toMatchObject({ processed: 0 });
    await sleep(500);
    const attempts: number[] = [];
    const report = await drainQueue({
      queue,
      handlers: { notify: async (_p, ctx) => void attempts.push(ctx.task.attempts) },
    });
    expect(report).toMatchObject({ redelivered: 1, succeeded: 1 });
    expect(attempts).toEqual([2]);
    expect(await queue.lengths()).toEqual({ pending: 0, processing: 0, delayed: 0, dead: 0 });
  });
});

describe('Redis down', () => {
  let server: OwnRedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('enqueue fails with IncidentsError unavailable and writes nothing', async () => {
    const redis = createTcpConnection({ url: server.url });
    const queue = createTaskQueue({ redis, prefix: 'down:', timeoutMs: 1_000 });
    await queue.enqueue(notify(1));
    await server.stop();
    const err = await queue.enqueue(notify(2), { idempotencyKey: 'k2' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncidentsError);
    expect((err as IncidentsError).code).toBe('unavailable');
    await expect(queue.lengths()).rejects.toMatchObject({ code: 'unavailable' });
    await expect(createSimpleQueue({ redis }).push(notify(3))).rejects.toMatchObject({ code: 'unavailable' });
    await redis.close();
  });
});

describe.each(CLIENT_KINDS)('simple queue (%s)', (kind) => {
  it('RPUSHes JSON tasks to a list and LPOPs them in order', async () => {
    const key = `${filePrefix}${++n}:tasks:pending`;
    const queue = createSimpleQueue({ redis: conns[kind], key });
    await queue.push(notify(1));
    await queue.push({ type: 'connectorSync', payload: { connector: 'jira' } });
    await conns.tcp.command(['RPUSH', key, 'not json']);
    expect(await queue.length()).toBe(3);
    expect(await queue.pop()).toMatchObject(notify(1));
    expect(await queue.pop()).toMatchObject({ type: 'connectorSync', payload: { connector: 'jira', full: false } });
    expect(await queue.pop()).toEqual({ invalid: 'not json' });
    expect(await queue.pop()).toBeNull();
  });
});

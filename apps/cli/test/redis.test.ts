/**
 * `incidents redis stats` and `incidents queue list|drain|retry`, in-process, against a redis-server of
 * this test's own (the CLI uses the default queue keys, which must not touch the shared server).
 */
import { join } from 'node:path';
import { createTaskQueue, createTcpConnection } from '@incidents/redis';
import { type OwnRedisServer, startRedisServer } from '@incidents/redis-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliDeps, createCli } from '../src/index.js';
import { tempDir } from './helpers.js';

async function run(args: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const deps: CliDeps = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s) },
    env,
  };
  const code = await createCli(deps).run(args);
  return { code, stdout, stderr };
}

describe('incidents redis / queue', () => {
  let server: OwnRedisServer;
  let dir: string;
  let cleanup: () => Promise<void>;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startRedisServer();
    ({ dir, cleanup } = await tempDir());
    env = { INCIDENTS_DB_URL: `file:${join(dir, 'redis.db')}`, INCIDENTS_REDIS_URL: server.url };
  });
  afterAll(async () => {
    await server.stop();
    await cleanup();
  });

  it('says how to configure Redis when it is not (exit 2, no stack trace)', async () => {
    const r = await run(['redis', 'stats'], { INCIDENTS_DB_URL: `file:${join(dir, 'none.db')}` });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Redis is not configured: set UPSTASH_REDIS_REST_URL/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('lists, drains and retries queued tasks, and shows the stats', async () => {
    const redis = createTcpConnection({ url: server.url });
    const queue = createTaskQueue({ redis });
    await queue.enqueue({ type: 'closeInactiveResolved', payload: { inactive_days: 1 } });
    await queue.enqueue({ type: 'notify', payload: { to: 'ana@example.com', subject: 'hi' } });
    await redis.command([
      'SET',
      'incidents:queue:task:poison',
      JSON.stringify({
        id: 'poison',
        type: 'explode',
        payload: {},
        attempts: 0,
        max_attempts: 3,
        enqueued_at: Date.now(),
      }),
    ]);
    await redis.command(['RPUSH', 'incidents:queue:pending', 'poison']);

    const list = await run(['queue', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).lengths).toEqual({ pending: 3, processing: 0, delayed: 0, dead: 0 });

    const drain = await run(['queue', 'drain', '--json'], env);
    expect(drain.code).toBe(0);
    expect(JSON.parse(drain.stdout)).toMatchObject({ succeeded: 1, dead: 1, skipped: 1 });

    const dead = await run(['queue', 'list', '--dead'], env);
    expect(dead.stdout).toMatch(/0 pending, 0 processing, 1 delayed, 1 dead/);
    expect(dead.stdout).toMatch(/poison\s+explode/);

    const retry = await run(['queue', 'retry', 'poison', '--json'], env);
    expect(JSON.parse(retry.stdout)).toEqual({ retried: 1 });
    const missing = await run(['queue', 'retry', 'nope'], env);
    expect(missing.code).toBe(2);

    const stats = await run(['redis', 'stats', '--json'], env);
    expect(stats.code).toBe(0);
    const m = JSON.parse(stats.stdout);
    expect(m).toMatchObject({
      available: true,
      degraded: false,
      kind: 'tcp',
      queue: { pending: 1, delayed: 1, dead: 0 },
    });
    expect(m.memory.used_bytes).toBeGreaterThan(0);
    const text = await run(['redis', 'stats'], env);
    expect(text.stdout).toMatch(/Hit rate \(server\)/);
    expect(text.stdout).toMatch(/Queue\s+1 pending, 0 processing, 1 delayed, 0 dead/);
    await redis.close();
  });

  it('reports Redis down as degraded without leaking the password', async () => {
    const down = await startRedisServer();
    await down.stop();
    const url = `redis://default:cli-secret-pw@127.0.0.1:${down.port}`;
    const r = await run(['redis', 'stats', '--json'], { ...env, INCIDENTS_REDIS_URL: url });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ available: false, degraded: true });
    expect(r.stdout + r.stderr).not.toContain('cli-secret-pw');
    const q = await run(['queue', 'list'], { ...env, INCIDENTS_REDIS_URL: url });
    expect(q.code).toBe(1);
    expect(q.stderr).toMatch(/unavailable/);
    expect(q.stderr).not.toContain('cli-secret-pw');
  });
});

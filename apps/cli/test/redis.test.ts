/**
 * `incidents redis stats` and `incidents queue list|drain|retry`, in-process, against a redis-server of
 * this test's own (the CLI uses the default queue keys, which must not touch the shared server).
 */
import { join } from 'node:path';
import { createIncidentService } from '@incidents/core';
import { createTaskQueue, createTcpConnection } from '@incidents/redis';
import { createTursoStore } from '@incidents/store-turso';
import { type OwnRedisServer, startRedisServer } from '@incidents/redis-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJiraIssue, startJiraServer } from '@incidents/test-support/servers/jira-server';
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
    env = {
      INCIDENTS_DB_URL: `file:${join(dir, 'redis.db')}`,
      INCIDENTS_HOME: join(dir, 'home'),
      INCIDENTS_REDIS_URL: server.url,
    };
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
    expect(JSON.parse(drain.stdout)).toMatchObject({ succeeded: 2, dead: 1, skipped: 0 });
    expect(drain.stderr).toContain('notify ana@example.com: hi');

    const dead = await run(['queue', 'list', '--dead'], env);
    expect(dead.stdout).toMatch(/0 pending, 0 processing, 0 delayed, 1 dead/);
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
      queue: { pending: 1, delayed: 0, dead: 0 },
    });
    expect(m.memory.used_bytes).toBeGreaterThan(0);
    const text = await run(['redis', 'stats'], env);
    expect(text.stdout).toMatch(/Hit rate \(server\)/);
    expect(text.stdout).toMatch(/Queue\s+1 pending, 0 processing, 0 delayed, 0 dead/);
    await redis.close();
  });

  it('drains every task type with the real jobs: notify, kbSync, connectorSync (and a failing one is retried)', async () => {
    const credentials = { email: 'sync-bot@example.com', apiToken: 'jira-token-drain' };
    const jira = await startJiraServer(credentials);
    jira.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z'), makeJiraIssue(2, '2026-02-02T10:00:00.000Z'));
    const dbEnv = {
      ...env,
      INCIDENTS_DB_URL: `file:${join(dir, 'drain.db')}`,
      INCIDENTS_HOME: join(dir, 'drain-home'),
    };
    const jiraEnv = {
      ...dbEnv,
      INCIDENTS_JIRA_BASE_URL: jira.url,
      INCIDENTS_JIRA_EMAIL: credentials.email,
      INCIDENTS_JIRA_API_TOKEN: credentials.apiToken,
      INCIDENTS_JIRA_PROJECT: 'OPS',
    };
    // One closed incident for the knowledge base, one open incident for the notification.
    const store = await createTursoStore({ url: dbEnv.INCIDENTS_DB_URL });
    const admin = { actor: { id: 'admin@example.com', roles: ['admin' as const] } };
    const service = createIncidentService({ store });
    await service.putUser({ email: 'ana@example.com', name: 'Ana', role: 'operator' }, admin);
    const closed = await service.create({ title: 'Disk full on build agent', assigned_to: 'ana@example.com' }, admin);
    await service.startWork(closed.incident_id, admin);
    await service.resolve({ incident_id: closed.incident_id, solution: 'Pruned images', root_cause: 'Cache' }, admin);
    await service.close(closed.incident_id, admin);
    const open = await service.create({ title: 'VPN flaky' }, admin);
    await store.close();

    const redis = createTcpConnection({ url: server.url });
    const queue = createTaskQueue({ redis });
    await redis.command(['DEL', 'incidents:queue:pending', 'incidents:queue:dead', 'incidents:queue:delayed']);
    await queue.enqueue({
      type: 'notify',
      payload: { to: 'ana@example.com', subject: 'VPN incident opened', incident_id: open.incident_id },
    });
    await queue.enqueue({ type: 'kbSync', payload: {} });
    await queue.enqueue({ type: 'connectorSync', payload: { connector: 'jira' } });
    await queue.enqueue({ type: 'connectorSync', payload: { connector: 'nope' } }, { maxAttempts: 1 });

    const drain = await run(['queue', 'drain', '--json'], jiraEnv);
    expect(drain.code, drain.stderr).toBe(0);
    expect(JSON.parse(drain.stdout)).toMatchObject({ succeeded: 3, dead: 1, skipped: 0 });
    expect(drain.stderr).toContain(`notify ana@example.com: VPN incident opened (${open.incident_id})`);
    expect(drain.stderr).toContain('kbSync: completed, 1 exported, 0 failed');
    expect(drain.stderr).toContain('connectorSync jira: 2 created, 0 updated');
    expect(drain.stderr).not.toContain(credentials.apiToken);

    // The notification is recorded on the incident; the Jira issues are imported; the closed incident is exported.
    const after = await createTursoStore({ url: dbEnv.INCIDENTS_DB_URL });
    const details = await createIncidentService({ store: after }).get(open.incident_id, admin);
    expect(details.comments.map((c) => [c.visibility, c.text])).toContainEqual([
      'INTERNAL',
      'Notification to ana@example.com: VPN incident opened',
    ]);
    expect((await after.getIncident(closed.incident_id))?.kb_sync_status.synced).toBe(true);
    const imported = await after.queryIncidents({ by: 'status', status: ['NEW', 'ASSIGNED', 'IN_PROGRESS'] }, {});
    expect(
      imported.items
        .filter((i) => i.source_system === 'JIRA')
        .map((i) => i.external_id)
        .sort(),
    ).toEqual(['OPS-1', 'OPS-2']);
    await after.close();

    const dead = await run(['queue', 'list', '--dead', '--json'], jiraEnv);
    const deadTask = JSON.parse(dead.stdout).items.find((t: { type: string }) => t.type === 'connectorSync');
    expect(deadTask.last_error).toMatch(/Unknown connector nope; configured: jira/);
    await redis.close();
    await jira.close();
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

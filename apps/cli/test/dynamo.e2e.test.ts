import { freePort } from '@incidents/test-support/free-port';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltBinary, runBin, runJson, startBin, tempDir } from './helpers.js';

describe('--store dynamo against DynamoDB Local started by `incidents dynamo local` (built binary)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let local: Awaited<ReturnType<typeof startBin>> | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    requireBuiltBinary();
    ({ dir, cleanup } = await tempDir());
    const port = await freePort();
    local = await startBin(['dynamo', 'local', '--port', String(port), '--in-memory'], {
      cwd: dir,
      ready: /Press Ctrl-C to stop/,
      timeoutMs: 60_000,
    });
    env = {
      INCIDENTS_STORE: 'dynamo',
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`,
      AWS_REGION: 'us-east-1',
      INCIDENTS_DYNAMO_TABLE: 'cli-e2e',
    };
    expect(local.stdout()).toContain(`export AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:${port}`);
    // It cannot be bound to loopback only, and says so.
    expect(local.stdout()).toContain(`listens on port ${port} of every network interface`);
  }, 90_000);

  afterAll(async () => {
    await local?.stop('SIGKILL');
    await cleanup?.();
  });

  it('create-table, then create, claim (with a losing second claim) and list', async () => {
    const table = await runJson<{ table: string; created: boolean }>(['dynamo', 'create-table'], { cwd: dir, env });
    expect(table).toMatchObject({ table: 'cli-e2e', created: true });
    const again = await runJson<{ created: boolean }>(['dynamo', 'create-table'], { cwd: dir, env });
    expect(again.created).toBe(false);

    for (const who of ['ana', 'bob']) {
      await runJson(['users', 'add', `${who}@example.com`, '--role', 'operator'], { cwd: dir, env });
    }
    const inc = await runJson<{ incident_id: string; status: string }>(
      ['create', '--title', 'Dynamo checkout 502', '--severity', 'CRITICAL', '--team', 'payments'],
      { cwd: dir, env },
    );
    expect(inc.status).toBe('NEW');

    const claimed = await runJson<{ assigned_to: string; status: string }>(
      ['--as', 'ana@example.com', 'claim', inc.incident_id],
      {
        cwd: dir,
        env,
      },
    );
    expect(claimed).toMatchObject({ assigned_to: 'ana@example.com', status: 'ASSIGNED' });
    const lost = await runBin(['--as', 'bob@example.com', 'claim', inc.incident_id], { cwd: dir, env });
    expect(lost.code).toBe(1);
    expect(lost.stderr).toBe(`error: Incident ${inc.incident_id} is already assigned to ana@example.com\n`);

    const mine = await runJson<{ items: Array<{ incident_id: string }>; cursor: string | null }>(
      ['--as', 'ana@example.com', 'list', '--mine'],
      { cwd: dir, env },
    );
    expect(mine).toEqual({ items: [expect.objectContaining({ incident_id: inc.incident_id })], cursor: null });
    const human = await runBin(['list', '--status', 'ASSIGNED'], { cwd: dir, env });
    expect(human.stdout).toMatch(
      new RegExp(`${inc.incident_id}\\s+P1\\s+CRITICAL\\s+ASSIGNED\\s+ana@example\\.com\\s+payments`),
    );
  });

  it('db commands say they need the libSQL store (usage error)', async () => {
    const r = await runBin(['db', 'stats'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: db stats works on the libSQL store only/);
  });

  it('Ctrl-C stops DynamoDB Local and exits 0', async () => {
    const stopped = await local?.stop('SIGINT');
    local = undefined;
    expect(stopped?.code).toBe(0);
    expect(stopped?.stderr).toContain('DynamoDB Local stopped.');
  });
});

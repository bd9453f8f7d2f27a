import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, baseEnv, requireBuiltBinary, runBin, runJson, tempDir } from './helpers.js';

describe('errors: one line on stderr and the exit code (built binary)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let db: string[];

  beforeAll(async () => {
    requireBuiltBinary();
    ({ dir, cleanup } = await tempDir());
    db = ['--db', join(dir, 'errors.db')];
    await runJson([...db, 'users', 'add', 'ana@example.com', '--role', 'operator'], { cwd: dir });
    await runJson([...db, 'users', 'add', 'bob@example.com', '--role', 'operator'], { cwd: dir });
  });
  afterAll(async () => cleanup?.());

  const oneLine = (stderr: string) => {
    expect(stderr.endsWith('\n')).toBe(true);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  };

  it('a bad severity is a validation error naming the field (exit 1)', async () => {
    const r = await runBin([...db, 'create', '--title', 'x', '--severity', 'urgent'], { cwd: dir });
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/^error: Invalid incident: severity: .*CRITICAL/);
    // Nothing was written.
    const list = await runJson<{ items: unknown[] }>([...db, 'list', '--status', 'all'], { cwd: dir });
    expect(list.items).toEqual([]);
  });

  it('an assignee who is not a registered user is a validation error naming assignee (exit 1); nothing is written', async () => {
    const inc = await runJson<{ incident_id: string; revision: number }>([...db, 'create', '--title', 'Fan noise'], {
      cwd: dir,
    });
    const r = await runBin([...db, 'assign', inc.incident_id, 'nobody@example.com'], { cwd: dir });
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/^error: Invalid assignee: assignee: nobody@example\.com is not a registered user/);
    const after = await runJson<{ revision: number; status: string }>([...db, 'show', inc.incident_id], { cwd: dir });
    expect(after).toMatchObject({ revision: inc.revision, status: 'NEW' });
    const ok = await runJson<{ assigned_to: string }>([...db, 'assign', inc.incident_id, 'ANA@example.com'], {
      cwd: dir,
    });
    expect(ok.assigned_to).toBe('ana@example.com');
  });

  it('an unknown incident is not found (exit 1)', async () => {
    const r = await runBin([...db, 'show', 'INC-NOPE'], { cwd: dir });
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'error: Incident INC-NOPE not found\n' });
  });

  it('an unknown --as user is refused with how to register it (exit 1)', async () => {
    const r = await runBin([...db, '--as', 'zoe@example.com', 'list'], { cwd: dir });
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(r.stderr).toContain('Unknown user zoe@example.com');
    expect(r.stderr).toContain('incidents users add zoe@example.com');
  });

  it('INCIDENTS_ACTOR works like --as', async () => {
    const r = await runBin([...db, 'users', 'add', 'x@example.com'], {
      cwd: dir,
      env: { INCIDENTS_ACTOR: 'ana@example.com' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Permission denied for ana@example\.com: role operator lacks users\.insert\n$/);
  });

  it('of concurrent claims exactly one wins; the others are told who has it', async () => {
    const inc = await runJson<{ incident_id: string }>([...db, 'create', '--title', 'Race'], { cwd: dir });
    const results = await Promise.all(
      ['ana', 'bob'].map((who) =>
        runBin([...db, '--as', `${who}@example.com`, '--json', 'claim', inc.incident_id], { cwd: dir }),
      ),
    );
    const winners = results.filter((r) => r.code === 0);
    const losers = results.filter((r) => r.code !== 0);
    expect(winners).toHaveLength(1);
    const winner = (JSON.parse(winners[0]?.stdout ?? '{}') as { assigned_to: string }).assigned_to;
    expect(losers).toHaveLength(1);
    expect(losers[0]?.code).toBe(1);
    expect(losers[0]?.stderr).toBe(`error: Incident ${inc.incident_id} is already assigned to ${winner}\n`);
  });

  it('usage errors exit with 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['list', '--bogus'], /unknown option '--bogus'/],
      [['create'], /required option '-t, --title <text>' not specified/],
      [['list', '--limit', 'lots'], /expected a whole number/],
      [['list', '--team', 'a', '--category', 'b'], /--team and --category select different indexes/],
      [['list', '--severity', 'HIGH'], /--severity filters a --category listing/],
      [['--store', 'mongo', 'list'], /argument 'mongo' is invalid/],
      [['claim'], /missing required argument 'id'/],
    ];
    for (const [args, message] of cases) {
      const r = await runBin([...db, ...args], { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr.trim().split('\n').length, args.join(' ')).toBeLessThanOrEqual(2);
    }
  });

  it('--help and --version exit 0', async () => {
    const help = await runBin(['--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes');
    const version = await runBin(['--version'], { cwd: dir });
    expect(version).toMatchObject({ code: 0 });
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('INCIDENTS_DEBUG=1 adds the stack trace', async () => {
    const r = await runBin([...db, 'show', 'INC-NOPE'], { cwd: dir, env: { INCIDENTS_DEBUG: '1' } });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('error: Incident INC-NOPE not found');
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('a closed output pipe (built binary)', () => {
  it('`incidents --help | head -0`: the reader closed stdout first — exit 0, nothing on stderr, no stack trace', async () => {
    requireBuiltBinary();
    const child = spawn(process.execPath, [BIN, '--help'], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    // Close our end before the binary writes: its help text then meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((res) => child.once('close', (c) => res(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

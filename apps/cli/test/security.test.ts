/**
 * Who the CLI acts for, and what it refuses at its option layer: explicitly empty values are errors
 * naming the flag or variable (never a default — for `--as`, the local admin); unknown actors are
 * refused; emails match case-insensitively and roles come from the users table.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliDeps, createCli } from '../src/index.js';
import { tempDir } from './helpers.js';

async function run(args: string[], options: Partial<CliDeps> = {}) {
  let stdout = '';
  let stderr = '';
  const cli = createCli({
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    ...options,
  });
  const code = await cli.run(args);
  return { code, stdout, stderr };
}

describe('CLI identity and empty values', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let db: string[];
  let id: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    db = ['--db', join(dir, 'sec.db')];
    expect(
      (await run([...db, 'users', 'add', 'Carla.Ruiz@Cliente.example', '--role', 'customer'], { cwd: dir })).code,
    ).toBe(0);
    expect((await run([...db, 'users', 'add', 'ana@example.com', '--role', 'operator'], { cwd: dir })).code).toBe(0);
    const created = await run([...db, '--json', 'create', '--title', 'Staff only'], { cwd: dir });
    id = JSON.parse(created.stdout).incident_id;
  });
  afterAll(async () => cleanup?.());

  it.each([
    [['--as', '', 'list'], '--as'],
    [['--as=', 'list'], '--as'],
    [['create', '--title', 'x', '--severity', ''], '--severity'],
    [['create', '--title', 'x', '--due', ''], '--due'],
    [['create', '--title', 'x', '--id', ' '], '--id'],
    [['users', 'add', 'x@example.com', '--role', ''], '--role'],
    [['list', '--cursor', ''], '--cursor'],
    [['--db', '', 'list'], '--db'],
  ])('%j is a usage error naming %s, and writes nothing', async (args, flag) => {
    const before = await run([...db, '--json', 'list', '--all'], { cwd: dir });
    const r = await run([...(args.includes('--db') ? [] : db), ...args], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`'${flag}'`);
    expect(r.stderr).toContain('empty');
    const after = await run([...db, '--json', 'list', '--all'], { cwd: dir });
    expect(after.stdout).toBe(before.stdout);
  });

  it('INCIDENTS_ACTOR set but empty is an error naming it, not the local admin', async () => {
    const r = await run([...db, 'users', 'list'], { cwd: dir, env: { INCIDENTS_ACTOR: '' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('INCIDENTS_ACTOR');
    expect(r.stdout).toBe('');
  });

  it('an unknown actor is refused; a case variant of a customer acts as that customer', async () => {
    const unknown = await run([...db, '--as', 'mallory@example.com', 'list'], { cwd: dir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown user mallory@example\.com/);
    const carla = await run([...db, '--as', 'CARLA.RUIZ@cliente.EXAMPLE', '--json', 'show', id], { cwd: dir });
    expect(carla.code).toBe(1);
    expect(carla.stderr).toContain('not found');
    const mine = await run([...db, '--as', 'CARLA.RUIZ@cliente.EXAMPLE', '--json', 'create', '--title', 'Mine'], {
      cwd: dir,
    });
    expect(JSON.parse(mine.stdout).metadata.created_by).toBe('carla.ruiz@cliente.example');
  });

  it('a customer cannot bind an incident to a vendor record from the CLI', async () => {
    const r = await run(
      [
        ...db,
        '--as',
        'carla.ruiz@cliente.example',
        'create',
        '--title',
        'x',
        '--source',
        'JIRA',
        '--external-id',
        'OPS-123',
      ],
      { cwd: dir },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Permission denied');
  });

  it('--minutes takes whole minutes; --change needs file:description', async () => {
    const claimed = await run([...db, '--as', 'ana@example.com', 'claim', id], { cwd: dir });
    expect(claimed.code).toBe(0);
    const frac = await run([...db, '--as', 'ana@example.com', 'progress', id, '--notes', 'x', '--minutes', '1.5'], {
      cwd: dir,
    });
    expect(frac.code).toBe(2);
    expect(frac.stderr).toContain('--minutes');
    const change = await run(
      [...db, '--as', 'ana@example.com', 'resolve', id, '--solution', 's', '--root-cause', 'r', '--change', 'nocolon'],
      { cwd: dir },
    );
    expect(change.code).toBe(2);
    expect(change.stderr).toContain('--change');
  });

  it('impossible dates and reversed ranges are refused naming the field, nothing written', async () => {
    const before = await run([...db, '--json', 'list', '--all'], { cwd: dir });
    const due = await run([...db, 'create', '--title', 'x', '--due', '2026-02-30'], { cwd: dir });
    expect(due.code).toBe(1);
    expect(due.stderr).toContain('due_date');
    const range = await run([...db, 'metrics', '--from', '2026-05-01', '--to', '2026-01-01'], { cwd: dir });
    expect(range.code).toBe(1);
    expect(range.stderr).toContain('from must not be after to');
    expect((await run([...db, '--json', 'list', '--all'], { cwd: dir })).stdout).toBe(before.stdout);
  });

  it('db maintenance and seed need procedures.execute (admins, batch worker): operators and customers are refused', async () => {
    for (const args of [['db', 'stats'], ['db', 'check'], ['db', 'maintain'], ['db', 'backup', 'copy.db'], ['seed']]) {
      for (const who of ['ana@example.com', 'carla.ruiz@cliente.example']) {
        const r = await run([...db, '--as', who, ...args], { cwd: dir });
        expect(r.code, `${who} ${args.join(' ')}`).toBe(1);
        expect(r.stderr).toContain('Permission denied');
      }
    }
    const admin = await run([...db, 'db', 'check'], { cwd: dir });
    expect(admin.code).toBe(0);
  });
});

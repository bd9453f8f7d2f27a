import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSteppingClock } from '@incidents/core/testing';
import { type CliDeps, createCli } from '../src/index.js';
import { tempDir } from './helpers.js';

/** Runs the CLI in-process with captured output. */
async function run(args: string[], options: Partial<CliDeps> & { tty?: boolean } = {}) {
  let stdout = '';
  let stderr = '';
  const cli = createCli({
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    ...options,
  });
  const code = await cli.run(args);
  return { code, stdout, stderr };
}

describe('createCli (in-process)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let db: string[];
  const clock = createSteppingClock(Date.parse('2026-03-02T08:00:00.000Z'), 1000);

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    db = ['--db', join(dir, 'unit.db')];
  });
  afterAll(async () => cleanup?.());

  it('--json prints the incident object; a list prints { items, cursor }', async () => {
    const created = await run(
      [...db, '--json', 'create', '--title', 'Login fails', '--id', 'INC-U1', '--severity', 'HIGH'],
      {
        cwd: dir,
        clock,
      },
    );
    expect(created.code).toBe(0);
    expect(created.stderr).toBe('');
    const incident = JSON.parse(created.stdout);
    expect(incident).toMatchObject({ incident_id: 'INC-U1', status: 'NEW', created_at: '2026-03-02T08:00:01.000Z' });
    expect(incident).not.toHaveProperty('items');

    const list = await run([...db, 'list', '--json'], { cwd: dir, clock });
    const page = JSON.parse(list.stdout);
    expect(Object.keys(page).sort()).toEqual(['cursor', 'items']);
    expect(page.items.map((i: { incident_id: string }) => i.incident_id)).toEqual(['INC-U1']);
    expect(page.cursor).toBeNull();
  });

  it('global options work before and after the command', async () => {
    const after = await run(['list', ...db, '--json'], { cwd: dir });
    expect(JSON.parse(after.stdout).items).toHaveLength(1);
  });

  it('INCIDENTS_DB_URL selects the database when --db is absent', async () => {
    const r = await run(['show', 'INC-U1', '--json'], {
      cwd: dir,
      env: { INCIDENTS_DB_URL: `file:${join(dir, 'unit.db')}` },
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).incident_id).toBe('INC-U1');
  });

  it('colours only on a TTY, and never with NO_COLOR or --json', async () => {
    const esc = '\u001b[';
    expect((await run([...db, 'list'], { cwd: dir, tty: true })).stdout).toContain(esc);
    expect((await run([...db, 'list'], { cwd: dir, tty: false })).stdout).not.toContain(esc);
    expect((await run([...db, 'list'], { cwd: dir, tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(esc);
    expect((await run([...db, 'list', '--json'], { cwd: dir, tty: true })).stdout).not.toContain(esc);
  });

  it('maps errors to exit codes without throwing', async () => {
    expect(await run([...db, 'show', 'INC-404'], { cwd: dir })).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'error: Incident INC-404 not found\n',
    });
    const usage = await run([...db, 'list', '--limit', '0'], { cwd: dir });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--limit.*expected a number from 1 to 500/);
    const bad = await run([...db, 'create', '--title', 'x', '--priority', 'P9'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: Invalid incident: priority: /);
    const conflicting = await run([...db, 'list', '--assignee', 'a@example.com', '--priority', 'P1'], { cwd: dir });
    expect(conflicting).toMatchObject({ code: 2 });
    expect(conflicting.stderr).toBe(
      'error: --priority filters the status listing; it cannot be combined with --assignee/--mine\n',
    );
  });

  it('a remote database needs an actor', async () => {
    const r = await run(['--db', 'libsql://example.invalid', 'list'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: No actor: pass --as <email>/);
  });

  it('--diff-file without a --change uses the file the diff patches', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'a.diff'), '--- a/lib/x.ts\n+++ b/lib/x.ts\n@@ -1 +1 @@\n-a\n+b\n');
    await run([...db, 'create', '--title', 'Diff', '--id', 'INC-U2', '--assign', 'local-admin@localhost'], {
      cwd: dir,
    });
    const r = await run(
      [...db, '--json', 'resolve', 'INC-U2', '--solution', 'patched', '--root-cause', 'x', '--diff-file', 'a.diff'],
      {
        cwd: dir,
      },
    );
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).cline_work.solution.code_changes).toEqual([
      { file: 'lib/x.ts', description: '', diff: '--- a/lib/x.ts\n+++ b/lib/x.ts\n@@ -1 +1 @@\n-a\n+b\n' },
    ]);
    const missing = await run([...db, 'resolve', 'INC-U2', '--solution', 'x', '--diff-file', 'nope.diff'], {
      cwd: dir,
    });
    expect(missing).toMatchObject({ code: 2, stderr: 'error: --diff-file nope.diff: no such file\n' });
  });
});

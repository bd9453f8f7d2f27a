/**
 * Property-based adversarial suite over the BUILT `incidents` binary (fast-check, 20 generated command lines):
 * generated hostile arguments — control and bidi characters, empty values, path-like ids, impossible
 * dates, unknown and case-variant actors — must give exit code 0, 1 or 2, never a stack trace, and
 * never a control character on human output; a failed command leaves the database unchanged.
 */
import { join } from 'node:path';
import { hasControlCharacters } from '@incidents/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltBinary, runBin, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let env: Record<string, string>;
let id: string;

beforeAll(async () => {
  requireBuiltBinary();
  ({ dir, cleanup } = await tempDir());
  env = { INCIDENTS_DB_URL: `file:${join(dir, 'prop.db')}` };
  await runBin(['users', 'add', 'carla@example.com', '--role', 'customer'], { cwd: dir, env });
  await runBin(['users', 'add', 'ana@example.com', '--role', 'operator'], { cwd: dir, env });
  const created = await runBin(['--json', 'create', '--title', 'Base \u001b[31mred\u001b[0m \u202eevil'], {
    cwd: dir,
    env,
  });
  id = JSON.parse(created.stdout).incident_id;
});
afterAll(async () => cleanup?.());

const hostile = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '../../etc/passwd',
    '\u001b]0;pwned\u0007',
    '\u001b[2J',
    'a\u202eb',
    '2026-02-30',
    'javascript:alert(1)',
    'CARLA@EXAMPLE.COM',
    'mallory@evil.example',
    '1.5',
    'nocolon',
    '-x',
  ),
);

/** Command lines built from hostile values (`ID` is the existing incident). */
const commandLine = fc.oneof(
  hostile.map((v) => ['show', v]),
  hostile.map((v) => ['show', 'ID', '--as', v]),
  fc.tuple(hostile, hostile).map(([t, s]) => ['create', '--title', t, '--severity', s]),
  hostile.map((v) => ['create', '--title', 'x', '--due', v]),
  hostile.map((v) => ['comment', 'ID', v]),
  hostile.map((v) => ['list', '--status', v]),
  hostile.map((v) => ['list', '--cursor', v]),
  fc.tuple(hostile, hostile).map(([f, t]) => ['metrics', '--from', f, '--to', t]),
  hostile.map((v) => ['--as', v, 'users', 'list']),
  hostile.map((v) => ['assign', 'ID', v]),
  hostile.map((v) => ['timeline', v]),
  hostile.map((v) => ['users', 'add', v, '--role', 'customer']),
);

async function snapshot(): Promise<string> {
  const r = await runBin(['--json', 'list', '--all'], { cwd: dir, env });
  return r.stdout;
}

describe('the incidents binary under hostile arguments (fast-check)', () => {
  it('exit 0/1/2, no stack trace, no control characters on human output, nothing written on failure', async () => {
    await fc.assert(
      fc.asyncProperty(commandLine, async (args) => {
        const argv = args.map((a) => (a === 'ID' ? id : a));
        const before = await snapshot();
        const r = await runBin(argv, { cwd: dir, env });
        expect([0, 1, 2]).toContain(r.code);
        expect(r.stderr).not.toMatch(/\n\s+at /);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: removes colour escapes (none without a TTY)
        expect(hasControlCharacters(r.stdout.replace(/\u001b\[[0-9;]*m/g, ''))).toBe(false);
        expect(hasControlCharacters(r.stderr)).toBe(false);
        if (r.code !== 0) expect(await snapshot()).toBe(before);
      }),
      { numRuns: 20 },
    );
  }, 600_000);
});

/**
 * Terminal injection: escape sequences (window title, clear screen, colours) and bidi overrides in
 * titles, descriptions, comments, notes and user names are shown as visible escapes on every
 * human-readable output (and in error messages); `--json` keeps the exact text.
 */
import { join } from 'node:path';
import { hasControlCharacters } from '@incidents/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliDeps, createCli } from '../src/index.js';
import pc from 'picocolors';
import { COLOR_MARK, markedColors, neutralizeControls, restoreColors } from '../src/output/safe-text.js';
import { tempDir } from './helpers.js';

const HOSTILE = 'Printer \u001b]0;pwned\u0007\u001b[2J\u001b[31mred\u001b[0m \u202eevil\u2066 \u009b2J end';

async function run(args: string[], options: Partial<CliDeps> & { tty?: boolean } = {}) {
  let stdout = '';
  let stderr = '';
  const cli = createCli({
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (stderr += s) },
    env: options.tty ? { FORCE_COLOR: '1' } : {},
    ...options,
  });
  const code = await cli.run(args);
  return { code, stdout, stderr };
}

describe('neutralizeControls', () => {
  it('shows control and bidi characters as visible escapes, keeps newlines and tabs', () => {
    expect(neutralizeControls('a\u001b]0;t\u0007b\tc\nd\u202ee\u200f\r')).toBe(
      'a\\x1b]0;t\\x07b\tc\nd\\u202ee\\u200f\\x0d',
    );
  });

  it('shows colour escapes of the text as visible escapes too', () => {
    expect(neutralizeControls('\u001b[31mred\u001b[39m\u001b[2J')).toBe('\\x1b[31mred\\x1b[39m\\x1b[2J');
  });

  it("the CLI's own colours survive; colours inside the coloured text do not; marks cannot be forged by data", () => {
    const colors = markedColors(pc.createColors(true));
    const line = `${colors.bold(colors.red('\u001b[32mdata'))} \u001b[31mraw`;
    expect(restoreColors(neutralizeControls(line))).toBe(
      '\u001b[1m\u001b[31m\\x1b[32mdata\u001b[39m\u001b[22m \\x1b[31mraw',
    );
    expect(COLOR_MARK).toMatch(/^\ue000[0-9a-f]{16}\ue001$/);
  });
});

describe('hostile text through the CLI', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let db: string[];
  let id: string;
  let createdText: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    db = ['--db', join(dir, 'tty.db')];
    await run([...db, 'users', 'add', 'ana@example.com', '--role', 'operator', '--name', HOSTILE], { cwd: dir });
    const created = await run([...db, 'create', '--title', HOSTILE, '--description', HOSTILE], { cwd: dir });
    expect(created.code).toBe(0);
    createdText = created.stdout;
    id = /INC-[0-9A-Z]+/.exec(created.stdout)?.[0] as string;
    expect(id).toBeTruthy();
    await run([...db, 'assign', id, 'ana@example.com'], { cwd: dir });
    await run([...db, 'comment', id, HOSTILE], { cwd: dir });
    await run([...db, '--as', 'ana@example.com', 'progress', id, '--notes', HOSTILE], { cwd: dir });
  });
  afterAll(async () => cleanup?.());

  it('the create confirmation holds no control characters', () => {
    expect(hasControlCharacters(createdText)).toBe(false);
  });

  it.each([
    [['show', 'ID']],
    [['show', 'ID', '--full']],
    [['timeline', 'ID']],
    [['history', 'ID']],
    [['users', 'list']],
    [['list']],
  ])('%j prints visible escapes instead of control characters (plain and colour terminals)', async (args) => {
    for (const tty of [false, true]) {
      const r = await run([...db, ...args.map((a) => (a === 'ID' ? id : a))], { cwd: dir, tty });
      expect(r.code, r.stderr).toBe(0);
      // Only the CLI's own colour escapes may remain.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removes the CLI's own colour escapes
      const withoutColours = r.stdout.replace(/\u001b\[[0-9;]*m/g, '');
      expect(hasControlCharacters(withoutColours)).toBe(false);
      expect(r.stdout).not.toContain('\u001b]0;');
      expect(r.stdout).not.toContain('\u001b[2J');
      // Colour codes in the data are shown, not rendered, on colour terminals too.
      expect(r.stdout).not.toContain('\u001b[31mred');
    }
  });

  it("a colour terminal still gets the CLI's own colours", async () => {
    const r = await run([...db, 'show', id], { cwd: dir, tty: true });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looks for the CLI's own colour escapes
    expect(r.stdout).toMatch(/\u001b\[[0-9;]*m/);
    expect(r.stdout).not.toContain(COLOR_MARK);
    expect(r.stdout).toContain('\\x1b[31mred\\x1b[0m');
  });

  it('show prints the escapes visibly', async () => {
    const r = await run([...db, 'show', id], { cwd: dir });
    expect(r.stdout).toContain('\\x1b]0;pwned\\x07');
    expect(r.stdout).toContain('\\u202eevil');
  });

  it('error messages quoting input are neutralised', async () => {
    const r = await run([...db, '--as', 'x\u001b[2J@example.com', 'list'], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(hasControlCharacters(r.stderr)).toBe(false);
    const unknown = await run([...db, 'show', 'INC-\u001b]0;x\u0007'], { cwd: dir });
    expect(hasControlCharacters(unknown.stderr)).toBe(false);
  });

  it('--json keeps the exact text', async () => {
    const r = await run([...db, '--json', 'show', id], { cwd: dir });
    const incident = JSON.parse(r.stdout);
    expect(incident.title).toBe(HOSTILE);
    expect(incident.description).toBe(HOSTILE);
  });
});

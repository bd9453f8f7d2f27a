import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCli } from '../src/index.js';
import { requireBuiltBinary, runBin, runJson, tempDir } from './helpers.js';

interface Page {
  items: Array<{ incident_id: string; status: string; team?: string }>;
  cursor: string | null;
}

const FIXTURES: string[][] = [
  [
    '--id',
    'INC-A1',
    '--title',
    'Checkout returns 502',
    '--severity',
    'CRITICAL',
    '--team',
    'payments',
    '--category',
    'Application',
    '--due',
    '2030-01-01',
  ],
  [
    '--id',
    'INC-A2',
    '--title',
    'Invoice export is slow',
    '--severity',
    'MEDIUM',
    '--team',
    'billing',
    '--category',
    'Infrastructure',
    '--due',
    '2030-01-05',
  ],
  [
    '--id',
    'INC-A3',
    '--title',
    'Typo in the reset email — 「再設定」',
    '--severity',
    'LOW',
    '--team',
    'web',
    '--category',
    'Application',
    '--due',
    '2030-01-09',
  ],
  [
    '--id',
    'INC-A4',
    '--title',
    'VPN drops every hour',
    '--severity',
    'HIGH',
    '--team',
    'payments',
    '--category',
    'Network',
    '--due',
    '2030-01-02T12:30:00Z',
    '--source',
    'JIRA',
    '--external-id',
    'NET-7',
  ],
  [
    '--id',
    'INC-A5',
    '--title',
    'Disk almost full on db-2',
    '--severity',
    'HIGH',
    '--category',
    'Infrastructure',
    '--due',
    '2030-01-03',
    '--assign',
    'ana@example.com',
  ],
];

describe('list: access patterns, pagination and the table (built binary)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let db: string[];

  beforeAll(async () => {
    requireBuiltBinary();
    ({ dir, cleanup } = await tempDir());
    db = ['--db', `file:${join(dir, 'list.db')}`];
    await runJson([...db, 'users', 'add', 'ana@example.com', '--role', 'operator'], { cwd: dir });
    for (const args of FIXTURES) await runJson([...db, 'create', ...args], { cwd: dir });
  });
  afterAll(async () => cleanup?.());

  it('prints an aligned table with stable columns (open incidents by status, priority)', async () => {
    const r = await runBin([...db, 'list'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'ID      PRI  SEV       STATUS    ASSIGNEE         TEAM      DUE               TITLE',
        'INC-A1  P1   CRITICAL  NEW       -                payments  2030-01-01 00:00  Checkout returns 502',
        'INC-A4  P2   HIGH      NEW       -                payments  2030-01-02 12:30  VPN drops every hour',
        'INC-A2  P3   MEDIUM    NEW       -                billing   2030-01-05 00:00  Invoice export is slow',
        'INC-A3  P4   LOW       NEW       -                web       2030-01-09 00:00  Typo in the reset email — 「再設定」',
        'INC-A5  P2   HIGH      ASSIGNED  ana@example.com  -         2030-01-03 00:00  Disk almost full on db-2',
        '5 incidents (open, by status and priority).',
        '',
      ].join('\n'),
    );
  });

  it('--limit pages with a cursor and says how to get the next page; --all returns everything', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await runJson<Page>([...db, 'list', '--limit', '2', ...(cursor ? ['--cursor', cursor] : [])], {
        cwd: dir,
      });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.incident_id));
      cursor = page.cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['INC-A1', 'INC-A4', 'INC-A2', 'INC-A3', 'INC-A5']);
    expect(pages).toBe(3);

    const all = await runJson<Page>([...db, 'list', '--all'], { cwd: dir });
    expect(all).toEqual({ items: expect.any(Array), cursor: null });
    expect(all.items.map((i) => i.incident_id)).toEqual(seen);

    const human = await runBin([...db, 'list', '--limit', '2'], { cwd: dir });
    expect(human.stdout).toContain('2 incidents shown (open, by status and priority); there are more.');
    const next = /Next page: incidents (.*) --cursor (\S+)/.exec(human.stdout);
    expect(next?.[1]).toBe(`${db.join(' ')} list --limit 2`);
    const second = await runJson<Page>([...db, 'list', '--limit', '2', '--cursor', next?.[2] as string], { cwd: dir });
    expect(second.items.map((i) => i.incident_id)).toEqual(['INC-A2', 'INC-A3']);
  });

  it('filters map onto the access patterns (in-process, same database)', async () => {
    const ids = async (args: string[]) => {
      let out = '';
      let err = '';
      const cli = createCli({
        stdout: { write: (s: string) => (out += s) },
        stderr: { write: (s: string) => (err += s) },
        cwd: dir,
      });
      const code = await cli.run([...db, '--json', 'list', ...args]);
      expect(code, err).toBe(0);
      return (JSON.parse(out) as Page).items.map((i) => i.incident_id);
    };
    expect(await ids(['--status', 'ASSIGNED'])).toEqual(['INC-A5']);
    expect(await ids(['--status', 'new,assigned', '--priority', 'p2'])).toEqual(['INC-A4', 'INC-A5']);
    expect(await ids(['--assignee', 'ana@example.com'])).toEqual(['INC-A5']);
    expect(await ids(['--as', 'ana@example.com', '--mine'])).toEqual(['INC-A5']);
    expect(await ids(['--team', 'payments'])).toEqual(['INC-A1', 'INC-A4']);
    expect(await ids(['--category', 'Infrastructure'])).toEqual(['INC-A5', 'INC-A2']);
    expect(await ids(['--category', 'Application', '--severity', 'low'])).toEqual(['INC-A3']);
    expect(await ids(['--source', 'jira'])).toEqual(['INC-A4']);
    expect(await ids(['--source', 'JIRA', '--external-id', 'NET-7'])).toEqual(['INC-A4']);
    expect(await ids(['--due'])).toEqual(['INC-A1', 'INC-A4', 'INC-A2', 'INC-A3', 'INC-A5']);
    expect(await ids(['--due-before', '2030-01-03'])).toEqual(['INC-A1', 'INC-A4']);
    expect(await ids(['--status', 'CLOSED'])).toEqual([]);
    const empty = await runBin([...db, 'list', '--status', 'CLOSED'], { cwd: dir });
    expect(empty.stdout).toBe('No incidents (CLOSED, by status and priority).\n');
  });
});

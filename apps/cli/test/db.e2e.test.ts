import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltBinary, runBin, runJson, tempDir } from './helpers.js';

describe('init, seed, db backup|check|maintain|stats and demo (built binary)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let db: string[];

  beforeAll(async () => {
    requireBuiltBinary();
    ({ dir, cleanup } = await tempDir());
    db = ['--db', join(dir, 'ops.db')];
  });
  afterAll(async () => cleanup?.());

  it('seed loads the demo desk once; a second seed is a conflict', async () => {
    const seeded = await runJson<{ users: number; incidents: number; interactions: number }>([...db, 'seed'], {
      cwd: dir,
    });
    expect(seeded).toMatchObject({ users: 5, incidents: 20, interactions: 100 });
    // Every demo user becomes a web desk account (passwords documented, never in the JSON output).
    expect((seeded as unknown as { accounts: Array<{ role: string }> }).accounts.map((a) => a.role).sort()).toEqual([
      'admin',
      'customer',
      'customer',
      'operator',
      'operator',
    ]);
    expect(JSON.stringify(seeded)).not.toContain('demo-');
    const again = await runBin([...db, 'seed'], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: .*already/);
    const all = await runJson<{ items: unknown[]; cursor: null }>([...db, 'list', '--status', 'all', '--all'], {
      cwd: dir,
    });
    expect(all.items).toHaveLength(20);
  });

  it('db backup writes a copy that opens with the same incidents; refuses to overwrite', async () => {
    const r = await runJson<{ path: string; bytes: number }>([...db, 'db', 'backup', 'backup.db'], { cwd: dir });
    expect(r.path).toBe(join(dir, 'backup.db'));
    expect(r.bytes).toBe(statSync(r.path).size);
    expect(r.bytes).toBeGreaterThan(0);
    const copy = await runJson<{ items: unknown[] }>(['--db', r.path, 'list', '--status', 'all', '--all'], {
      cwd: dir,
    });
    expect(copy.items).toHaveLength(20);
    const human = await runBin([...db, 'db', 'backup', 'backup.db'], { cwd: dir });
    expect(human.code).toBe(1);
    expect(human.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('db check, db maintain --vacuum and db stats', async () => {
    const check = await runBin([...db, 'db', 'check'], { cwd: dir });
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^✔ Integrity check passed/);

    const maintained = await runJson<{ analyzed: boolean; reindexed: boolean; vacuumed: boolean }>(
      [...db, 'db', 'maintain', '--vacuum'],
      { cwd: dir },
    );
    expect(maintained).toMatchObject({ analyzed: true, reindexed: true, vacuumed: true });

    const stats = await runJson<{
      tables: Array<{ name: string; rows: number }>;
      indexUsage: Array<{ usesIndex: boolean }>;
    }>([...db, 'db', 'stats'], { cwd: dir });
    expect(stats.tables.find((t) => t.name === 'users')?.rows).toBe(5);
    expect(stats.indexUsage.length).toBeGreaterThan(0);
    const human = await runBin([...db, 'db', 'stats'], { cwd: dir });
    expect(human.stdout).toMatch(/^TABLE\s+ROWS$/m);
    expect(human.stdout).toMatch(/^QUERY\s+INDEX\s+TEMP SORT$/m);
  });

  it('demo runs the lifecycle on a fresh .incidents/demo.db, twice in a row', async () => {
    for (let run = 0; run < 2; run++) {
      // The second run is started the way the root's `npm run demo` starts it.
      const r = await runBin(['demo'], {
        cwd: dir,
        ...(run === 1 ? { env: { INCIDENTS_PROGRAM: 'pnpm incidents' } } : {}),
      });
      // The hints name the command that works where the demo was run.
      expect(r.stdout).toContain(`Explore it: ${run === 1 ? 'pnpm incidents' : 'incidents'} --db file:`);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('3. Claim — two operators race for the critical one');
      expect(r.stdout).toMatch(
        /bob@demo\.example claimed at the same time .* and lost:\n\s+ConflictError: Incident INC-\w+ is already assigned to ana@demo\.example/,
      );
      expect(r.stdout).toMatch(
        /Demo complete: 3 incidents created, (INC-\w+) closed after 7 versions and \d+ timeline entries; 1 concurrent claim rejected \(assigned to ana@demo\.example\)\. Knowledge base: 3 documents; top match for the new report: \1\./,
      );
      // The knowledge-base step: the closed incidents are synced and ingested, and the similar ones found.
      expect(r.stdout).toContain('11. Knowledge base — closed incidents answer "has this happened before?"');
      expect(r.stdout).toMatch(/✔ 3 closed incidents exported as documents to .*\/\.incidents\/demo\/kb\/documents\n/);
      expect(r.stdout).toMatch(/ingested into the local index .*: 3 new, 0 modified, 0 deleted, 0 failed of 3 scanned/);
      expect(r.stdout).toMatch(
        /Similar past incidents\n\s+SCORE\s+INCIDENT\s+TITLE\s+RESOLUTION\s+RESOLVED\s+SNIPPET\n\s+\S+\s+INC-\w+\s+Checkout returns 502 for card payments\s+FIXED\s/,
      );
    }
    expect(existsSync(join(dir, '.incidents', 'demo.db'))).toBe(true);
    expect(existsSync(join(dir, '.incidents', 'demo', 'kb', 'index.db'))).toBe(true);
    const json = await runJson<{
      closed: string;
      versions: number;
      claim_conflict: { assigned_to: string };
      metrics: { closed_incidents: number };
      knowledge_base: { synced: number; ingestion: { status: string }; similar: Array<{ incident_id: string }> };
    }>(['demo'], { cwd: dir });
    expect(json).toMatchObject({
      versions: 7,
      claim_conflict: { assigned_to: 'ana@demo.example' },
      metrics: { closed_incidents: 1 },
      knowledge_base: { synced: 3, ingestion: { status: 'COMPLETE' } },
    });
    expect(json.knowledge_base.similar[0]?.incident_id).toBe(json.closed);
  });

  it('demo refuses an explicit --db that already has incidents', async () => {
    const r = await runBin([...db, 'demo'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: the demo needs a fresh database/);
  });
});

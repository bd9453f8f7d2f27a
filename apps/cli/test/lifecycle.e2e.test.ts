import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltBinary, runBin, runJson, tempDir } from './helpers.js';

interface IncidentJson {
  incident_id: string;
  status: string;
  revision: number;
  assigned_to?: string;
  severity: string;
  priority: string;
  cline_work?: {
    analysis?: { root_cause?: string; diagnosis?: string; similar_incidents_found?: number };
    solution?: {
      description: string;
      steps: string[];
      commands_executed?: string[];
      tests_performed?: string[];
      code_changes?: Array<{ file: string; description: string; diff?: string }>;
    };
    time_tracking: { total_minutes: number };
    progress_notes: Array<{ text: string }>;
  };
  resolution?: { resolution_type: string; root_cause: string };
  kb_sync_status: { state: string };
  metadata: { last_modified_by: string; version_notes?: string };
  comments?: Array<{ text: string; visibility: string; author: string }>;
  source_records?: unknown[];
}

const DIFF = `--- a/src/pool.ts
+++ b/src/pool.ts
@@ -1 +1 @@
-export const MAX = 10;
+export const MAX = 50;
`;

describe('incidents lifecycle (built binary, file database in the working directory)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let id: string;
  const as = (who: string) => ['--as', `${who}@example.com`];

  beforeAll(async () => {
    requireBuiltBinary();
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(async () => cleanup?.());

  it('init creates the default database under .incidents/ and says where', async () => {
    const r = await runBin(['init'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(join(dir, '.incidents', 'incidents.db'));
  });

  it('users add registers operators (as the local admin)', async () => {
    for (const who of ['ana', 'bob']) {
      const user = await runJson<{ email: string; role: string }>(
        ['users', 'add', `${who}@example.com`, '--role', 'operator', '--team', 'payments'],
        { cwd: dir },
      );
      expect(user).toMatchObject({ email: `${who}@example.com`, role: 'operator' });
    }
    const list = await runJson<{ items: Array<{ email: string }>; cursor: string | null }>(['users', 'list'], {
      cwd: dir,
    });
    expect(list.items.map((u) => u.email)).toEqual(['ana@example.com', 'bob@example.com']);
    expect(list.cursor).toBeNull();
    const human = await runBin(['users', 'list'], { cwd: dir });
    expect(human.stdout.split('\n')[0]).toMatch(/^EMAIL\s+NAME\s+ROLE\s+TEAM\s+ACTIVE$/);
    expect(human.stdout).toMatch(/ana@example\.com\s+ana\s+operator\s+payments\s+yes/);
  });

  it('create returns the incident object with incident_id', async () => {
    const inc = await runJson<IncidentJson>(
      [
        'create',
        '--title',
        'Checkout returns 502',
        '--severity',
        'high',
        '--team',
        'payments',
        '--tags',
        'checkout,502',
      ],
      { cwd: dir },
    );
    expect(inc.incident_id).toMatch(/^INC-/);
    expect(inc).toMatchObject({ status: 'NEW', severity: 'HIGH', priority: 'P2', revision: 1 });
    id = inc.incident_id;
  });

  it('claim: the first operator wins, the second gets a conflict naming the assignee', async () => {
    const claimed = await runJson<IncidentJson>([...as('ana'), 'claim', id], { cwd: dir });
    expect(claimed).toMatchObject({ status: 'ASSIGNED', assigned_to: 'ana@example.com', revision: 2 });
    const lost = await runBin([...as('bob'), 'claim', id], { cwd: dir });
    expect(lost.code).toBe(1);
    expect(lost.stderr).toBe(`error: Incident ${id} is already assigned to ana@example.com\n`);
    expect(lost.stdout).toBe('');
  });

  it('an operator cannot change an incident assigned to someone else', async () => {
    const r = await runBin([...as('bob'), 'start', id], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: Permission denied for bob@example\.com: .*assigned to ana@example\.com/);
  });

  it('start, progress with analysis, resolve with a code change diff, close', async () => {
    expect((await runJson<IncidentJson>([...as('ana'), 'start', id], { cwd: dir })).status).toBe('IN_PROGRESS');

    const progressed = await runJson<IncidentJson>(
      [
        ...as('ana'),
        'progress',
        id,
        '--notes',
        'Reproduced with 50 concurrent checkouts',
        '--root-cause',
        'Pool too small',
        '--diagnosis',
        'Saturates in 3 s',
        '--similar',
        '2',
        '--minutes',
        '30',
      ],
      { cwd: dir },
    );
    expect(progressed.cline_work?.analysis).toEqual({
      root_cause: 'Pool too small',
      diagnosis: 'Saturates in 3 s',
      similar_incidents_found: 2,
    });
    expect(progressed.cline_work?.time_tracking.total_minutes).toBe(30);
    expect(progressed.cline_work?.progress_notes.map((n) => n.text)).toEqual([
      'Reproduced with 50 concurrent checkouts',
    ]);

    await writeFile(join(dir, 'fix.diff'), DIFF);
    const resolved = await runJson<IncidentJson>(
      [
        ...as('ana'),
        'resolve',
        id,
        '--solution',
        'Raised the pool to 50',
        '--step',
        'Found the limit',
        '--step',
        'Raised it',
        '--command',
        'kubectl rollout restart deploy/checkout',
        '--test',
        'load test ok',
        '--change',
        'src/pool.ts:raise MAX',
        '--diff-file',
        'fix.diff',
        '--type',
        'workaround',
      ],
      { cwd: dir },
    );
    expect(resolved.status).toBe('RESOLVED');
    expect(resolved.resolution).toMatchObject({ resolution_type: 'WORKAROUND', root_cause: 'Pool too small' });
    expect(resolved.cline_work?.solution).toEqual({
      description: 'Raised the pool to 50',
      steps: ['Found the limit', 'Raised it'],
      commands_executed: ['kubectl rollout restart deploy/checkout'],
      tests_performed: ['load test ok'],
      code_changes: [{ file: 'src/pool.ts', description: 'raise MAX', diff: DIFF }],
    });

    const closed = await runJson<IncidentJson>([...as('ana'), 'close', id, '--reason', 'verified'], { cwd: dir });
    expect(closed.status).toBe('CLOSED');
    expect(closed.kb_sync_status.state).toBe('PENDING');
  });

  it('an invalid transition names the allowed statuses', async () => {
    const r = await runBin([...as('ana'), 'start', id], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: Cannot start incident ${id}: it is CLOSED; start is allowed from ASSIGNED, PENDING\n`,
    );
  });

  it('comment, then show with comments (human and JSON)', async () => {
    const comment = await runJson<{ visibility: string; text: string; author: string }>(
      [...as('ana'), 'comment', id, 'Postmortem', 'on', 'Thursday', '--internal'],
      { cwd: dir },
    );
    expect(comment).toMatchObject({
      visibility: 'INTERNAL',
      text: 'Postmortem on Thursday',
      author: 'ana@example.com',
    });
    const piped = await runBin(['comment', id], { cwd: dir, input: 'From stdin\n' });
    expect(piped.code).toBe(0);

    const details = await runJson<IncidentJson>(['show', id], { cwd: dir });
    expect(details.incident_id).toBe(id);
    expect(details.comments?.map((c) => [c.text, c.visibility])).toEqual([
      ['Reproduced with 50 concurrent checkouts', 'INTERNAL'],
      ['Postmortem on Thursday', 'INTERNAL'],
      ['From stdin', 'PUBLIC'],
    ]);
    expect(details.source_records).toEqual([]);

    const human = await runBin(['show', id, '--full'], { cwd: dir });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('Checkout returns 502');
    expect(human.stdout).toMatch(/Status\s+CLOSED/);
    expect(human.stdout).toContain('Root cause     Pool too small');
    expect(human.stdout).toContain('$ kubectl rollout restart deploy/checkout');
    expect(human.stdout).toContain('+export const MAX = 50;');
    expect(human.stdout).toContain('Comments (3)');
  });

  it('history lists every version with who and notes; timeline lists interactions', async () => {
    const history = await runJson<{ items: Array<IncidentJson & { version: number }>; cursor: null }>(['history', id], {
      cwd: dir,
    });
    expect(history.cursor).toBeNull();
    expect(history.items.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(history.items.map((v) => v.status)).toEqual([
      'NEW',
      'ASSIGNED',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'RESOLVED',
      'CLOSED',
      'CLOSED',
      'CLOSED',
    ]);
    expect(history.items[1]?.metadata.last_modified_by).toBe('ana@example.com');

    const human = await runBin(['history', id], { cwd: dir });
    const lines = human.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^VERSION\s+WHEN\s+WHO\s+STATUS\s+ASSIGNEE\s+NOTES$/);
    expect(lines[2]).toMatch(
      /^\s+2\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+ana@example\.com\s+ASSIGNED\s+ana@example\.com\s+claimed by ana@example\.com$/,
    );
    expect(lines.at(-1)).toBe(`8 versions (history of ${id}).`);

    const timeline = await runJson<{ items: Array<{ type: string }> }>(['timeline', id], { cwd: dir });
    expect(timeline.items[0]?.type).toBe('comment');
    expect(timeline.items.map((i) => i.type)).toContain('closure');
  });

  it('metrics count the closed incident', async () => {
    const m = await runJson<{ total_incidents: number; closed_incidents: number; by_severity: { high: number } }>(
      ['metrics', '--team', 'payments'],
      { cwd: dir },
    );
    expect(m).toMatchObject({ total_incidents: 1, closed_incidents: 1, by_severity: { high: 1 } });
    const human = await runBin(['metrics'], { cwd: dir });
    expect(human.stdout).toContain('Metrics for all incidents');
    expect(human.stdout).toMatch(/Resolved\s+1 \(1 closed\)/);
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunResult, requireBuiltBinary, runBin, runCli, runCliJson, tempDir } from './helpers.js';

interface SyncJson {
  status: string;
  found: number;
  synced: number;
  withdrawn: number;
  failed: number;
  ingestion: {
    started: boolean;
    status?: string;
    jobId?: string;
    statistics?: { numberOfNewDocumentsIndexed: number; numberOfDocumentsDeleted: number };
  };
}
interface SearchJson {
  items: Array<{ incident_id: string; title: string | null; score: number; metadata: Record<string, unknown> }>;
}
interface StatusJson {
  pending: number;
  by_state: Record<string, number>;
  documents_exported: number;
  documents_indexed: number | null;
  ingestion_jobs: Array<{ status: string; statistics: { numberOfNewDocumentsIndexed: number } }> | null;
}

/** Creates an incident assigned to the local admin and takes it to CLOSED (in-process: fast). */
async function closeIncident(
  cwd: string,
  db: string[],
  incident: { id: string; title: string; severity: string; category: string; team: string; solution: string },
): Promise<void> {
  const { id } = incident;
  await runCliJson(
    [
      ...db,
      'create',
      '--id',
      id,
      '--title',
      incident.title,
      '--severity',
      incident.severity,
      '--category',
      incident.category,
      '--team',
      incident.team,
      '--assign',
      'local-admin@localhost',
    ],
    { cwd },
  );
  await runCliJson([...db, 'start', id], { cwd });
  await runCliJson([...db, 'resolve', id, '--solution', incident.solution, '--root-cause', incident.solution], { cwd });
  await runCliJson([...db, 'close', id], { cwd });
}

const INCIDENTS = [
  {
    id: 'INC-PAY',
    title: 'Checkout returns 502 after deploy',
    severity: 'critical',
    category: 'Application',
    team: 'payments',
    solution: 'Raised the payments gateway connection pool from 10 to 50',
  },
  {
    id: 'INC-VPN',
    title: 'VPN drops every hour',
    severity: 'low',
    category: 'Network',
    team: 'it',
    solution: 'Renewed the expired VPN gateway certificate',
  },
  {
    id: 'INC-DB',
    title: 'Nightly export takes three hours',
    severity: 'medium',
    category: 'Infrastructure',
    team: 'billing',
    solution: 'Added an index on invoices created_at',
  },
];

describe('kb sync|status|search and link (built binary and in-process; local knowledge base under .incidents/)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const db: string[] = [];

  beforeAll(async () => {
    requireBuiltBinary();
    ({ dir, cleanup } = await tempDir());
    for (const incident of INCIDENTS) await closeIncident(dir, db, incident);
  });
  afterAll(async () => cleanup?.());

  it('kb status counts the closed incidents as pending before the first sync', async () => {
    const status = await runCliJson<StatusJson>(['kb', 'status'], { cwd: dir });
    expect(status).toMatchObject({
      pending: 3,
      by_state: { PENDING: 3, WITHDRAW_PENDING: 0, FAILED: 0 },
      documents_exported: 0,
      documents_indexed: 0,
      ingestion_jobs: [],
    });
  });

  it('kb sync --ingest exports and indexes them in .incidents/kb', async () => {
    const r = await runBin(['kb', 'sync', '--ingest'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/Knowledge-base sync completed/);
    expect(r.stdout).toMatch(/Synced\s+3\n/);
    expect(r.stdout).toMatch(
      /Ingestion\s+COMPLETE \(job [\w-]+\) · 3 new, 0 modified, 0 deleted, 0 failed of 3 scanned/,
    );
    expect(existsSync(join(dir, '.incidents', 'kb', 'documents', 'incidents', 'closed', 'INC-PAY.json'))).toBe(true);
    expect(existsSync(join(dir, '.incidents', 'kb', 'index.db'))).toBe(true);
  });

  it('kb search finds the right incident; the filters narrow the results', async () => {
    const hits = await runCliJson<SearchJson>(['kb', 'search', 'checkout fails with 502 errors'], { cwd: dir });
    expect(hits.items[0]).toMatchObject({
      incident_id: 'INC-PAY',
      title: 'Checkout returns 502 after deploy',
      metadata: { severity: 'CRITICAL', team: 'payments', resolution_type: 'FIXED' },
    });

    // "gateway" is in two documents; the filters choose between them.
    const both = await runCliJson<SearchJson>(['kb', 'search', 'gateway'], { cwd: dir });
    expect(both.items.map((i) => i.incident_id).sort()).toEqual(['INC-PAY', 'INC-VPN']);
    const low = await runCliJson<SearchJson>(['kb', 'search', 'gateway', '--severity', 'low,medium'], { cwd: dir });
    expect(low.items.map((i) => i.incident_id)).toEqual(['INC-VPN']);
    const team = await runCliJson<SearchJson>(
      ['kb', 'search', 'gateway', '--team', 'payments', '--category', 'Application'],
      {
        cwd: dir,
      },
    );
    expect(team.items.map((i) => i.incident_id)).toEqual(['INC-PAY']);
    const none = await runCliJson<SearchJson>(['kb', 'search', 'gateway', '--source', 'jira'], { cwd: dir });
    expect(none.items).toEqual([]);

    const human = await runCli(['kb', 'search', 'vpn drops'], { cwd: dir });
    expect(human.code).toBe(0);
    const lines = human.stdout.split('\n');
    expect(lines[0]).toMatch(/^SCORE\s+INCIDENT\s+TITLE\s+RESOLUTION\s+RESOLVED\s+SNIPPET$/);
    expect(lines[1]).toMatch(/^\s*\S+\s+INC-VPN\s+VPN drops every hour\s+FIXED\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+\S/);
    expect(human.stdout).toContain('1 similar incident, best first.');
  });

  it('kb status reports the documents, the index and the last ingestion job', async () => {
    const status = await runCliJson<StatusJson>(['kb', 'status'], { cwd: dir });
    expect(status).toMatchObject({ pending: 0, documents_exported: 3, documents_indexed: 3 });
    expect(status.ingestion_jobs?.[0]).toMatchObject({
      status: 'COMPLETE',
      statistics: { numberOfNewDocumentsIndexed: 3 },
    });
  });

  it('a reopened incident is withdrawn by the next kb sync --ingest and no longer found', async () => {
    await runCliJson(['reopen', 'INC-PAY', '--reason', '502s are back'], { cwd: dir });
    const pending = await runCliJson<StatusJson>(['kb', 'status'], { cwd: dir });
    expect(pending.by_state).toMatchObject({ WITHDRAW_PENDING: 1 });
    const sync = await runCliJson<SyncJson>(['kb', 'sync', '--ingest'], { cwd: dir });
    expect(sync).toMatchObject({
      status: 'completed',
      found: 1,
      synced: 0,
      withdrawn: 1,
      ingestion: { started: true, status: 'COMPLETE', statistics: { numberOfDocumentsDeleted: 1 } },
    });
    const hits = await runCliJson<SearchJson>(['kb', 'search', 'checkout fails with 502 errors'], { cwd: dir });
    expect(hits.items.map((i) => i.incident_id)).not.toContain('INC-PAY');
    expect(existsSync(join(dir, '.incidents', 'kb', 'documents', 'incidents', 'closed', 'INC-PAY.json'))).toBe(false);
  });

  it('link moves a Slack report into its Zendesk ticket; show of the old id redirects', async () => {
    await runCliJson(
      [
        'create',
        '--id',
        'SL-1718000000.000100',
        '--source',
        'slack',
        '--external-id',
        'C01/1718000000.000100',
        '--title',
        'checkout down?',
      ],
      { cwd: dir },
    );
    await runCliJson(
      [
        'create',
        '--id',
        'ZD-12345',
        '--source',
        'zendesk',
        '--external-id',
        '12345',
        '--title',
        'Checkout down for card payments',
      ],
      { cwd: dir },
    );
    const linked = await runBin(['link', 'SL-1718000000.000100', 'ZD-12345'], { cwd: dir });
    expect(linked.code, linked.stderr).toBe(0);
    expect(linked.stdout).toMatch(/^✔ Linked SL-1718000000\.000100 into ZD-12345 {2}NEW/);
    expect(linked.stdout).toContain('redirected from SL-1718000000.000100');

    const shown = await runBin(['show', 'SL-1718000000.000100'], { cwd: dir });
    expect(shown.code).toBe(0);
    expect(shown.stdout.split('\n').slice(0, 2)).toEqual([
      'ZD-12345  Checkout down for card payments',
      'redirected from SL-1718000000.000100 (it was linked into this incident)',
    ]);
    const json = await runCliJson<{
      incident_id: string;
      redirected_from: string;
      technical_details: { related_incidents: string[] };
    }>(['show', 'SL-1718000000.000100'], { cwd: dir });
    expect(json).toMatchObject({
      incident_id: 'ZD-12345',
      redirected_from: 'SL-1718000000.000100',
      technical_details: { related_incidents: ['SL-1718000000.000100'] },
    });
  });

  it('link errors are one line: unknown incident (1), linking into itself (1), missing argument (2)', async () => {
    const unknown = await runCli(['link', 'ZD-12345', 'ZD-NOPE'], { cwd: dir });
    expect(unknown).toMatchObject({ code: 1, stdout: '', stderr: 'error: Incident ZD-NOPE not found\n' });
    const self = await runCli(['link', 'ZD-12345', 'ZD-12345'], { cwd: dir });
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/^error: Invalid .*to: cannot link an incident into itself\n$/);
    const missing = await runCli(['link', 'ZD-12345'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing required argument 'to'/);
  });

  it('bad input: empty search text (1), unknown --severity (2), --wait without --ingest (2) — one line each', async () => {
    // The two named in the issue through the binary; the rest in-process.
    const cases: Array<[string[], number, RegExp, (args: string[], o: { cwd: string }) => Promise<RunResult>]> = [
      [['kb', 'search', ''], 1, /^error: Invalid similar-incident query: text: text is required\n$/, runBin],
      [['kb', 'search', '   '], 1, /^error: Invalid similar-incident query: text: text is required\n$/, runCli],
      [
        ['kb', 'search', 'x', '--severity', 'urgent'],
        2,
        /^error: option '--severity <level>' argument 'urgent' is invalid\. unknown severity "URGENT"; expected one of CRITICAL, HIGH, MEDIUM, LOW\.\n$/,
        runBin,
      ],
      [['kb', 'search', 'x', '--source', 'email'], 2, /unknown source "EMAIL"; expected one of JIRA, /, runCli],
      [['kb', 'search', 'x', '--limit', '0'], 2, /expected a number from 1 to 50/, runCli],
      [['kb', 'sync', '--wait'], 2, /^error: --wait applies to the ingestion; add --ingest\n$/, runCli],
      [['kb', 'sync', '--ingest', '--timeout', 'soon'], 2, /expected a whole number/, runCli],
    ];
    for (const [args, code, message, run] of cases) {
      const r = await run(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});

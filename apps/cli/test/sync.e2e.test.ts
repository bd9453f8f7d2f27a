/**
 * `incidents sync`, `sync status`, `conflicts` and `conflicts resolve`, in-process against a libSQL
 * file and the connectors' local vendor servers (@incidents/test-support/servers), configured
 * through the environment or a config file.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SyncEngineStatus, SyncRunSummary } from '@incidents/connectors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type JiraServer, makeJiraIssue, startJiraServer } from '@incidents/test-support/servers/jira-server';
import { makeZdTicket, startZendeskServer, type ZendeskServer } from '@incidents/test-support/servers/zendesk-server';
import { ECHO } from '@incidents/test-support/servers/vendor-server';
import type { ConflictRow } from '../src/output/sync-format.js';
import { stripAnsi } from '../src/output/text-width.js';
import { runCli, runCliJson, tempDir } from './helpers.js';

const JIRA = { email: 'sync-bot@example.com', apiToken: 'jira-api-token-s3cr3t' };
const ZENDESK = { email: 'agent@example.com', apiToken: 'zd-api-token-s3cr3t' };

interface ConflictsJson {
  items: ConflictRow[];
  cursor: null;
}

let jira: JiraServer;
let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  jira = await startJiraServer(JIRA);
  // Seven issues: three pages of three with INCIDENTS_JIRA_PAGE_SIZE=3.
  for (let n = 1; n <= 7; n++) jira.issues.push(makeJiraIssue(n, `2026-02-0${n}T10:00:00.000Z`));
  ({ dir, cleanup } = await tempDir('incidents-sync-'));
});
afterEach(async () => {
  await jira.close();
  await cleanup();
});

/** The environment of a Jira set-up (plus `extra`). */
function jiraEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    INCIDENTS_DB_URL: `file:${join(dir, 'incidents.db')}`,
    INCIDENTS_JIRA_BASE_URL: jira.url,
    INCIDENTS_JIRA_EMAIL: JIRA.email,
    INCIDENTS_JIRA_API_TOKEN: JIRA.apiToken,
    INCIDENTS_JIRA_PROJECT: 'OPS',
    INCIDENTS_JIRA_PAGE_SIZE: '3',
    ...extra,
  };
}

const cli = (args: string[], env: Record<string, string>, tty = false) => runCli(args, { cwd: dir, env, tty });
const cliJson = <T>(args: string[], env: Record<string, string>) => runCliJson<T>(args, { cwd: dir, env });

describe('incidents sync', () => {
  it('imports several pages with a summary, then a re-run finds everything unchanged', async () => {
    const env = jiraEnv();
    const first = await cli(['sync', 'jira'], env);
    expect(first.code, first.stderr).toBe(0);
    // Progress: plain lines on a non-terminal stderr, one per page and phase.
    expect(first.stderr).toContain('jira: page 1 · 3 records · 3 created');
    expect(first.stderr).toContain('jira: page 3 · 7 records · 7 created');
    expect(first.stderr).toContain('jira: push done · 0 pushed · 0 failed · 0 dead');
    // The summary table: a row per connector and the totals.
    expect(first.stdout).toMatch(/Sync finished in/);
    expect(first.stdout).toMatch(
      /CONNECTOR\s+RESULT\s+RECORDS\s+CREATED\s+UPDATED\s+UNCHANGED\s+CONFLICTS\s+PUSHED\s+FAILED\s+DEAD/,
    );
    expect(first.stdout).toMatch(/jira\s+ok\s+7\s+7\s+0\s+0\s+0\s+0\s+0\s+0/);
    expect(first.stdout).toMatch(/TOTAL\s+7\s+7\s+0\s+0\s+0\s+0\s+0\s+0/);
    expect(jira.requestsTo('/rest/api/3/search/jql')[0]?.json).toMatchObject({
      jql: expect.stringMatching(/^\(project = OPS\)/),
    });
    const list = await cliJson<{ items: Array<{ incident_id: string }> }>(['list', '--limit', '50'], env);
    expect(list.items.map((i) => i.incident_id).sort()).toEqual([
      'OPS-1',
      'OPS-2',
      'OPS-3',
      'OPS-4',
      'OPS-5',
      'OPS-6',
      'OPS-7',
    ]);

    // --json prints the engine's SyncRunSummary, and no progress at all.
    const again = await cli(['--json', 'sync', 'jira', '--since', '2000-01-01'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe('');
    const summary = JSON.parse(again.stdout) as SyncRunSummary;
    expect(summary).toMatchObject({ dryRun: false, errors: [] });
    expect(summary.connectors).toEqual([expect.objectContaining({ connector: 'jira', ok: true, pages: 3 })]);
    expect(summary.totals).toMatchObject({ records: 7, created: 0, updated: 0, unchanged: 7, conflicts: 0 });

    // From the saved cursor (with the look-back window): nothing new either.
    const incremental = await cliJson<SyncRunSummary>(['sync', 'all'], env);
    expect(incremental.totals).toMatchObject({ created: 0, updated: 0 });
    expect(incremental.totals.unchanged).toBe(incremental.totals.records);
  });

  it('--dry-run reports what would change and writes nothing', async () => {
    const env = jiraEnv();
    const dry = await cli(['sync', 'jira', '--dry-run'], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/Dry run finished/);
    expect(dry.stdout).toMatch(/jira\s+ok\s+7\s+7\s+0/);
    expect(dry.stderr).toContain('[dry run] jira: page 1');
    expect(dry.stderr).not.toContain('push done');
    const json = await cliJson<SyncRunSummary>(['sync', 'all', '--dry-run'], env);
    expect(json).toMatchObject({ dryRun: true, totals: { created: 7 } });
    expect((await cliJson<{ items: unknown[] }>(['list'], env)).items).toEqual([]);
    expect((await cliJson<SyncEngineStatus>(['sync', 'status'], env)).cursors).toEqual([]);
  });

  it('--since takes a duration or a date; anything else is a usage error', async () => {
    const env = jiraEnv();
    expect((await cliJson<SyncRunSummary>(['sync', 'jira', '--since', '2026-02-05'], env)).totals.created).toBe(3);
    expect(jira.requestsTo('/rest/api/3/search/jql')[0]?.json).toMatchObject({
      // The Jira user's profile is at UTC-8: JQL dates are written in that zone.
      jql: expect.stringContaining('updated >= "2026-02-04 16:00"'),
    });
    expect((await cliJson<SyncRunSummary>(['sync', 'jira', '--since', '36500d'], env)).totals).toMatchObject({
      created: 4,
      unchanged: 3,
    });
    const bad = await cli(['sync', 'jira', '--since', 'yesterday'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since: expected an ISO date or date-time .* or a duration like 7d/);
  });

  it('sync status shows the cursor, the queue and dead items', async () => {
    const env = jiraEnv();
    expect((await cli(['sync', 'jira'], env)).code).toBe(0);
    const status = await cliJson<SyncEngineStatus>(['sync', 'status'], env);
    expect(status.cursors).toEqual([
      expect.objectContaining({ connector: 'jira', high_watermark: '2026-02-07T10:00:00.000Z' }),
    ]);
    expect(status.queue).toMatchObject({ PENDING: 0, DEAD: 0 });
    expect(status.conflicts).toBe(0);

    const text = await cli(['sync', 'status'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/CONNECTOR\s+HIGH WATERMARK\s+LAST RUN\s+COMPLETED\s+STATE/);
    expect(text.stdout).toMatch(
      /jira\s+2026-02-07 10:00\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s+ok/,
    );
    expect(text.stdout).toMatch(/Outbound queue\s+PENDING 0/);
    expect(text.stdout).toMatch(/Open conflicts\s+0/);

    // A comment that Jira keeps refusing ends DEAD and is listed with its last error.
    await cliJson(['comment', 'OPS-1', 'Rolled back the deploy'], env);
    jira.issues.splice(0, 1); // OPS-1 is gone in Jira: every push answers 404
    for (let attempt = 0; attempt < 5; attempt++) {
      // Each attempt is due at once again: the clock of the queue is moved by editing nothing but time.
      const run = await cliJson<SyncRunSummary>(['sync', 'jira'], { ...env, INCIDENTS_JIRA_MAX_RETRIES: '0' });
      if (run.totals.dead > 0) break;
      await makeDue(env);
    }
    const dead = await cliJson<SyncEngineStatus>(['sync', 'status'], env);
    expect(dead.queue.DEAD).toBe(1);
    expect(dead.dead).toEqual([
      expect.objectContaining({ incident_id: 'OPS-1', sync_type: 'COMMENT', attempts: 5, status: 'DEAD' }),
    ]);
    const deadText = await cli(['sync', 'status'], env);
    expect(deadText.stdout).toMatch(/Dead items/);
    expect(deadText.stdout).toMatch(/OUT-\S+\s+OPS-1\s+COMMENT\s+jira\s+5\s+.*(404|not exist)/i);
  });

  it('a conflict shows in `conflicts` and can be resolved', async () => {
    const env = jiraEnv();
    expect((await cli(['sync', 'jira'], env)).code).toBe(0);
    // Here: OPS-2 is claimed and started. There: it waits for the customer. Jira refuses the
    // transitions for now, so both changes stand when the next sync compares them.
    await cliJson(['claim', 'OPS-2'], env);
    await cliJson(['start', 'OPS-2'], env);
    const issue = jira.issues.find((i) => i.key === 'OPS-2');
    if (!issue) throw new Error('missing issue');
    Object.assign(issue, {
      status: 'Waiting for customer',
      category: 'indeterminate',
      updated: '2026-02-10T10:00:00.000Z',
    });
    const refused = { status: 404, body: { errorMessages: ['Issue does not exist'], errors: {} } };
    jira.failNext('/rest/api/3/issue/OPS-2/transitions', refused, refused);
    const synced = await cli(['sync', 'jira'], { ...env, INCIDENTS_JIRA_MAX_RETRIES: '0' });
    expect(synced.code, synced.stderr).toBe(0);
    expect(synced.stdout).toMatch(/jira\s+ok\s+\d+\s+0\s+1\s+\d+\s+1\s+0\s+2\s+0/);
    expect(synced.stdout).toContain('1 new conflict: incidents conflicts');
    expect(synced.stdout).toContain('2 outbound items failed and will be retried by a later sync');

    const listed = await cliJson<ConflictsJson>(['conflicts'], env);
    expect(listed).toEqual({
      items: [
        {
          incident_id: 'OPS-2',
          source_system: 'JIRA',
          external_id: 'OPS-2',
          field: 'status',
          local_value: 'IN_PROGRESS',
          remote_value: 'PENDING',
          detected_at: expect.stringMatching(/^\d{4}-/),
        },
      ],
      cursor: null,
    });
    const text = await cli(['conflicts'], env);
    expect(text.stdout).toMatch(/INCIDENT\s+SOURCE\s+EXTERNAL ID\s+FIELD\s+LOCAL\s+REMOTE\s+DETECTED/);
    expect(text.stdout).toMatch(/OPS-2\s+JIRA\s+OPS-2\s+status\s+IN_PROGRESS\s+PENDING\s+\d{4}-/);
    expect((await cliJson<SyncEngineStatus>(['sync', 'status'], env)).conflicts).toBe(1);

    // Wrong field: exit 1 naming it; missing --keep: usage error.
    const wrong = await cli(['conflicts', 'resolve', 'OPS-2', 'priority', '--keep', 'remote'], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /field: incident OPS-2 has no unresolved conflict on priority; open conflicts: status/,
    );
    expect((await cli(['conflicts', 'resolve', 'OPS-2', 'status'], env)).code).toBe(2);
    expect((await cli(['conflicts', 'resolve', 'OPS-2', 'status', '--keep', 'mine'], env)).code).toBe(2);

    const resolved = await cli(['conflicts', 'resolve', 'OPS-2', 'status', '--keep', 'remote'], env);
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.stdout).toMatch(/Resolved the conflict on status of OPS-2: kept the remote value PENDING/);
    const shown = await cliJson<{ status: string; sync_metadata: { conflicts: Array<{ resolved: boolean }> } }>(
      ['show', 'OPS-2'],
      env,
    );
    expect(shown.status).toBe('PENDING');
    expect(shown.sync_metadata.conflicts).toEqual([expect.objectContaining({ field: 'status', resolved: true })]);
    expect((await cliJson<ConflictsJson>(['conflicts'], env)).items).toEqual([]);
    expect((await cli(['conflicts'], env)).stdout).toMatch(/No unresolved sync conflicts/);
    const history = await cliJson<{ items: Array<{ metadata: { version_notes?: string; last_modified_by: string } }> }>(
      ['history', 'OPS-2'],
      env,
    );
    expect(history.items.at(-1)?.metadata).toMatchObject({
      version_notes: 'conflict on status resolved: kept the remote value',
      last_modified_by: 'local-admin@localhost',
    });
  });

  it('a connector refused with 401 fails the command (exit 1) while the others still run', async () => {
    const zendesk: ZendeskServer = await startZendeskServer(ZENDESK);
    try {
      for (let n = 1; n <= 3; n++) zendesk.tickets.push(makeZdTicket(n, `2026-02-0${n}T10:00:00Z`));
      const env = jiraEnv({
        INCIDENTS_ZENDESK_BASE_URL: zendesk.url,
        INCIDENTS_ZENDESK_EMAIL: ZENDESK.email,
        INCIDENTS_ZENDESK_API_TOKEN: 'revoked-token-123456',
      });
      const run = await cli(['sync', 'all'], env);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/Sync finished with errors/);
      expect(run.stdout).toMatch(/jira\s+ok\s+7\s+7/);
      expect(run.stdout).toMatch(/zendesk\s+failed\s+0\s+0/);
      expect(run.stdout).toMatch(/✖ zendesk: connector\.auth — /);
      expect(run.stderr).toMatch(/error: Sync failed for zendesk \(connector\.auth\): .*; jira synced/);
      expect(`${run.stdout}${run.stderr}`).not.toContain('revoked-token-123456');
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace

      const json = await cli(['--json', 'sync', 'all'], env);
      expect(json.code).toBe(1);
      const summary = JSON.parse(json.stdout) as SyncRunSummary;
      expect(summary.errors).toEqual([expect.objectContaining({ connector: 'zendesk', code: 'connector.auth' })]);
      expect(summary.connectors.map((c) => [c.connector, c.ok])).toEqual([
        ['jira', true],
        ['zendesk', false],
      ]);
      expect(json.stdout).not.toContain('revoked-token-123456');
      expect(
        (await cliJson<{ items: unknown[] }>(['list', '--source', 'JIRA', '--limit', '50'], env)).items,
      ).toHaveLength(7);
    } finally {
      await zendesk.close();
    }
  });

  it('bad or missing settings: exit 1 naming the variable, the configured connectors, or where to configure', async () => {
    const bad = await cli(['sync', 'jira'], jiraEnv({ INCIDENTS_JIRA_BASE_URL: 'acme.atlassian.net' }));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^error: Invalid connector configuration: INCIDENTS_JIRA_BASE_URL: expected an http\(s\) URL\n$/,
    );
    const noToken = await cli(['sync', 'all'], jiraEnv({ INCIDENTS_JIRA_API_TOKEN: '' }));
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toMatch(/INCIDENTS_JIRA_API_TOKEN: required with INCIDENTS_JIRA_EMAIL/);
    const pageSize = await cli(['sync', 'all'], jiraEnv({ INCIDENTS_JIRA_PAGE_SIZE: 'many' }));
    expect(pageSize.stderr).toMatch(/INCIDENTS_JIRA_PAGE_SIZE: expected a whole number/);
    expect(`${bad.stderr}${noToken.stderr}${pageSize.stderr}`).not.toContain(JIRA.apiToken);

    const unknown = await cli(['sync', 'github'], jiraEnv());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: Unknown connector github; configured: jira\n');

    const none = await cli(['sync', 'all'], { INCIDENTS_DB_URL: `file:${join(dir, 'incidents.db')}` });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /No connector configured: .*INCIDENTS_JIRA_\*, INCIDENTS_SERVICENOW_\*, INCIDENTS_REMEDY_\*, INCIDENTS_ZENDESK_\*, INCIDENTS_SLACK_\*, INCIDENTS_SHORTCUT_\*/,
    );
    expect(none.stderr).toContain(join(dir, '.incidents', 'connectors.json'));

    // The help lists the prefixes.
    const help = await cli(['--help'], {});
    expect(help.stdout).toMatch(/INCIDENTS_JIRA_\*\s+BASE_URL, EMAIL \+ API_TOKEN or BEARER_TOKEN/);
    expect(help.stdout).toMatch(/INCIDENTS_SLACK_\*\s+BOT_TOKEN, CHANNEL_ID/);
  });

  it('credentials echoed by a vendor reach no output, no --json and nothing stored (config file secret references)', async () => {
    const dbPath = join(dir, 'incidents.db');
    const env = { INCIDENTS_DB_URL: `file:${dbPath}`, OPS_JIRA_TOKEN: JIRA.apiToken };
    const file = join(dir, 'sync.json');
    writeFileSync(
      file,
      JSON.stringify({
        connectors: {
          jira: {
            type: 'jira',
            options: {
              baseUrl: jira.url,
              auth: { email: JIRA.email, apiToken: '$' + '{OPS_JIRA_TOKEN}' },
              pageSize: 3,
              retry: { maxRetries: 0 },
            },
          },
        },
      }),
    );
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const forms = [
      JIRA.apiToken,
      b64(JIRA.apiToken),
      encodeURIComponent(JIRA.apiToken),
      b64(`${JIRA.email}:${JIRA.apiToken}`),
      b64(`${JIRA.email}:${JIRA.apiToken}`).replace(/=+$/, ''),
    ];
    const leaks = (text: string) => forms.filter((f) => text.includes(f));
    expect((await cli(['sync', 'jira', '--config', file], env)).code).toBe(0);
    await cliJson(['comment', 'OPS-1', 'Rolled back the deploy'], env);

    // The pull and the push both get error pages that echo the request, Authorization header included.
    const outputs: string[] = [];
    for (const args of [
      ['sync', 'jira', '--config', file],
      ['--json', 'sync', 'jira', '--config', file],
    ]) {
      jira.failNext('/rest/api/3/search/jql', ECHO.text400);
      jira.failNext('/rest/api/3/issue/OPS-1/comment', ECHO.text400);
      await makeDue(env);
      const run = await cli(args, env);
      expect(run.code).toBe(1);
      outputs.push(run.stdout, run.stderr);
    }
    // Both push attempts met the echo (the retry reads the comments first, then would post).
    expect(jira.requestsTo('/rest/api/3/issue/OPS-1/comment')).toHaveLength(2);
    // The echo really reached the client (the test can fail): the error is reported, without the secret.
    expect(outputs.join('\n')).toMatch(/HTTP 400 on POST \/rest\/api\/3\/search\/jql/);
    const status = await cli(['sync', 'status'], env);
    const statusJson = await cli(['--json', 'sync', 'status'], env);
    outputs.push(status.stdout, status.stderr, statusJson.stdout, statusJson.stderr);
    expect(statusJson.stdout).toContain('[REDACTED]');
    expect(leaks(outputs.join('\n'))).toEqual([]);
    // Nor in the database file (nor its write-ahead log).
    const stored = [dbPath, `${dbPath}-wal`]
      .filter((p) => existsSync(p))
      .map((p) => readFileSync(p).toString('latin1'))
      .join('\n');
    expect(stored).toContain('HTTP 400');
    expect(leaks(stored)).toEqual([]);
  });

  it('reads a config file with environment references (--config, INCIDENTS_CONFIG, <home>/connectors.json)', async () => {
    const db = { INCIDENTS_DB_URL: `file:${join(dir, 'incidents.db')}`, OPS_JIRA_TOKEN: JIRA.apiToken };
    const config = {
      connectors: {
        'ops-jira': {
          type: 'jira',
          options: { baseUrl: jira.url, auth: { email: JIRA.email, apiToken: '$' + '{OPS_JIRA_TOKEN}' }, pageSize: 3 },
        },
      },
    };
    const file = join(dir, 'sync.json');
    writeFileSync(file, JSON.stringify(config));
    const run = await cliJson<SyncRunSummary>(['sync', 'ops-jira', '--config', file], db);
    expect(run.connectors).toEqual([
      expect.objectContaining({ connector: 'ops-jira', ok: true, pages: 3, created: 7 }),
    ]);
    expect((await cliJson<SyncEngineStatus>(['sync', 'status'], db)).cursors.map((c) => c.connector)).toEqual([
      'ops-jira',
    ]);
    // The same file through INCIDENTS_CONFIG, then as the default <home>/connectors.json.
    expect((await cliJson<SyncRunSummary>(['sync', 'all'], { ...db, INCIDENTS_CONFIG: file })).totals.created).toBe(0);
    mkdirSync(join(dir, '.incidents'), { recursive: true });
    writeFileSync(join(dir, '.incidents', 'connectors.json'), JSON.stringify(config));
    expect((await cliJson<SyncRunSummary>(['sync', 'ops-jira'], db)).connectors[0]?.ok).toBe(true);

    // An unset reference, or a secret written in the file: exit 1 naming the file and the JSON path.
    const unset = await cli(['sync', 'all', '--config', file], { INCIDENTS_DB_URL: db.INCIDENTS_DB_URL });
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain(
      `${file}: connectors.ops-jira.options.auth.apiToken: environment variable OPS_JIRA_TOKEN is not set`,
    );
    config.connectors['ops-jira'].options.auth.apiToken = JIRA.apiToken;
    writeFileSync(file, JSON.stringify(config));
    const plain = await cli(['sync', 'all', '--config', file], db);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(
      /connectors\.ops-jira\.options\.auth\.apiToken: a secret must be an environment reference/,
    );
    expect(plain.stderr).not.toContain(JIRA.apiToken);
    const missing = await cli(['sync', 'all', '--config', join(dir, 'nope.json')], db);
    expect(missing.stderr).toContain(`${join(dir, 'nope.json')}: file not found (from --config)`);
  });

  it('draws live progress lines on a terminal', async () => {
    const run = await cli(['sync', 'jira'], jiraEnv(), true);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/jira \[=+\] done\s+7 records · 7 created · 0 updated/);
    // Colours on a terminal; the table stays aligned.
    expect(run.stdout).not.toBe(stripAnsi(run.stdout));
    expect(stripAnsi(run.stdout)).toMatch(/TOTAL\s+7\s+7/);
  });
});

/** Makes every FAILED outbound item due now (the CLI has no clock flag; the store is a plain file). */
async function makeDue(env: Record<string, string>): Promise<void> {
  const { createTursoStore } = await import('@incidents/store-turso');
  const store = await createTursoStore({ url: env.INCIDENTS_DB_URL as string });
  try {
    for (const item of (await store.listOutbound({ status: 'FAILED' })).items) {
      await store.updateOutbound({ item, changes: { next_attempt_at: new Date(Date.now() - 1000).toISOString() } });
    }
  } finally {
    await store.close();
  }
}

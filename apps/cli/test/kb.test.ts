import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, createIncidentService } from '@incidents/core';
import { createFilesystemObjectStore, createLocalKnowledgeBase, type ObjectStore } from '@incidents/kb-sync';
import { createLocalClient, createTursoStore } from '@incidents/store-turso';
import { runCli, runCliJson, tempDir } from './helpers.js';

const ADMIN: Actor = { id: 'local-admin@localhost', roles: ['admin'] };

/** Closes `n` incidents straight through the service on the libSQL file (fast set-up). */
async function closeIncidents(dbPath: string, n: number, prefix: string): Promise<void> {
  await mkdir(dirname(dbPath), { recursive: true });
  const store = await createTursoStore({ url: `file:${dbPath}` });
  try {
    const service = createIncidentService({ store });
    const ctx = { actor: ADMIN };
    // Assignees must be registered users.
    await service.putUser({ email: 'ops@example.com', name: 'Ops', role: 'operator' }, ctx);
    for (let i = 0; i < n; i++) {
      const id = `${prefix}-${String(i).padStart(3, '0')}`;
      await service.create(
        {
          incident_id: id,
          title: `Disk full on build agent ${i}`,
          category: 'Infrastructure',
          severity: 'HIGH',
          team: 'platform',
          assigned_to: 'ops@example.com',
        },
        ctx,
      );
      await service.startWork(id, ctx);
      await service.resolve(
        { incident_id: id, solution: 'Cleaned the docker cache', root_cause: 'docker images piled up', steps: [] },
        ctx,
      );
      await service.close(id, ctx);
    }
  } finally {
    await store.close();
  }
}

interface SyncJson {
  status: string;
  synced: number;
  failed: number;
  errors: Array<{ incident_id: string; error: string; attempts: number | null }>;
  ingestion: { started: boolean; reason?: string; status?: string };
}

describe('kb commands (in-process createCli)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(async () => cleanup?.());

  it('kb sync without --ingest only exports; a later --ingest indexes what is there', async () => {
    const cwd = join(dir, 'export-only');
    await mkdir(cwd);
    await closeIncidents(join(cwd, '.incidents', 'incidents.db'), 2, 'INC-EXP');
    const exported = await runCliJson<SyncJson>(['kb', 'sync'], { cwd });
    expect(exported).toMatchObject({
      status: 'completed',
      synced: 2,
      ingestion: { started: false, reason: 'disabled' },
    });
    const human = await runCli(['kb', 'status'], { cwd });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Documents\s+\S+kb\/documents \(2 exported\)/);
    expect(human.stdout).toMatch(/Index\s+\S+kb\/index\.db \(0 indexed\)/);
    expect(human.stdout).toMatch(/Pending\s+0 \(0 to export, 0 to withdraw, 0 failed\)/);
    expect((await runCliJson<{ items: unknown[] }>(['kb', 'search', 'docker cache'], { cwd })).items).toEqual([]);

    // Nothing is pending any more, yet --ingest still runs the (incremental) ingestion.
    const ingested = await runCli(['kb', 'sync', '--ingest'], { cwd });
    expect(ingested.code, ingested.stderr).toBe(0);
    expect(ingested.stdout).toMatch(/Found\s+0\n/);
    expect(ingested.stdout).toMatch(/Ingestion\s+COMPLETE .* 2 new, 0 modified, 0 deleted, 0 failed of 2 scanned/);
    const hits = await runCliJson<{ items: Array<{ incident_id: string }> }>(
      ['kb', 'search', 'docker cache', '--limit', '1'],
      {
        cwd,
      },
    );
    expect(hits.items).toHaveLength(1);
    expect(hits.items[0]?.incident_id).toMatch(/^INC-EXP-00[01]$/);
  });

  it('failed exports: exit 1 with a one-line summary, the result still printed; kb status lists attempts and last error', async () => {
    const cwd = join(dir, 'failing');
    await mkdir(cwd);
    await closeIncidents(join(cwd, '.incidents', 'incidents.db'), 2, 'INC-F');
    // A file where the documents' folder should be: every write fails (a real filesystem error).
    await mkdir(join(cwd, '.incidents', 'kb', 'documents', 'incidents'), { recursive: true });
    await writeFile(join(cwd, '.incidents', 'kb', 'documents', 'incidents', 'closed'), 'not a folder');

    const r = await runCli(['kb', 'sync', '--ingest'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Knowledge-base sync completed with errors/);
    expect(r.stdout).toMatch(
      /Errors \(2\)\nINCIDENT\s+ATTEMPTS\s+ERROR\nINC-F-000\s+1\s+.*filesystem put incidents\/closed\/INC-F-000/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^error: kb sync completed with errors: 2 incidents failed \(INC-F-000: .*\); they stay pending\n$/,
    );

    const again = await runCli(['--json', 'kb', 'sync'], { cwd });
    expect(again.code).toBe(1);
    const result = JSON.parse(again.stdout) as SyncJson;
    expect(result).toMatchObject({ status: 'completed_with_errors', failed: 2 });
    expect(result.errors.map((e) => e.attempts)).toEqual([2, 2]);

    const status = await runCliJson<{
      documents_exported: number | null;
      documents_error: string;
      pending: number;
      by_state: Record<string, number>;
      failed: Array<{ incident_id: string; attempts: number; last_error: string }>;
    }>(['kb', 'status'], { cwd });
    expect(status.pending).toBe(2);
    expect(status.documents_exported).toBeNull();
    expect(status.documents_error).toMatch(/ENOTDIR/);
    expect(status.by_state).toMatchObject({ FAILED: 2, PENDING: 0 });
    expect(status.failed.map((f) => [f.incident_id, f.attempts])).toEqual([
      ['INC-F-000', 2],
      ['INC-F-001', 2],
    ]);
    expect(status.failed[0]?.last_error).toMatch(
      /filesystem put incidents\/closed\/INC-F-000\.json(\.metadata\.json)? failed/,
    );
    const human = await runCli(['kb', 'status'], { cwd });
    expect(human.stdout).toMatch(
      /Failed \(2\)\nINCIDENT\s+ATTEMPTS\s+LAST ATTEMPT\s+LAST ERROR\nINC-F-000\s+2\s+\d{4}-/,
    );
  });

  it('a progress bar on a TTY stderr for long runs; never with --json or without a TTY', async () => {
    const cwd = join(dir, 'progress');
    await mkdir(cwd);
    await closeIncidents(join(cwd, '.incidents', 'incidents.db'), 55, 'INC-P');
    const tty = await runCli(['kb', 'sync'], { cwd, tty: true, columns: 100, env: { NO_COLOR: '1' } });
    expect(tty.code, tty.stderr).toBe(0);
    expect(tty.stderr).toMatch(/Exporting documents \[[=-]+\] \d+\/55/);
    expect(tty.stderr).toContain('55/55');
    expect(tty.stdout).toMatch(/Synced\s+55/);

    await closeIncidents(join(cwd, '.incidents', 'incidents.db'), 55, 'INC-Q');
    const json = await runCli(['--json', 'kb', 'sync'], { cwd, tty: true });
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({ synced: 55 });

    const plain = await runCli(['kb', 'sync', '--ingest'], { cwd });
    expect(plain.code).toBe(0);
    expect(plain.stderr).toBe('');
  });

  it('permissions: kb sync needs kb.sync; customers may not read the KB state or search it', async () => {
    const cwd = join(dir, 'permissions');
    await mkdir(cwd);
    await runCliJson(['users', 'add', 'ana@example.com', '--role', 'operator'], { cwd });
    await runCliJson(['users', 'add', 'kb@example.com', '--role', 'kb_sync'], { cwd });
    await runCliJson(['users', 'add', 'cy@example.com', '--role', 'customer'], { cwd });
    const operator = await runCli(['--as', 'ana@example.com', 'kb', 'sync'], { cwd });
    expect(operator).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'error: Permission denied for ana@example.com: role operator lacks kb.sync\n',
    });
    expect((await runCli(['--as', 'kb@example.com', 'kb', 'sync'], { cwd })).code).toBe(0);
    const status = await runCli(['--as', 'cy@example.com', 'kb', 'status'], { cwd });
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(
      /^error: Permission denied for cy@example\.com: customers cannot see the knowledge-base state\n$/,
    );
    const search = await runCli(['--as', 'cy@example.com', 'kb', 'search', 'disk full'], { cwd });
    expect(search.code).toBe(1);
    expect(search.stderr).toMatch(
      /^error: Permission denied for cy@example\.com: customers cannot search other incidents\n$/,
    );
    expect((await runCli(['--as', 'ana@example.com', 'kb', 'search', 'disk full'], { cwd })).code).toBe(0);
  });

  it('INCIDENTS_KB_MODE=none: documents only; --ingest and search say why they cannot run; bad variables are named', async () => {
    const cwd = join(dir, 'mode-none');
    await mkdir(cwd);
    const env = { INCIDENTS_KB_MODE: 'none' };
    const sync = await runCli(['kb', 'sync'], { cwd, env });
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/Index\s+none \(INCIDENTS_KB_MODE=none: documents only\)/);
    const ingest = await runCli(['kb', 'sync', '--ingest'], { cwd, env });
    expect(ingest.code).toBe(2);
    expect(ingest.stderr).toMatch(/^error: no knowledge base to ingest into: INCIDENTS_KB_MODE is none/);
    const search = await runCli(['kb', 'search', 'disk'], { cwd, env });
    expect(search.code).toBe(1);
    expect(search.stderr).toMatch(/^error: No knowledge base to search: INCIDENTS_KB_MODE is none/);
    const bad = await runCli(['kb', 'status'], { cwd, env: { INCIDENTS_KB_PREFIX: '/abs', INCIDENTS_KB_ID: 'x' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(
      /^error: Invalid knowledge-base configuration: .*INCIDENTS_KB_PREFIX: .*INCIDENTS_KB_ID: /,
    );
  });

  it('a job left by a killed run: kb sync says what it waits for, then takes the job over at once', async () => {
    const { dir: cwd, cleanup: done } = await tempDir();
    try {
      await closeIncidents(join(cwd, '.incidents', 'incidents.db'), 1, 'INC-T');
      const indexUrl = `file:${join(cwd, '.incidents', 'kb', 'index.db')}`;
      await mkdir(join(cwd, '.incidents', 'kb'), { recursive: true });
      // Another run's job: its listing never answers, so it stays IN_PROGRESS.
      const files = createFilesystemObjectStore({ dir: join(cwd, '.incidents', 'kb', 'documents') });
      const stuck: ObjectStore = { ...files, name: 'stuck', list: () => new Promise(() => {}) };
      const client = createLocalClient({ url: indexUrl });
      const holder = await createLocalKnowledgeBase({ client, objectStore: stuck });
      const held = await holder.startIngestion({ description: 'held' });

      // Its process (this one) is alive: the run waits, says for what, and gives up at --timeout.
      const waited = await runCli(['kb', 'sync', '--ingest', '--timeout', '1'], { cwd });
      expect(waited.code).toBe(1);
      expect(waited.stderr).toContain(
        `waiting: An ingestion job is already running for this data source (${held.jobId}, run by process ${process.pid} on `,
      );

      // The same job as a killed process leaves it: owned by a pid that no longer exists.
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      await client.execute({
        sql: `UPDATE kb_ingestion_jobs SET owner_json = json_set(owner_json, '$.pid', ?, '$.instance', 'gone') WHERE job_id = ?`,
        args: [dead, held.jobId],
      });
      const took = await runCli(['kb', 'sync', '--ingest'], { cwd });
      expect(took.code, took.stderr).toBe(0);
      expect(took.stderr).toContain(
        `took over ingestion job ${held.jobId} (abandoned: its process (process ${dead} on `,
      );
      expect(took.stdout).toMatch(/Ingestion\s+COMPLETE/);
    } finally {
      await done();
    }
  });
});

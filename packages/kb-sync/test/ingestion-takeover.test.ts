/**
 * A run killed mid-ingestion must not stall the next one: the job it left IN_PROGRESS is taken over
 * at once when its process is gone, and a wait for a live job says who runs it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createFilesystemObjectStore,
  createLocalKnowledgeBase,
  IngestionConflictError,
  type KbSyncProgress,
  type LocalKnowledgeBase,
  type ObjectStore,
  runKbSync,
} from '../src/index.js';
import { openDesk } from './support/desk.js';

const here = dirname(fileURLToPath(import.meta.url));
const quiet = { info() {}, warn() {}, error() {} };

/** Starts a process that holds an ingestion job of the index at `url`; resolves with its job id. */
function holdJob(url: string, heartbeatMs: number): Promise<{ child: ChildProcess; jobId: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(here, 'support', 'ingestion-holder.ts'), url, String(heartbeatMs)],
    {
      cwd: join(here, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
      const m = /started (\S+)\n/.exec(out);
      if (m?.[1]) resolve({ child, jobId: m[1] });
    });
    child.stderr?.on('data', (d) => {
      err += String(d);
    });
    child.on('exit', (code) => reject(new Error(`holder exited with ${code}: ${err}`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('ingestion jobs left behind by a killed run', () => {
  let dir: string;
  let url: string;
  let objects: ObjectStore;
  let kb: LocalKnowledgeBase | undefined;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-takeover-'));
    url = `file:${join(dir, 'index.db')}`;
    objects = createFilesystemObjectStore({ dir: join(dir, 'documents') });
  });
  afterEach(async () => {
    await Promise.all(children.map(kill));
    children.length = 0;
    await kb?.close();
    kb = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('takes over at once the job of a process that was killed, and says which and why', async () => {
    const { child, jobId } = await holdJob(url, 10_000);
    children.push(child);
    const pid = child.pid;
    await kill(child);

    // The default heartbeat window (60 s) has not passed: the takeover comes from the dead process.
    kb = await createLocalKnowledgeBase({ url, objectStore: objects });
    const job = await kb.ingest();
    expect(job.status).toBe('COMPLETE');
    expect(job.tookOver).toEqual([{ jobId, reason: expect.stringContaining(`process ${pid} on`) }]);
    expect(job.tookOver?.[0]?.reason).toMatch(/is gone/);
    const old = await kb.getIngestionJob(jobId);
    expect(old.status).toBe('FAILED');
    expect(old.failureReasons[0]).toMatch(new RegExp(`abandoned: its process \\(process ${pid} on .+\\) is gone`));
  });

  it('keeps a live job whose heartbeat is fresh, naming its process; takes it over once the process dies', async () => {
    const { child, jobId } = await holdJob(url, 50);
    children.push(child);
    kb = await createLocalKnowledgeBase({ url, objectStore: objects, staleJobMs: 400 });
    // Longer than staleJobMs: only the holder's heartbeat keeps its job alive.
    await new Promise((r) => setTimeout(r, 1_000));
    const conflict = await kb.startIngestion().catch((e: unknown) => e);
    expect(conflict, String(conflict)).toBeInstanceOf(IngestionConflictError);
    expect((conflict as IngestionConflictError).details.runningJobId).toBe(jobId);
    expect((conflict as Error).message).toContain(`run by process ${child.pid} on`);
    expect((conflict as Error).message).toMatch(/last heartbeat \d{4}-/);

    await kill(child);
    const job = await kb.ingest();
    expect(job.status).toBe('COMPLETE');
    expect(job.tookOver?.map((t) => t.jobId)).toEqual([jobId]);
  });

  it('runKbSync says once what it waits for, then that it took the job over', async () => {
    const { child, jobId } = await holdJob(url, 50);
    children.push(child);
    kb = await createLocalKnowledgeBase({ url, objectStore: objects, staleJobMs: 60_000 });
    const desk = await openDesk({ url: `file:${join(dir, 'incidents.db')}`, knowledgeBase: kb });
    const notes: string[] = [];
    try {
      const result = await runKbSync({
        store: desk.store,
        objectStore: objects,
        knowledgeBase: kb,
        logger: quiet,
        metrics: false,
        ingestion: { force: true, wait: true, pollIntervalMs: 50, timeoutMs: 30_000 },
        onProgress: (p: KbSyncProgress) => {
          if (!p.note) return;
          notes.push(p.note);
          // The holder dies once the run has said what it waits for.
          if (notes.length === 1) void kill(child);
        },
      });
      expect(result.status).toBe('completed');
      expect(result.ingestion.tookOver?.map((t) => t.jobId)).toEqual([jobId]);
    } finally {
      await desk.close();
    }
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(new RegExp(`^waiting: .*${jobId}, run by process ${child.pid} on `));
    expect(notes[1]).toMatch(new RegExp(`^took over ingestion job ${jobId} \\(abandoned: its process .* is gone\\)$`));
  });
});

/**
 * The local knowledge base reads time from its injected `Clock` (job start, progress writes,
 * heartbeats, the abandoned-job check), so a test can drive the take-over of a job whose heartbeat
 * stopped without waiting for `staleJobMs` to pass on the wall clock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, ValidationError } from '@incidents/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createFilesystemObjectStore,
  createLocalKnowledgeBase,
  IngestionConflictError,
  type LocalKnowledgeBase,
  type ObjectStore,
} from '../src/index.js';

/** A clock that stands still until moved. */
function manualClock(iso: string): Clock & { set(iso: string): void } {
  let t = Date.parse(iso);
  return {
    now: () => new Date(t),
    set: (next: string) => {
      t = Date.parse(next);
    },
  };
}

/** `objects` whose `list` waits until `release()` is called: the job stays IN_PROGRESS meanwhile. */
function heldObjectStore(objects: ObjectStore): { store: ObjectStore; release(): void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const store = new Proxy(objects, {
    get(target, prop, receiver) {
      if (prop === 'list') return (...args: Parameters<ObjectStore['list']>) => gate.then(() => target.list(...args));
      return Reflect.get(target, prop, receiver);
    },
  });
  return { store, release };
}

describe('local knowledge base: injected clock', () => {
  let dir: string;
  let url: string;
  let objects: ObjectStore;
  const opened: LocalKnowledgeBase[] = [];
  let release: (() => void) | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-clock-'));
    url = `file:${join(dir, 'index.db')}`;
    objects = createFilesystemObjectStore({ dir: join(dir, 'documents') });
  });
  afterEach(async () => {
    release?.();
    release = undefined;
    await Promise.all(opened.splice(0).map((kb) => kb.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('stamps jobs and heartbeats with the clock, and takes over a job whose heartbeat is older than staleJobMs by that clock', async () => {
    const held = heldObjectStore(objects);
    release = held.release;
    const clockA = manualClock('2026-03-01T10:00:00.000Z');
    // heartbeatMs 10 (the floor): beats come fast, each stamped with clock A's time.
    const a = await createLocalKnowledgeBase({
      url,
      objectStore: held.store,
      clock: clockA,
      staleJobMs: 60_000,
      heartbeatMs: 10,
    });
    opened.push(a);
    const job = await a.startIngestion();
    expect(job.startedAt).toBe('2026-03-01T10:00:00.000Z');

    // The heartbeat writes clock A's time (R: a running job refreshes `updatedAt` between progress writes).
    clockA.set('2026-03-01T10:00:05.000Z');
    await vi.waitFor(async () =>
      expect((await a.getIngestionJob(job.jobId)).updatedAt).toBe('2026-03-01T10:00:05.000Z'),
    );

    // Another object on the same index, 30 s after the last beat by its clock: the job is alive.
    const clockB = manualClock('2026-03-01T10:00:35.000Z');
    const b = await createLocalKnowledgeBase({ url, objectStore: objects, clock: clockB, staleJobMs: 60_000 });
    opened.push(b);
    await expect(b.startIngestion()).rejects.toBeInstanceOf(IngestionConflictError);

    // 61 s after the last beat by B's clock (A's clock, hence its beats, stand still): taken over.
    clockB.set('2026-03-01T10:01:06.000Z');
    const next = await b.startIngestion();
    expect(next.startedAt).toBe('2026-03-01T10:01:06.000Z');
    expect(next.tookOver).toEqual([
      { jobId: job.jobId, reason: expect.stringMatching(/^abandoned: no heartbeat since 2026-03-01T10:00:05\.000Z/) },
    ]);
  });
});

describe('local knowledge base: options schema', () => {
  it('names each bad option, including those it used to accept unchecked (concurrency, clock)', async () => {
    const objects = createFilesystemObjectStore({ dir: join(tmpdir(), 'kb-options-never-written') });
    const err = await createLocalKnowledgeBase({
      url: ':memory:',
      objectStore: objects,
      concurrency: 0,
      clock: {} as Clock,
      minRelativeScore: 2,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).details.issues).toEqual([
      { path: 'concurrency', message: 'expected a number ≥ 1' },
      { path: 'minRelativeScore', message: 'minRelativeScore must be between 0 and 1' },
      { path: 'clock', message: 'expected a clock ({ now(): Date })' },
    ]);
    const missing = await createLocalKnowledgeBase({ objectStore: objects } as never).catch((e: unknown) => e);
    expect((missing as ValidationError).details.issues).toEqual([
      { path: 'url', message: 'give url (file:…, :memory:, libsql://…) or client' },
    ]);
  });
});

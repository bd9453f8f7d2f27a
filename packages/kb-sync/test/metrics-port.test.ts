/**
 * The job's metrics port: nothing is recorded (and nothing printed) unless the caller passes a
 * recorder or an EMF sink; a recorder receives the run's metrics with its namespace and context.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createFilesystemObjectStore,
  emfMetricsRecorder,
  type KbMetric,
  type KbMetricsContext,
  type ObjectStore,
  runKbSync,
} from '../src/index.js';
import { closeMany, type Desk, openDesk } from './support/desk.js';

const quiet = { info() {}, warn() {}, error() {} };

describe('runKbSync metrics', () => {
  let dir: string;
  let desk: Desk;
  let objects: ObjectStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-metrics-'));
    desk = await openDesk();
    objects = createFilesystemObjectStore({ dir: join(dir, 'documents') });
    await closeMany(desk.service, 3);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await desk.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints nothing on stdout when no metrics option is given', async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const result = await runKbSync({ store: desk.store, objectStore: objects, logger: quiet });
    vi.restoreAllMocks();
    expect(result.synced).toBe(3);
    expect(written.filter((l) => l.includes('"_aws"') || l.includes('IncidentsSynced'))).toEqual([]);
  });

  it('hands the run to a recorder: metric names, units, values, namespace and context', async () => {
    const calls: Array<{ metrics: readonly KbMetric[]; context: KbMetricsContext }> = [];
    const result = await runKbSync({
      store: desk.store,
      objectStore: objects,
      logger: quiet,
      metricsNamespace: 'TeamKb',
      metrics: { record: (metrics, context) => calls.push({ metrics, context }) },
    });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.context).toEqual({ namespace: 'TeamKb', properties: { status: result.status, found: 3 } });
    expect(call?.metrics).toContainEqual({ name: 'IncidentsSynced', value: 3, unit: 'Count' });
    expect(call?.metrics).toContainEqual({ name: 'SyncErrors', value: 0, unit: 'Count' });
    expect(call?.metrics.find((m) => m.name === 'SyncDuration')?.unit).toBe('Milliseconds');
  });

  it('a recorder that throws does not fail the run; the EMF adapter writes one line to the sink', async () => {
    const errors: unknown[] = [];
    const result = await runKbSync({
      store: desk.store,
      objectStore: objects,
      logger: { ...quiet, error: (...args: unknown[]) => errors.push(args) },
      metrics: {
        record() {
          throw new Error('metrics backend down');
        },
      },
    });
    expect(result.synced).toBe(3);
    expect(JSON.stringify(errors)).toContain('metrics backend down');

    const lines: string[] = [];
    await runKbSync({
      store: desk.store,
      objectStore: objects,
      logger: quiet,
      metrics: emfMetricsRecorder((line) => lines.push(line), { now: () => 1_700_000_000_000 }),
    });
    expect(lines).toHaveLength(1);
    const emf = JSON.parse(lines[0] as string);
    expect(emf._aws).toMatchObject({
      Timestamp: 1_700_000_000_000,
      CloudWatchMetrics: [{ Namespace: 'IncidentKBSync', Dimensions: [['Service']] }],
    });
    expect(emf).toMatchObject({ Service: 'kb-sync', IncidentsSynced: 0, status: 'completed' });
  });
});

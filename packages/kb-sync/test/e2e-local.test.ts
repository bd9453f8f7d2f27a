import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectAll } from '@incidents/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDefaultKbSetup,
  type DefaultKbSetup,
  documentKey,
  type KbSyncProgress,
  runKbSync,
} from '../src/index.js';
import { ana, closeMany, closeOne, ctx, type Desk, openDesk, THEMES, themeOf } from './support/desk.js';

const quiet = { info() {}, warn() {}, error() {} };

describe('end to end on the local default (store-turso + filesystem + local index)', () => {
  let dir: string;
  let kb: DefaultKbSetup;
  let desk: Desk;
  const emf: string[] = [];
  const progress: KbSyncProgress[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-e2e-'));
    kb = await createDefaultKbSetup({ dir });
    desk = await openDesk({ url: `file:${join(dir, 'incidents.db')}`, knowledgeBase: kb.knowledgeBase });
    await closeMany(desk.service, 200);
  });
  afterAll(async () => {
    await desk.close();
    await kb.close();
    await rm(dir, { recursive: true, force: true });
  });

  const sync = () =>
    runKbSync({
      store: desk.store,
      objectStore: kb.objectStore,
      knowledgeBase: kb.knowledgeBase,
      pageSize: 50,
      logger: quiet,
      metrics: (line) => emf.push(line),
      onProgress: (p) => progress.push(p),
    });

  it('syncs all 200 closed incidents (across pages), ingests them and reports one result', async () => {
    const result = await sync();
    expect(result).toMatchObject({
      status: 'completed',
      found: 200,
      synced: 200,
      withdrawn: 0,
      failed: 0,
      changed: 0,
      errors: [],
    });
    expect(result.ingestion).toMatchObject({
      started: true,
      status: 'COMPLETE',
      statistics: {
        numberOfDocumentsScanned: 200,
        numberOfMetadataDocumentsScanned: 200,
        numberOfNewDocumentsIndexed: 200,
        numberOfDocumentsDeleted: 0,
      },
    });
    expect(result.ingestion.jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.durations.totalMs).toBeGreaterThanOrEqual(result.durations.syncMs);
    expect(await collectAll((cursor) => desk.store.listPendingKbSync({ limit: 100, cursor }))).toEqual([]);
    const one = await desk.store.getIncident('INC-0007');
    expect(one?.kb_sync_status).toMatchObject({ state: 'SYNCED', synced: true, document_key: documentKey('INC-0007') });
    // Progress: counted up to 200, with the total once known.
    const last = progress.filter((p) => p.phase === 'sync').at(-1);
    expect(last).toEqual({ phase: 'sync', done: 200, total: 200 });
    // One EMF line with the seed's metrics.
    const line = JSON.parse(emf.at(-1) as string);
    expect(line._aws.CloudWatchMetrics[0].Namespace).toBe('IncidentKBSync');
    expect(line._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name)).toEqual(
      expect.arrayContaining([
        'IncidentsSynced',
        'SyncErrors',
        'SyncDuration',
        'IngestionJobsStarted',
        'IngestionJobsCompleted',
      ]),
    );
    expect(line).toMatchObject({
      IncidentsSynced: 200,
      SyncErrors: 0,
      IngestionJobsStarted: 1,
      IngestionJobsCompleted: 1,
      Service: 'kb-sync',
    });
  });

  it('finds the right incidents, with filters', async () => {
    for (const theme of [THEMES[0], THEMES[2], THEMES[8]]) {
      const hits = await desk.service.findSimilar(
        { text: `${theme?.description} ${theme?.root_cause}` },
        { limit: 10 },
        ctx(ana),
      );
      expect(hits).toHaveLength(10);
      expect(hits.every((h) => themeOf(h.incident_id) === theme)).toBe(true);
    }
    const platform = await desk.service.findSimilar(
      { text: 'memory certificate disk dns' },
      { limit: 20, filters: { team: 'platform', severity: 'CRITICAL' } },
      ctx(ana),
    );
    expect(platform.length).toBeGreaterThan(0);
    expect(platform.every((h) => h.metadata.team === 'platform' && h.metadata.severity === 'CRITICAL')).toBe(true);
    const similar = await desk.service.findSimilar({ incident_id: 'INC-0001' }, { limit: 5 }, ctx(ana));
    expect(similar.map((h) => h.incident_id)).not.toContain('INC-0001');
    expect(similar.every((h) => themeOf(h.incident_id) === THEMES[1])).toBe(true);
  });

  it('withdraws a reopened incident on the next sync and publishes it again once re-closed', async () => {
    const target = 'INC-0010'; // theme 0, Kafka
    const query = { text: 'kafka consumer rebalancing max.poll.interval' };
    const before = await desk.service.findSimilar(query, { limit: 50 }, ctx(ana));
    expect(before.map((h) => h.incident_id)).toContain(target);

    await desk.service.reopen(target, ctx(ana));
    const withdrawn = await sync();
    expect(withdrawn).toMatchObject({ found: 1, synced: 0, withdrawn: 1, failed: 0 });
    expect(withdrawn.ingestion.statistics?.numberOfDocumentsDeleted).toBe(1);
    expect(await kb.objectStore.get(documentKey(target))).toBeNull();
    expect((await desk.store.getIncident(target))?.kb_sync_status.state).toBe('NOT_APPLICABLE');
    const after = await desk.service.findSimilar(query, { limit: 50 }, ctx(ana));
    expect(after.map((h) => h.incident_id)).not.toContain(target);
    expect(after.length).toBe(before.length - 1);

    // Nothing pending: no ingestion job.
    const idle = await sync();
    expect(idle).toMatchObject({ found: 0, ingestion: { started: false, reason: 'nothing_changed' } });

    await desk.service.resolve(
      { incident_id: target, solution: 'raise max.poll.interval.ms again', root_cause: 'regression' },
      ctx(ana),
    );
    await desk.service.close(target, ctx(ana));
    const again = await sync();
    expect(again).toMatchObject({ found: 1, synced: 1 });
    expect(again.ingestion.statistics?.numberOfNewDocumentsIndexed).toBe(1);
    expect((await desk.service.findSimilar(query, { limit: 50 }, ctx(ana))).map((h) => h.incident_id)).toContain(
      target,
    );
  });

  it('cancelling a reopened synced incident withdraws its document too', async () => {
    const target = 'INC-0020';
    await closeOne(desk.service, 'INC-9999', THEMES[3] as (typeof THEMES)[number]);
    await sync();
    await desk.service.reopen(target, ctx(ana));
    await desk.service.cancel(target, ctx(ana));
    const result = await sync();
    expect(result).toMatchObject({ withdrawn: 1 });
    expect(await kb.objectStore.get(documentKey(target))).toBeNull();
    expect(await kb.knowledgeBase.count()).toBe(200); // 200 - INC-0020 + INC-9999
  });
});

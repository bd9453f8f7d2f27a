import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectAll } from '@incidents/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlertSink,
  createFilesystemObjectStore,
  createLocalKnowledgeBase,
  documentKey,
  type KbAlert,
  type LocalKnowledgeBase,
  METADATA_SUFFIX,
  type ObjectStore,
  runKbSync,
} from '../src/index.js';
import { admin, ana, closeMany, closeOne, ctx, type Desk, openDesk, THEMES } from './support/desk.js';

const quiet = { info() {}, warn() {}, error() {} };

/** Wraps the REAL filesystem store and throws on a deterministic 20% of writes (and on FLAKY-1's document until its 5th write). */
function flaky(inner: ObjectStore) {
  const perKey = new Map<string, number>();
  let failures = 0;
  const store: ObjectStore & { failures(): number } = {
    ...inner,
    name: 'flaky-filesystem',
    async put(key, body, options) {
      const n = (perKey.get(key) ?? 0) + 1;
      perKey.set(key, n);
      const bucket = createHash('sha1').update(`${key}#${n}`).digest()[0] as number;
      if ((key === documentKey('FLAKY-1') && n <= 4) || bucket % 5 === 0) {
        failures++;
        throw new Error(`injected write failure #${n} for ${key}`);
      }
      return inner.put(key, body, options);
    },
    failures: () => failures,
  };
  return store;
}

async function allKeys(objects: ObjectStore): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await objects.list({ prefix: 'incidents/', cursor });
    keys.push(...page.items.map((i) => i.key));
    cursor = page.cursor;
  } while (cursor);
  return keys;
}

describe('faults', () => {
  let dir: string;
  let desk: Desk;
  let real: ObjectStore;
  let kb: LocalKnowledgeBase;
  const alerts: KbAlert[] = [];
  const alertSink: AlertSink = { send: async (a) => void alerts.push(a) };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-faults-'));
    desk = await openDesk();
    real = createFilesystemObjectStore({ dir: join(dir, 'documents') });
    kb = await createLocalKnowledgeBase({ url: ':memory:', objectStore: real });
    alerts.length = 0;
  });
  afterEach(async () => {
    await kb.close();
    await desk.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('with 20% of writes failing, a few runs sync everything exactly once, record attempts and alert past 3 failures', async () => {
    const closed = await closeMany(desk.service, 60);
    closed.push(await closeOne(desk.service, 'FLAKY-1', THEMES[0] as (typeof THEMES)[number]));
    const objects = flaky(real);
    const results = [];
    for (let run = 0; run < 12; run++) {
      const r = await runKbSync({
        store: desk.store,
        objectStore: objects,
        knowledgeBase: kb,
        alertSink,
        logger: quiet,
        metrics: false,
        concurrency: 8,
      });
      results.push(r);
      if (r.found === 0) break;
    }
    expect(objects.failures()).toBeGreaterThan(10);
    expect(results[0]?.failed).toBeGreaterThan(0);
    expect(results[0]?.status).toBe('completed_with_errors');
    expect(results[0]?.errors[0]?.error).toContain('injected write failure');
    // Every incident synced exactly once overall…
    expect(results.reduce((n, r) => n + r.synced, 0)).toBe(61);
    expect(results.at(-1)?.found).toBe(0);
    expect(await collectAll((cursor) => desk.store.listPendingKbSync({ cursor }))).toEqual([]);
    // …with exactly one document and one sidecar each, and one index entry each.
    const keys = await allKeys(real);
    expect(keys).toHaveLength(122);
    for (const inc of closed) {
      expect(keys).toContain(documentKey(inc.incident_id));
      expect(keys).toContain(documentKey(inc.incident_id) + METADATA_SUFFIX);
    }
    expect(await kb.count()).toBe(61);
    // Attempts are recorded on the incident; the alert fired once the threshold (3) was passed.
    const flakyRecord = await desk.store.getIncident('FLAKY-1');
    expect(flakyRecord?.kb_sync_status).toMatchObject({ state: 'SYNCED', sync_attempts: 4 });
    expect(alerts.map((a) => a.incident_id)).toContain('FLAKY-1');
    expect(alerts.find((a) => a.incident_id === 'FLAKY-1')).toMatchObject({ attempts: 4 });
    expect(alerts.every((a) => a.attempts > 3)).toBe(true);
    const failedOnce = results[0]?.errors.map((e) => e.incident_id) ?? [];
    for (const id of failedOnce) {
      expect((await desk.store.getIncident(id))?.kb_sync_status.sync_attempts).toBeGreaterThanOrEqual(1);
    }
  });

  it('errors come back sorted by incident id even when later incidents fail first', async () => {
    await closeMany(desk.service, 6);
    const failing: ObjectStore = {
      ...real,
      async put(key) {
        // INC-0000 fails last, INC-0005 first: completion order is the reverse of the id order.
        const n = Number(/INC-(\d+)/.exec(key)?.[1]);
        await new Promise((resolve) => setTimeout(resolve, (6 - n) * 15));
        throw new Error(`disk gone for ${key}`);
      },
    };
    const r = await runKbSync({
      store: desk.store,
      objectStore: failing,
      alertSink,
      alertThreshold: 0,
      logger: quiet,
      metrics: false,
      concurrency: 6,
    });
    const ids = ['INC-0000', 'INC-0001', 'INC-0002', 'INC-0003', 'INC-0004', 'INC-0005'];
    expect(r.status).toBe('completed_with_errors');
    expect(r.errors.map((e) => e.incident_id)).toEqual(ids);
    expect(r.alerted).toEqual(ids);
    // The alerts themselves went out as the failures happened: latest id first.
    expect(alerts.map((a) => a.incident_id)).toEqual([...ids].reverse());
  });

  it('a crash between upload and mark loses nothing and duplicates nothing', async () => {
    await closeMany(desk.service, 30);
    const controller = new AbortController();
    let documentsWritten = 0;
    const crashing: ObjectStore = {
      ...real,
      async put(key, body, options) {
        await real.put(key, body, options);
        if (!key.endsWith(METADATA_SUFFIX) && ++documentsWritten === 10) controller.abort(new Error('process killed'));
      },
    };
    await expect(
      runKbSync({
        store: desk.store,
        objectStore: crashing,
        knowledgeBase: kb,
        logger: quiet,
        metrics: false,
        concurrency: 4,
        // Marks are written per page, once the page's uploads are done: small pages so that the
        // first page is marked before the crash hits the second one.
        pageSize: 5,
        signal: controller.signal,
      }),
    ).rejects.toThrow('process killed');
    const pending = await collectAll((cursor) => desk.store.listPendingKbSync({ cursor }));
    expect(pending.length).toBeGreaterThanOrEqual(20); // the uploads of the crashed page (and after) were not marked
    expect(pending.length).toBeLessThan(30); // the page finished before the crash was marked

    const rerun = await runKbSync({
      store: desk.store,
      objectStore: real,
      knowledgeBase: kb,
      logger: quiet,
      metrics: false,
    });
    expect(rerun).toMatchObject({ status: 'completed', found: pending.length, synced: pending.length, failed: 0 });
    expect(rerun.ingestion.statistics?.numberOfNewDocumentsIndexed).toBe(30);
    expect(await allKeys(real)).toHaveLength(60);
    expect(await collectAll((cursor) => desk.store.listPendingKbSync({ cursor }))).toEqual([]);
    expect(await kb.count()).toBe(30);
  });

  it('an incident reopened while its document is being written keeps no document', async () => {
    await closeOne(desk.service, 'RACE-1', THEMES[4] as (typeof THEMES)[number]);
    await closeOne(desk.service, 'CALM-1', THEMES[5] as (typeof THEMES)[number]);
    const racing: ObjectStore = {
      ...real,
      async put(key, body, options) {
        await real.put(key, body, options);
        if (key === documentKey('RACE-1')) await desk.service.reopen('RACE-1', ctx(ana));
      },
    };
    const result = await runKbSync({ store: desk.store, objectStore: racing, logger: quiet, metrics: false });
    expect(result).toMatchObject({ found: 2, synced: 1, changed: 1, failed: 0 });
    expect(await real.get(documentKey('RACE-1'))).toBeNull();
    expect(await real.get(documentKey('CALM-1'))).not.toBeNull();
    expect((await desk.store.getIncident('RACE-1'))?.kb_sync_status.state).toBe('NOT_APPLICABLE');
    // A comment added meanwhile leaves the incident pending; the next run exports the new revision.
    await closeOne(desk.service, 'NOTE-1', THEMES[6] as (typeof THEMES)[number]);
    const noting: ObjectStore = {
      ...real,
      async put(key, body, options) {
        await real.put(key, body, options);
        if (key === documentKey('NOTE-1'))
          await desk.service.addComment({ incident_id: 'NOTE-1', text: 'late note' }, ctx(admin));
      },
    };
    expect(await runKbSync({ store: desk.store, objectStore: noting, logger: quiet, metrics: false })).toMatchObject({
      found: 1,
      synced: 0,
      changed: 1,
    });
    const next = await runKbSync({ store: desk.store, objectStore: real, logger: quiet, metrics: false });
    expect(next).toMatchObject({ found: 1, synced: 1 });
    const stored = JSON.parse(new TextDecoder().decode((await real.get(documentKey('NOTE-1')))?.body));
    expect(stored.revision).toBe((await desk.store.getIncident('NOTE-1'))?.revision);
  });

  it('refuses bad options with the field named', async () => {
    await expect(runKbSync({ store: desk.store, objectStore: real, prefix: '/abs' })).rejects.toThrow(/prefix/);
    await expect(runKbSync({ store: desk.store, objectStore: real, concurrency: 0 })).rejects.toThrow(/concurrency/);
    await expect(runKbSync({ store: desk.store } as never)).rejects.toThrow(/objectStore/);
  });
});

import {
  type Actor,
  ConflictError,
  createIncidentService,
  type IncidentStore,
  IncidentsError,
  type Interaction,
  NotFoundError,
  ValidationError,
} from '@incidents/core';
import { collectAll } from '@incidents/core';
import { createTursoStore, type TursoStore } from '@incidents/store-turso';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJiraConnector } from '../src/jira/index.js';
import { createZendeskConnector } from '../src/zendesk/index.js';
import { createSyncEngine } from '../src/engine/index.js';
import type { FetchLike } from '../src/http/http-client.js';
import {
  jiraComment,
  type JiraServer,
  makeJiraIssue,
  startJiraServer,
} from '@incidents/test-support/servers/jira-server';
import { makeZdTicket, startZendeskServer, type ZendeskServer } from '@incidents/test-support/servers/zendesk-server';

const creds = { email: 'bot@example.com', apiToken: 'jira-token-secret' };
const zdCreds = { email: 'agent@example.com', apiToken: 'zd-token-secret' };
const ana: Actor = { id: 'ana@example.com', roles: ['operator'] };

let server: JiraServer;
let store: TursoStore;

beforeEach(async () => {
  server = await startJiraServer(creds);
  store = await createTursoStore({ url: ':memory:' });
});
afterEach(async () => {
  await store.close();
  await server.close();
});

function jira(extra: Record<string, unknown> = {}) {
  return createJiraConnector({
    baseUrl: server.url,
    auth: creds,
    jql: 'project = OPS',
    pageSize: 3,
    retry: { baseDelayMs: 1, maxRetries: 1 },
    ...extra,
  });
}

/** Seven issues (three pages of three), the third with a remote comment. */
function seedIssues() {
  for (let n = 1; n <= 7; n++) {
    server.issues.push(
      makeJiraIssue(n, `2026-02-0${n}T10:00:00.000Z`, {
        description: `Issue ${n} description`,
        comments: n === 3 ? [jiraComment('100', 'Seen in prod too', '2026-02-03T09:00:00.000Z')] : [],
      }),
    );
  }
}

/** Changes an issue on the Jira server, as someone editing it in Jira would. */
function editIssue(key: string, changes: Partial<(typeof server.issues)[number]>) {
  const issue = server.issues.find((i) => i.key === key);
  if (!issue) throw new Error(`missing issue ${key}`);
  Object.assign(issue, changes);
}

async function versions(s: IncidentStore, id: string) {
  return collectAll((cursor) => s.listVersions(id, { limit: 100, cursor }));
}

async function comments(s: IncidentStore, id: string): Promise<Interaction[]> {
  return collectAll((cursor) =>
    s.listInteractions(id, { types: ['comment'], includeInternal: true, order: 'asc', cursor }),
  );
}

describe('sync engine: options', () => {
  /** The issues of the ValidationError `createSyncEngine` throws for `options`. */
  function issuesOf(options: Record<string, unknown>): Array<{ path: string; message: string }> {
    try {
      createSyncEngine({ store, connectors: [jira()], ...options } as Parameters<typeof createSyncEngine>[0]);
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).message).toMatch(/^Invalid sync engine options: /);
      return (err as ValidationError).details.issues;
    }
    throw new Error('createSyncEngine accepted the options');
  }

  it('checks every option against its schema, each issue naming the option (not only the numbers)', () => {
    expect(issuesOf({ connectors: [jira(), jira()] })).toEqual([
      { path: 'connectors.1.name', message: 'two connectors are named jira' },
    ]);
    expect(issuesOf({ connectors: [{ name: 'x' }] })).toEqual([
      { path: 'connectors.0', message: 'not a connector (needs name and pull)' },
    ]);
    expect(issuesOf({ concurrency: 0, leaseMs: Number.NaN })).toEqual([
      { path: 'concurrency', message: 'expected a number ≥ 1' },
      { path: 'leaseMs', message: 'expected a number ≥ 1' },
    ]);
    // Options that only failed later (or never) before they had a schema: a clock without now(), a
    // progress callback that is not a function, a backoff factor that never grows.
    expect(issuesOf({ clock: {}, onProgress: 'log', backoff: { factor: 0 } }).map((i) => i.path)).toEqual([
      'clock',
      'backoff.factor',
      'onProgress',
    ]);
  });
});

describe('sync engine: pull', () => {
  it('imports three pages, with source records, comments and a completed cursor', async () => {
    seedIssues();
    const engine = createSyncEngine({ store, connectors: [jira()] });
    const summary = await engine.pull('jira');
    expect(summary.errors).toEqual([]);
    expect(summary.connectors[0]).toMatchObject({
      ok: true,
      pages: 3,
      records: 7,
      created: 7,
      updated: 0,
      commentsImported: 1,
    });
    const all = await collectAll((cursor) => store.queryIncidents({ by: 'source', source_system: 'JIRA' }, { cursor }));
    expect(all.map((i) => i.incident_id)).toEqual(['OPS-1', 'OPS-2', 'OPS-3', 'OPS-4', 'OPS-5', 'OPS-6', 'OPS-7']);
    const ops3 = await store.getIncident('OPS-3');
    expect(ops3).toMatchObject({ external_id: 'OPS-3', source_system: 'JIRA', status: 'NEW', revision: 1 });
    expect(ops3?.sync_metadata.remote_snapshot).toMatchObject({
      title: 'Incident 3',
      status: 'NEW',
      updated_at: '2026-02-03T10:00:00.000Z',
    });
    expect((await store.listSourceRecords('OPS-3')).map((r) => [r.source_system, r.record_id])).toEqual([
      ['JIRA', 'OPS-3'],
    ]);
    expect((await comments(store, 'OPS-3')).map((c) => [c.external_id, c.text, c.source])).toEqual([
      ['100', 'Seen in prod too', 'JIRA'],
    ]);
    const cursor = await store.getSyncCursor('jira');
    expect(cursor).toMatchObject({ connector: 'jira', high_watermark: '2026-02-07T10:00:00.000Z' });
    expect(cursor?.resume_cursor).toBeUndefined();
  });

  it('re-running creates nothing and writes no version', async () => {
    seedIssues();
    const engine = createSyncEngine({ store, connectors: [jira()] });
    await engine.pull('jira');
    const before = await Promise.all(['OPS-1', 'OPS-7'].map((id) => versions(store, id)));
    const again = await engine.pull('jira', { since: '2000-01-01T00:00:00Z' });
    expect(again.totals).toMatchObject({ records: 7, created: 0, updated: 0, unchanged: 7, commentsImported: 0 });
    const incremental = await engine.pull('jira');
    // The look-back window re-reads the last records (5 minutes before the watermark): still unchanged.
    expect(incremental.totals).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    const after = await Promise.all(['OPS-1', 'OPS-7'].map((id) => versions(store, id)));
    expect(after).toEqual(before);
    expect(after.map((v) => v.length)).toEqual([1, 1]);
    expect(await comments(store, 'OPS-3')).toHaveLength(1);
  });

  it('after a vendor failure on page 3, the re-run resumes and loses or duplicates nothing', async () => {
    seedIssues();
    let searches = 0;
    let failing = true;
    const faultyFetch: FetchLike = async (input, init) => {
      if (String(input).includes('/search/jql') && failing && ++searches >= 3)
        throw new TypeError('fetch failed: connection reset');
      return fetch(input, init);
    };
    const first = await createSyncEngine({ store, connectors: [jira({ fetch: faultyFetch })] }).pull('all');
    expect(first.connectors[0]).toMatchObject({ ok: false, pages: 2, created: 6 });
    expect(first.errors[0]?.code).toBe('connector.http');
    const cursor = await store.getSyncCursor('jira');
    // Not advanced past unpersisted data: no completed watermark, a resume point after page 2.
    expect(cursor?.high_watermark).toBeUndefined();
    expect(cursor?.pending_high_watermark).toBe('2026-02-06T10:00:00.000Z');
    expect(cursor?.resume_cursor).toEqual(expect.any(String));
    expect(cursor?.last_error).toMatch(/connection reset/);

    failing = false;
    const second = await createSyncEngine({ store, connectors: [jira({ fetch: faultyFetch })] }).pull('all');
    expect(second.connectors[0]).toMatchObject({ ok: true, pages: 1, created: 1, updated: 0 });
    const all = await collectAll((c) => store.queryIncidents({ by: 'source', source_system: 'JIRA' }, { cursor: c }));
    expect(all.map((i) => i.incident_id)).toHaveLength(7);
    for (const i of all) expect(await versions(store, i.incident_id)).toHaveLength(1);
    expect(await store.getSyncCursor('jira')).toMatchObject({ high_watermark: '2026-02-07T10:00:00.000Z' });
  });

  it('takes a look-back per connector name (and checks it)', async () => {
    seedIssues();
    await createSyncEngine({ store, connectors: [jira()] }).pull('all');
    const engine = createSyncEngine({ store, connectors: [jira()], lookbackMs: { jira: 2 * 86_400_000 } });
    await engine.pull('all');
    // Watermark 2026-02-07T10:00Z minus two days, written in the Jira user's zone (UTC-8).
    expect(server.requestsTo('/rest/api/3/search/jql').at(-1)?.json).toMatchObject({
      jql: expect.stringContaining('updated >= "2026-02-05 02:00"'),
    });
    expect(() => createSyncEngine({ store, connectors: [jira()], lookbackMs: { jira: -1 } })).toThrow(
      /lookbackMs\.jira/,
    );
  });

  it('a resume cursor the vendor refuses as expired: the pull starts again from the watermark, says so once, and recovers', async () => {
    seedIssues();
    // A first complete pull sets the watermark; two issues change later.
    const engine = () => createSyncEngine({ store, connectors: [jira({ retry: { baseDelayMs: 1, maxRetries: 0 } })] });
    await engine().pull('all');
    editIssue('OPS-2', { summary: 'changed 2', updated: '2026-02-10T10:00:00.000Z' });
    editIssue('OPS-5', { summary: 'changed 5', updated: '2026-02-11T10:00:00.000Z' });
    for (let n = 8; n <= 11; n++) server.issues.push(makeJiraIssue(n, `2026-02-12T1${n - 8}:00:00.000Z`));
    // The next pull stops after its first page (the vendor fails), leaving a resume cursor.
    let calls = 0;
    const stopAfterFirst: FetchLike = async (input, init) => {
      if (String(input).includes('/search/jql') && ++calls === 2) throw new TypeError('fetch failed: reset');
      return fetch(input, init);
    };
    const broken = await createSyncEngine({
      store,
      connectors: [jira({ fetch: stopAfterFirst, retry: { baseDelayMs: 1, maxRetries: 0 } })],
    }).pull('all');
    expect(broken.connectors[0]?.ok).toBe(false);
    expect((await store.getSyncCursor('jira'))?.resume_cursor).toEqual(expect.any(String));
    // Eight days later Jira refuses the old nextPageToken with 400.
    server.tokensExpireBefore = Date.now() + 1;
    const again = await engine().pull('all');
    expect(again.errors).toEqual([]);
    expect(again.connectors[0]?.warnings).toEqual([expect.stringMatching(/resume cursor was refused.*watermark/)]);
    const titles = await Promise.all(['OPS-2', 'OPS-5', 'OPS-11'].map((id) => store.getIncident(id)));
    expect(titles.map((i) => i?.title)).toEqual(['changed 2', 'changed 5', 'Incident 11']);
    const cursor = await store.getSyncCursor('jira');
    expect(cursor?.resume_cursor).toBeUndefined();
    expect(cursor?.high_watermark).toBe('2026-02-12T13:00:00.000Z');
    // Once: the next run has nothing to say.
    expect((await engine().pull('all')).connectors[0]?.warnings).toBeUndefined();
  });

  it('after a store failure in the middle of page 3, the cursor still points at page 3 and the re-run completes it', async () => {
    seedIssues();
    let creates = 0;
    // The real store, with one injected fault: the 7th create (page 3) fails as a crashed write would.
    const faulty = new Proxy(store, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop === 'createIncident' || prop === 'createIncidents') {
          return async (...args: unknown[]) => {
            const writes = prop === 'createIncidents' ? (args[0] as unknown[]).length : 1;
            if (creates + writes >= 7 && creates < 7) {
              creates = 7;
              throw new IncidentsError('store', 'disk I/O error', { userError: false });
            }
            creates += writes;
            return (value as (...a: unknown[]) => Promise<void>).apply(target, args);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as TursoStore;
    const first = await createSyncEngine({ store: faulty, connectors: [jira()], concurrency: 1 }).pull('jira');
    expect(first.connectors[0]).toMatchObject({ ok: false, pages: 2, created: 6 });
    expect(first.errors[0]).toMatchObject({ code: 'store', message: 'disk I/O error' });
    expect((await store.getSyncCursor('jira'))?.pending_high_watermark).toBe('2026-02-06T10:00:00.000Z');

    const second = await createSyncEngine({ store, connectors: [jira()] }).pull('jira');
    expect(second.connectors[0]).toMatchObject({ ok: true, pages: 1, created: 1 });
    const all = await collectAll((c) => store.queryIncidents({ by: 'source', source_system: 'JIRA' }, { cursor: c }));
    expect(all).toHaveLength(7);
    expect(await comments(store, 'OPS-3')).toHaveLength(1);
  });

  it('applies remote changes to fields the local copy kept, records a conflict when both sides changed, never touches local work', async () => {
    seedIssues();
    const engine = createSyncEngine({ store, connectors: [jira()] });
    await engine.pull('jira');
    const incidents = createIncidentService({ store });
    await incidents.claim('OPS-2', { actor: ana });
    await incidents.updateProgress(
      { incident_id: 'OPS-2', analysis: { root_cause: 'pool exhausted' } },
      { actor: ana },
    );
    // Remote: new title (local kept it) and a new status (local changed it too, differently).
    editIssue('OPS-2', {
      summary: 'Checkout 502 in eu-west',
      status: 'Waiting for customer',
      category: 'indeterminate',
      updated: '2026-02-10T10:00:00.000Z',
    });

    const summary = await engine.pull('jira');
    expect(summary.totals).toMatchObject({ updated: 1, conflicts: 1 });
    const got = await store.getIncident('OPS-2');
    expect(got?.title).toBe('Checkout 502 in eu-west');
    expect(got?.status).toBe('IN_PROGRESS');
    expect(got?.cline_work?.analysis?.root_cause).toBe('pool exhausted');
    expect(got?.sync_metadata.conflicts).toEqual([
      expect.objectContaining({
        field: 'status',
        local_value: 'IN_PROGRESS',
        remote_value: 'PENDING',
        source_system: 'JIRA',
        resolved: false,
      }),
    ]);
    expect(got?.sync_metadata.remote_snapshot).toMatchObject({ status: 'PENDING', title: 'Checkout 502 in eu-west' });
    const history = await versions(store, 'OPS-2');
    expect(history.at(-1)?.metadata).toMatchObject({ last_modified_by: 'sync@incidents' });
    expect(history.at(-1)?.metadata.version_notes).toMatch(/applied title.*conflicts on status/);

    // Surfaced, and not recorded twice by the next pull.
    expect((await engine.status()).conflicts).toBe(1);
    expect((await engine.conflicts()).map((c) => c.incident_id)).toEqual(['OPS-2']);
    await engine.pull('jira', { since: '2000-01-01T00:00:00Z' });
    expect((await store.getIncident('OPS-2'))?.sync_metadata.conflicts).toHaveLength(1);
  });
  it('a pull that updates a closed incident keeps a knowledge-base mark made after the engine read it', async () => {
    seedIssues();
    await createSyncEngine({ store, connectors: [jira()] }).pull('jira');
    const incidents = createIncidentService({ store });
    await incidents.claim('OPS-1', { actor: ana });
    await incidents.resolve(
      { incident_id: 'OPS-1', solution: 'Restarted the pool', root_cause: 'pool exhausted' },
      { actor: ana },
    );
    await incidents.close('OPS-1', { actor: ana });
    // The KB job marks OPS-1 after the engine read it and before the engine's write lands.
    let marked = false;
    const racing = new Proxy(store, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        if (prop !== 'updateIncident') return value.bind(target);
        return async (write: Parameters<IncidentStore['updateIncident']>[0]) => {
          if (write.incident.incident_id === 'OPS-1' && !marked) {
            marked = await target.markKbSynced({
              incident_id: 'OPS-1',
              expectedRevision: write.expectedRevision,
              synced_at: '2026-02-11T00:00:00.000Z',
              document_key: 'incidents/OPS-1.json',
            });
          }
          return target.updateIncident(write);
        };
      },
    });
    editIssue('OPS-1', { summary: 'Checkout latency (renamed in Jira)', updated: '2026-02-10T10:00:00.000Z' });
    const summary = await createSyncEngine({ store: racing, connectors: [jira()] }).pull('jira');
    expect(summary.totals).toMatchObject({ updated: 1 });
    expect(marked).toBe(true);
    const got = await store.getIncident('OPS-1');
    expect(got?.title).toBe('Checkout latency (renamed in Jira)');
    expect(got?.kb_sync_status).toMatchObject({ state: 'SYNCED', document_key: 'incidents/OPS-1.json' });
  });
});

/** Imports the seeded issues, then makes OPS-2 conflict on status (IN_PROGRESS here, PENDING in Jira). */
async function statusConflict() {
  seedIssues();
  const engine = createSyncEngine({ store, connectors: [jira()] });
  await engine.pull('jira');
  await createIncidentService({ store }).claim('OPS-2', { actor: ana });
  await createIncidentService({ store }).startWork('OPS-2', { actor: ana });
  // The person's status change is queued for Jira; drop it so that only the conflict matters here.
  for (const item of (await store.listOutbound({ status: 'PENDING' })).items) {
    await store.updateOutbound({ item, changes: { status: 'COMPLETED', completed_at: item.created_at } });
  }
  editIssue('OPS-2', {
    status: 'Waiting for customer',
    category: 'indeterminate',
    priority: 'Low',
    updated: '2026-02-10T10:00:00.000Z',
  });
  // A local priority change too: a second conflict, on another field.
  const before = await store.getIncident('OPS-2');
  if (!before) throw new Error('missing incident');
  await store.updateIncident({
    incident: { ...before, priority: 'P1', revision: before.revision + 1 },
    expectedRevision: before.revision,
  });
  const summary = await engine.pull('jira');
  expect(summary.totals.conflicts).toBe(2);
  return engine;
}

describe('sync engine: resolving conflicts', () => {
  it('keep=remote applies the source value with its side effects and clears only that field', async () => {
    const engine = await statusConflict();
    const before = await store.getIncident('OPS-2');
    const result = await engine.resolveConflict({ incident_id: 'OPS-2', field: 'status', keep: 'remote', actor: ana });
    expect(result).toMatchObject({
      incident_id: 'OPS-2',
      field: 'status',
      keep: 'remote',
      value: 'PENDING',
      revision: (before?.revision ?? 0) + 1,
      queued: false,
    });
    expect(result.resolved).toEqual([
      expect.objectContaining({ field: 'status', local_value: 'IN_PROGRESS', remote_value: 'PENDING', resolved: true }),
    ]);
    expect(result.resolved[0]).toHaveProperty('resolved_at', result.resolved_at);

    const got = await store.getIncident('OPS-2');
    expect(got?.status).toBe('PENDING');
    expect(got?.sync_metadata.conflicts?.map((c) => [c.field, c.resolved])).toEqual([
      ['status', true],
      ['priority', false],
    ]);
    const history = await versions(store, 'OPS-2');
    expect(history.at(-1)?.metadata).toMatchObject({
      last_modified_by: 'ana@example.com',
      version_notes: 'conflict on status resolved: kept the remote value',
    });
    const timeline = await collectAll((cursor) =>
      store.listInteractions('OPS-2', { types: ['status_change'], order: 'asc', cursor }),
    );
    expect(timeline.at(-1)).toMatchObject({
      author: 'ana@example.com',
      metadata: { from: 'IN_PROGRESS', to: 'PENDING' },
    });
    // Nothing goes back to Jira: it already has that value.
    expect((await store.listOutbound({ status: 'PENDING' })).items).toEqual([]);
    expect((await engine.conflicts()).flatMap((i) => i.conflicts.map((c) => c.field))).toEqual(['priority']);
    expect((await engine.status()).conflicts).toBe(1);

    // keep=remote on a plain field, and the next pull records nothing again.
    const priority = await engine.resolveConflict({ incident_id: 'OPS-2', field: 'priority', keep: 'remote' });
    expect(priority.value).toBe('P4');
    expect(await engine.conflicts()).toEqual([]);
    const again = await engine.pull('jira', { since: '2000-01-01T00:00:00Z' });
    expect(again.totals.conflicts).toBe(0);
    expect(await store.getIncident('OPS-2')).toMatchObject({ status: 'PENDING', priority: 'P4' });
  });

  it('keep=local keeps the value and queues the status for the source system', async () => {
    const engine = await statusConflict();
    const result = await engine.resolveConflict({ incident_id: 'OPS-2', field: 'status', keep: 'local' });
    expect(result).toMatchObject({ value: 'IN_PROGRESS', queued: true });
    expect((await store.getIncident('OPS-2'))?.status).toBe('IN_PROGRESS');
    expect((await store.listOutbound({ status: 'PENDING' })).items).toEqual([
      expect.objectContaining({
        sync_type: 'STATUS_CHANGE',
        connector: 'jira',
        incident_id: 'OPS-2',
        payload: { from: 'PENDING', to: 'IN_PROGRESS' },
      }),
    ]);
    expect((await engine.push('jira')).totals.pushed).toBe(1);
    expect(server.issues.find((i) => i.key === 'OPS-2')?.status).toBe('In Progress');
    // Jira now agrees: the next pull records no conflict on status.
    await engine.pull('jira', { since: '2000-01-01T00:00:00Z' });
    expect((await engine.conflicts()).flatMap((i) => i.conflicts.map((c) => c.field))).toEqual(['priority']);

    // keep=local on priority: nothing to push (connectors push only comments and status).
    const priority = await engine.resolveConflict({ incident_id: 'OPS-2', field: 'priority', keep: 'local' });
    expect(priority).toMatchObject({ value: 'P1', queued: false });
    expect((await store.getIncident('OPS-2'))?.priority).toBe('P1');
    expect(await engine.conflicts()).toEqual([]);
  });

  it('re-reads after a concurrent write, and names what is wrong', async () => {
    await statusConflict();
    // A person comments between the engine's read and its write: the first write is stale.
    let raced = false;
    const racing = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'getIncident') {
          return async (id: string) => {
            const read = await target.getIncident(id);
            if (!raced) {
              raced = true;
              await createIncidentService({ store: target }).addComment(
                { incident_id: id, text: 'Still waiting on the customer' },
                { actor: ana },
              );
            }
            return read;
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const engine = createSyncEngine({ store: racing, connectors: [] });
    const before = await store.getIncident('OPS-2');
    const result = await engine.resolveConflict({ incident_id: 'OPS-2', field: 'status', keep: 'remote' });
    expect(raced).toBe(true);
    expect(result.revision).toBe((before?.revision ?? 0) + 2);
    expect(await comments(store, 'OPS-2')).toEqual([
      expect.objectContaining({ text: 'Still waiting on the customer' }),
    ]);

    const readOnly = createSyncEngine({ store, connectors: [] });
    await expect(readOnly.resolveConflict({ incident_id: 'OPS-404', field: 'status', keep: 'remote' })).rejects.toThrow(
      NotFoundError,
    );
    const none = await readOnly
      .resolveConflict({ incident_id: 'OPS-2', field: 'status', keep: 'remote' })
      .catch((e: unknown) => e);
    expect(none).toBeInstanceOf(ValidationError);
    expect((none as ValidationError).details.issues).toEqual([
      { path: 'field', message: 'incident OPS-2 has no unresolved conflict on status; open conflicts: priority' },
    ]);
    const bad = await readOnly
      .resolveConflict({ incident_id: 'OPS-2', field: 'priority', keep: 'theirs' as 'local' })
      .catch((e: unknown) => e);
    expect((bad as ValidationError).details.issues).toEqual([
      { path: 'keep', message: 'expected "local" or "remote"' },
    ]);
  });

  it('surfaces ConflictError when the incident keeps changing', async () => {
    await statusConflict();
    const busy = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'getIncident') {
          return async (id: string) => {
            const read = await target.getIncident(id);
            if (read) {
              await target.updateIncident({
                incident: { ...read, revision: read.revision + 1 },
                expectedRevision: read.revision,
              });
            }
            return read;
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const engine = createSyncEngine({ store: busy, connectors: [] });
    await expect(engine.resolveConflict({ incident_id: 'OPS-2', field: 'status', keep: 'remote' })).rejects.toThrow(
      ConflictError,
    );
    expect((await store.getIncident('OPS-2'))?.sync_metadata.conflicts?.every((c) => !c.resolved)).toBe(true);
  });

  it('an engine without connectors lists the conflicts of every source system', async () => {
    await statusConflict();
    const readOnly = createSyncEngine({ store, connectors: [] });
    expect((await readOnly.conflicts()).map((c) => [c.incident_id, c.source_system, c.conflicts.length])).toEqual([
      ['OPS-2', 'JIRA', 2],
    ]);
    expect((await readOnly.status()).conflicts).toBe(2);
  });
});

describe('sync engine: push', () => {
  it('round-trips comments without echo', async () => {
    seedIssues();
    const engine = createSyncEngine({ store, connectors: [jira()] });
    await engine.pull('jira');
    const incidents = createIncidentService({ store });
    const local = await incidents.addComment({ incident_id: 'OPS-3', text: 'Restarted the pool' }, { actor: ana });
    expect((await store.listOutbound({ status: 'PENDING' })).items).toHaveLength(1);

    const pushed = await engine.push('jira');
    expect(pushed.totals).toMatchObject({ pushed: 1, failed: 0, dead: 0 });
    const posted = server.requestsTo('/rest/api/3/issue/OPS-3/comment', 'POST');
    expect(posted).toHaveLength(1);
    const issue = server.issues.find((i) => i.key === 'OPS-3');
    const remoteId = issue?.comments.at(-1)?.id;
    const mine = (await comments(store, 'OPS-3')).find((c) => c.interaction_id === local.comment_id);
    expect(mine?.external_id).toBe(remoteId);
    expect(await store.countOutbound()).toMatchObject({ COMPLETED: 1, PENDING: 0 });

    // The next pull sees both comments in Jira and imports neither again.
    const next = await engine.pull('jira', { since: '2000-01-01T00:00:00Z' });
    expect(next.totals.commentsImported).toBe(0);
    expect(await comments(store, 'OPS-3')).toHaveLength(2);
    // A new remote comment is imported once; the import itself is never pushed back.
    issue?.comments.push(jiraComment('20050', 'Customer confirms', '2026-02-11T09:00:00.000Z'));
    if (issue) issue.updated = new Date(Date.now() + 60_000).toISOString();
    expect((await engine.pull('jira')).totals.commentsImported).toBe(1);
    expect((await engine.pull('jira', { since: '2000-01-01T00:00:00Z' })).totals.commentsImported).toBe(0);
    expect((await engine.push('jira')).totals.pushed).toBe(0);
    expect(server.requestsTo('/rest/api/3/issue/OPS-3/comment', 'POST')).toHaveLength(1);
    expect((await comments(store, 'OPS-3')).map((c) => c.text).sort()).toEqual([
      'Customer confirms',
      'Restarted the pool',
      'Seen in prod too',
    ]);
  });

  it('pushes a local status change through the workflow', async () => {
    server.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z', { assigneeEmail: 'ana@example.com' }));
    const engine = createSyncEngine({ store, connectors: [jira()] });
    await engine.pull('jira');
    const incidents = createIncidentService({ store });
    await incidents.startWork('OPS-1', { actor: ana });
    expect((await engine.push('jira')).totals.pushed).toBe(1);
    expect(server.issues[0]?.status).toBe('In Progress');
    // The pull that follows sees In Progress on both sides: no conflict, nothing overwritten.
    const after = await engine.pull('jira', { since: '2000-01-01T00:00:00Z' });
    expect(after.totals.conflicts).toBe(0);
    expect((await store.getIncident('OPS-1'))?.status).toBe('IN_PROGRESS');
  });

  it('retries a failing item with backoff and ends it DEAD after max_attempts, visible in status()', async () => {
    server.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z'));
    let now = Date.parse('2026-03-01T10:00:00.000Z');
    const clock = { now: () => new Date(now) };
    const engine = createSyncEngine({
      store,
      connectors: [jira()],
      clock,
      maxAttempts: 3,
      backoff: { baseMs: 60_000, factor: 2 },
    });
    await engine.pull('jira');
    await createIncidentService({ store, clock }).addComment(
      { incident_id: 'OPS-1', text: 'Any news?' },
      { actor: ana },
    );
    server.issues.length = 0; // the issue is gone in Jira: every push answers 404

    const first = await engine.push('jira');
    expect(first.totals).toMatchObject({ pushed: 0, failed: 1, dead: 0 });
    const [failed] = (await store.listOutbound({ status: 'FAILED' })).items;
    expect(failed).toMatchObject({ attempts: 1, next_attempt_at: '2026-03-01T10:01:00.000Z' });
    expect(failed?.error_message).toMatch(/404|not exist/i);
    // Not due before its backoff.
    expect((await engine.push('jira')).totals.failed).toBe(0);
    now += 60_000;
    expect((await engine.push('jira')).totals).toMatchObject({ failed: 1, dead: 0 });
    now += 120_000;
    expect((await engine.push('jira')).totals).toMatchObject({ failed: 0, dead: 1 });
    now += 10 * 60_000;
    expect((await engine.push('jira')).totals).toMatchObject({ failed: 0, dead: 0, pushed: 0 });

    const status = await engine.status();
    expect(status.queue).toMatchObject({ DEAD: 1, FAILED: 0, PENDING: 0 });
    expect(status.dead).toEqual([
      expect.objectContaining({ sync_type: 'COMMENT', attempts: 3, status: 'DEAD', incident_id: 'OPS-1' }),
    ]);
    // A retried comment is first looked for in the issue (an earlier attempt may have landed): the
    // retries read the comments (404 here) and post nothing.
    expect(server.requestsTo('/rest/api/3/issue/OPS-1/comment', 'POST')).toHaveLength(1);
    expect(server.requestsTo('/rest/api/3/issue/OPS-1/comment', 'GET')).toHaveLength(2);
  });
});

describe('sync engine: faults across connectors', () => {
  let zendesk: ZendeskServer;
  beforeEach(async () => {
    zendesk = await startZendeskServer(zdCreds);
  });
  afterEach(async () => {
    await zendesk.close();
  });

  it('an auth failure stops that connector with a clear error and does not stop another', async () => {
    seedIssues();
    for (let n = 1; n <= 4; n++) zendesk.tickets.push(makeZdTicket(n, `2026-02-0${n}T10:00:00Z`));
    const badJira = jira({ auth: { email: creds.email, apiToken: 'revoked' } });
    const zd = createZendeskConnector({ baseUrl: zendesk.url, auth: zdCreds, retry: { baseDelayMs: 1 } });
    const engine = createSyncEngine({ store, connectors: [badJira, zd] });
    const summary = await engine.run('all');
    expect(summary.errors).toEqual([expect.objectContaining({ connector: 'jira', code: 'connector.auth' })]);
    expect(summary.errors[0]?.message).not.toContain('revoked');
    expect(summary.connectors[1]).toMatchObject({ connector: 'zendesk', ok: true, created: 4 });
    expect((await store.getSyncCursor('jira'))?.last_error).toMatch(/jira/);
    expect((await store.getSyncCursor('zendesk'))?.high_watermark).toBe('2026-02-04T10:00:00.000Z');
  });

  it('a dry run reports what would change and writes nothing', async () => {
    seedIssues();
    const engine = createSyncEngine({ store, connectors: [jira()] });
    const dry = await engine.pull('jira', { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, totals: { created: 7 } });
    expect(await store.getIncident('OPS-1')).toBeNull();
    expect(await store.getSyncCursor('jira')).toBeNull();
    await expect(engine.pull('nope')).rejects.toThrow(/unknown connector nope/);
  });
});

describe('sync engine: incidents bound to a source record by someone without the import right', () => {
  const carla = 'carla.ruiz@cliente.example';

  /**
   * An incident bound to Jira OPS-3 whose creator is a registered customer: what a customer could
   * write before the service refused source fields to non-importers (data written then still exists).
   */
  async function squat() {
    await store.putUser({
      email: carla,
      name: 'Carla',
      role: 'customer',
      active: true,
      created_at: '2026-01-01T00:00:00.000Z',
    });
    const legacy = createIncidentService({ store });
    return legacy.create(
      { title: 'my printer', source_system: 'JIRA', external_id: 'OPS-3' },
      { actor: { id: carla, roles: ['admin'] } },
    );
  }

  it('a pull does not merge the vendor record into it, and counts a conflict', async () => {
    seedIssues();
    const squatter = await squat();
    const engine = createSyncEngine({ store, connectors: [jira()] });
    const summary = await engine.pull('jira');
    expect(summary.errors).toEqual([]);
    expect(summary.totals).toMatchObject({ created: 6, updated: 0, conflicts: 1 });
    const after = await store.getIncident(squatter.incident_id);
    expect(after).toMatchObject({ title: 'my printer', description: '', revision: 1 });
    expect(await comments(store, squatter.incident_id)).toEqual([]);
  });

  it('a comment on it is never pushed to the vendor record', async () => {
    seedIssues();
    const squatter = await squat();
    const incidents = createIncidentService({ store });
    await incidents.addComment(
      { incident_id: squatter.incident_id, text: 'please escalate' },
      { actor: { id: carla, roles: ['customer'] } },
    );
    const engine = createSyncEngine({ store, connectors: [jira()] });
    const pushed = await engine.push('jira');
    expect(pushed.totals).toMatchObject({ pushed: 0, skipped: 1 });
    expect(server.requestsTo('/rest/api/3/issue/OPS-3/comment', 'POST')).toHaveLength(0);
  });

  it('an incident an admin bound is merged as before', async () => {
    seedIssues();
    await store.putUser({
      email: 'lead@example.com',
      name: 'Lead',
      role: 'admin',
      active: true,
      created_at: '2026-01-01T00:00:00.000Z',
    });
    const incidents = createIncidentService({ store });
    const bound = await incidents.create(
      { title: 'pre-registered', source_system: 'JIRA', external_id: 'OPS-3' },
      { actor: { id: 'lead@example.com', roles: ['admin'] } },
    );
    const summary = await engine().pull('jira');
    expect(summary.totals).toMatchObject({ created: 6, updated: 1, conflicts: 0 });
    expect((await store.getIncident(bound.incident_id))?.description).toBe('Issue 3 description');
  });

  function engine() {
    return createSyncEngine({ store, connectors: [jira()] });
  }
});

/**
 * Records deleted at the vendor are noticed and their local incidents get a clear source-record
 * state (never kept as if alive): Zendesk's export returns deleted tickets with status `deleted`,
 * ServiceNow writes `sys_audit_delete` rows, Jira's bulk fetch no longer returns a deleted key.
 * Pushes to a deleted record are skipped with the reason.
 */
import { type Actor, createIncidentService, type Incident } from '@incidents/core';
import { createTursoStore, type TursoStore } from '@incidents/store-turso';
import { describe, expect, it } from 'vitest';
import { closeAfterEach, NO_RETRY as retry } from './cleanup.js';
import { DELETED_SOURCE_STATUS, isDeletedAtSource } from '../src/engine/deletions.js';
import { createSyncEngine } from '../src/engine/index.js';
import { createJiraConnector } from '../src/jira/index.js';
import { createServiceNowConnector } from '../src/servicenow/index.js';
import { createRemedyConnector } from '../src/remedy/index.js';
import { createShortcutConnector } from '../src/shortcut/index.js';
import { createSlackConnector } from '../src/slack/index.js';
import { createZendeskConnector } from '../src/zendesk/index.js';
import { makeJiraIssue, startJiraServer } from '@incidents/test-support/servers/jira-server';
import { makeSnRecord, snNow, startServiceNowServer } from '@incidents/test-support/servers/servicenow-server';
import { makeRemedyEntry, startRemedyServer } from '@incidents/test-support/servers/remedy-server';
import { makeScStory, startShortcutServer } from '@incidents/test-support/servers/shortcut-server';
import { startSlackServer } from '@incidents/test-support/servers/slack-server';
import { makeZdTicket, startZendeskServer } from '@incidents/test-support/servers/zendesk-server';

const ana: Actor = { id: 'ana@example.com', roles: ['operator'] };
const closers = closeAfterEach();

async function memoryStore(): Promise<TursoStore> {
  const store = await createTursoStore({ url: ':memory:' });
  closers.push(() => store.close());
  return store;
}

async function expectDeleted(
  store: TursoStore,
  system: 'JIRA' | 'SERVICENOW' | 'ZENDESK' | 'REMEDY' | 'SLACK' | 'SHORTCUT',
  id: string,
) {
  const incident = (await store.findBySource(system, id)) as Incident;
  expect(incident).not.toBeNull();
  expect(isDeletedAtSource(incident)).toBe(true);
  const [record] = (await store.listSourceRecords(incident.incident_id)).filter((r) => r.record_id === id);
  expect(record?.status).toBe(DELETED_SOURCE_STATUS);
  expect(record?.data).toMatchObject({ record_state: DELETED_SOURCE_STATUS });
  return incident;
}

describe('deletions at the source', () => {
  it('Zendesk: a ticket deleted since the last pull is marked deleted; a comment queued for it is skipped, not pushed', async () => {
    const creds = { email: 'agent@example.com', apiToken: 'zd-t0ken' };
    const zendesk = await startZendeskServer(creds);
    closers.push(() => zendesk.close());
    zendesk.tickets.push(makeZdTicket(1, '2026-02-01T10:00:00Z'), makeZdTicket(2, '2026-02-01T11:00:00Z'));
    const store = await memoryStore();
    const engine = createSyncEngine({
      store,
      connectors: [createZendeskConnector({ baseUrl: zendesk.url, auth: creds, retry })],
    });
    expect((await engine.pull('zendesk')).totals.created).toBe(2);

    const ticket = zendesk.tickets.find((t) => t.id === 1);
    if (!ticket) throw new Error('no ticket 1');
    ticket.status = 'deleted';
    ticket.updated_at = '2026-02-02T09:00:00Z';
    const local = await store.findBySource('ZENDESK', '1');
    if (!local) throw new Error('ticket 1 was not imported');
    await createIncidentService({ store }).addComment(
      { incident_id: local.incident_id, text: 'Any news?', visibility: 'PUBLIC' },
      { actor: ana },
    );
    const run = await engine.run('zendesk');
    expect(run.errors).toEqual([]);
    expect(run.totals.deleted).toBe(1);
    expect(run.totals.skipped).toBe(1);
    expect(zendesk.requestsTo('/api/v2/tickets/1.json', 'PUT')).toHaveLength(0);
    await expectDeleted(store, 'ZENDESK', '1');
    expect(isDeletedAtSource((await store.findBySource('ZENDESK', '2')) as Incident)).toBe(false);
    // Noticed once.
    expect((await engine.pull('zendesk')).totals.deleted).toBe(0);
  });

  it('ServiceNow: sys_audit_delete rows since the watermark mark their incidents deleted', async () => {
    const creds = { username: 'sync.user', password: 'p4ss' };
    const sn = await startServiceNowServer(creds);
    closers.push(() => sn.close());
    sn.records.push(makeSnRecord(1, snNow(-3600)), makeSnRecord(2, snNow(-3500)));
    const store = await memoryStore();
    const engine = createSyncEngine({
      store,
      connectors: [createServiceNowConnector({ baseUrl: sn.url, auth: creds, retry })],
    });
    expect((await engine.pull('servicenow')).totals.created).toBe(2);
    const [first] = sn.records;
    if (!first) throw new Error('no record');
    sn.deleteRecord(first.sys_id, snNow());
    const again = await engine.pull('servicenow');
    expect(again.errors).toEqual([]);
    expect(again.totals.deleted).toBe(1);
    await expectDeleted(store, 'SERVICENOW', first.sys_id);
    const query = sn.requestsTo('/api/now/table/sys_audit_delete').at(-1)?.query.get('sysparm_query') ?? '';
    expect(query).toMatch(/^tablename=incident\^sys_created_on>=\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\^/);
  });

  it('Jira (reconcileDeletions): a key the bulk fetch no longer returns is marked deleted; without the option nothing is checked', async () => {
    const creds = { email: 'bot@example.com', apiToken: 'jira-t0ken' };
    const jira = await startJiraServer(creds);
    closers.push(() => jira.close());
    jira.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z'), makeJiraIssue(2, '2026-02-01T11:00:00.000Z'));
    const store = await memoryStore();
    const plain = createSyncEngine({
      store,
      connectors: [createJiraConnector({ baseUrl: jira.url, auth: creds, retry })],
    });
    expect((await plain.pull('jira')).totals.created).toBe(2);
    jira.issues.splice(0, 1);
    expect((await plain.pull('jira')).totals.deleted).toBe(0);
    expect(jira.requestsTo('/rest/api/3/issue/bulkfetch')).toHaveLength(0);

    const reconciling = createSyncEngine({
      store,
      connectors: [createJiraConnector({ baseUrl: jira.url, auth: creds, retry, reconcileDeletions: true })],
    });
    const run = await reconciling.pull('jira');
    expect(run.errors).toEqual([]);
    expect(run.totals.deleted).toBe(1);
    await expectDeleted(store, 'JIRA', 'OPS-1');
    expect(isDeletedAtSource((await store.findBySource('JIRA', 'OPS-2')) as Incident)).toBe(false);
    // The deleted key is not asked about again.
    await reconciling.pull('jira');
    const last = jira.requestsTo('/rest/api/3/issue/bulkfetch').at(-1)?.json as { issueIdsOrKeys: string[] };
    expect(last.issueIdsOrKeys).toEqual(['OPS-2']);
  });

  it('Remedy (reconcileDeletions): an incident number the form no longer returns is marked deleted', async () => {
    const creds = { username: 'Demo', password: 'remedy-pw' };
    const remedy = await startRemedyServer(creds);
    closers.push(() => remedy.close());
    remedy.entries.push(makeRemedyEntry(1, '2026-02-01T10:00:00Z'), makeRemedyEntry(2, '2026-02-01T11:00:00Z'));
    const store = await memoryStore();
    const engine = createSyncEngine({
      store,
      connectors: [createRemedyConnector({ baseUrl: remedy.url, auth: creds, retry, reconcileDeletions: true })],
    });
    expect((await engine.pull('remedy')).totals.created).toBe(2);
    remedy.entries.splice(0, 1);
    const run = await engine.pull('remedy');
    expect(run.errors).toEqual([]);
    expect(run.totals.deleted).toBe(1);
    await expectDeleted(store, 'REMEDY', 'INC000000000001');
    expect(isDeletedAtSource((await store.findBySource('REMEDY', 'INC000000000002')) as Incident)).toBe(false);
  });

  it('Shortcut: an archived story (pulled) and a deleted one (404, reconcileDeletions) are marked deleted', async () => {
    const token = 'sc-t0ken';
    const sc = await startShortcutServer(token);
    closers.push(() => sc.close());
    sc.stories.push(
      makeScStory(1, '2026-02-01T10:00:00Z'),
      makeScStory(2, '2026-02-01T11:00:00Z'),
      makeScStory(3, '2026-02-01T12:00:00Z'),
    );
    const store = await memoryStore();
    const engine = createSyncEngine({
      store,
      connectors: [createShortcutConnector({ baseUrl: sc.url, apiToken: token, retry, reconcileDeletions: true })],
    });
    expect((await engine.pull('shortcut')).totals.created).toBe(3);
    const archived = sc.stories.find((s) => s.id === 1);
    if (!archived) throw new Error('no story 1');
    archived.archived = true;
    archived.updated_at = new Date().toISOString();
    sc.stories.splice(
      sc.stories.findIndex((s) => s.id === 2),
      1,
    );
    const run = await engine.pull('shortcut');
    expect(run.errors).toEqual([]);
    expect(run.totals.deleted).toBe(2);
    await expectDeleted(store, 'SHORTCUT', '1');
    await expectDeleted(store, 'SHORTCUT', '2');
    expect(isDeletedAtSource((await store.findBySource('SHORTCUT', '3')) as Incident)).toBe(false);
  });

  it('Slack (reconcileDeletions): a deleted message, or a thread parent left as a tombstone, is marked deleted', async () => {
    const token = 'xoxb-1-2-t0ken';
    const channelId = 'C024BE91L';
    const slack = await startSlackServer(token, channelId);
    closers.push(() => slack.close());
    slack.messages.push(
      { ts: '1770000060.000100', user: 'U1', text: 'report 1' },
      { ts: '1770000120.000100', user: 'U1', text: 'report 2', reply_count: 1, thread_ts: '1770000120.000100' },
      { ts: '1770000180.000100', user: 'U1', text: 'report 3' },
    );
    const store = await memoryStore();
    const engine = createSyncEngine({
      store,
      connectors: [
        createSlackConnector({ token, channelId, baseUrl: `${slack.url}/api/`, retry, reconcileDeletions: true }),
      ],
    });
    expect((await engine.pull('slack')).totals.created).toBe(3);
    slack.messages.splice(0, 1);
    const parent = slack.messages.find((m) => m.ts === '1770000120.000100');
    if (!parent) throw new Error('no thread parent');
    Object.assign(parent, { subtype: 'tombstone', text: 'This message was deleted.' });
    const run = await engine.pull('slack');
    expect(run.errors).toEqual([]);
    expect(run.totals.deleted).toBe(2);
    await expectDeleted(store, 'SLACK', `${channelId}:1770000060.000100`);
    await expectDeleted(store, 'SLACK', `${channelId}:1770000120.000100`);
    expect(isDeletedAtSource((await store.findBySource('SLACK', `${channelId}:1770000180.000100`)) as Incident)).toBe(
      false,
    );
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeRemedyEntry, type RemedyServer, startRemedyServer } from '@incidents/test-support/servers/remedy-server';
import { pullAll, transportFaultTests } from '../../test/transport-faults.js';
import type { ConnectorError } from '../errors.js';
import { createRemedyConnector } from './client.js';
import { REMEDY_MAX_PAGE_SIZE, REMEDY_OPTIONS_SCHEMA } from './options.js';

const creds = { username: 'Demo', password: 'remedy-secret-pw' };

describe('remedy connector', () => {
  let server: RemedyServer;
  beforeEach(async () => {
    server = await startRemedyServer(creds);
  });
  afterEach(async () => {
    await server.close();
  });
  const connector = (extra: Record<string, unknown> = {}) =>
    createRemedyConnector({ baseUrl: server.url, auth: creds, retry: { baseDelayMs: 1 }, ...extra });

  it('logs in once, pulls every page (keyset, _links.next) since the watermark, with work logs', async () => {
    for (let n = 1; n <= 5; n++) server.entries.push(makeRemedyEntry(n, `2026-02-0${n}T10:00:00Z`));
    server.worklogs.push({
      'Work Log ID': 'WLG1',
      'Incident Number': 'INC000000000004',
      'Detailed Description': 'called the user',
      Submitter: 'Allen',
      'Submit Date': '2026-02-04T09:00:00.000+0000',
      'View Access': 'Internal',
    });
    const pages = await pullAll(connector({ pageSize: 2 }), { since: '2026-02-02T10:00:00Z' });
    expect(pages.map((p) => p.items.map((i) => i.external_id))).toEqual([
      ['INC000000000002', 'INC000000000003'],
      ['INC000000000004', 'INC000000000005'],
    ]);
    expect(pages[1]?.items[0]?.comments).toEqual([
      {
        external_id: 'WLG1',
        author: 'Allen',
        text: 'called the user',
        created_at: '2026-02-04T09:00:00.000Z',
        visibility: 'INTERNAL',
      },
    ]);
    expect(server.logins).toBe(1);
    const first = server.requestsTo('/api/arsys/v1/entry/HPD:Help Desk')[0];
    expect(first?.query.get('q')).toBe(`'Last Modified Date' >= ${Date.parse('2026-02-02T10:00:00Z') / 1000}`);
    expect(first?.headers.authorization).toMatch(/^AR-JWT tok-1-/);
    expect(pages[1]?.nextCursor).toBeNull();
    // Keyset: the second page asks for what comes after the last entry of the first.
    const second = server.requestsTo('/api/arsys/v1/entry/HPD:Help Desk')[1];
    const t3 = Date.parse('2026-02-03T10:00:00Z') / 1000;
    expect(second?.query.get('q')).toBe(
      `'Last Modified Date' >= ${Date.parse('2026-02-02T10:00:00Z') / 1000} AND (('Last Modified Date' > ${t3}) OR ('Last Modified Date' = ${t3} AND 'Request ID' > "000000000000003"))`,
    );
    expect(second?.query.get('offset')).toBeNull();
  });

  it('an entry modified between two page requests of a pull: every entry still arrives', async () => {
    for (let n = 1; n <= 6; n++) server.entries.push(makeRemedyEntry(n, `2026-02-0${n}T10:00:00Z`));
    // Right after the first page is served, entry 1 (already read) is modified: it moves to the end.
    server.afterList.push(() => {
      const first = server.entries[0];
      if (first) first['Last Modified Date'] = '2026-02-09T10:00:00.000+0000';
    });
    const pages = await pullAll(connector({ pageSize: 2 }), { since: '2026-01-01T00:00:00Z' });
    const ids = pages.flatMap((p) => p.items.map((i) => i.external_id));
    expect(new Set(ids)).toEqual(new Set([1, 2, 3, 4, 5, 6].map((n) => `INC${String(n).padStart(12, '0')}`)));
  });

  it('entries modified in the same second are all read across a page boundary', async () => {
    for (let n = 1; n <= 5; n++) server.entries.push(makeRemedyEntry(n, '2026-02-01T10:00:00Z'));
    const pages = await pullAll(connector({ pageSize: 2 }), { since: '2026-01-01T00:00:00Z' });
    expect(pages.flatMap((p) => p.items.map((i) => i.external_id))).toHaveLength(5);
  });

  it('asks for at most REMEDY_MAX_PAGE_SIZE entries a request, the limit its option schema declares', async () => {
    server.entries.push(makeRemedyEntry(1, '2026-02-01T10:00:00Z'));
    await pullAll(connector({ pageSize: 5000 }));
    expect(server.requestsTo('/api/arsys/v1/entry/HPD:Help Desk')[0]?.query.get('limit')).toBe(
      String(REMEDY_MAX_PAGE_SIZE),
    );
    expect(REMEDY_OPTIONS_SCHEMA.safeParse({ baseUrl: server.url, auth: creds, pageSize: 5000 }).success).toBe(false);
  });

  it('refreshes the AR-JWT once on 401 and carries on', async () => {
    server.entries.push(makeRemedyEntry(1, '2026-02-01T10:00:00Z'));
    const remedy = connector();
    await pullAll(remedy);
    server.tokens.clear(); // the token expired on the server
    const pages = await pullAll(remedy);
    expect(pages[0]?.items).toHaveLength(1);
    expect(server.logins).toBe(2);
  });

  it('stops with connector.auth when the refreshed token is refused too', async () => {
    server.entries.push(makeRemedyEntry(1, '2026-02-01T10:00:00Z'));
    server.failNext(
      '/api/arsys/v1/entry/HPD:Help Desk',
      { status: 401, body: [{ messageText: 'expired' }] },
      { status: 401, body: [{ messageText: 'expired' }] },
    );
    const err = (await pullAll(connector()).catch((e: unknown) => e)) as ConnectorError;
    expect(err.code).toBe('connector.auth');
    expect(server.logins).toBe(2);
  });

  it('pushes work-log entries with their view access and returns the Location id', async () => {
    server.entries.push(makeRemedyEntry(1, '2026-02-01T10:00:00Z'));
    const remedy = connector();
    const pub = await remedy.pushComment({ externalId: 'INC000000000001', text: 'Patched', visibility: 'PUBLIC' });
    const internal = await remedy.pushComment({
      externalId: 'INC000000000001',
      text: 'root cause: disk',
      visibility: 'INTERNAL',
    });
    expect(await remedy.fetchComments('INC000000000001')).toMatchObject([
      { external_id: pub.externalCommentId, text: 'Patched', visibility: 'PUBLIC', author: 'Demo' },
      { external_id: internal.externalCommentId, text: 'root cause: disk', visibility: 'INTERNAL' },
    ]);
  });

  it('updates Status (and Resolution) through HPD:IncidentInterface by Request ID, with a Status_Reason', async () => {
    server.entries.push(makeRemedyEntry(7, '2026-02-01T10:00:00Z'));
    // BMC Helix refuses modifications written to HPD:Help Desk and a Resolved status without a reason.
    await connector().pushStatus({
      externalId: 'INC000000000007',
      status: 'RESOLVED',
      resolution: { type: 'FIXED', description: 'replaced disk' },
    });
    expect(server.entries[0]).toMatchObject({
      Status: 'Resolved',
      Status_Reason: 'No Further Action Required',
      Resolution: 'replaced disk',
    });
    const puts = server.requestsTo('/api/arsys/v1/entry/HPD:IncidentInterface/000000000000007', 'PUT');
    expect(puts).toHaveLength(1);
    expect(puts[0]?.json).toMatchObject({ values: { 'z1D Action': 'MODIFY' } });
    expect(server.requestsTo('/api/arsys/v1/entry/HPD:Help Desk/', 'PUT')).toHaveLength(0);
  });

  it('sends the configured Status_Reason for Pending, and none for a status that needs none', async () => {
    server.entries.push(makeRemedyEntry(8, '2026-02-01T10:00:00Z'));
    const remedy = connector({ statusReasons: { PENDING: 'Supplier Delivery' } });
    await remedy.pushStatus({ externalId: 'INC000000000008', status: 'PENDING' });
    expect(server.entries[0]).toMatchObject({ Status: 'Pending', Status_Reason: 'Supplier Delivery' });
    await remedy.pushStatus({ externalId: 'INC000000000008', status: 'IN_PROGRESS' });
    const last = server.requestsTo('/api/arsys/v1/entry/HPD:IncidentInterface/', 'PUT').at(-1);
    expect(last?.json).toEqual({ values: { 'z1D Action': 'MODIFY', Status: 'In Progress' } });
  });

  it('a Pending status without any reason is refused by the server (per-record 400)', async () => {
    server.entries.push(makeRemedyEntry(9, '2026-02-01T10:00:00Z'));
    const err = (await connector({ statusReasons: { PENDING: '' } })
      .pushStatus({ externalId: 'INC000000000009', status: 'PENDING' })
      .catch((e: unknown) => e)) as ConnectorError;
    expect(err.code).toBe('connector.http');
    expect(err.details).toMatchObject({ status: 400 });
    expect(err.message).toContain('Required field cannot be blank');
  });

  describe('transport faults', () => {
    transportFaultTests(async () => {
      const s = await startRemedyServer(creds);
      return {
        server: s,
        good: () => createRemedyConnector({ baseUrl: s.url, auth: creds, retry: { baseDelayMs: 1 } }),
        bad: () =>
          createRemedyConnector({
            baseUrl: s.url,
            auth: { username: 'Demo', password: 'WRONG-secret' },
            retry: { baseDelayMs: 1 },
          }),
        badSecret: 'WRONG-secret',
        seed: () => s.entries.push(makeRemedyEntry(1, '2026-02-01T10:00:00Z')),
        pullPath: '/api/arsys/v1/entry/HPD:Help Desk',
        malformed: {
          reply: {
            body: {
              entries: [
                {
                  values: {
                    'Incident Number': 'INC1',
                    Description: 'x',
                    Status: 'New',
                    'Submit Date': '2026-01-01T00:00:00.000+0000',
                  },
                },
              ],
            },
          },
          path: 'entries.0.values.Last Modified Date',
        },
      };
    });
  });
});

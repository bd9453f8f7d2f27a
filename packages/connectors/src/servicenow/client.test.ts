import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { transportFaultTests, pullAll } from '../../test/transport-faults.js';
import {
  makeSnRecord,
  type ServiceNowServer,
  snNow,
  startServiceNowServer,
} from '../../test/servers/servicenow-server.js';
import { createServiceNowConnector } from './client.js';

const creds = { username: 'sync.user', password: 'p4ss-w0rd-secret' };

describe('servicenow connector', () => {
  let server: ServiceNowServer;
  beforeEach(async () => {
    server = await startServiceNowServer(creds);
  });
  afterEach(async () => {
    await server.close();
  });
  const connector = (extra: Record<string, unknown> = {}) =>
    createServiceNowConnector({ baseUrl: server.url, auth: creds, retry: { baseDelayMs: 1 }, ...extra });

  it('pulls every page with sysparm_offset, bounded by sys_updated_on, with comments and work notes', async () => {
    for (let n = 1; n <= 5; n++) server.records.push(makeSnRecord(n, `2026-02-0${n} 10:00:00`));
    server.journal.push(
      {
        sys_id: 'j1',
        element: 'comments',
        element_id: makeSnRecord(3, '').sys_id,
        value: 'customer says hi',
        sys_created_on: '2026-02-03 09:00:00',
        sys_created_by: 'abel.tuter',
      },
      {
        sys_id: 'j2',
        element: 'work_notes',
        element_id: makeSnRecord(3, '').sys_id,
        value: 'checked logs',
        sys_created_on: '2026-02-03 09:30:00',
        sys_created_by: 'beth.anglin',
      },
    );
    const pages = await pullAll(connector({ pageSize: 2 }), { since: '2026-02-02T10:00:00Z' });
    expect(pages.map((p) => p.items.map((i) => i.input.incident_id))).toEqual([
      ['INC0000002', 'INC0000003'],
      ['INC0000004', 'INC0000005'],
      [],
    ]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(pages.at(-1)?.highWatermark).toBe('2026-02-05T10:00:00.000Z');
    expect(pages[0]?.items[1]?.comments).toEqual([
      {
        external_id: 'j1',
        author: 'abel.tuter',
        text: 'customer says hi',
        created_at: '2026-02-03T09:00:00.000Z',
        visibility: 'PUBLIC',
      },
      {
        external_id: 'j2',
        author: 'beth.anglin',
        text: 'checked logs',
        created_at: '2026-02-03T09:30:00.000Z',
        visibility: 'INTERNAL',
      },
    ]);
    const first = server.requestsTo('/api/now/table/incident')[0];
    expect(first?.query.get('sysparm_query')).toBe(
      "sys_updated_on>=javascript:gs.dateGenerate('2026-02-02','10:00:00')^ORDERBYsys_updated_on^ORDERBYsys_id",
    );
    expect(first?.query.get('sysparm_display_value')).toBe('all');
    expect(server.requestsTo('/api/now/table/incident').map((r) => r.query.get('sysparm_offset'))).toEqual([
      '0',
      '2',
      '4',
    ]);
  });

  it('resumes from a cursor', async () => {
    for (let n = 1; n <= 3; n++) server.records.push(makeSnRecord(n, `2026-02-0${n} 10:00:00`));
    const it = connector({ pageSize: 2 }).pull()[Symbol.asyncIterator]();
    const first = await it.next();
    const rest = await pullAll(connector({ pageSize: 2 }), { cursor: first.value?.nextCursor });
    expect(rest.flatMap((p) => p.items.map((i) => i.input.incident_id))).toEqual(['INC0000003']);
  });

  it('pushes comments (PUBLIC) and work notes (INTERNAL) and returns their journal ids', async () => {
    server.records.push(makeSnRecord(1, snNow()));
    const sn = connector();
    const id = server.records[0]?.sys_id ?? '';
    const pub = await sn.pushComment({ externalId: id, text: 'We are on it', visibility: 'PUBLIC' });
    const internal = await sn.pushComment({ externalId: id, text: 'restarted pod', visibility: 'INTERNAL' });
    const comments = await sn.fetchComments(id);
    expect(comments.map((c) => [c.external_id, c.text, c.visibility])).toEqual([
      [pub.externalCommentId, 'We are on it', 'PUBLIC'],
      [internal.externalCommentId, 'restarted pod', 'INTERNAL'],
    ]);
    expect(server.requestsTo(`/api/now/table/incident/${id}`, 'PATCH').map((r) => r.json)).toEqual([
      { comments: 'We are on it' },
      { work_notes: 'restarted pod' },
    ]);
  });

  it('pushes state with close_code and close_notes, and On Hold with a hold reason', async () => {
    server.records.push(makeSnRecord(1, snNow()));
    const sn = connector();
    const id = server.records[0]?.sys_id ?? '';
    await sn.pushStatus({ externalId: id, status: 'PENDING' });
    expect(server.records[0]).toMatchObject({ state: '3', hold_reason: '1' });
    await sn.pushStatus({
      externalId: id,
      status: 'RESOLVED',
      resolution: { type: 'WORKAROUND', description: 'rolled back' },
    });
    expect(server.records[0]).toMatchObject({
      state: '6',
      close_code: 'Workaround provided',
      close_notes: 'rolled back',
    });
  });

  it('reports a missing record as connector.http 404 with the vendor message', async () => {
    const err = await connector()
      .pushStatus({ externalId: 'nope', status: 'IN_PROGRESS' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'connector.http', details: { status: 404, connector: 'servicenow' } });
    expect((err as Error).message).toContain('No Record found');
  });

  describe('transport faults', () => {
    transportFaultTests(async () => {
      const s = await startServiceNowServer(creds);
      return {
        server: s,
        good: () => createServiceNowConnector({ baseUrl: s.url, auth: creds, retry: { baseDelayMs: 1 } }),
        bad: () =>
          createServiceNowConnector({
            baseUrl: s.url,
            auth: { username: creds.username, password: 'WRONG-secret' },
            retry: { baseDelayMs: 1 },
          }),
        badSecret: 'WRONG-secret',
        seed: () => s.records.push(makeSnRecord(1, '2026-02-01 10:00:00')),
        pullPath: '/api/now/table/incident',
        malformed: {
          reply: {
            body: {
              result: [
                {
                  sys_id: 'x',
                  number: 'INC1',
                  short_description: 'a',
                  state: '1',
                  sys_created_on: '2026-01-01 00:00:00',
                },
              ],
            },
          },
          path: 'result.0.sys_updated_on',
        },
      };
    });
  });
});

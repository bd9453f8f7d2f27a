import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { transportFaultTests, pullAll } from '../../test/transport-faults.js';
import {
  makeSnRecord,
  type ServiceNowServer,
  snNow,
  startServiceNowServer,
} from '@incidents/test-support/servers/servicenow-server';
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

  it('pulls every page by keyset (after the last row), bounded by a UTC sys_updated_on literal, with comments and work notes', async () => {
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
      'sys_updated_on>=2026-02-02 10:00:00^ORDERBYsys_updated_on^ORDERBYsys_id',
    );
    expect(first?.query.get('sysparm_display_value')).toBe('all');
    // Keyset: the second page starts after the last row of the first; the Link header has no next after it.
    const second = server.requestsTo('/api/now/table/incident')[1];
    expect(second?.query.get('sysparm_query')).toBe(
      `sys_updated_on>=2026-02-02 10:00:00^sys_updated_on>2026-02-03 10:00:00^NQsys_updated_on>=2026-02-02 10:00:00^sys_updated_on=2026-02-03 10:00:00^sys_id>${makeSnRecord(3, '').sys_id}^ORDERBYsys_updated_on^ORDERBYsys_id`,
    );
    expect(server.requestsTo('/api/now/table/incident')).toHaveLength(2);
  });

  it('reads the since bound as UTC while the integration user is at UTC-8 (no gs.dateGenerate)', async () => {
    server.timeZone = 'America/Los_Angeles';
    server.records.push(makeSnRecord(1, '2026-02-02 09:59:59'), makeSnRecord(2, '2026-02-02 11:00:00'));
    const pages = await pullAll(connector(), { since: '2026-02-02T10:00:00Z' });
    expect(pages.flatMap((p) => p.items.map((i) => i.input.incident_id))).toEqual(['INC0000002']);
  });

  it('a record changed between two page requests of a pull: every record still arrives', async () => {
    for (let n = 1; n <= 6; n++) server.records.push(makeSnRecord(n, `2026-02-0${n} 10:00:00`));
    // Right after the first page is served, INC0000001 (already read) is edited: it moves to the end.
    server.afterList.push(() => {
      const first = server.records[0];
      if (first) first.sys_updated_on = '2026-02-09 10:00:00';
    });
    const pages = await pullAll(connector({ pageSize: 2 }), { since: '2026-01-01T00:00:00Z' });
    const ids = pages.flatMap((p) => p.items.map((i) => i.input.incident_id));
    expect(new Set(ids)).toEqual(new Set([1, 2, 3, 4, 5, 6].map((n) => `INC000000${n}`)));
  });

  it('a page shortened (or emptied) by ACLs is not the end: follows Link rel="next"', async () => {
    for (let n = 1; n <= 8; n++) server.records.push(makeSnRecord(n, `2026-02-0${n} 10:00:00`));
    // The first page of 3 loses two rows, the second window all three.
    for (const n of [1, 2, 4, 5, 6]) server.hidden.add(makeSnRecord(n, '').sys_id);
    const pages = await pullAll(connector({ pageSize: 3 }), { since: '2026-01-01T00:00:00Z' });
    expect(pages.flatMap((p) => p.items.map((i) => i.input.incident_id))).toEqual([
      'INC0000003',
      'INC0000007',
      'INC0000008',
    ]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
  });

  it('journal and sys_audit_delete pages shortened by ACLs are not the end either: every comment and deletion arrives', async () => {
    const record = makeSnRecord(1, '2026-02-01 10:00:00');
    server.records.push(record);
    // 1,001 comments (the connector reads 1,000 a page); the ACLs hide one on the first page.
    for (let k = 1; k <= 1001; k++) {
      server.journal.push({
        sys_id: `j${String(k).padStart(4, '0')}`,
        element: 'comments',
        element_id: record.sys_id,
        value: `comment ${k}`,
        sys_created_on: `2026-02-01 10:${String(Math.floor(k / 60) % 60).padStart(2, '0')}:${String(k % 60).padStart(2, '0')}`,
        sys_created_by: 'agent',
      });
    }
    server.hidden.add('j0500');
    const [page] = await pullAll(connector(), { since: '2026-01-01T00:00:00Z' });
    const comments = page?.items[0]?.comments.map((c) => c.text) ?? [];
    expect(comments).toHaveLength(1000);
    expect(comments).toContain('comment 1001');

    // 1,001 deleted records; the ACLs hide one audit row on the first page.
    for (let n = 2; n <= 1002; n++) server.deleteRecord(makeSnRecord(n, '').sys_id, '2026-02-02 10:00:00');
    server.hidden.add('audit-7');
    const deleted: string[] = [];
    const listDeleted = connector().listDeleted;
    if (!listDeleted) throw new Error('no listDeleted');
    for await (const batch of listDeleted({ since: '2026-02-01T00:00:00Z', known: async function* () {} })) {
      deleted.push(...batch.map((d) => d.external_id));
    }
    expect(deleted).toHaveLength(1000);
    expect(deleted).toContain(makeSnRecord(1002, '').sys_id);
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

  it('never moves a record backwards: ASSIGNED does not reset an In Progress incident to New', async () => {
    server.records.push(makeSnRecord(1, snNow()), { ...makeSnRecord(2, snNow()), state: '1' });
    const sn = connector();
    const [inProgress, fresh] = server.records;
    await sn.pushStatus({ externalId: inProgress?.sys_id ?? '', status: 'ASSIGNED' });
    expect(inProgress?.state).toBe('2');
    expect(server.requestsTo(`/api/now/table/incident/${inProgress?.sys_id}`, 'PATCH')).toHaveLength(0);
    // A New record may still be written (assignment happens in ServiceNow's own fields).
    await sn.pushStatus({ externalId: fresh?.sys_id ?? '', status: 'ASSIGNED' });
    expect(server.requestsTo(`/api/now/table/incident/${fresh?.sys_id}`, 'PATCH')).toHaveLength(1);
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

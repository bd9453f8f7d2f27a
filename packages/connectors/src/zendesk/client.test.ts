import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeZdTicket, startZendeskServer, type ZendeskServer } from '@incidents/test-support/servers/zendesk-server';
import { pullAll, transportFaultTests } from '../../test/transport-faults.js';
import { createZendeskConnector } from './client.js';

const creds = { email: 'agent@example.com', apiToken: 'zd-api-token-secret' };

describe('zendesk connector', () => {
  let server: ZendeskServer;
  beforeEach(async () => {
    server = await startZendeskServer(creds);
  });
  afterEach(async () => {
    await server.close();
  });
  const connector = (extra: Record<string, unknown> = {}) =>
    createZendeskConnector({ baseUrl: server.url, auth: creds, retry: { baseDelayMs: 1 }, ...extra });

  it('follows the export cursor until end_of_stream, with every comment of every ticket', async () => {
    for (let n = 1; n <= 5; n++) server.tickets.push(makeZdTicket(n, `2026-02-0${n}T10:00:00Z`));
    server.tickets[2]?.comments.push(
      ...[1, 2, 3].map((i) => ({
        id: 500 + i,
        type: 'Comment' as const,
        author_id: i === 2 ? 1 : 2,
        body: `c${i}`,
        plain_body: `c${i}`,
        public: i !== 2,
        created_at: `2026-02-03T0${i}:00:00Z`,
      })),
    );
    server.commentPageSize = 2;
    const pages = await pullAll(connector({ pageSize: 2 }), { since: '2026-02-02T10:00:00Z' });
    expect(pages.map((p) => p.items.map((i) => i.input.incident_id))).toEqual([
      ['ZD-2', 'ZD-3'],
      ['ZD-4', 'ZD-5'],
    ]);
    expect(pages[0]?.items[1]?.comments).toEqual([
      {
        external_id: '501',
        author: 'jane@example.com',
        text: 'c1',
        created_at: '2026-02-03T01:00:00.000Z',
        visibility: 'PUBLIC',
      },
      {
        external_id: '502',
        author: 'agent@example.com',
        text: 'c2',
        created_at: '2026-02-03T02:00:00.000Z',
        visibility: 'INTERNAL',
      },
      {
        external_id: '503',
        author: 'jane@example.com',
        text: 'c3',
        created_at: '2026-02-03T03:00:00.000Z',
        visibility: 'PUBLIC',
      },
    ]);
    expect(pages[0]?.items[0]).toMatchObject({ input: { assigned_to: 'agent@example.com', team: 'Support L2' } });
    const exports = server.requestsTo('/api/v2/incremental/tickets/cursor.json');
    expect(exports[0]?.query.get('start_time')).toBe(String(Date.parse('2026-02-02T10:00:00Z') / 1000));
    expect(exports[1]?.query.get('cursor')).toEqual(expect.any(String));
    expect(exports[1]?.query.has('start_time')).toBe(false);
    expect(pages[1]?.nextCursor).toBeNull();
    expect(server.requestsTo('/api/v2/tickets/3/comments.json')).toHaveLength(2);
  });

  it('pushes public replies and internal notes, returning the comment id from the audit', async () => {
    server.tickets.push(makeZdTicket(9, '2026-02-01T10:00:00Z'));
    const zd = connector();
    const pub = await zd.pushComment({ externalId: '9', text: 'Fixed, please retry', visibility: 'PUBLIC' });
    const note = await zd.pushComment({ externalId: '9', text: 'root cause: cache', visibility: 'INTERNAL' });
    expect((await zd.fetchComments('9')).map((c) => [c.external_id, c.visibility])).toEqual([
      [pub.externalCommentId, 'PUBLIC'],
      [note.externalCommentId, 'INTERNAL'],
    ]);
    expect(server.requestsTo('/api/v2/tickets/9.json', 'PUT')[1]?.json).toEqual({
      ticket: { comment: { body: 'root cause: cache', public: false } },
    });
  });

  it('pushes statuses through the table', async () => {
    server.tickets.push(makeZdTicket(9, '2026-02-01T10:00:00Z'));
    await connector().pushStatus({ externalId: '9', status: 'RESOLVED' });
    expect(server.tickets[0]?.status).toBe('solved');
    await connector().pushStatus({ externalId: '9', status: 'PENDING' });
    expect(server.tickets[0]?.status).toBe('pending');
  });

  it('keeps solved and closed apart: CLOSED is pushed as solved unless closed is asked for', async () => {
    server.tickets.push(makeZdTicket(1, '2026-02-01T10:00:00Z'), makeZdTicket(2, '2026-02-01T10:00:00Z'));
    await connector().pushStatus({ externalId: '1', status: 'CLOSED' });
    expect(server.tickets[0]?.status).toBe('solved');
    await connector({ statuses: { CLOSED: 'closed' } }).pushStatus({ externalId: '2', status: 'CLOSED' });
    expect(server.tickets[1]?.status).toBe('closed');
  });

  describe('transport faults', () => {
    transportFaultTests(async () => {
      const s = await startZendeskServer(creds);
      return {
        server: s,
        good: () => createZendeskConnector({ baseUrl: s.url, auth: creds, retry: { baseDelayMs: 1 } }),
        bad: () =>
          createZendeskConnector({
            baseUrl: s.url,
            auth: { email: creds.email, apiToken: 'WRONG-secret' },
            retry: { baseDelayMs: 1 },
          }),
        badSecret: 'WRONG-secret',
        seed: () => s.tickets.push(makeZdTicket(1, '2026-02-01T10:00:00Z')),
        pullPath: '/api/v2/incremental/tickets/cursor.json',
        malformed: {
          reply: {
            body: { tickets: [{ id: 1, status: 'open', created_at: '2026-01-01T00:00:00Z' }], end_of_stream: true },
          },
          path: 'tickets.0.updated_at',
        },
      };
    });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SlackServer, startSlackServer } from '@incidents/test-support/servers/slack-server';
import { pullAll } from '../../test/transport-faults.js';
import { ConnectorError } from '../errors.js';
import { createSlackConnector } from './client.js';

const token = 'xoxb-test-secret';
const channelId = 'C024BE91L';

describe('slack connector', () => {
  let server: SlackServer;
  beforeEach(async () => {
    server = await startSlackServer(token, channelId);
  });
  afterEach(async () => {
    await server.close();
  });
  const connector = (extra: Record<string, unknown> = {}) =>
    createSlackConnector({ token, channelId, baseUrl: `${server.url}/api/`, retry: { baseDelayMs: 1 }, ...extra });
  const seed = (n: number) => {
    for (let i = 1; i <= n; i++)
      server.messages.push({
        ts: `${1770000000 + i * 60}.000100`,
        user: 'U1',
        text: `report ${i}${i === 2 ? ' ticketId=ZD-7 priority=high' : ''}`,
      });
  };

  it('pulls history with cursor pagination since oldest, skipping non-reports, with thread replies as comments', async () => {
    seed(5);
    server.messages.push({ ts: '1770000400.000100', subtype: 'channel_join', user: 'U9', text: 'joined' });
    server.replies.set('1770000180.000100', [
      { ts: '1770000190.000100', user: 'U2', text: 'same here', thread_ts: '1770000180.000100' },
    ]);
    const parent = server.messages.find((m) => m.ts === '1770000180.000100');
    if (parent) Object.assign(parent, { reply_count: 1, latest_reply: '1770000190.000100' });
    const pages = await pullAll(connector({ pageSize: 2, rescanWindowMs: 0 }), {
      since: new Date(1770000120 * 1000).toISOString(),
    });
    const ids = pages.flatMap((p) => p.items.map((i) => i.input.incident_id));
    expect(ids).toEqual(['SL-1770000300.000100', 'SL-1770000240.000100', 'SL-1770000180.000100', 'ZD-7']);
    const withReply = pages.flatMap((p) => p.items).find((i) => i.external_id === `${channelId}:1770000180.000100`);
    expect(withReply?.comments).toEqual([
      {
        external_id: '1770000190.000100',
        author: 'U2',
        text: 'same here',
        created_at: new Date(1770000190 * 1000).toISOString(),
        visibility: 'PUBLIC',
      },
    ]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    const calls = server.requestsTo('/api/conversations.history');
    expect(calls).toHaveLength(3);
    expect(calls[0]?.form.get('oldest')).toBe('1770000120.000000');
    expect(calls[1]?.form.get('cursor')).toEqual(expect.any(String));
  });

  it('waits for Retry-After on 429 (through the shared HTTP layer), then succeeds', async () => {
    seed(1);
    server.failNext('/api/conversations.history', {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { ok: false, error: 'ratelimited' },
    });
    const started = Date.now();
    const pages = await pullAll(connector());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(pages[0]?.items).toHaveLength(1);
  });

  it('retries a 500 then succeeds; a persistent 503 is connector.http with the status', async () => {
    seed(1);
    server.failNext('/api/conversations.history', { status: 500, body: 'oops' });
    expect((await pullAll(connector()))[0]?.items).toHaveLength(1);
    server.failNext('/api/conversations.history', ...Array.from({ length: 5 }, () => ({ status: 503, body: 'down' })));
    const err = (await pullAll(connector()).catch((e: unknown) => e)) as ConnectorError;
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ code: 'connector.http', details: { status: 503, attempts: 5 } });
  });

  it('maps invalid_auth to connector.auth without leaking the token', async () => {
    seed(1);
    const bad = createSlackConnector({
      token: 'xoxb-WRONG-secret',
      channelId,
      baseUrl: `${server.url}/api/`,
      retry: { baseDelayMs: 1 },
    });
    const err = (await pullAll(bad).catch((e: unknown) => e)) as ConnectorError;
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.code).toBe('connector.auth');
    expect(err.message).toContain('invalid_auth');
    expect(`${err.message} ${JSON.stringify(err.toJSON())}`).not.toContain('WRONG');
  });

  it('reports a malformed message as connector.invalid_response naming the field', async () => {
    server.failNext('/api/conversations.history', {
      body: { ok: true, messages: [{ type: 'message', text: 'x', ts: 12 }], has_more: false },
    });
    const err = (await pullAll(connector()).catch((e: unknown) => e)) as ConnectorError;
    expect(err.code).toBe('connector.invalid_response');
    expect(err.details.issues?.map((i) => i.path)).toEqual(['messages.0.ts']);
  });

  it('replies in the thread for comments and status, and refuses INTERNAL comments', async () => {
    seed(1);
    const slack = connector();
    const externalId = `${channelId}:1770000060.000100`;
    const { externalCommentId } = await slack.pushComment({
      externalId,
      text: 'Looking into it',
      visibility: 'PUBLIC',
    });
    await slack.pushStatus({
      externalId,
      status: 'RESOLVED',
      resolution: { type: 'FIXED', description: 'cache flushed' },
    });
    const comments = await slack.fetchComments(externalId);
    expect(comments.map((c) => [c.external_id, c.text])).toEqual([
      [externalCommentId, 'Looking into it'],
      [expect.any(String), 'Status: Resolved — cache flushed'],
    ]);
    const err = (await slack
      .pushComment({ externalId, text: 'secret', visibility: 'INTERNAL' })
      .catch((e: unknown) => e)) as ConnectorError;
    expect(err.code).toBe('connector.unsupported');
    expect(server.requestsTo('/api/chat.postMessage')).toHaveLength(2);
  });
});

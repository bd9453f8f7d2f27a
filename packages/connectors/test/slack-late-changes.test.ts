/**
 * Slack changes that carry no new message time: a reaction (the status) or a reply added to a
 * thread older than the watermark. The pull re-reads a window before `since` and the replies of
 * threads whose `latest_reply` is newer than it. Non-Marketplace apps get 15 messages a page and
 * one `conversations.history` call a minute: the pull stays complete, only slower.
 */
import { createTursoStore } from '@incidents/store-turso';
import { describe, expect, it } from 'vitest';
import { createSyncEngine } from '../src/engine/index.js';
import { createSlackConnector, type SlackConnectorOptions } from '../src/slack/index.js';
import { closeAfterEach, NO_RETRY } from './cleanup.js';
import { startSlackServer } from '@incidents/test-support/servers/slack-server';

const token = 'xoxb-1234-5678-s3cr3t';
const channelId = 'C024BE91L';
const closers = closeAfterEach();

/**
 * A non-Marketplace connector on the local Slack server. No retries unless `options` gives some: a
 * single 429 would then fail the pull.
 */
function nonMarketplaceConnector(url: string, options: Partial<SlackConnectorOptions> = {}) {
  return createSlackConnector({
    token,
    channelId,
    baseUrl: `${url}/api/`,
    retry: NO_RETRY,
    rateTier: 'non-marketplace',
    ...options,
  });
}

/** Every item of a pull from the beginning. */
async function pullAll(connector: ReturnType<typeof createSlackConnector>) {
  const items = [];
  for await (const page of connector.pull({})) items.push(...page.items);
  return items;
}

describe('Slack late changes and rate tiers', () => {
  it('a reaction and a reply on a message older than the watermark still reach the store', async () => {
    const slack = await startSlackServer(token, channelId);
    const store = await createTursoStore({ url: ':memory:' });
    closers.push(
      () => slack.close(),
      () => store.close(),
    );
    const t0 = 1_770_000_000;
    slack.messages.push({ ts: `${t0}.000100`, user: 'U1', text: 'payments down' });
    const engine = createSyncEngine({
      store,
      lookbackMs: 0,
      connectors: [createSlackConnector({ token, channelId, baseUrl: `${slack.url}/api/`, retry: NO_RETRY })],
    });
    await engine.pull('slack');
    // Two hours later another report moves the watermark on.
    slack.messages.push({ ts: `${t0 + 7200}.000100`, user: 'U2', text: 'login slow' });
    await engine.pull('slack');
    expect((await store.findBySource('SLACK', `${channelId}:${t0}.000100`))?.status).toBe('NEW');

    // Then someone marks the first report as being worked on and replies in its thread.
    const first = slack.messages[0];
    if (!first) throw new Error('no message');
    first.reactions = [{ name: 'eyes', count: 1, users: ['U3'] }];
    slack.replies.set(first.ts, [{ ts: `${t0 + 7300}.000100`, user: 'U3', text: 'on it', thread_ts: first.ts }]);
    Object.assign(first, { reply_count: 1, latest_reply: `${t0 + 7300}.000100` });
    const run = await engine.pull('slack');
    expect(run.errors).toEqual([]);
    const incident = await store.findBySource('SLACK', `${channelId}:${t0}.000100`);
    expect(incident?.status).toBe('IN_PROGRESS');
    expect(run.totals.commentsImported).toBe(1);
    // The second report's thread has no reply: it is not read again.
    expect(slack.requestsTo('/api/conversations.replies').map((r) => r.form.get('ts'))).toEqual([first.ts]);
  });

  it('non-Marketplace tier: 15 messages a page and calls spaced by the interval — every message arrives, no 429', async () => {
    const slack = await startSlackServer(token, channelId);
    closers.push(() => slack.close());
    slack.tier = 'non-marketplace';
    slack.historyIntervalMs = 150;
    // The first call spends 100 ms on its way in, the next ones none: Slack counts a call when it
    // receives it, so a client spacing its calls from when it sent them lands the second one 50 ms
    // after the first — a 429. Spacing from the previous answer holds whatever the latency.
    slack.historyLatencyMs = [100];
    for (let i = 1; i <= 40; i++)
      slack.messages.push({ ts: `${1_770_000_000 + i * 60}.000100`, user: 'U1', text: `r${i}` });
    const items = await pullAll(nonMarketplaceConnector(slack.url, { historyIntervalMs: 150 }));
    expect(items).toHaveLength(40);
    expect(slack.rateLimited).toBe(0);
    const calls = slack.requestsTo('/api/conversations.history');
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => Number(c.form.get('limit')) <= 15)).toBe(true);
  });

  it('non-Marketplace tier: conversations.replies is limited too — every reply of every thread arrives, 15 a page, no 429', async () => {
    const slack = await startSlackServer(token, channelId);
    closers.push(() => slack.close());
    slack.tier = 'non-marketplace';
    slack.historyIntervalMs = 150;
    const t0 = 1_770_000_000;
    for (let i = 1; i <= 3; i++) slack.messages.push({ ts: `${t0 + i * 60}.000100`, user: 'U1', text: `r${i}` });
    // Two threads: one of 20 replies (two pages of 15 with its parent), one of 2.
    for (const [parent, count] of [
      [slack.messages[0], 20],
      [slack.messages[2], 2],
    ] as const) {
      if (!parent) throw new Error('no message');
      const replies = Array.from({ length: count }, (_, k) => ({
        ts: `${t0 + 1000 + k}.000100`,
        user: 'U2',
        text: `reply ${k + 1}`,
        thread_ts: parent.ts,
      }));
      slack.replies.set(parent.ts, replies);
      Object.assign(parent, { reply_count: count, latest_reply: replies.at(-1)?.ts });
    }
    const items = await pullAll(nonMarketplaceConnector(slack.url, { historyIntervalMs: 150 }));
    expect(items.map((i) => i.comments.length).sort((a, b) => a - b)).toEqual([0, 2, 20]);
    expect(slack.rateLimited).toBe(0);
    const calls = slack.requestsTo('/api/conversations.replies');
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => Number(c.form.get('limit')) <= 15)).toBe(true);
  });

  it('non-Marketplace tier: a 429 (another client of the same app took the minute) is waited out with its Retry-After', async () => {
    const slack = await startSlackServer(token, channelId);
    closers.push(() => slack.close());
    slack.tier = 'non-marketplace';
    slack.historyIntervalMs = 0;
    slack.messages.push({ ts: '1770000060.000100', user: 'U1', text: 'r1' });
    slack.failNext('/api/conversations.history', {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { ok: false, error: 'ratelimited' },
    });
    const items = await pullAll(nonMarketplaceConnector(slack.url, { retry: { baseDelayMs: 1, maxRetries: 2 } }));
    expect(items.map((i) => i.input.title)).toEqual(['r1']);
    const [limited, retried] = slack.requestsTo('/api/conversations.history');
    // The retry left after the announced second, not after the 1 ms backoff (a lower bound: load only adds to it).
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(990);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeScStory, type ShortcutServer, startShortcutServer } from '@incidents/test-support/servers/shortcut-server';
import { pullAll, transportFaultTests } from '../../test/transport-faults.js';
import type { PulledPage } from '../connector.js';
import { createShortcutConnector } from './client.js';

const token = 'sc-token-secret';

describe('shortcut connector', () => {
  let server: ShortcutServer;
  beforeEach(async () => {
    server = await startShortcutServer(token);
  });
  afterEach(async () => {
    await server.close();
  });
  const connector = (extra: Record<string, unknown> = {}) =>
    createShortcutConnector({ baseUrl: server.url, apiToken: token, retry: { baseDelayMs: 1 }, ...extra });

  it('pages through the search with next, maps workflow states, and fetches comments missing from slim pages', async () => {
    for (let n = 1; n <= 5; n++)
      server.stories.push(
        makeScStory(
          n,
          `2026-02-0${n}T10:00:00Z`,
          n === 4 ? { comments: [{ id: 1, author_id: 'u', text: 'seen', created_at: '2026-02-04T09:00:00Z' }] } : {},
        ),
      );
    const pages = await pullAll(connector({ pageSize: 2, query: 'type:bug' }), { since: '2026-02-02T10:00:00Z' });
    expect(pages.map((p) => p.items.map((i) => i.external_id))).toEqual([
      ['2', '3'],
      ['4', '5'],
    ]);
    expect(pages[1]?.items[0]?.comments.map((c) => c.text)).toEqual(['seen']);
    expect(pages[0]?.items[0]).toMatchObject({
      status: 'IN_PROGRESS',
      remote_status: 'In Development',
      input: { incident_id: 'SC-2' },
    });
    expect(server.requestsTo('/api/v3/search/stories')[0]?.query.get('query')).toBe('type:bug updated:2026-02-02..*');
    expect(server.requestsTo('/api/v3/workflows')).toHaveLength(1);
    expect(server.requestsTo('/api/v3/stories/4', 'GET')).toHaveLength(1);
  });

  it('an incremental pull asks for stories updated since the exact instant (POST /stories/search), not since the day', async () => {
    // The search's `updated:` has day precision and pages through its first matches only: eleven
    // stories of the morning fill the matches and hide the one changed in the evening.
    server.searchCap = 10;
    for (let n = 1; n <= 11; n++) server.stories.push(makeScStory(n, `2026-02-02T0${n % 10}:00:00Z`));
    server.stories.push(makeScStory(12, '2026-02-02T20:00:00Z'));
    const pages = await pullAll(connector({ filter: { story_type: 'bug' } }), { since: '2026-02-02T12:00:00Z' });
    expect(pages.flatMap((p) => p.items.map((i) => i.external_id))).toEqual(['12']);
    const search = server.requestsTo('/api/v3/stories/search', 'POST');
    expect(search).toHaveLength(1);
    expect(search[0]?.json).toEqual({ story_type: 'bug', updated_at_start: '2026-02-02T12:00:00.000Z' });
  });

  it('without a search query, incremental pulls use the timestamp search too; pages of pageSize resume after the last story', async () => {
    for (let n = 1; n <= 5; n++) server.stories.push(makeScStory(n, `2026-02-0${6 - n}T10:00:00Z`));
    const sc = connector({ pageSize: 2 });
    const first = await sc.pull({ since: '2026-02-01T00:00:00Z' })[Symbol.asyncIterator]().next();
    const page = first.value as PulledPage;
    // Oldest change first, so the watermark only moves forward.
    expect(page.items.map((i) => i.external_id)).toEqual(['5', '4']);
    expect(page.nextCursor).not.toBeNull();
    const rest = await pullAll(sc, { cursor: page.nextCursor ?? '' });
    expect(rest.map((p) => p.items.map((i) => i.external_id))).toEqual([['3', '2'], ['1']]);
    // StorySlim carries no comments: each story's comments are read from the story.
    expect(server.requestsTo('/api/v3/stories/3', 'GET')).toHaveLength(1);
  });

  it('asks the story search for pages of up to 250 stories', async () => {
    for (let n = 1; n <= 260; n++) server.stories.push(makeScStory(n, '2026-02-01T10:00:00Z', { comments: [] }));
    const pages = await pullAll(connector({ pageSize: 250 }));
    expect(pages.map((p) => p.items.length)).toEqual([250, 10]);
    expect(server.requestsTo('/api/v3/search/stories')[0]?.query.get('page_size')).toBe('250');
  });

  it('pushes comments and moves the story to the matching workflow state', async () => {
    server.stories.push(makeScStory(7, '2026-02-01T10:00:00Z'));
    const sc = connector();
    const { externalCommentId } = await sc.pushComment({
      externalId: '7',
      text: 'fix deployed',
      visibility: 'INTERNAL',
    });
    expect((await sc.fetchComments('7')).map((c) => [c.external_id, c.text])).toEqual([
      [externalCommentId, 'fix deployed'],
    ]);
    await sc.pushStatus({ externalId: '7', status: 'CLOSED' });
    expect(server.stories[0]?.workflow_state_id).toBe(500000013);
    await sc.pushStatus({ externalId: '7', status: 'NEW' });
    expect(server.stories[0]?.workflow_state_id).toBe(500000010);
  });

  describe('transport faults', () => {
    transportFaultTests(async () => {
      const s = await startShortcutServer(token);
      return {
        server: s,
        good: () => createShortcutConnector({ baseUrl: s.url, apiToken: token, retry: { baseDelayMs: 1 } }),
        bad: () => createShortcutConnector({ baseUrl: s.url, apiToken: 'WRONG-secret', retry: { baseDelayMs: 1 } }),
        badSecret: 'WRONG-secret',
        seed: () => s.stories.push(makeScStory(1, '2026-02-01T10:00:00Z')),
        pullPath: '/api/v3/search/stories',
        malformed: {
          reply: {
            body: {
              data: [{ id: 1, name: 'x', workflow_state_id: 1, created_at: '2026-01-01T00:00:00Z', comments: [] }],
              next: null,
            },
          },
          path: 'data.0.updated_at',
        },
      };
    });
  });
});

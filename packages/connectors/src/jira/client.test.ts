import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  jiraComment,
  type JiraServer,
  makeJiraIssue,
  startJiraServer,
} from '@incidents/test-support/servers/jira-server';
import type { PulledPage } from '../connector.js';
import { ConnectorError } from '../errors.js';
import { createJiraConnector, jqlDate } from './client.js';

const creds = { email: 'bot@example.com', apiToken: 'secret-token-123' };
let server: JiraServer;

beforeEach(async () => {
  server = await startJiraServer(creds);
});
afterEach(async () => {
  await server.close();
});

function connector(overrides: Record<string, unknown> = {}) {
  return createJiraConnector({
    baseUrl: server.url,
    auth: creds,
    jql: 'project = OPS',
    retry: { baseDelayMs: 1 },
    ...overrides,
  });
}

async function collect(iter: AsyncIterable<PulledPage>): Promise<PulledPage[]> {
  const pages: PulledPage[] = [];
  for await (const p of iter) pages.push(p);
  return pages;
}

describe('jira connector', () => {
  it('pulls every page with nextPageToken, only issues updated since, in updated order', async () => {
    for (let n = 1; n <= 7; n++) server.issues.push(makeJiraIssue(n, `2026-02-0${n}T10:00:00.000Z`));
    const pages = await collect(connector({ pageSize: 3 }).pull({ since: '2026-02-02T10:00:00Z' }));
    expect(pages.map((p) => p.items.map((i) => i.external_id))).toEqual([
      ['OPS-2', 'OPS-3', 'OPS-4'],
      ['OPS-5', 'OPS-6', 'OPS-7'],
    ]);
    expect(pages[0]?.nextCursor).toEqual(expect.any(String));
    expect(pages[1]?.nextCursor).toBeNull();
    expect(pages[1]?.highWatermark).toBe('2026-02-07T10:00:00.000Z');
    const search = server.requestsTo('/rest/api/3/search/jql');
    // The integration user is at UTC-8 (GET /myself): JQL dates are written in that zone.
    expect((search[0]?.json as { jql?: string } | undefined)?.jql).toBe(
      '(project = OPS) AND updated >= "2026-02-02 02:00" ORDER BY updated ASC, key ASC',
    );
    expect((search[1]?.json as { nextPageToken?: string } | undefined)?.nextPageToken).toEqual(expect.any(String));
    expect(server.requestsTo('/rest/api/3/myself')).toHaveLength(1);
  });

  it('writes JQL dates in the configured time zone without asking /myself; UTC when the profile has none', async () => {
    server.userTimeZone = 'Asia/Kolkata';
    server.issues.push(makeJiraIssue(1, '2026-02-02T09:59:00.000Z'), makeJiraIssue(2, '2026-02-02T10:00:00.000Z'));
    const pages = await collect(connector({ timeZone: 'Asia/Kolkata' }).pull({ since: '2026-02-02T10:00:00Z' }));
    expect(pages.flatMap((p) => p.items.map((i) => i.external_id))).toEqual(['OPS-2']);
    expect(server.requestsTo('/rest/api/3/search/jql')[0]?.json).toMatchObject({
      jql: expect.stringContaining('updated >= "2026-02-02 15:30"'),
    });
    expect(server.requestsTo('/rest/api/3/myself')).toHaveLength(0);
  });

  it('requests the next page while the caller works on the current one, and stops when the caller stops', async () => {
    for (let n = 1; n <= 6; n++) server.issues.push(makeJiraIssue(n, `2026-02-0${n}T10:00:00.000Z`));
    const iterator = connector({ pageSize: 2 }).pull()[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect((first.value as PulledPage).items.map((i) => i.external_id)).toEqual(['OPS-1', 'OPS-2']);
    // The request for page 2 left before page 1 was handed over.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requestsTo('/rest/api/3/search/jql')).toHaveLength(2);
    await iterator.return?.(undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requestsTo('/rest/api/3/search/jql')).toHaveLength(2);
  });

  it('delivers a page before the read-ahead error of the next one', async () => {
    server.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z'));
    const issue = await (
      await fetch(`${server.url}/rest/api/3/issue/OPS-1`, {
        headers: { authorization: `Basic ${Buffer.from(`${creds.email}:${creds.apiToken}`).toString('base64')}` },
      })
    ).json();
    server.failNext(
      '/rest/api/3/search/jql',
      {
        status: 200,
        body: { issues: [issue], nextPageToken: 'page-2', isLast: false },
      },
      { status: 400, body: { errorMessages: ['The JQL query is invalid'] } },
    );
    const iterator = connector().pull()[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect((first.value as PulledPage).items.map((i) => i.external_id)).toEqual(['OPS-1']);
    const err = await iterator.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).message).toContain('HTTP 400');
  });

  it('resumes from a cursor with the same query', async () => {
    for (let n = 1; n <= 5; n++) server.issues.push(makeJiraIssue(n, `2026-02-0${n}T10:00:00.000Z`));
    const first = await connector({ pageSize: 2 })
      .pull({ since: '2026-02-01T00:00:00Z' })
      [Symbol.asyncIterator]()
      .next();
    const cursor = (first.value as PulledPage).nextCursor;
    const rest = await collect(connector({ pageSize: 2 }).pull({ cursor }));
    expect(rest.flatMap((p) => p.items.map((i) => i.external_id))).toEqual(['OPS-3', 'OPS-4', 'OPS-5']);
  });

  it('fetches every comment when the search payload carries only some', async () => {
    const comments = Array.from({ length: 5 }, (_, i) =>
      jiraComment(String(i + 1), `comment ${i + 1}`, `2026-02-01T10:0${i}:00.000Z`),
    );
    server.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z', { comments }));
    server.searchCommentLimit = 2;
    server.commentPageSize = 2;
    const [page] = await collect(connector().pull());
    expect(page?.items[0]?.comments.map((c) => c.text)).toEqual([
      'comment 1',
      'comment 2',
      'comment 3',
      'comment 4',
      'comment 5',
    ]);
    expect(server.requestsTo('/rest/api/3/issue/OPS-1/comment', 'GET')).toHaveLength(3);
  });

  it('waits for Retry-After on 429, then succeeds', async () => {
    server.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z'));
    server.failNext('/rest/api/3/search/jql', {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { errorMessages: ['Rate limit exceeded'] },
    });
    const started = Date.now();
    const pages = await collect(connector().pull());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(pages[0]?.items).toHaveLength(1);
    const [a, b] = server.requestsTo('/rest/api/3/search/jql');
    expect((b?.at ?? 0) - (a?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('gives up with connector.rate_limited when 429 persists', async () => {
    server.failNext(
      '/rest/api/3/search/jql',
      ...Array.from({ length: 3 }, () => ({ status: 429, headers: { 'retry-after': '0' } })),
    );
    const err = await collect(connector({ retry: { baseDelayMs: 1, maxRetries: 2 } }).pull()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).code).toBe('connector.rate_limited');
    expect((err as ConnectorError).details).toMatchObject({ connector: 'jira', status: 429, attempts: 3 });
  });

  it('retries a 500 and succeeds', async () => {
    server.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z'));
    server.failNext('/rest/api/3/search/jql', { status: 500, body: { errorMessages: ['boom'] } }, { status: 503 });
    const pages = await collect(connector().pull());
    expect(pages[0]?.items.map((i) => i.external_id)).toEqual(['OPS-1']);
    expect(server.requestsTo('/rest/api/3/search/jql')).toHaveLength(3);
  });

  it('fails with connector.auth on 401, stops, never leaks the token, and does not affect another connector', async () => {
    const bad = createJiraConnector({
      baseUrl: server.url,
      auth: { email: creds.email, apiToken: 'wrong' },
      retry: { baseDelayMs: 1 },
    });
    const err = (await collect(bad.pull()).catch((e: unknown) => e)) as ConnectorError;
    expect(err.code).toBe('connector.auth');
    expect(err.details).toMatchObject({ connector: 'jira', status: 401 });
    expect(JSON.stringify(err.toJSON()) + err.message).not.toContain('wrong');
    const before = server.requests.length;
    const again = (await collect(bad.pull()).catch((e: unknown) => e)) as ConnectorError;
    expect(again.code).toBe('connector.auth');
    expect(server.requests.length).toBe(before);
    server.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z'));
    expect((await collect(connector().pull()))[0]?.items).toHaveLength(1);
  });

  it('reports a malformed issue as connector.invalid_response naming the field', async () => {
    server.failNext('/rest/api/3/search/jql', {
      body: {
        issues: [
          {
            id: '1',
            key: 'OPS-1',
            fields: { summary: 'x', created: '2026-01-01T00:00:00.000+0000', updated: 'not a date' },
          },
        ],
      },
    });
    const err = (await collect(connector().pull()).catch((e: unknown) => e)) as ConnectorError;
    expect(err.code).toBe('connector.invalid_response');
    const paths = err.details.issues?.map((i) => i.path);
    expect(paths).toContain('issues.0.fields.status');
    expect(paths).toContain('issues.0.fields.updated');
  });

  it('reports a body that is not the documented page as invalid_response', async () => {
    server.failNext('/rest/api/3/search/jql', { body: { values: [] } });
    const err = (await collect(connector().pull()).catch((e: unknown) => e)) as ConnectorError;
    expect(err.code).toBe('connector.invalid_response');
    expect(err.details.issues?.[0]?.path).toBe('issues');
  });

  it('pushes public and internal ADF comments', async () => {
    server.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z'));
    const jira = connector();
    const pub = await jira.pushComment({
      externalId: 'OPS-1',
      text: 'Fixed.\n\nRoot cause: pool',
      visibility: 'PUBLIC',
    });
    const internal = await jira.pushComment({ externalId: 'OPS-1', text: 'internal note', visibility: 'INTERNAL' });
    expect(pub.externalCommentId).not.toBe(internal.externalCommentId);
    const comments = await jira.fetchComments('OPS-1');
    expect(comments.map((c) => [c.external_id, c.text, c.visibility])).toEqual([
      [pub.externalCommentId, 'Fixed.\n\nRoot cause: pool', 'PUBLIC'],
      [internal.externalCommentId, 'internal note', 'INTERNAL'],
    ]);
    const posted = server
      .requestsTo('/rest/api/3/issue/OPS-1/comment', 'POST')
      .map((r) => r.json as Record<string, unknown>);
    expect(posted[0]?.body).toMatchObject({ type: 'doc', version: 1 });
    expect(posted[1]?.properties).toEqual([{ key: 'sd.public.comment', value: { internal: true } }]);
  });

  it('never posts an INTERNAL comment publicly on a plain Jira (Software) project', async () => {
    server.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z', { projectType: 'software' }));
    const err = await connector()
      .pushComment({ externalId: 'OPS-1', text: 'internal note', visibility: 'INTERNAL' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'connector.unsupported' });
    expect((err as Error).message).toMatch(/software project.*not posted/);
    expect(server.requestsTo('/rest/api/3/issue/OPS-1/comment', 'POST')).toHaveLength(0);
    // With a restricted visibility configured it is posted, restricted to the role.
    const restricted = connector({ internalComments: { type: 'role', value: 'Developers' } });
    await restricted.pushComment({ externalId: 'OPS-1', text: 'internal note', visibility: 'INTERNAL' });
    const [posted] = server.requestsTo('/rest/api/3/issue/OPS-1/comment', 'POST');
    expect(posted?.json).toMatchObject({ visibility: { type: 'role', value: 'Developers' } });
    expect((await restricted.fetchComments('OPS-1')).map((c) => c.visibility)).toEqual(['INTERNAL']);
  });

  it('pushes a status through the matching transition, with a resolution when the screen asks for one', async () => {
    server.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z'));
    const jira = connector();
    await jira.pushStatus({ externalId: 'OPS-1', status: 'IN_PROGRESS' });
    expect(server.issues[0]?.status).toBe('In Progress');
    await jira.pushStatus({ externalId: 'OPS-1', status: 'RESOLVED', resolution: { type: 'DUPLICATE' } });
    expect(server.issues[0]?.status).toBe('Done');
    const last = server.requestsTo('/rest/api/3/issue/OPS-1/transitions', 'POST').at(-1)?.json;
    expect(last).toMatchObject({ fields: { resolution: { name: 'Duplicate' } } });
  });

  it('refuses a status no transition leads to with connector.unsupported', async () => {
    server.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z'));
    const err = (await connector()
      .pushStatus({ externalId: 'OPS-1', status: 'CANCELLED' })
      .catch((e: unknown) => e)) as ConnectorError;
    expect(err.code).toBe('connector.unsupported');
    expect(err.message).toContain('CANCELLED');
  });

  it('formats JQL dates in the configured time zone', () => {
    expect(jqlDate('2026-02-02T10:05:59.000Z')).toBe('2026-02-02 10:05');
    expect(jqlDate('2026-02-02T10:05:00.000Z', 'Europe/Madrid')).toBe('2026-02-02 11:05');
  });
});

/**
 * Jira Cloud hides users' email addresses on most sites: the assignee comes with an accountId and a
 * display name. A user directory — a map of account ids, or the store's users by display name —
 * names the local user; without one the incident stays unassigned rather than wrongly assigned.
 */
import { createTursoStore } from '@incidents/store-turso';
import { describe, expect, it } from 'vitest';
import { accountIdDirectory, storeUserDirectory } from '../src/jira/directory.js';
import { createJiraConnector } from '../src/jira/index.js';
import { closeAfterEach, NO_RETRY } from './cleanup.js';
import { jiraComment, makeJiraIssue, startJiraServer } from '@incidents/test-support/servers/jira-server';

const creds = { email: 'bot@example.com', apiToken: 'jira-t0ken' };
const closers = closeAfterEach();

async function pullAssignees(connector: ReturnType<typeof createJiraConnector>) {
  const out: Record<string, string | undefined> = {};
  for await (const page of connector.pull({}))
    for (const item of page.items) out[item.external_id] = item.input.assigned_to;
  return out;
}

describe('Jira users by accountId', () => {
  it('maps hidden-email assignees through an accountId map or the store users by display name', async () => {
    const jira = await startJiraServer(creds);
    const store = await createTursoStore({ url: ':memory:' });
    closers.push(
      () => jira.close(),
      () => store.close(),
    );
    jira.emailsVisible = false;
    jira.issues.push(
      makeJiraIssue(1, '2026-02-01T10:00:00.000Z', {
        assigneeEmail: 'ana@example.com',
        assigneeAccountId: '5b10a-ana',
        assigneeName: 'Ana Ortega',
      }),
      makeJiraIssue(2, '2026-02-01T11:00:00.000Z', {
        assigneeEmail: 'bo@example.com',
        assigneeAccountId: '5b10a-bo',
        assigneeName: 'Bo Lind',
      }),
    );
    const base = { baseUrl: jira.url, auth: creds, retry: NO_RETRY, timeZone: 'UTC' };
    expect(await pullAssignees(createJiraConnector(base))).toEqual({ 'OPS-1': undefined, 'OPS-2': undefined });
    expect(
      await pullAssignees(
        createJiraConnector({ ...base, userDirectory: accountIdDirectory({ '5b10a-ana': 'ana@example.com' }) }),
      ),
    ).toEqual({ 'OPS-1': 'ana@example.com', 'OPS-2': undefined });

    const now = new Date().toISOString();
    await store.putUser({ email: 'bo@example.com', name: 'bo lind', role: 'operator', active: true, created_at: now });
    const fromStore = createJiraConnector({
      ...base,
      userDirectory: storeUserDirectory(store, { '5b10a-ana': 'ana@example.com' }),
    });
    expect(await pullAssignees(fromStore)).toEqual({ 'OPS-1': 'ana@example.com', 'OPS-2': 'bo@example.com' });
  });
});

describe('Jira comment authors by accountId', () => {
  it('names hidden-email comment authors through the user directory, in the search payload and fetched pages', async () => {
    const jira = await startJiraServer(creds);
    closers.push(() => jira.close());
    jira.emailsVisible = false;
    jira.searchCommentLimit = 1; // the second comment is fetched from the comment endpoint
    const by = (accountId: string, displayName: string, emailAddress: string) => ({
      ...jiraComment(`c-${accountId}`, `from ${displayName}`, '2026-02-01T09:00:00.000Z'),
      author: { accountId, displayName, emailAddress },
    });
    jira.issues.push(
      makeJiraIssue(1, '2026-02-01T10:00:00.000Z', {
        comments: [by('5b10a-ana', 'Ana Ortega', 'ana@example.com'), by('5b10a-bo', 'Bo Lind', 'bo@example.com')],
      }),
      // All of its comments are in the search payload.
      makeJiraIssue(2, '2026-02-01T11:00:00.000Z', { comments: [by('5b10a-bo', 'Bo Lind', 'bo@example.com')] }),
    );
    const base = { baseUrl: jira.url, auth: creds, retry: NO_RETRY, timeZone: 'UTC' };
    const authors = async (connector: ReturnType<typeof createJiraConnector>) => {
      const out: string[] = [];
      for await (const page of connector.pull({}))
        for (const item of page.items) out.push(...item.comments.map((c) => c.author));
      return out;
    };
    // Without a directory the author is the display name (never a guessed email).
    expect(await authors(createJiraConnector(base))).toEqual(['Ana Ortega', 'Bo Lind', 'Bo Lind']);
    const directory = accountIdDirectory({ '5b10a-ana': 'ana@example.com', '5b10a-bo': 'bo@example.com' });
    const connector = createJiraConnector({ ...base, userDirectory: directory });
    expect(await authors(connector)).toEqual(['ana@example.com', 'bo@example.com', 'bo@example.com']);
    expect((await connector.fetchComments('OPS-1')).map((c) => c.author)).toEqual([
      'ana@example.com',
      'bo@example.com',
    ]);
  });
});

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
import { makeJiraIssue, startJiraServer } from '@incidents/test-support/servers/jira-server';

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

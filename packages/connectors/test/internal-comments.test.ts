/**
 * `capabilities` tell the truth per project: on Jira, internal notes exist only in Service
 * Management projects (the `sd.public.comment` property); an INTERNAL comment for an issue of a
 * plain Jira project is completed as skipped with the reason — never posted, and not a dead item.
 */
import { type Actor, collectAll, createIncidentService } from '@incidents/core';
import { createTursoStore } from '@incidents/store-turso';
import { describe, expect, it } from 'vitest';
import { closeAfterEach, NO_RETRY as retry } from './cleanup.js';
import { createSyncEngine } from '../src/engine/index.js';
import { createJiraConnector } from '../src/jira/index.js';
import { makeJiraIssue, startJiraServer } from '@incidents/test-support/servers/jira-server';

const ana: Actor = { id: 'ana@example.com', roles: ['operator'] };
const creds = { email: 'bot@example.com', apiToken: 'jira-t0ken' };
const closers = closeAfterEach();

describe('internal comments per project (Jira)', () => {
  it('internalCommentsFor says which issues have internal notes; the engine skips the others with the reason', async () => {
    const jira = await startJiraServer(creds);
    const store = await createTursoStore({ url: ':memory:' });
    closers.push(
      () => jira.close(),
      () => store.close(),
    );
    jira.issues.push(
      makeJiraIssue(1, '2026-02-01T10:00:00.000Z'),
      makeJiraIssue(2, '2026-02-01T11:00:00.000Z', { key: 'DEV-2', projectType: 'software' }),
    );
    const connector = createJiraConnector({ baseUrl: jira.url, auth: creds, retry });
    expect(await connector.capabilities.internalCommentsFor?.('OPS-1')).toBe(true);
    expect(await connector.capabilities.internalCommentsFor?.('DEV-2')).toBe(false);
    const restricted = createJiraConnector({
      baseUrl: jira.url,
      auth: creds,
      retry,
      internalComments: { type: 'role', value: 'Developers' },
    });
    expect(await restricted.capabilities.internalCommentsFor?.('DEV-2')).toBe(true);

    const engine = createSyncEngine({ store, connectors: [connector] });
    expect((await engine.pull('jira')).totals.created).toBe(2);
    const service = createIncidentService({ store });
    for (const id of ['OPS-1', 'DEV-2']) {
      await service.addComment(
        { incident_id: id, text: `Internal note on ${id}`, visibility: 'INTERNAL' },
        { actor: ana },
      );
    }
    const pushed = await engine.push('jira');
    expect(pushed.totals).toMatchObject({ pushed: 1, skipped: 1, dead: 0, failed: 0 });
    expect(jira.requestsTo('/rest/api/3/issue/OPS-1/comment', 'POST')).toHaveLength(1);
    expect(jira.requestsTo('/rest/api/3/issue/DEV-2/comment', 'POST')).toHaveLength(0);
    const items = await collectAll((cursor) => store.listOutbound({}, { cursor }));
    expect(items.find((i) => i.external_id === 'DEV-2')).toMatchObject({
      status: 'COMPLETED',
      skipped_reason: expect.stringMatching(/DEV-2 has no internal comments/),
    });
  });
});

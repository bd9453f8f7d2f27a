/**
 * Lossy status tables do not create false conflicts: what was pushed is recorded, and the vendor's
 * image of it (ASSIGNED → Zendesk `open` → IN_PROGRESS; RESOLVED → Jira `Done` → CLOSED) is taken as
 * unchanged. A later change made in the vendor system still applies.
 */
import { type Actor, createIncidentService } from '@incidents/core';
import { createTursoStore } from '@incidents/store-turso';
import { describe, expect, it } from 'vitest';
import { closeAfterEach, NO_RETRY as retry } from './cleanup.js';
import { createSyncEngine } from '../src/engine/index.js';
import { createJiraConnector } from '../src/jira/index.js';
import { createZendeskConnector } from '../src/zendesk/index.js';
import { makeJiraIssue, startJiraServer } from '@incidents/test-support/servers/jira-server';
import { makeZdTicket, startZendeskServer } from '@incidents/test-support/servers/zendesk-server';

const ana: Actor = { id: 'ana@example.com', roles: ['operator'] };
const admin: Actor = { id: 'admin@example.com', roles: ['admin'] };
const closers = closeAfterEach();

describe("the vendor's image of a pushed status", () => {
  it('Zendesk: ASSIGNED pushed as open reads back as IN_PROGRESS — no conflict, local ASSIGNED kept; a later pending applies', async () => {
    const creds = { email: 'agent@example.com', apiToken: 'zd-t0ken' };
    const zendesk = await startZendeskServer(creds);
    const store = await createTursoStore({ url: ':memory:' });
    closers.push(
      () => zendesk.close(),
      () => store.close(),
    );
    zendesk.tickets.push(makeZdTicket(1, '2026-02-01T10:00:00Z', { status: 'new', assignee_id: null }));
    const engine = createSyncEngine({
      store,
      connectors: [createZendeskConnector({ baseUrl: zendesk.url, auth: creds, retry })],
    });
    await engine.pull('zendesk');
    const local = await store.findBySource('ZENDESK', '1');
    if (!local) throw new Error('not imported');
    expect(local.status).toBe('NEW');
    // Assignees must be registered users.
    const service = createIncidentService({ store });
    await service.putUser({ email: 'ana@example.com', name: 'Ana', role: 'operator' }, { actor: admin });
    await service.assign({ incident_id: local.incident_id, assignee: 'ana@example.com' }, { actor: admin });
    const run = await engine.run('zendesk');
    expect(run.totals.pushed).toBe(1);
    expect(zendesk.tickets[0]?.status).toBe('open');

    const after = await engine.pull('zendesk', { since: '2000-01-01T00:00:00Z' });
    expect(after.totals.conflicts).toBe(0);
    const kept = await store.getIncident(local.incident_id);
    expect(kept?.status).toBe('ASSIGNED');
    expect(kept?.sync_metadata.conflicts ?? []).toEqual([]);

    // An agent then sets the ticket pending in Zendesk: a real change, applied.
    const ticket = zendesk.tickets[0];
    if (!ticket) throw new Error('no ticket');
    ticket.status = 'pending';
    ticket.updated_at = new Date().toISOString();
    const later = await engine.pull('zendesk', { since: '2000-01-01T00:00:00Z' });
    expect(later.totals.conflicts).toBe(0);
    expect((await store.getIncident(local.incident_id))?.status).toBe('PENDING');
  });

  it('Jira: RESOLVED pushed as Done reads back as CLOSED — no conflict, local RESOLVED kept', async () => {
    const creds = { email: 'bot@example.com', apiToken: 'jira-t0ken' };
    const jira = await startJiraServer(creds);
    const store = await createTursoStore({ url: ':memory:' });
    closers.push(
      () => jira.close(),
      () => store.close(),
    );
    jira.issues.push(
      makeJiraIssue(1, '2026-02-01T10:00:00.000Z', {
        status: 'In Progress',
        category: 'indeterminate',
        assigneeEmail: 'ana@example.com',
      }),
    );
    const engine = createSyncEngine({
      store,
      connectors: [
        // This workflow has no Resolved status: RESOLVED goes to Done.
        createJiraConnector({ baseUrl: jira.url, auth: creds, retry, statusTargets: { RESOLVED: ['Done'] } }),
      ],
    });
    await engine.pull('jira');
    const local = await store.getIncident('OPS-1');
    expect(local?.status).toBe('IN_PROGRESS');
    await createIncidentService({ store }).resolve(
      { incident_id: 'OPS-1', solution: 'Restarted the pool', root_cause: 'Connection leak' },
      { actor: ana },
    );
    expect((await engine.push('jira')).totals.pushed).toBe(1);
    expect(jira.issues[0]?.status).toBe('Done');
    const after = await engine.pull('jira', { since: '2000-01-01T00:00:00Z' });
    expect(after.totals.conflicts).toBe(0);
    expect((await store.getIncident('OPS-1'))?.status).toBe('RESOLVED');
  });
});

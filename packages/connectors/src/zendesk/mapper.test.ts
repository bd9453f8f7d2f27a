import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ConnectorError } from '../errors.js';
import { mapZendeskTicket } from './mapper.js';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are vendor JSON that the tests edit freely
type Json = any;

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/zendesk/${name}`, import.meta.url), 'utf8')) as Json;

describe('mapZendeskTicket', () => {
  it('maps the documented ticket', () => {
    const m = mapZendeskTicket(load('ticket.json'), { baseUrl: 'https://example.zendesk.com' });
    expect(m).toMatchObject({
      external_id: '35436',
      updated_at: '2011-05-05T10:38:52.000Z',
      status: 'IN_PROGRESS',
      remote_status: 'open',
    });
    expect(m.input).toMatchObject({
      incident_id: 'ZD-35436',
      source_system: 'ZENDESK',
      source_url: 'https://example.zendesk.com/agent/tickets/35436',
      title: 'Help, my printer is on fire!',
      description: 'The fire is very colorful.',
      category: 'Incident',
      priority: 'P2',
      severity: 'HIGH',
      tags: ['enterprise', 'other_tag'],
      created_at: '2009-07-20T22:55:29.000Z',
    });
    expect(m.input.assigned_to).toBeUndefined();
    expect(m.sourceRecord.data).toMatchObject({ assignee_id: 235323, requester_id: 20978392, channel: 'web' });
  });

  it('uses sideloaded users and groups, and the NEW → ASSIGNED rule', () => {
    const page = load('export-page.json');
    const users = new Map(page.users.map((u: Json) => [u.id, u]));
    const groups = new Map(page.groups.map((g: Json) => [g.id, g]));
    const m = mapZendeskTicket(page.tickets[0], { users: users as never, groups: groups as never });
    expect(m).toMatchObject({
      status: 'NEW',
      input: {
        priority: 'P1',
        severity: 'CRITICAL',
        team: 'Support L2',
        category: 'Problem',
        due_date: '2026-01-21T09:45:00.000Z',
      },
    });
    expect(m.sourceRecord.author).toBe('jane@example.com');
    const assigned = mapZendeskTicket({ ...page.tickets[0], assignee_id: 235323 }, { users: users as never });
    expect(assigned).toMatchObject({ status: 'ASSIGNED', input: { assigned_to: 'agent@example.com' } });
    expect(mapZendeskTicket(load('ticket.json'), { statuses: { open: 'ASSIGNED' } }).status).toBe('ASSIGNED');
  });

  it('names the offending fields', () => {
    const bad = load('ticket.json');
    bad.id = 'abc';
    delete bad.status;
    try {
      mapZendeskTicket(bad);
      expect.unreachable();
    } catch (err) {
      expect((err as ConnectorError).code).toBe('connector.invalid_response');
      expect((err as ConnectorError).details.issues?.map((i) => i.path).sort()).toEqual(['id', 'status']);
    }
  });
});

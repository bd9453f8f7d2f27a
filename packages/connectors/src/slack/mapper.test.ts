import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ConnectorError } from '../errors.js';
import { mapSlackMessage, parseSlackTags } from './mapper.js';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are vendor JSON that the tests edit freely
type Json = any;

const history = JSON.parse(
  readFileSync(new URL('../../test/fixtures/slack/history.json', import.meta.url), 'utf8'),
) as { messages: Array<Json> };
const [resolved, linked] = history.messages as [Json, Json];

describe('mapSlackMessage', () => {
  it('links a message with ticketId= to that ticket and reads priority=', () => {
    const m = mapSlackMessage(linked, { channelId: 'C024BE91L', workspaceUrl: 'https://acme.slack.com' });
    expect(m).toMatchObject({
      external_id: 'C024BE91L:1756575000.000100',
      ticketRef: 'ZD-12345',
      status: 'NEW',
      updated_at: '2025-08-30T17:40:00.000Z',
      input: {
        incident_id: 'ZD-12345',
        source_system: 'SLACK',
        title: 'User reports login button not working.',
        description: 'User reports login button not working. ticketId=ZD-12345 priority=High',
        priority: 'P2',
        severity: 'HIGH',
        created_at: '2025-08-30T17:30:00.000Z',
        source_url: 'https://acme.slack.com/archives/C024BE91L/p1756575000000100',
      },
      sourceRecord: {
        source_system: 'SLACK',
        record_id: '1756575000.000100',
        author: 'U123ABC',
        priority: 'High',
        data: { channel: 'C024BE91L', ticket_id: 'ZD-12345', reply_count: 2 },
      },
    });
  });

  it('gives a message without ticketId the synthetic SL-<ts> id, and reads status from reactions', () => {
    const m = mapSlackMessage(resolved, { channelId: 'C024BE91L' });
    expect(m.ticketRef).toBeUndefined();
    expect(m).toMatchObject({
      status: 'RESOLVED',
      input: { incident_id: 'SL-1756576200.000300', title: 'Checkout page times out for EU users', priority: 'P1' },
    });
    expect(
      mapSlackMessage(resolved, {
        channelId: 'C1',
        statuses: { white_check_mark: 'CLOSED' },
        priorities: { critical: 'P2' },
      }),
    ).toMatchObject({ status: 'CLOSED', input: { priority: 'P2' } });
  });

  it('parses tags in either key=value or key: value form', () => {
    expect(parseSlackTags('down ticketId: sc-56789 Priority=LOW')).toEqual({
      ticketId: 'SC-56789',
      priority: 'LOW',
      rest: 'down',
    });
  });

  it('names the offending field', () => {
    try {
      mapSlackMessage({ ...linked, ts: 'yesterday' }, { channelId: 'C1' });
      expect.unreachable();
    } catch (err) {
      expect((err as ConnectorError).code).toBe('connector.invalid_response');
      expect((err as ConnectorError).details.issues?.map((i) => i.path)).toEqual(['ts']);
    }
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../errors.js';
import { adfToText, textToAdf } from './adf.js';
import { mapJiraIssue } from './mapper.js';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are vendor JSON that the tests edit freely
type Json = any;

const issue = JSON.parse(readFileSync(new URL('../../test/fixtures/jira/issue.json', import.meta.url), 'utf8')) as Json;

describe('mapJiraIssue', () => {
  it('maps the documented issue payload to a validated core input', () => {
    const m = mapJiraIssue(issue);
    expect(m.external_id).toBe('ED-1');
    expect(m.updated_at).toBe('2026-01-20T11:02:31.000Z');
    expect(m.status).toBe('IN_PROGRESS');
    expect(m.remote_status).toBe('In Progress');
    expect(m.input).toMatchObject({
      incident_id: 'ED-1',
      source_system: 'JIRA',
      source_url: 'https://your-domain.atlassian.net/browse/ED-1',
      title: 'Checkout returns 502 for EU customers',
      priority: 'P2',
      severity: 'HIGH',
      category: 'Payments',
      subcategory: 'Incident',
      created_at: '2026-01-20T09:45:00.000Z',
      due_date: '2026-01-22T00:00:00.000Z',
      assigned_to: 'mia@example.com',
      labels: ['checkout', 'eu'],
      affected_services: ['Payments'],
      environment: 'PRODUCTION',
    });
    expect(m.input.description).toBe(
      'Since 09:40 UTC the checkout API answers 502.\n\n- region eu-west-1\n- reported by @Mia Krystof',
    );
    expect(m.comments).toEqual([
      {
        external_id: '10000',
        author: 'Mia Krystof',
        text: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.',
        created_at: '2026-01-20T10:00:00.000Z',
        visibility: 'INTERNAL',
      },
      {
        external_id: '10001',
        author: 'emma@example.com',
        text: 'Customers see 502\nsince this morning',
        created_at: '2026-01-20T10:30:00.000Z',
        visibility: 'PUBLIC',
      },
    ]);
    expect(m.sourceRecord).toMatchObject({
      source_system: 'JIRA',
      record_id: 'ED-1',
      status: 'In Progress',
      priority: 'High',
      author: 'Emma Richards',
    });
  });

  it('applies status and priority overrides and the status-category fallback', () => {
    const custom = structuredClone(issue);
    custom.fields.status = { name: 'Triage', statusCategory: { key: 'new' } };
    custom.fields.assignee = null;
    expect(mapJiraIssue(custom).status).toBe('NEW');
    expect(mapJiraIssue(custom, { statuses: { TRIAGE: 'PENDING' }, priorities: { high: 'P1' } })).toMatchObject({
      status: 'PENDING',
      input: { priority: 'P1', severity: 'CRITICAL' },
    });
    custom.fields.status = { name: 'To Do', statusCategory: { key: 'new' } };
    custom.fields.assignee = { accountId: 'x', emailAddress: 'dev@example.com' };
    expect(mapJiraIssue(custom).status).toBe('ASSIGNED');
  });

  it('maps the resolution of a done issue', () => {
    const done = structuredClone(issue);
    done.fields.status = { name: 'Done', statusCategory: { key: 'done' } };
    done.fields.resolution = { name: "Won't Do" };
    expect(mapJiraIssue(done)).toMatchObject({ status: 'CLOSED', resolution: { code: "Won't Do", type: 'WONT_FIX' } });
  });

  it('names the offending fields of a malformed issue', () => {
    const bad = structuredClone(issue);
    delete bad.fields.summary;
    bad.fields.created = 'yesterday';
    try {
      mapJiraIssue(bad);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConnectorError);
      expect((err as ConnectorError).code).toBe('connector.invalid_response');
      expect((err as ConnectorError).details.issues?.map((i) => i.path).sort()).toEqual([
        'fields.created',
        'fields.summary',
      ]);
    }
  });

  it('rejects an empty summary through the core input schema', () => {
    const bad = structuredClone(issue);
    bad.fields.summary = '   ';
    expect(() => mapJiraIssue(bad)).toThrow(/input\.title/);
  });

  it('round-trips text through ADF', () => {
    expect(adfToText(textToAdf('one\ntwo\n\nthree'))).toBe('one\ntwo\n\nthree');
  });
});

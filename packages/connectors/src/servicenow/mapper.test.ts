import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ConnectorError } from '../errors.js';
import { mapServiceNowIncident } from './mapper.js';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are vendor JSON that the tests edit freely
type Json = any;

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/servicenow/${name}`, import.meta.url), 'utf8')) as Json;

describe('mapServiceNowIncident', () => {
  it('maps a record read with sysparm_display_value=all', () => {
    const m = mapServiceNowIncident(fixture('incident-display-all.json'), { baseUrl: 'https://acme.service-now.com' });
    expect(m.external_id).toBe('57af7aec73d423002728660c4cf6a71c');
    expect(m.updated_at).toBe('2026-01-20T11:02:31.000Z');
    expect(m.status).toBe('PENDING');
    expect(m.remote_status).toBe('On Hold');
    expect(m.input).toMatchObject({
      incident_id: 'INC0010002',
      source_system: 'SERVICENOW',
      source_url: 'https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id=57af7aec73d423002728660c4cf6a71c',
      title: 'Unable to connect to VPN',
      category: 'Network',
      subcategory: 'VPN',
      priority: 'P1',
      severity: 'CRITICAL',
      team: 'Network',
      assigned_to: 'beth.anglin@example.com',
      created_at: '2026-01-20T09:45:00.000Z',
      affected_systems: ['vpn-gw-01'],
      affected_services: ['Remote Access'],
    });
    expect(m.sourceRecord).toMatchObject({
      record_id: '57af7aec73d423002728660c4cf6a71c',
      status: 'On Hold',
      priority: '1 - Critical',
      author: 'Abel Tuter',
    });
  });

  it('maps plain values (sysparm_display_value=false), the close code and overrides', () => {
    const m = mapServiceNowIncident(fixture('incident-values.json'));
    expect(m).toMatchObject({
      status: 'RESOLVED',
      input: { priority: 'P4', severity: 'LOW', category: 'network' },
      resolution: { code: 'Workaround provided', notes: 'Rolled back the VPN client to 5.2', type: 'WORKAROUND' },
    });
    expect(
      mapServiceNowIncident(fixture('incident-values.json'), {
        statuses: { '6': 'CLOSED' },
        priorities: { '4': 'P3' },
      }),
    ).toMatchObject({
      status: 'CLOSED',
      input: { priority: 'P3' },
    });
  });

  it('names the offending fields of a malformed record', () => {
    const bad = fixture('incident-values.json');
    bad.sys_updated_on = 'soon';
    delete bad.number;
    try {
      mapServiceNowIncident(bad);
      expect.unreachable();
    } catch (err) {
      expect((err as ConnectorError).code).toBe('connector.invalid_response');
      expect((err as ConnectorError).details.issues?.map((i) => i.path).sort()).toEqual(['number', 'sys_updated_on']);
    }
  });

  it('reads back every close code of the incident table (Utah+ choices and the older ones) as a resolution type', () => {
    const base = fixture('incident-values.json') as Record<string, unknown>;
    const expected: Record<string, string> = {
      'Solution provided': 'FIXED',
      'Workaround provided': 'WORKAROUND',
      Duplicate: 'DUPLICATE',
      'Known error': 'WORKAROUND',
      'No resolution provided': 'WONT_FIX',
      'Resolved by caller': 'FIXED',
      'Resolved by change': 'FIXED',
      'Resolved by problem': 'FIXED',
      'Resolved by request': 'FIXED',
      'User error': 'NOT_REPRODUCIBLE',
      'Closed/Resolved by Caller': 'FIXED',
      'Solved (Permanently)': 'FIXED',
      'Not Solved (Too Costly)': 'WONT_FIX',
    };
    for (const [code, type] of Object.entries(expected)) {
      expect(mapServiceNowIncident({ ...base, close_code: code }).resolution).toMatchObject({ code, type });
    }
  });
});

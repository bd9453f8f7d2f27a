import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ConnectorError } from '../errors.js';
import { mapRemedyEntry } from './mapper.js';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are vendor JSON that the tests edit freely
type Json = any;

const body = JSON.parse(readFileSync(new URL('../../test/fixtures/remedy/entries.json', import.meta.url), 'utf8')) as {
  entries: Array<Json>;
};
const entry = body.entries[0] as Json;

describe('mapRemedyEntry', () => {
  it('maps one element of entries', () => {
    const m = mapRemedyEntry(entry, { recordUrlPrefix: 'https://smartit.example.com/incident/' });
    expect(m).toMatchObject({
      external_id: 'INC_CAL_1000024',
      updated_at: '2019-10-15T23:36:18.000Z',
      status: 'ASSIGNED',
      remote_status: 'Assigned',
      comments: [],
    });
    expect(m.input).toMatchObject({
      incident_id: 'INC_CAL_1000024',
      source_system: 'REMEDY',
      source_url: 'https://smartit.example.com/incident/INC_CAL_1000024',
      title: 'User needs local Database System installed.',
      description: 'The finance team needs a local database to run the quarter-end reports.',
      category: 'Request',
      subcategory: 'Software',
      priority: 'P4',
      severity: 'LOW',
      team: 'Frontoffice Support',
      created_at: '2008-10-01T04:00:00.000Z',
      due_date: '2008-10-06T21:00:00.000Z',
      affected_systems: ['DB-SERVER-07'],
    });
    expect(m.sourceRecord).toMatchObject({
      record_id: 'INC_CAL_1000024',
      author: 'Allen Allbrook',
      data: { impact: '4-Minor/Localized', assignee_login_id: 'Allen' },
    });
  });

  it('applies overrides', () => {
    expect(mapRemedyEntry(entry, { statuses: { assigned: 'IN_PROGRESS' }, priorities: { LOW: 'P2' } })).toMatchObject({
      status: 'IN_PROGRESS',
      input: { priority: 'P2', severity: 'HIGH' },
    });
  });

  it('names the offending fields', () => {
    const bad = structuredClone(entry);
    delete bad.values['Incident Number'];
    bad.values['Last Modified Date'] = 42;
    try {
      mapRemedyEntry(bad);
      expect.unreachable();
    } catch (err) {
      expect((err as ConnectorError).code).toBe('connector.invalid_response');
      expect((err as ConnectorError).details.issues?.map((i) => i.path).sort()).toEqual([
        'values.Incident Number',
        'values.Last Modified Date',
      ]);
    }
  });
});

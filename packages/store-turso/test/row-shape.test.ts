import { describe, expect, it } from 'vitest';
import { incidentFromDoc, OPTIONAL_TEXT } from '../src/rows.js';
import { incidentRecord } from './fixtures.js';

// The shape check of stored rows (`looksLikeStoredIncident`) names every field instead of looping over
// key lists. These cases keep it in step with the model: a field it forgot would let a wrong value
// through unvalidated instead of failing with `store.corrupt_row`.
describe('stored incident documents: every field is checked', () => {
  const incident = incidentRecord(7, { assigned_to: 'ana@example.com', team: 'payments' });
  const doc = JSON.parse(JSON.stringify(incident)) as Record<string, unknown>;

  it('a well-formed document reads back as the record', () => {
    expect(incidentFromDoc(JSON.stringify(doc))).toEqual(incident);
  });

  // `version` is not stored: the store sets 0 on every version-0 read.
  const fields = [...new Set([...Object.keys(doc), ...OPTIONAL_TEXT, 'cline_work', 'resolution'])].filter(
    (field) => field !== 'version',
  );
  it.each(fields)('%s holding a value of the wrong type is refused with store.corrupt_row naming it', (field) => {
    const wrong = typeof doc[field] === 'number' ? 'not a number' : 42;
    expect(() => incidentFromDoc(JSON.stringify({ ...doc, [field]: wrong }))).toThrow(
      expect.objectContaining({ code: 'store.corrupt_row', message: expect.stringContaining(field) }),
    );
  });
});

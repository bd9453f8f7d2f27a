import { describe, expect, it } from 'vitest';
import { nextRevision } from '../src/index.js';
import { fixtureTime, incidentFixture } from '../src/testing/fixtures.js';

describe('nextRevision', () => {
  it('stamps version 0, the next revision, the time and the actor; keeps the changed fields', () => {
    const current = { ...incidentFixture(), revision: 4 };
    const next = nextRevision(
      current,
      { ...current, title: 'Renamed' },
      { now: fixtureTime(5), actorId: 'ana@example.com', notes: 'rename' },
    );
    expect(next).toEqual({
      ...current,
      title: 'Renamed',
      version: 0,
      revision: 5,
      updated_at: fixtureTime(5),
      metadata: { ...current.metadata, last_modified_by: 'ana@example.com', version_notes: 'rename' },
    });
    expect(current.revision).toBe(4);
  });

  it('counts from the record read, not from the changed copy', () => {
    const current = { ...incidentFixture(), revision: 2 };
    expect(
      nextRevision(current, { ...current, revision: 99 }, { now: fixtureTime(1), actorId: 'x@example.com' }).revision,
    ).toBe(3);
  });
});

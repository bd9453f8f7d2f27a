/**
 * Contract cases for the optional `IncidentStore.createIncidents` (the bulk create the sync engine
 * uses for a first import): every write lands as `createIncident` would write it, and the call is all
 * or nothing, failing with the `ConflictError` a single create would give. A store without the
 * method passes by not declaring it. Registered by `runIncidentStoreContract`.
 *
 * @module
 */
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../errors.js';
import type { Incident } from '../model/incident.js';
import type { Actor } from '../model/user.js';
import type { CreateIncidentWrite, IncidentStore } from '../ports/incident-store.js';
import type { IncidentService } from '../service/incident-service.js';
import { rejection } from './port-rules.js';

/** What the cases need from the suite's current test (read after `beforeEach`). */
export interface BulkCreateHarness {
  store: IncidentStore;
  service: IncidentService;
}

const admin = { actor: { id: 'admin@example.com', roles: ['admin'] } satisfies Actor };

/** Registers the bulk-create cases in the current `describe` block. */
export function registerBulkCreateCases(current: () => BulkCreateHarness): void {
  /** A template incident (created through the service) and writes of copies of it under other ids. */
  async function template(): Promise<Incident> {
    return current().service.create(
      {
        title: 'Checkout fails',
        category: 'Application',
        incident_id: 'ZD-0',
        source_system: 'ZENDESK',
        external_id: '0',
      },
      admin,
    );
  }
  const copy = (base: Incident, id: string, externalId = id): CreateIncidentWrite => ({
    incident: { ...base, incident_id: id, external_id: externalId },
    sourceRecords: [
      {
        incident_id: id,
        source_system: base.source_system,
        record_id: externalId,
        created_at: base.created_at,
        updated_at: base.updated_at,
        data: { n: externalId },
      },
    ],
  });

  type BulkCreate = (writes: readonly CreateIncidentWrite[]) => Promise<void>;
  /**
   * A test body run with the store's bulk create. A store without one (the method is optional) has
   * nothing to check beyond not declaring it: the engine then creates one by one.
   */
  const withBulk = (body: (create: BulkCreate) => Promise<void>) => async () => {
    const { store } = current();
    if (!store.createIncidents) {
      expect(store.createIncidents).toBeUndefined();
      return;
    }
    await body(store.createIncidents.bind(store));
  };

  /** The ConflictError a promise rejects with. */
  async function conflict(promise: Promise<unknown>): Promise<ConflictError> {
    const err = await rejection(promise);
    expect(err).toBeInstanceOf(ConflictError);
    return err as unknown as ConflictError;
  }

  describe('createIncidents (optional bulk create)', () => {
    it(
      'writes every incident as createIncident would: version 0, history version 1, source records',
      withBulk(async (create) => {
        const base = await template();
        await create([]);
        await create([copy(base, 'ZD-1', '1'), copy(base, 'ZD-2', '2')]);
        const { store } = current();
        for (const [id, ext] of [
          ['ZD-1', '1'],
          ['ZD-2', '2'],
        ] as const) {
          expect((await store.getIncident(id))?.external_id).toBe(ext);
          expect((await store.getVersion(id, 1))?.incident_id).toBe(id);
          expect((await store.findBySource('ZENDESK', ext))?.incident_id).toBe(id);
          expect((await store.listSourceRecords(id)).map((r) => r.record_id)).toEqual([ext]);
        }
      }),
    );

    it(
      'is all or nothing: a taken id, a repeated id or a taken source fails the call and writes nothing',
      withBulk(async (create) => {
        const base = await template();
        const { store } = current();
        const taken = await conflict(create([copy(base, 'ZD-1', '1'), copy(base, 'ZD-0', 'other')]));
        expect(taken.details.reason).toBe('already_exists');
        const twice = await conflict(create([copy(base, 'ZD-1', '1'), copy(base, 'ZD-1', '2')]));
        expect(twice.details.reason).toBe('already_exists');
        const sameSource = await conflict(create([copy(base, 'ZD-1', '1'), copy(base, 'ZD-2', '1')]));
        expect(sameSource.details.reason).toBe('duplicate_source');
        const takenSource = await conflict(create([copy(base, 'ZD-1', '1'), copy(base, 'ZD-2', '0')]));
        expect(takenSource.details.reason).toBe('duplicate_source');
        // None of the failed calls left ZD-1 (the valid first write of each) behind.
        expect(await store.getIncident('ZD-1')).toBeNull();
        expect(await store.findBySource('ZENDESK', '1')).toBeNull();
      }),
    );
  });
}

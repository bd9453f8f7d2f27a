/**
 * `@incidents/core/store-kit` — what a store author needs, in one place: the schemas of the port's
 * inputs (declared once, so two stores cannot drift apart), the one stale-revision conflict, page
 * and cursor helpers, and the "already validated" mark of SDK-built writes.
 *
 * ```ts
 * import { ConflictError, InteractionExternalIdInputSchema, pageLimit, parseInput } from '@incidents/core/store-kit';
 * ```
 *
 * Prove a store with `runIncidentStoreContract` from `@incidents/core/testing`.
 *
 * @packageDocumentation
 */
import * as z from 'zod';

import { ConflictError } from '../errors.js';
export { ConflictError, NotFoundError, ValidationError } from '../errors.js';
export { canonicalJson, cloneJson, sameJson } from '../json.js';
export { lazy } from '../model/lazy.js';
export { collectAll, decodeCursor, encodeCursor, pageLimit } from '../ports/pagination.js';
export { markValidated, parseInput, parseInputAt, takeValidated } from '../validation.js';

/**
 * A page request as a store receives it: `limit` any number — `NaN` and ±Infinity included, which
 * `pageLimit` reads as the default and the maximum (a plain `z.number()` would refuse them, and one
 * store would reject what another serves) — `cursor` an opaque string or `null`. Stricter bounds
 * belong to the service (its page input rejects limits outside 1…500).
 */
export const StorePageRequestSchema = z
  .object({
    limit: z.custom<number>((v) => typeof v === 'number', 'must be a number (the page size)').optional(),
    cursor: z.string().nullish(),
  })
  .optional();

/** Input of `SyncStateStore.setInteractionExternalId`: every key part non-empty. */
export const InteractionExternalIdInputSchema = z.object({
  interaction: z.object({
    interaction_id: z.string().min(1),
    incident_id: z.string().min(1),
    created_at: z.string().min(1),
  }),
  external_id: z.string().min(1),
});

/** What {@link checkBulkCreateRepeats} reads of each create of a bulk call. */
export interface BulkCreateKeys {
  /** The new record's identity. */
  incident: { incident_id: string; source_system: string; external_id: string };
  /** Its timeline entries (only their ids are read). */
  interactions?: readonly { interaction_id: string }[];
}

/**
 * The one rule of a bulk create (`createIncidents` of the stores) about repeats inside the call,
 * checked before anything is written: an incident id, a `(source_system, external_id)` pair or an
 * interaction id that appears twice fails the whole call with the `ConflictError` a second single
 * create would give (`already_exists` / `duplicate_source`), naming the repeated incident.
 */
export function checkBulkCreateRepeats(creates: readonly BulkCreateKeys[]): void {
  const ids = new Set<string>();
  const sources = new Set<string>();
  const interactionIds = new Set<string>();
  for (const { incident, interactions } of creates) {
    const id = incident.incident_id;
    if (ids.has(id)) {
      throw new ConflictError(`Incident ${id} appears twice in the bulk create`, {
        entity: 'Incident',
        id,
        reason: 'already_exists',
      });
    }
    const source = `${incident.source_system}\u0000${incident.external_id}`;
    if (sources.has(source)) {
      throw new ConflictError(
        `Incident ${id} has the same (source_system, external_id) as another incident of the bulk create`,
        { entity: 'Incident', id, reason: 'duplicate_source' },
      );
    }
    ids.add(id);
    sources.add(source);
    for (const i of interactions ?? []) {
      if (interactionIds.has(i.interaction_id)) {
        throw new ConflictError(`Interaction ${i.interaction_id} appears twice in the bulk create`, {
          entity: 'Interaction',
          id: i.interaction_id,
          reason: 'already_exists',
        });
      }
      interactionIds.add(i.interaction_id);
    }
  }
}

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
import { z } from 'zod';

export { ConflictError, NotFoundError, ValidationError } from '../errors.js';
export { canonicalJson, sameJson } from '../json.js';
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

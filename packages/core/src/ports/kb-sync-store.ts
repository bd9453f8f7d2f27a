/**
 * Store operations for the knowledge-base batch job (`runKbSync` in `@incidents/kb-sync`).
 *
 * A closed incident gets `kb_sync_status.state = 'PENDING'`; a synced one that is reopened or
 * cancelled gets `WITHDRAW_PENDING` (its document must be removed). The job pages through
 * {@link KbSyncStore.listPendingKbSync} — which must return *every* such incident, served by an index
 * (a sparse index on DynamoDB), never a `Limit` + filter that silently returns fewer — and marks each
 * one guarded by the revision it exported: an incident changed meanwhile stays pending.
 *
 * These marks are bookkeeping: they neither bump `revision` nor write a history version, so they
 * never make a person's write stale.
 *
 * @module
 */
import type { Incident } from '../model/incident.js';
import type { Page, PageRequest } from './incident-store.js';

/** Marks an incident's document as published (or withdrawn). */
export interface MarkKbSyncedInput {
  incident_id: string;
  /** The revision whose content was exported; if version 0 has moved on, nothing is written and `false` is returned. */
  expectedRevision: number;
  synced_at: string;
  /** The object key of the published document. */
  document_key: string;
  /** `true` when the document was removed (reopen/cancel): the state becomes `NOT_APPLICABLE`. */
  withdrawn?: boolean;
}

/** Records a failed attempt. */
export interface MarkKbSyncFailedInput {
  incident_id: string;
  attempted_at: string;
  error: string;
}

/** The knowledge-base bookkeeping a store offers. */
export interface KbSyncStore {
  /**
   * Incidents whose `kb_sync_status.state` is `PENDING`, `FAILED` or `WITHDRAW_PENDING`, ordered by
   * `incident_id`, completely paginated.
   */
  listPendingKbSync(page?: PageRequest): Promise<Page<Incident>>;
  /**
   * Sets `kb_sync_status` to `{ state: 'SYNCED', synced: true, synced_at, document_key, sync_attempts }`
   * (or `NOT_APPLICABLE` when withdrawn) if version 0 still has `expectedRevision`.
   * @returns whether the mark was written.
   */
  markKbSynced(input: MarkKbSyncedInput): Promise<boolean>;
  /**
   * Optional batched form of {@link KbSyncStore.markKbSynced} for throughput (one round trip or
   * transaction per page). Each mark is still guarded by its own revision; the result says, per
   * input and in order, whether that mark was written.
   */
  markKbSyncedMany?(inputs: readonly MarkKbSyncedInput[]): Promise<boolean[]>;
  /**
   * Increments `kb_sync_status.sync_attempts`, sets `last_sync_attempt`, `last_sync_error` and
   * `state: 'FAILED'` (a withdrawal keeps `WITHDRAW_PENDING`).
   * @returns the attempts count after the increment; `null` if the incident does not exist.
   */
  markKbSyncFailed(input: MarkKbSyncFailedInput): Promise<number | null>;
}

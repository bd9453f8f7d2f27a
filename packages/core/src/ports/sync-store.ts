/**
 * # The sync-state port — pull cursors and the outbound queue
 *
 * Store operations for the two-way sync engine (`createSyncEngine` in `@incidents/connectors`).
 * {@link IncidentStore} extends {@link SyncStateStore}, so every store offers them and the contract
 * suite (`runIncidentStoreContract`) checks them.
 *
 * ## Pull cursors
 * One {@link SyncCursor} per connector name. The engine saves it only **after** the page it
 * describes was persisted, so a crash re-reads a page and never skips one. `high_watermark` moves
 * only when a pull completes; while a pull is under way, `resume_cursor` says where to continue.
 *
 * ## Outbound queue (R-SOURCE-5)
 * Local changes that must go back to the source system — comments and status changes made by people
 * (never by the `sync` role itself: no echo) — become {@link OutboundItem}s. The service writes them
 * in the **same transaction** as the change (`UpdateIncidentWrite.outbound`, a transactional
 * outbox), so a change is never recorded without its item nor an item without its change.
 *
 * An item's life: `PENDING` → `IN_PROGRESS` (a worker claimed it; `next_attempt_at` is the end of
 * its lease) → `COMPLETED`, or `FAILED` (retried at `next_attempt_at`, with backoff) → … → `DEAD`
 * after `max_attempts` (kept and listed, never retried automatically).
 *
 * Every change of an item is a **conditional write** guarded by the `status` and `attempts` the
 * worker read ({@link SyncStateStore.updateOutbound}): of two workers that read the same item,
 * exactly one claims it — an item is never sent twice by concurrent workers.
 *
 * These writes are bookkeeping: they neither bump an incident's `revision` nor write a history
 * version.
 *
 * @module
 */
import * as z from 'zod';
import { SourceSystemSchema } from '../model/enums.js';
import { TimestampSchema } from '../model/incident.js';
import type { Interaction } from '../model/interaction.js';
import type { Page, PageRequest } from './incident-store.js';

/** Statuses of an outbound item, in the order lists return them. */
export const OUTBOUND_STATUSES = ['PENDING', 'IN_PROGRESS', 'FAILED', 'DEAD', 'COMPLETED'] as const;
/** Validates an {@link OutboundStatus}. */
export const OutboundStatusSchema = z.enum(OUTBOUND_STATUSES);
/** Status of an outbound item (see the module documentation for its life). */
export type OutboundStatus = z.infer<typeof OutboundStatusSchema>;

/** Statuses in which an item may still be attempted (when `next_attempt_at` has passed). */
export const OUTBOUND_DUE_STATUSES = ['PENDING', 'FAILED', 'IN_PROGRESS'] as const satisfies readonly OutboundStatus[];

/** What an outbound item writes to the source system (R-SOURCE-5). */
export const OUTBOUND_SYNC_TYPES = ['CREATE', 'UPDATE', 'COMMENT', 'ATTACHMENT', 'STATUS_CHANGE'] as const;
/** Validates an {@link OutboundSyncType}. */
export const OutboundSyncTypeSchema = z.enum(OUTBOUND_SYNC_TYPES);
/** What an outbound item writes to the source system. */
export type OutboundSyncType = z.infer<typeof OutboundSyncTypeSchema>;

/** Default `max_attempts` of a new outbound item. */
export const DEFAULT_OUTBOUND_MAX_ATTEMPTS = 5;

/**
 * One change to push to a source system (R-SOURCE-5, direction `TO_EXTERNAL`).
 *
 * `payload` by `sync_type`:
 * - `COMMENT`: `{ interaction_id, created_at, text, visibility, author }` — the local comment.
 * - `STATUS_CHANGE`: `{ from, to, resolution?: { type, description } }` — core statuses.
 */
export const OutboundItemSchema = z.object({
  /** Unique id of the item (sorts by creation). */
  sync_id: z.string().min(1),
  /** The local incident the change was made on. */
  incident_id: z.string().min(1),
  /** The system to write to. */
  source_system: SourceSystemSchema,
  /** Id of the record in that system (the incident's `external_id`). */
  external_id: z.string().min(1),
  /** Name of the connector expected to push it (`jira`, `zendesk`…; by default the lower-case source system). */
  connector: z.string().min(1),
  sync_direction: z.literal('TO_EXTERNAL'),
  sync_type: OutboundSyncTypeSchema,
  payload: z.record(z.string(), z.unknown()).default({}),
  status: OutboundStatusSchema,
  /** Attempts started so far. */
  attempts: z.number().int().nonnegative(),
  /** Attempts after which a failing item becomes `DEAD`. */
  max_attempts: z.number().int().positive(),
  created_at: TimestampSchema,
  /** When the item is due (`PENDING`/`FAILED`), or when the lease of an `IN_PROGRESS` claim ends. */
  next_attempt_at: TimestampSchema,
  last_attempt_at: TimestampSchema.optional(),
  /** The error of the last failed attempt (kept after a later success, for the record). */
  error_message: z.string().optional(),
  completed_at: TimestampSchema.optional(),
  /** What the source system returned: the id of the pushed comment. */
  external_ref: z.string().optional(),
  /** Set when the item was completed without writing (e.g. an INTERNAL comment to a system without internal notes). */
  skipped_reason: z.string().optional(),
});
/** One change to push to a source system. */
export type OutboundItem = z.infer<typeof OutboundItemSchema>;

/** The fields {@link SyncStateStore.updateOutbound} may change. */
export type OutboundChanges = Partial<
  Pick<
    OutboundItem,
    | 'status'
    | 'attempts'
    | 'next_attempt_at'
    | 'last_attempt_at'
    | 'error_message'
    | 'completed_at'
    | 'external_ref'
    | 'skipped_reason'
  >
>;

/** A conditional change of an outbound item. */
export interface OutboundUpdate {
  /** The item as the caller read it: the write happens only if its `status` and `attempts` are unchanged. */
  item: OutboundItem;
  changes: OutboundChanges;
}

/** Filter of {@link SyncStateStore.listOutbound}. */
export interface OutboundFilter {
  /** One status or several; default every status. */
  status?: OutboundStatus | readonly OutboundStatus[];
  /** Only items of this connector. */
  connector?: string;
}

/** Options of {@link SyncStateStore.listDueOutbound}. */
export interface DueOutboundOptions {
  /** Items with `next_attempt_at <= now` are due (ISO). */
  now: string;
  /** At most this many items (default 50, at most 500). */
  limit?: number;
  /** Only items of this connector. */
  connector?: string;
}

/** Where the pull of one connector stands. */
export const SyncCursorSchema = z.object({
  /** Connector name (`jira`, `zendesk`…); one cursor per name. */
  connector: z.string().min(1),
  /**
   * Largest `updated_at` of a **completed** pull: every record changed before it is persisted. The
   * next pull asks for records changed since it minus the engine's look-back window.
   */
  high_watermark: TimestampSchema.optional(),
  /** The connector's `nextCursor` after the last persisted page of an unfinished pull. */
  resume_cursor: z.string().optional(),
  /** Largest `updated_at` persisted by the unfinished pull (becomes `high_watermark` when it completes). */
  pending_high_watermark: TimestampSchema.optional(),
  last_pull_started_at: TimestampSchema.optional(),
  last_pull_completed_at: TimestampSchema.optional(),
  /** The error that stopped the last pull, if it failed. */
  last_error: z.string().optional(),
  updated_at: TimestampSchema,
});
/** Where the pull of one connector stands. */
export type SyncCursor = z.infer<typeof SyncCursorSchema>;

/** Input of {@link SyncStateStore.setInteractionExternalId}. */
export interface InteractionExternalIdInput {
  /** The interaction, as stored (`created_at` is part of its key in some stores). */
  interaction: Pick<Interaction, 'incident_id' | 'interaction_id' | 'created_at'>;
  /** Id of the pushed comment in the source system. */
  external_id: string;
}

/** Counts of outbound items by status. */
export type OutboundCounts = Record<OutboundStatus, number>;

/** The sync bookkeeping a store offers. */
export interface SyncStateStore {
  /** The cursor of a connector, or `null` before its first pull. */
  getSyncCursor(connector: string): Promise<SyncCursor | null>;
  /** Inserts or replaces the cursor of `cursor.connector`. */
  saveSyncCursor(cursor: SyncCursor): Promise<void>;
  /** Every saved cursor, ordered by connector name. */
  listSyncCursors(): Promise<SyncCursor[]>;

  /**
   * Adds items outside an incident write (apps, tests, re-queueing). The service enqueues through
   * `UpdateIncidentWrite.outbound` instead, atomically with the change.
   * @throws ConflictError `already_exists` if a `sync_id` exists (nothing is written).
   */
  enqueueOutbound(items: readonly OutboundItem[]): Promise<void>;
  /**
   * Items that may be attempted now: status `PENDING`, `FAILED` or `IN_PROGRESS` (an expired lease)
   * with `next_attempt_at <= now`, ordered by status (in that order), then `next_attempt_at`, then
   * `sync_id`. Never `COMPLETED` or `DEAD` items.
   */
  listDueOutbound(options: DueOutboundOptions): Promise<OutboundItem[]>;
  /**
   * Applies `changes` only if the item still has the `status` and `attempts` of `update.item`.
   * @returns the item after the change, or `null` when the guard failed (another worker changed it) or it does not exist.
   */
  updateOutbound(update: OutboundUpdate): Promise<OutboundItem | null>;
  /** Items by status (in {@link OUTBOUND_STATUSES} order), then `next_attempt_at`, then `sync_id`; completely paginated. */
  listOutbound(filter?: OutboundFilter, page?: PageRequest): Promise<Page<OutboundItem>>;
  /** How many items are in each status. */
  countOutbound(): Promise<OutboundCounts>;

  /**
   * Records the source system's id of a pushed comment on the local interaction, so that the next
   * pull recognises it (no echo). Bookkeeping: no revision bump, no history version.
   * @returns whether the interaction was found and marked.
   */
  setInteractionExternalId(input: InteractionExternalIdInput): Promise<boolean>;
}

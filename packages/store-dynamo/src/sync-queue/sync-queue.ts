/**
 * The outbound sync queue (R-SOURCE-5) as items of the incidents table: one item
 * per change to push, listed by status through the sparse lists index (GSI-7, `SYNCQ#<status>`,
 * oldest first). A completed item gets a TTL 7 days later.
 *
 * @module
 */
import {
  ConflictError,
  NotFoundError,
  type Page,
  type PageRequest,
  SourceSystemSchema,
  TimestampSchema,
} from '@incidents/core';
import { pageLimit, parseInput } from '@incidents/core/store-kit';
import * as z from 'zod';
import type { DynamoIncidentStore } from '../store/dynamo-store.js';
import { guarded, isConditionFailure, storeError } from '../store/errors.js';
import { clean, strip } from '../store/items.js';
import { indexSegment, pageSegments } from '../store/paging.js';
import { indexPartition } from '../table/keys.js';

/** Seconds a completed item is kept. */
export const SYNC_QUEUE_TTL_SECONDS = 7 * 24 * 60 * 60;

/** Statuses of a queue item. */
export const SYNC_QUEUE_STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED'] as const;
/** Status of a queue item. */
export type SyncQueueStatus = (typeof SYNC_QUEUE_STATUSES)[number];

/** Input of {@link SyncQueue.enqueue}. */
export const EnqueueSyncInputSchema = z.object({
  sync_id: z.string().min(1),
  timestamp: TimestampSchema,
  incident_id: z.string().min(1),
  source_system: SourceSystemSchema,
  sync_direction: z.enum(['TO_EXTERNAL', 'FROM_EXTERNAL']),
  sync_type: z.enum(['CREATE', 'UPDATE', 'COMMENT', 'ATTACHMENT', 'STATUS_CHANGE']),
  payload: z.record(z.string(), z.unknown()).default({}),
  max_attempts: z.number().int().positive().default(5),
});
/** Input of {@link SyncQueue.enqueue}. */
export type EnqueueSyncInput = z.input<typeof EnqueueSyncInputSchema>;

/** A queue item (R-SOURCE-5). */
export interface SyncQueueItem extends z.output<typeof EnqueueSyncInputSchema> {
  status: SyncQueueStatus;
  attempts: number;
  last_attempt_at?: string;
  completed_at?: string;
  error_message?: string;
  /** Epoch seconds; set when the item completes. */
  ttl?: number;
}

/** The queue operations. */
export interface SyncQueue {
  /** Adds a PENDING item; a second enqueue of the same (`sync_id`, `timestamp`) is a `ConflictError`. */
  enqueue(input: EnqueueSyncInput): Promise<SyncQueueItem>;
  /** Items in a status, oldest first, completely paginated. */
  list(status: SyncQueueStatus, page?: PageRequest): Promise<Page<SyncQueueItem>>;
  /** PENDING → IN_PROGRESS; of concurrent workers exactly one gets the item (`false` for the others). */
  start(item: Pick<SyncQueueItem, 'sync_id' | 'timestamp'>, at: string): Promise<boolean>;
  /** IN_PROGRESS → COMPLETED, with a TTL 7 days after `at`. */
  complete(item: Pick<SyncQueueItem, 'sync_id' | 'timestamp'>, at: string): Promise<void>;
  /** IN_PROGRESS → PENDING (or FAILED once `max_attempts` is reached); counts the attempt. */
  fail(item: Pick<SyncQueueItem, 'sync_id' | 'timestamp'>, at: string, error: string): Promise<SyncQueueStatus>;
}

/** The sync queue over a store's table. */
export function createSyncQueue(options: { store: DynamoIncidentStore }): SyncQueue {
  const { store } = options;
  const entity = store.entities.syncQueueItem;
  const toItem = (raw: Record<string, unknown>) =>
    ({ ...strip(raw), ...(typeof raw.ttl === 'number' ? { ttl: raw.ttl } : {}) }) as unknown as SyncQueueItem;
  const key = (item: Pick<SyncQueueItem, 'sync_id' | 'timestamp'>) => ({
    sync_id: item.sync_id,
    timestamp: item.timestamp,
  });

  async function read(item: Pick<SyncQueueItem, 'sync_id' | 'timestamp'>): Promise<SyncQueueItem> {
    const res = (await guarded('GetItem', () => entity.get(key(item)).go({ consistent: true }))) as {
      data: SyncQueueItem | null;
    };
    if (!res.data) throw new NotFoundError('SyncQueueItem', `${item.sync_id}@${item.timestamp}`);
    return res.data;
  }

  async function transition(
    item: Pick<SyncQueueItem, 'sync_id' | 'timestamp'>,
    from: SyncQueueStatus,
    set: Record<string, unknown>,
    addAttempt = false,
  ): Promise<boolean> {
    try {
      let op = entity.patch(key(item)).set(set);
      if (addAttempt) op = op.add({ attempts: 1 });
      // biome-ignore lint/suspicious/noExplicitAny: ElectroDB where callback
      await op.where((a: any, o: any) => o.eq(a.status, from)).go();
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw storeError('UpdateItem', err);
    }
  }

  return {
    async enqueue(input) {
      const data = parseInput(EnqueueSyncInputSchema, input, 'sync queue item');
      const item: SyncQueueItem = { ...data, status: 'PENDING', attempts: 0 };
      try {
        await entity.create(clean(item)).go();
      } catch (err) {
        if (isConditionFailure(err)) {
          throw new ConflictError(`Sync item ${item.sync_id} already queued`, {
            entity: 'SyncQueueItem',
            id: item.sync_id,
            reason: 'already_exists',
          });
        }
        throw storeError('PutItem', err);
      }
      return item;
    },

    async list(status, page) {
      parseInput(z.enum(SYNC_QUEUE_STATUSES), status, 'status');
      const res = await pageSegments(
        store.client,
        store.tableName,
        [indexSegment('gsi7', indexPartition.syncQueue(status))],
        { limit: pageLimit(page), cursor: page?.cursor },
      );
      return { items: res.items.map(toItem), cursor: res.cursor };
    },

    start: (item, at) => transition(item, 'PENDING', { status: 'IN_PROGRESS', last_attempt_at: at }),

    async complete(item, at) {
      const ttl = Math.floor(Date.parse(at) / 1000) + SYNC_QUEUE_TTL_SECONDS;
      if (!(await transition(item, 'IN_PROGRESS', { status: 'COMPLETED', completed_at: at, ttl }))) {
        const current = await read(item);
        throw new ConflictError(`Sync item ${item.sync_id} is ${current.status}, not IN_PROGRESS`, {
          entity: 'SyncQueueItem',
          id: item.sync_id,
          reason: 'invalid_status',
        });
      }
    },

    async fail(item, at, error) {
      const current = await read(item);
      const next: SyncQueueStatus = current.attempts + 1 >= current.max_attempts ? 'FAILED' : 'PENDING';
      if (!(await transition(item, 'IN_PROGRESS', { status: next, last_attempt_at: at, error_message: error }, true))) {
        throw new ConflictError(`Sync item ${item.sync_id} is ${current.status}, not IN_PROGRESS`, {
          entity: 'SyncQueueItem',
          id: item.sync_id,
          reason: 'invalid_status',
        });
      }
      return next;
    },
  };
}

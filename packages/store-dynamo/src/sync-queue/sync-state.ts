/**
 * The sync-state operations of the DynamoDB store (`SyncStateStore` of `@incidents/core`): pull
 * cursors and the outbound queue (R-SOURCE-5), as items of the incidents table.
 *
 * | item | pk | sk | gsi7pk | gsi7sk |
 * |---|---|---|---|---|
 * | outbound item | `OUTBOUND#<sync_id>` | `ITEM` | `OUTQ#<status>` | `<next_attempt_at>#<sync_id>` |
 * | pull cursor | `SYNCCURSOR#<connector>` | `CURSOR` | `SYNCCURSORS` | `<connector>` |
 *
 * The sparse lists index (GSI-7) serves every list: one partition per status, ordered by due time,
 * so "what is due now" is a key-range Query per due status (`gsi7sk <= now#…`). A completed item gets
 * a TTL 7 days after completion. Each change of an item is a `PutItem` conditional on the status and
 * attempts the worker read: of two workers, exactly one wins.
 *
 * Why raw lib-dynamodb commands here, not ElectroDB entities: the outbound items are also written as
 * raw actions appended to the store's incident transactions (the transactional outbox of
 * `updateIncident`), so one item builder (`outboundItem`) serves both paths; the cursor and outbound
 * items have no entity of their own, and `setInteractionExternalId` adds one attribute to an
 * interaction item under an existence condition, which ElectroDB's `patch` would express only by
 * requiring the interaction's full key composites (`k_created`, `interaction_id`) as attributes.
 *
 * @module
 */
import { InteractionExternalIdInputSchema, pageLimit, parseInput } from '@incidents/core/store-kit';
import {
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  ConflictError,
  type DueOutboundOptions,
  type InteractionExternalIdInput,
  OUTBOUND_DUE_STATUSES,
  OUTBOUND_STATUSES,
  type OutboundCounts,
  type OutboundFilter,
  type OutboundItem,
  OutboundItemSchema,
  type OutboundStatus,
  OutboundStatusSchema,
  type OutboundUpdate,
  type Page,
  type PageRequest,
  type SyncCursor,
  SyncCursorSchema,
  ValidationError,
} from '@incidents/core';
import * as z from 'zod';
import { guarded, isConditionFailure, storeError } from '../store/errors.js';
import { clean, type Item, strip } from '../store/items.js';
import { indexSegment, pageSegments, readAll, type Segment } from '../store/paging.js';
import { MAX_TRANSACTION_ACTIONS } from '../store/transactions.js';
import { incidentPartition, PK, SK, utcKey } from '../table/keys.js';
import { SYNC_QUEUE_TTL_SECONDS } from './sync-queue.js';

const CURSORS_PARTITION = 'SYNCCURSORS';

/** Partition of the lists index holding the outbound items in `status`. */
export function outboundPartition(status: OutboundStatus): string {
  return `OUTQ#${status}`;
}

/** The table item of an outbound record. */
export function outboundItem(item: OutboundItem): Item {
  const completed = item.status === 'COMPLETED' && item.completed_at;
  return {
    ...clean(item),
    [PK]: `OUTBOUND#${item.sync_id}`,
    [SK]: 'ITEM',
    gsi7pk: outboundPartition(item.status),
    gsi7sk: `${utcKey(item.next_attempt_at)}#${item.sync_id}`,
    ...(completed ? { ttl: Math.floor(Date.parse(item.completed_at as string) / 1000) + SYNC_QUEUE_TTL_SECONDS } : {}),
  };
}

/** A `TransactWriteItems` Put action inserting an outbound item (fails if its `sync_id` exists). */
export function outboundPutAction(table: string, item: OutboundItem): Record<string, unknown> {
  return {
    Put: {
      TableName: table,
      Item: outboundItem(item),
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': PK },
    },
  };
}

function toOutbound(item: Item): OutboundItem {
  return OutboundItemSchema.parse(strip(item));
}

/** Validates outbound items; a bad field is a ValidationError naming `path.i.field`. */
export function checkOutbound(items: readonly OutboundItem[] | undefined, path: string): OutboundItem[] {
  return (items ?? []).map((item, i) => parseInput(OutboundItemSchema, item, `${path}.${i}`));
}

/** The sync-state operations over one table. */
export function createSyncState(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
  extra?: Record<string, unknown>;
}) {
  const { client, tableName: table } = options;
  const extra = options.extra ?? {};

  function statusSegment(status: OutboundStatus, upTo?: string): Segment {
    return {
      IndexName: 'gsi7',
      KeyConditionExpression: upTo ? '#pk = :pk AND #sk <= :upto' : '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'gsi7pk', ...(upTo ? { '#sk': 'gsi7sk' } : {}) },
      ExpressionAttributeValues: { ':pk': outboundPartition(status), ...(upTo ? { ':upto': `${upTo}#\uffff` } : {}) },
    };
  }

  return {
    async getSyncCursor(connector: string): Promise<SyncCursor | null> {
      const name = parseInput(z.string().min(1), connector, 'connector');
      const res = await guarded('Query', () =>
        client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: '#pk = :pk AND #sk = :sk',
            ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
            ExpressionAttributeValues: { ':pk': `SYNCCURSOR#${name}`, ':sk': 'CURSOR' },
            ConsistentRead: true,
            ...extra,
          }),
        ),
      );
      const item = res.Items?.[0];
      return item ? SyncCursorSchema.parse(item.cursor) : null;
    },

    async saveSyncCursor(cursor: SyncCursor): Promise<void> {
      const c = parseInput(SyncCursorSchema, cursor, 'sync cursor');
      await guarded('PutItem', () =>
        client.send(
          new PutCommand({
            TableName: table,
            Item: {
              [PK]: `SYNCCURSOR#${c.connector}`,
              [SK]: 'CURSOR',
              gsi7pk: CURSORS_PARTITION,
              gsi7sk: c.connector,
              cursor: clean(c),
            },
            ...extra,
          }),
        ),
      );
    },

    async listSyncCursors(): Promise<SyncCursor[]> {
      const items = await readAll(client, table, [indexSegment('gsi7', CURSORS_PARTITION)], extra);
      return items.map((i) => SyncCursorSchema.parse(i.cursor));
    },

    async enqueueOutbound(items: readonly OutboundItem[]): Promise<void> {
      const valid = checkOutbound(items, 'items');
      if (valid.length === 0) return;
      if (valid.length > MAX_TRANSACTION_ACTIONS) {
        throw new ValidationError([
          { path: 'items', message: `at most ${MAX_TRANSACTION_ACTIONS} items per call (DynamoDB transaction limit)` },
        ]);
      }
      try {
        await client.send(
          new TransactWriteCommand({ TransactItems: valid.map((i) => outboundPutAction(table, i)) as never, ...extra }),
        );
      } catch (err) {
        const reasons = (err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
        const index = reasons?.findIndex((r) => r.Code === 'ConditionalCheckFailed') ?? -1;
        if (index >= 0) {
          const id = valid[index]?.sync_id ?? 'unknown';
          throw new ConflictError(
            `Outbound item ${id} already exists`,
            { entity: 'OutboundItem', id, reason: 'already_exists' },
            { cause: err },
          );
        }
        throw storeError('TransactWriteItems', err);
      }
    },

    async listDueOutbound(opts: DueOutboundOptions): Promise<OutboundItem[]> {
      const o = parseInput(
        z.object({
          now: z.iso.datetime({ offset: true }),
          limit: z.number().optional(),
          connector: z.string().min(1).optional(),
        }),
        opts,
        'due outbound options',
      );
      const now = utcKey(o.now);
      const res = await pageSegments(
        client,
        table,
        OUTBOUND_DUE_STATUSES.map((s) => statusSegment(s, now)),
        {
          limit: pageLimit({ limit: o.limit }),
          extra,
          ...(o.connector ? { accept: (item: Item) => item.connector === o.connector } : {}),
        },
      );
      return res.items.map(toOutbound);
    },

    async updateOutbound(update: OutboundUpdate): Promise<OutboundItem | null> {
      if (typeof update !== 'object' || update === null) {
        throw new ValidationError([{ path: 'update', message: 'expected { item, changes }' }]);
      }
      const item = parseInput(OutboundItemSchema, update.item, 'update.item');
      const next = parseInput(OutboundItemSchema, { ...item, ...update.changes }, 'update.changes');
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: outboundItem(next),
            ConditionExpression: '#status = :status AND #attempts = :attempts',
            ExpressionAttributeNames: { '#status': 'status', '#attempts': 'attempts' },
            ExpressionAttributeValues: { ':status': item.status, ':attempts': item.attempts },
            ...extra,
          }),
        );
        return next;
      } catch (err) {
        if (isConditionFailure(err)) return null;
        throw storeError('PutItem', err);
      }
    },

    async listOutbound(filter: OutboundFilter = {}, page?: PageRequest): Promise<Page<OutboundItem>> {
      const f = parseInput(
        z.object({
          status: z.union([OutboundStatusSchema, z.array(OutboundStatusSchema)]).optional(),
          connector: z.string().min(1).optional(),
        }),
        filter ?? {},
        'outbound filter',
      );
      const wanted = f.status === undefined ? OUTBOUND_STATUSES : Array.isArray(f.status) ? f.status : [f.status];
      const statuses = OUTBOUND_STATUSES.filter((s) => wanted.includes(s));
      const res = await pageSegments(
        client,
        table,
        statuses.map((s) => statusSegment(s)),
        {
          limit: pageLimit(page),
          cursor: page?.cursor,
          extra,
          ...(f.connector ? { accept: (item: Item) => item.connector === f.connector } : {}),
        },
      );
      return { items: res.items.map(toOutbound), cursor: res.cursor };
    },

    async countOutbound(): Promise<OutboundCounts> {
      const counts = Object.fromEntries(OUTBOUND_STATUSES.map((s) => [s, 0])) as OutboundCounts;
      for (const status of OUTBOUND_STATUSES) {
        let start: Item | undefined;
        do {
          const res = await guarded('Query', () =>
            client.send(
              new QueryCommand({
                TableName: table,
                ...statusSegment(status),
                Select: 'COUNT',
                ...(start ? { ExclusiveStartKey: start } : {}),
                ...extra,
              }),
            ),
          );
          counts[status] += res.Count ?? 0;
          start = res.LastEvaluatedKey;
        } while (start);
      }
      return counts;
    },

    async setInteractionExternalId(input: InteractionExternalIdInput): Promise<boolean> {
      const data = parseInput(InteractionExternalIdInputSchema, input, 'interaction external id');
      const { interaction } = data;
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: {
              [PK]: incidentPartition(interaction.incident_id),
              [SK]: `I#${utcKey(interaction.created_at)}#${interaction.interaction_id}`,
            },
            ConditionExpression: 'attribute_exists(#pk)',
            UpdateExpression: 'SET #external_id = :external_id',
            ExpressionAttributeNames: { '#pk': PK, '#external_id': 'external_id' },
            ExpressionAttributeValues: { ':external_id': data.external_id },
            ...extra,
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw storeError('UpdateItem', err);
      }
    },
  };
}

/** The sync-state operations (see {@link createSyncState}). */
export type SyncState = ReturnType<typeof createSyncState>;

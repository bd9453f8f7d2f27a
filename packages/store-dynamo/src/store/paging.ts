/**
 * Complete, lossless paging over one or more Query "segments" (e.g. one per status, in canonical
 * order). The cursor is the position of the last item returned (segment + its key), never a
 * `LastEvaluatedKey` that could skip items; a look-ahead of one item makes `cursor` `null` exactly when
 * nothing follows.
 *
 * @module
 */
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '@incidents/core';
import { decodeCursor, encodeCursor } from '@incidents/core/store-kit';
import { INDEXES, type IndexName, PK, SK } from '../table/keys.js';
import { guarded } from './errors.js';
import type { Item } from './items.js';

/** One Query (without `Limit`/`ExclusiveStartKey`). */
export type Segment = Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey' | 'TableName'>;

/**
 * A Query of one partition of a global secondary index: every item under `pk` (in sort-key order),
 * or only those whose index sort key starts with `prefix`.
 */
export function indexSegment(index: IndexName, pk: string, prefix?: string): Segment {
  const { pk: pkName, sk: skName } = INDEXES[index];
  if (prefix === undefined) {
    return {
      IndexName: index,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': pkName },
      ExpressionAttributeValues: { ':pk': pk },
    };
  }
  return {
    IndexName: index,
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: { '#pk': pkName, '#sk': skName },
    ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
  };
}

/**
 * A strongly consistent Query of one item collection of the base table: every item under `pk`, or
 * only those whose sort key starts with `prefix`.
 */
export function collectionSegment(pk: string, prefix?: string): Segment {
  if (prefix === undefined) {
    return {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    };
  }
  return {
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
    ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
    ConsistentRead: true,
  };
}

interface Position {
  s: number;
  k?: Item;
}

/** Options of {@link pageSegments}. */
export interface PageSegmentsOptions {
  limit: number;
  cursor?: string | null | undefined;
  /** Client-side acceptance (timeline visibility and type). Items read but not accepted cost capacity but are never lost. */
  accept?: (item: Item) => boolean;
  /** Extra Query parameters (ReturnConsumedCapacity). */
  extra?: Partial<QueryCommandInput>;
}

function keyOf(item: Item, index: string | undefined): Item {
  const key: Item = { [PK]: item[PK], [SK]: item[SK] };
  if (index) {
    const def = INDEXES[index as IndexName];
    key[def.pk] = item[def.pk];
    key[def.sk] = item[def.sk];
  }
  return key;
}

function readCursor(cursor: string, segments: number): Position {
  const pos = decodeCursor<Position>(cursor);
  const valid =
    pos !== null &&
    typeof pos === 'object' &&
    Number.isInteger(pos.s) &&
    pos.s >= 0 &&
    pos.s < segments &&
    (pos.k === undefined || (typeof pos.k === 'object' && pos.k !== null));
  if (!valid) {
    throw new ValidationError([
      { path: 'cursor', message: 'cursor does not belong to this query; pass the cursor of the previous page' },
    ]);
  }
  return pos;
}

/** Reads one page across the segments, in order. */
export async function pageSegments(
  client: DynamoDBDocumentClient,
  table: string,
  segments: Segment[],
  options: PageSegmentsOptions,
): Promise<{ items: Item[]; cursor: string | null }> {
  const { limit, accept } = options;
  const start: Position = options.cursor ? readCursor(options.cursor, segments.length) : { s: 0 };
  const collected: Array<{ item: Item; s: number }> = [];
  for (let s = start.s; s < segments.length && collected.length <= limit; s++) {
    const segment = segments[s] as Segment;
    let exclusiveStartKey: Item | undefined = s === start.s ? start.k : undefined;
    do {
      const want = limit + 1 - collected.length;
      const res = await guarded('Query', () =>
        client.send(
          new QueryCommand({
            ...segment,
            ...options.extra,
            TableName: table,
            Limit: accept ? Math.max(want, 25) : want,
            ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
          }),
        ),
      );
      exclusiveStartKey = res.LastEvaluatedKey;
      for (const item of res.Items ?? []) {
        if (accept && !accept(item)) continue;
        collected.push({ item, s });
        if (collected.length > limit) break;
      }
    } while (exclusiveStartKey && collected.length <= limit);
  }
  if (collected.length <= limit) return { items: collected.map((c) => c.item), cursor: null };
  const page = collected.slice(0, limit);
  const last = page[page.length - 1] as { item: Item; s: number };
  const index = (segments[last.s] as Segment).IndexName;
  return { items: page.map((c) => c.item), cursor: encodeCursor({ s: last.s, k: keyOf(last.item, index) }) };
}

/** Reads every item of the segments (jobs: aggregates, link moves). */
export async function readAll(
  client: DynamoDBDocumentClient,
  table: string,
  segments: Segment[],
  extra?: Partial<QueryCommandInput>,
): Promise<Item[]> {
  const all: Item[] = [];
  for (const segment of segments) {
    let exclusiveStartKey: Item | undefined;
    do {
      const res = await guarded('Query', () =>
        client.send(
          new QueryCommand({
            ...segment,
            ...extra,
            TableName: table,
            ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
          }),
        ),
      );
      all.push(...(res.Items ?? []));
      exclusiveStartKey = res.LastEvaluatedKey;
    } while (exclusiveStartKey);
  }
  return all;
}

/**
 * Access patterns → Query segments on the indexes (R-ACCESS-1…6, one GSI each). Multi-status patterns get
 * one segment per status, in the canonical status order, so that a page never mixes orders or drops
 * items.
 *
 * @module
 */
import { type IncidentQuery, type MetricsFilter, PRIORITIES, STATUSES, type Status } from '@incidents/core';
import { type IndexName, indexPartition, severityRank, statusRank, utcKey } from '../table/keys.js';
import type { Item } from './items.js';
import { indexSegment, type Segment } from './paging.js';

function statusList(status: Status | readonly Status[] | undefined): Status[] | undefined {
  if (status === undefined) return undefined;
  const wanted = new Set(Array.isArray(status) ? status : [status as Status]);
  return STATUSES.filter((s) => wanted.has(s));
}

/** Whether a pattern's index projects keys only (then version 0 is read with BatchGetItem). */
export function isKeysOnly(query: IncidentQuery): boolean {
  return query.by === 'category' || query.by === 'source';
}

const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * The `text` filter of a query as a client-side acceptance of index items (the patterns that take
 * `text` read ALL-projected indexes, so title and description are in the item): a substring of the
 * id, title or description, case-insensitive for ASCII letters. `undefined` without `text`.
 */
export function textAcceptor(query: IncidentQuery): ((item: Item) => boolean) | undefined {
  const text = 'text' in query ? query.text : undefined;
  if (text === undefined) return undefined;
  const needle = asciiLower(text);
  return (item) =>
    [item.incident_id, item.title, item.description].some(
      (v) => typeof v === 'string' && asciiLower(v).includes(needle),
    );
}

/** The Query segments of an access pattern. */
export function incidentQuerySegments(query: IncidentQuery): Segment[] {
  switch (query.by) {
    case 'status':
      return (statusList(query.status) ?? []).map((s) =>
        query.priority
          ? indexSegment('gsi1', indexPartition.status(s), `${query.priority}#`)
          : indexSegment('gsi1', indexPartition.status(s)),
      );
    case 'assignee': {
      const pk = indexPartition.assignee(query.assigned_to);
      // gsi2sk is `status#priority#created#id`: a priority is part of the key condition (per status).
      const statuses = statusList(query.status) ?? (query.priority ? [...STATUSES] : undefined);
      const priority = query.priority ? `${query.priority}#` : '';
      return statuses
        ? statuses.map((s) => indexSegment('gsi2', pk, `${statusRank(s)}#${priority}`))
        : [indexSegment('gsi2', pk)];
    }
    case 'team': {
      const pk = indexPartition.team(query.team);
      const statuses = statusList(query.status);
      return statuses ? statuses.map((s) => indexSegment('gsi3', pk, `${statusRank(s)}#`)) : [indexSegment('gsi3', pk)];
    }
    case 'category': {
      const pk = indexPartition.category(query.category);
      return [query.severity ? indexSegment('gsi4', pk, `${severityRank(query.severity)}#`) : indexSegment('gsi4', pk)];
    }
    case 'source': {
      const pk = indexPartition.source(query.source_system);
      if (query.external_id === undefined) return [indexSegment('gsi5', pk)];
      return [
        {
          IndexName: 'gsi5',
          KeyConditionExpression: '#pk = :pk AND #sk = :sk',
          ExpressionAttributeNames: { '#pk': 'gsi5pk', '#sk': 'gsi5sk' },
          ExpressionAttributeValues: { ':pk': pk, ':sk': query.external_id },
        },
      ];
    }
    case 'due':
      return (statusList(query.status) ?? []).map((s) =>
        query.due_before
          ? {
              IndexName: 'gsi6',
              KeyConditionExpression: '#pk = :pk AND #sk < :before',
              ExpressionAttributeNames: { '#pk': 'gsi6pk', '#sk': 'gsi6sk' },
              ExpressionAttributeValues: {
                ':pk': indexPartition.due(s),
                ':before': utcKey(query.due_before as string),
              },
            }
          : indexSegment('gsi6', indexPartition.due(s)),
      );
  }
}

/** A key condition on `prefix + created_at` within [from, to) (the `#created_at#id` suffix keeps `to` exclusive). */
function createdRange(index: IndexName, pk: string, prefix: string, from?: string, to?: string): Segment {
  const names = { '#pk': `${index}pk`, '#sk': `${index}sk` };
  const lo = `${prefix}${from ? utcKey(from) : ''}`;
  if (to) {
    return {
      IndexName: index,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':pk': pk, ':lo': lo, ':hi': `${prefix}${utcKey(to)}` },
    };
  }
  if (from) {
    return {
      IndexName: index,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':pk': pk, ':lo': lo, ':hi': `${prefix}\uffff` },
    };
  }
  return indexSegment(index, pk, prefix);
}

/**
 * The Query segments that read every version 0 record in a metrics scope: the assignee partition
 * (GSI-2), the team partition (GSI-3) or every status partition (GSI-1); with a period, one key range
 * per status (and priority) so that only incidents created in the period are read.
 */
export function metricsSegments(filter: MetricsFilter): Segment[] {
  const ranged = filter.from !== undefined || filter.to !== undefined;
  if (filter.assigned_to) {
    const pk = indexPartition.assignee(filter.assigned_to);
    if (!ranged) return [indexSegment('gsi2', pk)];
    return STATUSES.flatMap((s) =>
      PRIORITIES.map((p) => createdRange('gsi2', pk, `${statusRank(s)}#${p}#`, filter.from, filter.to)),
    );
  }
  if (filter.team) {
    const pk = indexPartition.team(filter.team);
    if (!ranged) return [indexSegment('gsi3', pk)];
    return STATUSES.map((s) => createdRange('gsi3', pk, `${statusRank(s)}#`, filter.from, filter.to));
  }
  if (!ranged) return STATUSES.map((s) => indexSegment('gsi1', indexPartition.status(s)));
  return STATUSES.flatMap((s) =>
    PRIORITIES.map((p) => createdRange('gsi1', indexPartition.status(s), `${p}#`, filter.from, filter.to)),
  );
}

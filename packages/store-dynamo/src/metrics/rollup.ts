/**
 * Metric rollups (R-OPS-2) stored in the incidents table with a
 * 365-day TTL: one `summary` record per team and per user for a month (`2025-01`) or an ISO week
 * (`2025-W01`).
 *
 * Cost: one pass over the incidents created in the period, read from GSI-1 with one key range per
 * status and priority (28 Queries, each paged to completion; no Scan), then one PutItem per record.
 *
 * @module
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { buildMetricsReport, type Incident, type MetricsReport, ValidationError } from '@incidents/core';
import { aggregate, inMetricsScope } from '../store/aggregate.js';
import { createDynamoStore, type DynamoIncidentStore } from '../store/dynamo-store.js';
import { guarded } from '../store/errors.js';
import { toIncident } from '../store/items.js';
import { readAll } from '../store/paging.js';
import { metricsSegments } from '../store/queries.js';

/** Seconds a rollup is kept (the table's TTL deletes it afterwards). */
export const METRICS_TTL_SECONDS = 365 * 24 * 60 * 60;

/** Where to read and write: a store, or a client and table name. */
export type RollupTarget =
  | { store: DynamoIncidentStore }
  | { client: DynamoDBClient | DynamoDBDocumentClient; tableName: string };

/** Options of {@link rollupMetrics}. */
export type RollupMetricsOptions = RollupTarget & {
  /** A month `YYYY-MM` or an ISO week `YYYY-Www` (UTC). */
  period: string;
  /** Calculation time (default now). */
  now?: Date;
};

/** A stored metrics record (R-OPS-2). */
export interface MetricsRollup extends MetricsReport {
  /** `team:<team>:<period>` or `user:<email>:<period>`. */
  metric_key: string;
  /** Always `summary` for now. */
  metric_type: 'summary';
  scope_type: 'team' | 'user';
  scope_id: string;
  period: string;
  /** Epoch seconds after which DynamoDB deletes the record. */
  ttl: number;
}

/** Start (inclusive) and end (exclusive) of a period, as ISO timestamps. */
export function periodRange(period: string): { start: string; end: string } {
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (month) {
    const y = Number(month[1]);
    const m = Number(month[2]) - 1;
    return { start: new Date(Date.UTC(y, m, 1)).toISOString(), end: new Date(Date.UTC(y, m + 1, 1)).toISOString() };
  }
  const week = /^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$/.exec(period);
  if (week) {
    const y = Number(week[1]);
    const w = Number(week[2]);
    // ISO week 1 contains January 4th; weeks start on Monday.
    const jan4 = Date.UTC(y, 0, 4);
    const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
    const start = monday + (w - 1) * 7 * 86_400_000;
    return { start: new Date(start).toISOString(), end: new Date(start + 7 * 86_400_000).toISOString() };
  }
  throw new ValidationError([{ path: 'period', message: 'expected a month YYYY-MM or an ISO week YYYY-Www' }]);
}

function storeOf(target: RollupTarget): { store: DynamoIncidentStore; owned: boolean } {
  if ('store' in target) return { store: target.store, owned: false };
  return { store: createDynamoStore({ tableName: target.tableName, client: target.client }), owned: true };
}

function toRollup(item: Record<string, unknown>): MetricsRollup {
  return {
    ...(item.report as MetricsReport),
    metric_key: String(item.metric_key),
    metric_type: 'summary',
    scope_type: item.scope === 'user' ? 'user' : 'team',
    scope_id: String(item.scope_id),
    period: String(item.period),
    ttl: Number(item.ttl),
  };
}

/**
 * Computes and stores the period's metrics records per team and per user (assignee). Returns them.
 *
 * @example
 * ```ts
 * const records = await rollupMetrics({ store, period: '2026-01' });
 * const payments = await readMetricsRollup({ store, scope: 'team', id: 'payments', period: '2026-01' });
 * ```
 */
export async function rollupMetrics(options: RollupMetricsOptions): Promise<MetricsRollup[]> {
  const { start, end } = periodRange(options.period);
  const now = (options.now ?? new Date()).toISOString();
  const { store, owned } = storeOf(options);
  try {
    const filter = { from: start, to: end };
    const items = await readAll(store.client, store.tableName, metricsSegments(filter));
    const incidents = items.map(toIncident).filter((i) => inMetricsScope(i, filter));
    const groups = new Map<string, { type: 'team' | 'user'; id: string; incidents: Incident[] }>();
    for (const incident of incidents) {
      const scopes: Array<['team' | 'user', string | undefined]> = [
        ['team', incident.team],
        ['user', incident.assigned_to],
      ];
      for (const [type, id] of scopes) {
        if (!id) continue;
        const key = `${type}:${id}:${options.period}`;
        const group = groups.get(key) ?? { type, id, incidents: [] };
        group.incidents.push(incident);
        groups.set(key, group);
      }
    }
    const ttl = Math.floor(Date.parse(now) / 1000) + METRICS_TTL_SECONDS;
    const rollups: MetricsRollup[] = [];
    for (const [metricKey, group] of groups) {
      const report = buildMetricsReport(
        aggregate(group.incidents),
        { ...(group.type === 'team' ? { team: group.id } : { assigned_to: group.id }), from: start, to: end },
        now,
      );
      const item = {
        metric_key: metricKey,
        metric_type: 'summary',
        scope: group.type,
        scope_id: group.id,
        period: options.period,
        period_start: start,
        period_end: end,
        report,
        last_calculated_at: now,
        ttl,
      };
      await guarded('PutItem', () => store.entities.metricRollup.put(item).go());
      rollups.push(toRollup(item));
    }
    return rollups.sort((a, b) => a.metric_key.localeCompare(b.metric_key));
  } finally {
    if (owned) await store.close();
  }
}

/** Options of {@link readMetricsRollup}. */
export type ReadMetricsRollupOptions = RollupTarget & { scope: 'team' | 'user'; id: string; period: string };

/** Reads one stored metrics record (GetItem), or `null` when it was never computed or has expired. */
export async function readMetricsRollup(options: ReadMetricsRollupOptions): Promise<MetricsRollup | null> {
  periodRange(options.period);
  if (options.scope !== 'team' && options.scope !== 'user') {
    throw new ValidationError([{ path: 'scope', message: 'expected team or user' }]);
  }
  const { store, owned } = storeOf(options);
  try {
    const res = (await guarded('GetItem', () =>
      store.entities.metricRollup
        .get({ metric_key: `${options.scope}:${options.id}:${options.period}`, metric_type: 'summary' })
        .go(),
    )) as { data: Record<string, unknown> | null };
    if (!res.data) return null;
    if (typeof res.data.ttl === 'number' && res.data.ttl < Date.now() / 1000) return null;
    return toRollup(res.data);
  } finally {
    if (owned) await store.close();
  }
}

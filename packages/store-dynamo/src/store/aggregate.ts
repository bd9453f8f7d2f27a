/**
 * Aggregation of version 0 records into the raw metrics the service derives its report from.
 * @module
 */
import type { Incident, MetricsAggregate, MetricsFilter } from '@incidents/core';
import { utcKey } from '../table/keys.js';

/** Whether an incident falls in a metrics filter (scope and [from, to) on `created_at`). */
export function inMetricsScope(incident: Incident, filter: MetricsFilter): boolean {
  if (incident.merged_into) return false;
  if (filter.team !== undefined && incident.team !== filter.team) return false;
  if (filter.assigned_to !== undefined && incident.assigned_to !== filter.assigned_to) return false;
  const created = utcKey(incident.created_at);
  if (filter.from !== undefined && created < utcKey(filter.from)) return false;
  if (filter.to !== undefined && created >= utcKey(filter.to)) return false;
  return true;
}

/** Folds incidents into a {@link MetricsAggregate}. */
export function aggregate(incidents: Iterable<Incident>): MetricsAggregate {
  const agg: MetricsAggregate = {
    total: 0,
    by_status: {},
    by_severity: {},
    by_priority: {},
    by_category: {},
    resolution_minutes: [],
    sla_met: 0,
    sla_breached: 0,
    reopened: 0,
    created_per_day: {},
    resolved_per_day: {},
  };
  const created = agg.created_per_day as Record<string, number>;
  const resolved = agg.resolved_per_day as Record<string, number>;
  for (const i of incidents) {
    agg.total += 1;
    agg.by_status[i.status] = (agg.by_status[i.status] ?? 0) + 1;
    agg.by_severity[i.severity] = (agg.by_severity[i.severity] ?? 0) + 1;
    agg.by_priority[i.priority] = (agg.by_priority[i.priority] ?? 0) + 1;
    agg.by_category[i.category] = (agg.by_category[i.category] ?? 0) + 1;
    const done = i.status === 'RESOLVED' || i.status === 'CLOSED';
    if (done && i.metrics.resolution_time_minutes !== undefined)
      agg.resolution_minutes.push(i.metrics.resolution_time_minutes);
    if (done && i.due_date) {
      if (i.metrics.sla_breached) agg.sla_breached += 1;
      else agg.sla_met += 1;
    }
    agg.reopened += i.metrics.reopened_count;
    const createdDay = utcKey(i.created_at).slice(0, 10);
    created[createdDay] = (created[createdDay] ?? 0) + 1;
    const finishedAt = i.resolved_at ?? i.closed_at;
    if (done && finishedAt) {
      const day = utcKey(finishedAt).slice(0, 10);
      resolved[day] = (resolved[day] ?? 0) + 1;
    }
  }
  return agg;
}

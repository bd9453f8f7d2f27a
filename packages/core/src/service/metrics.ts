import type { Priority, Severity, Status } from '../model/enums.js';
import type { MetricsAggregate } from '../ports/incident-store.js';

/** The metrics record (R-OPS-1), computed for a scope (team, developer or everyone) and period. */
export interface MetricsReport {
  scope: { team?: string; assigned_to?: string };
  period_start: string | null;
  period_end: string | null;
  total_incidents: number;
  /** Still NEW (unassigned). */
  new_incidents: number;
  /** NEW, ASSIGNED, IN_PROGRESS or PENDING. */
  open_incidents: number;
  /** RESOLVED or CLOSED. */
  resolved_incidents: number;
  closed_incidents: number;
  cancelled_incidents: number;
  avg_resolution_time_minutes: number | null;
  median_resolution_time_minutes: number | null;
  p90_resolution_time_minutes: number | null;
  /** Share of resolved incidents with a due date that met it (0…1); `null` when none had a due date. */
  sla_compliance_rate: number | null;
  reopened: number;
  by_status: Record<Status, number>;
  by_severity: { critical: number; high: number; medium: number; low: number };
  by_priority: Record<Priority, number>;
  by_category: Record<string, number>;
  most_common_issues: Array<{ category: string; count: number }>;
  /**
   * Created vs resolved per UTC day, oldest first: incidents of the scope created that day, and
   * incidents of the scope resolved (or closed) that day and still RESOLVED/CLOSED. Days with neither
   * are left out. Empty when the store does not report daily counts.
   */
  daily: Array<{ date: string; created: number; resolved: number }>;
  last_calculated_at: string;
}

function dailySeries(agg: MetricsAggregate): MetricsReport['daily'] {
  const created = agg.created_per_day ?? {};
  const resolved = agg.resolved_per_day ?? {};
  return [...new Set([...Object.keys(created), ...Object.keys(resolved)])]
    .sort()
    .map((date) => ({ date, created: created[date] ?? 0, resolved: resolved[date] ?? 0 }));
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * p;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return Math.round((a + (b - a) * (rank - lo)) * 100) / 100;
}

/** Derives the metrics record from a store's aggregates. Pure. */
export function buildMetricsReport(
  agg: MetricsAggregate,
  filter: { team?: string; assigned_to?: string; from?: string; to?: string },
  now: string,
): MetricsReport {
  const s = (k: Status) => agg.by_status[k] ?? 0;
  const sev = (k: Severity) => agg.by_severity[k] ?? 0;
  const sorted = [...agg.resolution_minutes].sort((a, b) => a - b);
  const sum = sorted.reduce((acc, n) => acc + n, 0);
  const slaTotal = agg.sla_met + agg.sla_breached;
  return {
    scope: {
      ...(filter.team ? { team: filter.team } : {}),
      ...(filter.assigned_to ? { assigned_to: filter.assigned_to } : {}),
    },
    period_start: filter.from ?? null,
    period_end: filter.to ?? null,
    total_incidents: agg.total,
    new_incidents: s('NEW'),
    open_incidents: s('NEW') + s('ASSIGNED') + s('IN_PROGRESS') + s('PENDING'),
    resolved_incidents: s('RESOLVED') + s('CLOSED'),
    closed_incidents: s('CLOSED'),
    cancelled_incidents: s('CANCELLED'),
    avg_resolution_time_minutes: sorted.length ? Math.round((sum / sorted.length) * 100) / 100 : null,
    median_resolution_time_minutes: percentile(sorted, 0.5),
    p90_resolution_time_minutes: percentile(sorted, 0.9),
    sla_compliance_rate: slaTotal ? Math.round((agg.sla_met / slaTotal) * 10_000) / 10_000 : null,
    reopened: agg.reopened,
    by_status: {
      NEW: s('NEW'),
      ASSIGNED: s('ASSIGNED'),
      IN_PROGRESS: s('IN_PROGRESS'),
      PENDING: s('PENDING'),
      RESOLVED: s('RESOLVED'),
      CLOSED: s('CLOSED'),
      CANCELLED: s('CANCELLED'),
    },
    by_severity: { critical: sev('CRITICAL'), high: sev('HIGH'), medium: sev('MEDIUM'), low: sev('LOW') },
    by_priority: {
      P1: agg.by_priority.P1 ?? 0,
      P2: agg.by_priority.P2 ?? 0,
      P3: agg.by_priority.P3 ?? 0,
      P4: agg.by_priority.P4 ?? 0,
    },
    by_category: { ...agg.by_category },
    most_common_issues: Object.entries(agg.by_category)
      .map(([category, count]) => ({ category, count }))
      .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category))
      .slice(0, 5),
    daily: dailySeries(agg),
    last_calculated_at: now,
  };
}

import { describe, expect, it } from 'vitest';
import type { MetricsAggregate } from '../src/ports/incident-store.js';
import { buildMetricsReport } from '../src/service/metrics.js';

const NOW = '2026-02-01T00:00:00.000Z';

function aggregate(overrides: Partial<MetricsAggregate> = {}): MetricsAggregate {
  return {
    total: 0,
    by_status: {},
    by_severity: {},
    by_priority: {},
    by_category: {},
    resolution_minutes: [],
    sla_met: 0,
    sla_breached: 0,
    reopened: 0,
    ...overrides,
  };
}

describe('buildMetricsReport', () => {
  it('derives counts, mean, median, p90 and SLA compliance from a known data set', () => {
    const report = buildMetricsReport(
      aggregate({
        total: 20,
        by_status: { NEW: 3, ASSIGNED: 2, IN_PROGRESS: 2, PENDING: 1, RESOLVED: 4, CLOSED: 6, CANCELLED: 2 },
        by_severity: { CRITICAL: 2, HIGH: 5, MEDIUM: 9, LOW: 4 },
        by_priority: { P1: 2, P2: 5, P3: 9, P4: 4 },
        by_category: { Network: 4, Application: 9, Database: 4, Security: 1, Hardware: 1, Access: 1 },
        // Unsorted on purpose: 10, 20, …, 100.
        resolution_minutes: [100, 30, 10, 90, 20, 60, 40, 80, 50, 70],
        sla_met: 7,
        sla_breached: 3,
        reopened: 4,
        created_per_day: { '2026-01-03': 12, '2026-01-02': 8 },
        resolved_per_day: { '2026-01-03': 6, '2026-01-04': 4 },
      }),
      { team: 'payments', from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' },
      NOW,
    );
    expect(report).toEqual({
      scope: { team: 'payments' },
      period_start: '2026-01-01T00:00:00.000Z',
      period_end: '2026-02-01T00:00:00.000Z',
      total_incidents: 20,
      new_incidents: 3,
      open_incidents: 8,
      resolved_incidents: 10,
      closed_incidents: 6,
      cancelled_incidents: 2,
      avg_resolution_time_minutes: 55,
      median_resolution_time_minutes: 55,
      p90_resolution_time_minutes: 91,
      sla_compliance_rate: 0.7,
      reopened: 4,
      by_status: { NEW: 3, ASSIGNED: 2, IN_PROGRESS: 2, PENDING: 1, RESOLVED: 4, CLOSED: 6, CANCELLED: 2 },
      by_severity: { critical: 2, high: 5, medium: 9, low: 4 },
      by_priority: { P1: 2, P2: 5, P3: 9, P4: 4 },
      by_category: { Network: 4, Application: 9, Database: 4, Security: 1, Hardware: 1, Access: 1 },
      most_common_issues: [
        { category: 'Application', count: 9 },
        { category: 'Database', count: 4 },
        { category: 'Network', count: 4 },
        { category: 'Access', count: 1 },
        { category: 'Hardware', count: 1 },
      ],
      daily: [
        { date: '2026-01-02', created: 8, resolved: 0 },
        { date: '2026-01-03', created: 12, resolved: 6 },
        { date: '2026-01-04', created: 0, resolved: 4 },
      ],
      last_calculated_at: NOW,
    });
  });

  it('median of an odd set is the middle value; p90 interpolates; mean rounds to 0.01', () => {
    const report = buildMetricsReport(aggregate({ total: 3, resolution_minutes: [1, 2, 4] }), {}, NOW);
    expect(report.median_resolution_time_minutes).toBe(2);
    expect(report.avg_resolution_time_minutes).toBe(2.33);
    // rank 0.9 × 2 = 1.8 → 2 + 0.8 × (4 − 2)
    expect(report.p90_resolution_time_minutes).toBe(3.6);
  });

  it('a single resolved incident is its own mean, median and p90', () => {
    const report = buildMetricsReport(aggregate({ total: 1, resolution_minutes: [42.5], sla_breached: 1 }), {}, NOW);
    expect(report.avg_resolution_time_minutes).toBe(42.5);
    expect(report.median_resolution_time_minutes).toBe(42.5);
    expect(report.p90_resolution_time_minutes).toBe(42.5);
    expect(report.sla_compliance_rate).toBe(0);
  });

  it('reports null averages and rate for an empty set, and zeros everywhere', () => {
    const report = buildMetricsReport(aggregate(), { assigned_to: 'ana@example.com' }, NOW);
    expect(report.scope).toEqual({ assigned_to: 'ana@example.com' });
    expect(report.period_start).toBeNull();
    expect(report.period_end).toBeNull();
    expect(report.avg_resolution_time_minutes).toBeNull();
    expect(report.median_resolution_time_minutes).toBeNull();
    expect(report.p90_resolution_time_minutes).toBeNull();
    expect(report.sla_compliance_rate).toBeNull();
    expect(report.by_status).toEqual({
      NEW: 0,
      ASSIGNED: 0,
      IN_PROGRESS: 0,
      PENDING: 0,
      RESOLVED: 0,
      CLOSED: 0,
      CANCELLED: 0,
    });
    expect(report.by_priority).toEqual({ P1: 0, P2: 0, P3: 0, P4: 0 });
    expect(report.most_common_issues).toEqual([]);
  });

  it('rounds the SLA compliance rate to four decimals', () => {
    expect(buildMetricsReport(aggregate({ sla_met: 2, sla_breached: 1 }), {}, NOW).sla_compliance_rate).toBe(0.6667);
  });

  it('does not modify the aggregate', () => {
    const agg = aggregate({ resolution_minutes: [3, 1, 2], by_category: { A: 1 } });
    const report = buildMetricsReport(agg, {}, NOW);
    expect(agg.resolution_minutes).toEqual([3, 1, 2]);
    report.by_category.B = 5;
    expect(agg.by_category).toEqual({ A: 1 });
  });
});

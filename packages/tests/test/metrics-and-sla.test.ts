/** Metrics reports over a known data set, default due dates from the SLA table, and first-response times. */
import { DEFAULT_SLA_MINUTES, type Severity } from '@incidents/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actors, as, createHarness, type Harness, minutesAfterT0 } from './support.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.store.close();
});

const admin = as(actors.admin);
const ana = as(actors.ana);

describe('metrics report', () => {
  it('computes counts, mean, median, p90 and SLA compliance for a team and period', async () => {
    const due = minutesAfterT0(240);
    const specs: Array<{ severity: Severity; category: string; resolveAt: number }> = [
      { severity: 'CRITICAL', category: 'Network', resolveAt: 30 },
      { severity: 'HIGH', category: 'Application', resolveAt: 60 },
      { severity: 'HIGH', category: 'Application', resolveAt: 90 },
      { severity: 'MEDIUM', category: 'Database', resolveAt: 120 },
      { severity: 'LOW', category: 'Application', resolveAt: 600 },
    ];
    const made = [];
    for (const s of specs) {
      const inc = await h.service.create(
        { title: `${s.category} issue`, severity: s.severity, category: s.category, team: 'sre', due_date: due },
        admin,
      );
      await h.service.claim(inc.incident_id, ana);
      made.push({ ...s, id: inc.incident_id });
    }
    const open = await h.service.create(
      { title: 'Still open', team: 'sre', category: 'Network', due_date: due },
      admin,
    );
    const cancelled = await h.service.create({ title: 'Duplicate', team: 'sre', category: 'Access' }, admin);
    await h.service.cancel(cancelled.incident_id, admin);
    await h.service.create({ title: 'Other team', team: 'desk', category: 'Network' }, admin);

    let elapsed = 0;
    for (const m of made) {
      h.clock.advance(m.resolveAt - elapsed);
      elapsed = m.resolveAt;
      await h.service.resolve({ incident_id: m.id, solution: 'fixed', root_cause: 'cause' }, ana);
    }
    h.clock.advance(60);
    await h.service.close(made[0]?.id as string, ana);
    await h.service.close(made[4]?.id as string, ana);
    // Created later, outside the period asked for.
    h.clock.advance(3 * 24 * 60);
    await h.service.create({ title: 'Next week', team: 'sre', category: 'Network' }, admin);

    const report = await h.service.metrics(
      { team: 'sre', from: minutesAfterT0(0), to: minutesAfterT0(24 * 60) },
      as(actors.bob),
    );
    expect(report).toMatchObject({
      scope: { team: 'sre' },
      period_start: minutesAfterT0(0),
      period_end: minutesAfterT0(24 * 60),
      total_incidents: 7,
      new_incidents: 1,
      open_incidents: 1,
      resolved_incidents: 5,
      closed_incidents: 2,
      cancelled_incidents: 1,
      avg_resolution_time_minutes: 180,
      median_resolution_time_minutes: 90,
      // sorted [30, 60, 90, 120, 600]: rank 3.6 → 120 + 0.6 × 480
      p90_resolution_time_minutes: 408,
      // 4 resolved before the due date, 1 after
      sla_compliance_rate: 0.8,
      reopened: 0,
      by_status: { NEW: 1, ASSIGNED: 0, IN_PROGRESS: 0, PENDING: 0, RESOLVED: 3, CLOSED: 2, CANCELLED: 1 },
      by_severity: { critical: 1, high: 2, medium: 3, low: 1 },
      by_priority: { P1: 1, P2: 2, P3: 3, P4: 1 },
      by_category: { Network: 2, Application: 3, Database: 1, Access: 1 },
      last_calculated_at: h.clock.iso(),
    });
    expect(report.most_common_issues[0]).toEqual({ category: 'Application', count: 3 });
    expect((await h.store.getIncident(open.incident_id))?.metrics.sla_breached).toBe(false);

    const everyone = await h.service.metrics({}, admin);
    expect(everyone.total_incidents).toBe(9);
    const anas = await h.service.metrics({ assigned_to: 'ana@example.com' }, admin);
    expect(anas.total_incidents).toBe(5);
    expect(anas.scope).toEqual({ assigned_to: 'ana@example.com' });
  });

  it('counts reopenings', async () => {
    const inc = await h.service.create({ title: 'Flaky job', team: 'batch' }, admin);
    await h.service.claim(inc.incident_id, ana);
    for (let i = 0; i < 2; i++) {
      await h.service.resolve({ incident_id: inc.incident_id, solution: 'retry', root_cause: 'flaky' }, ana);
      await h.service.reopen(inc.incident_id, ana);
    }
    const report = await h.service.metrics({ team: 'batch' }, admin);
    expect(report.reopened).toBe(2);
    expect(report.open_incidents).toBe(1);
    expect(report.avg_resolution_time_minutes).toBeNull();
  });
});

describe('default due dates from the SLA table', () => {
  it.each([
    ['CRITICAL', 'P1', 4 * 60],
    ['HIGH', 'P2', 24 * 60],
    ['MEDIUM', 'P3', 3 * 24 * 60],
    ['LOW', 'P4', 7 * 24 * 60],
  ] as const)('%s → priority %s, due %i minutes after creation', async (severity, priority, minutes) => {
    expect(DEFAULT_SLA_MINUTES[severity]).toBe(minutes);
    const inc = await h.service.create({ title: 'x', severity }, admin);
    expect(inc.priority).toBe(priority);
    expect(inc.due_date).toBe(minutesAfterT0(minutes));
  });

  it('keeps an explicit due date and priority, and counts from an imported created_at', async () => {
    const explicit = await h.service.create(
      { title: 'x', severity: 'LOW', priority: 'P1', due_date: minutesAfterT0(5) },
      admin,
    );
    expect(explicit).toMatchObject({ priority: 'P1', due_date: minutesAfterT0(5) });
    const imported = await h.service.create(
      {
        title: 'x',
        severity: 'CRITICAL',
        source_system: 'JIRA',
        external_id: 'OPS-1',
        created_at: minutesAfterT0(-60),
      },
      as({ id: 'sync@service', roles: ['sync'] }),
    );
    expect(imported.created_at).toBe(minutesAfterT0(-60));
    expect(imported.due_date).toBe(minutesAfterT0(180));
  });

  it('takes SLA overrides, and none at all with slaMinutes: null', async () => {
    const custom = await createHarness({ slaMinutes: { CRITICAL: 60 } });
    const none = await createHarness({ slaMinutes: null });
    try {
      expect((await custom.service.create({ title: 'x', severity: 'CRITICAL' }, admin)).due_date).toBe(
        minutesAfterT0(60),
      );
      expect((await custom.service.create({ title: 'x', severity: 'HIGH' }, admin)).due_date).toBe(
        minutesAfterT0(24 * 60),
      );
      expect(await none.service.create({ title: 'x', severity: 'CRITICAL' }, admin)).not.toHaveProperty('due_date');
    } finally {
      await custom.store.close();
      await none.store.close();
    }
  });

  it('an open incident past its due date is marked breached on its next change', async () => {
    const inc = await h.service.create({ title: 'x', severity: 'CRITICAL' }, admin);
    h.clock.advance(4 * 60 - 1);
    await h.service.addComment({ incident_id: inc.incident_id, text: 'still looking' }, admin);
    expect((await h.store.getIncident(inc.incident_id))?.metrics.sla_breached).toBe(false);
    h.clock.advance(2);
    await h.service.addComment({ incident_id: inc.incident_id, text: 'late' }, admin);
    expect((await h.store.getIncident(inc.incident_id))?.metrics.sla_breached).toBe(true);
  });
});

describe('first response time', () => {
  it("is set by the first assignment or the staff's first public reply, once, rounded to 0.01", async () => {
    const byClaim = await h.service.create({ title: 'x' }, as(actors.carla));
    h.clock.advance(10);
    expect((await h.service.claim(byClaim.incident_id, ana)).metrics.response_time_minutes).toBe(10);

    const byReply = await h.service.create({ title: 'y' }, as(actors.carla));
    h.clock.advance(1 / 3);
    // The reporter's own comment and INTERNAL notes are not a response.
    await h.service.addComment({ incident_id: byReply.incident_id, text: 'hello?' }, as(actors.carla));
    await h.service.addComment({ incident_id: byReply.incident_id, text: 'psst', visibility: 'INTERNAL' }, ana);
    expect((await h.store.getIncident(byReply.incident_id))?.metrics.response_time_minutes).toBeUndefined();
    await h.service.addComment({ incident_id: byReply.incident_id, text: 'On it' }, ana);
    expect((await h.store.getIncident(byReply.incident_id))?.metrics.response_time_minutes).toBe(0.33);
    h.clock.advance(30);
    expect((await h.service.claim(byReply.incident_id, ana)).metrics.response_time_minutes).toBe(0.33);
  });
});

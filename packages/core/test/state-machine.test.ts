import { describe, expect, it } from 'vitest';
import { InvalidTransitionError, isIncidentsError } from '../src/errors.js';
import { STATUSES, type Status } from '../src/model/enums.js';
import {
  ACTIONS,
  type Action,
  allowedActions,
  applyTransition,
  canTransition,
  minutesBetween,
  TRANSITIONS,
  updateSla,
} from '../src/state-machine.js';
import { fixtureTime, FIXTURE_CREATED_AT, incidentFixtureIn, incidentFixture } from '../src/testing/fixtures.js';

/**
 * The documented transition table, written out independently of `TRANSITIONS`: the target status of
 * every allowed (status, action) pair. Pairs that are absent are forbidden. The fixtures of
 * RESOLVED/CLOSED/CANCELLED have an assignee, so `reopen` leads to ASSIGNED.
 */
const EXPECTED: Record<Status, Partial<Record<Action, Status>>> = {
  NEW: { claim: 'ASSIGNED', assign: 'ASSIGNED', cancel: 'CANCELLED' },
  ASSIGNED: {
    assign: 'ASSIGNED',
    release: 'NEW',
    start: 'IN_PROGRESS',
    progress: 'IN_PROGRESS',
    pending: 'PENDING',
    resolve: 'RESOLVED',
    cancel: 'CANCELLED',
  },
  IN_PROGRESS: {
    assign: 'ASSIGNED',
    release: 'NEW',
    progress: 'IN_PROGRESS',
    pending: 'PENDING',
    resolve: 'RESOLVED',
    cancel: 'CANCELLED',
  },
  PENDING: {
    assign: 'ASSIGNED',
    release: 'NEW',
    start: 'IN_PROGRESS',
    progress: 'IN_PROGRESS',
    resolve: 'RESOLVED',
    cancel: 'CANCELLED',
  },
  RESOLVED: { close: 'CLOSED', reopen: 'ASSIGNED' },
  CLOSED: { reopen: 'ASSIGNED' },
  CANCELLED: { reopen: 'ASSIGNED' },
};

const allowedFrom = (action: Action): Status[] => STATUSES.filter((s) => EXPECTED[s][action] !== undefined);

const pairs = STATUSES.flatMap((status) => ACTIONS.map((action) => ({ status, action, to: EXPECTED[status][action] })));
const allowedPairs = pairs.filter((p): p is { status: Status; action: Action; to: Status } => p.to !== undefined);
const forbiddenPairs = pairs.filter((p) => p.to === undefined);

const opts = { now: fixtureTime(30), actorId: 'admin@example.com', assignee: 'bob@example.com' };

describe('transition table', () => {
  it('covers all 7 statuses × 10 actions', () => {
    expect(pairs).toHaveLength(70);
    expect(allowedPairs).toHaveLength(26);
    expect(forbiddenPairs).toHaveLength(44);
  });

  it.each(allowedPairs)('$status --$action--> $to', ({ status, action, to }) => {
    const before = incidentFixtureIn(status);
    const after = applyTransition(before, action, opts);
    expect(after.status).toBe(to);
    expect(canTransition(status, action)).toBe(true);
    expect(allowedActions(status)).toContain(action);
    // The input is not modified.
    expect(before).toEqual(incidentFixtureIn(status));
  });

  it.each(forbiddenPairs)('$status --$action--> InvalidTransitionError', ({ status, action }) => {
    const before = incidentFixtureIn(status);
    expect(canTransition(status, action)).toBe(false);
    expect(allowedActions(status)).not.toContain(action);
    let caught: unknown;
    try {
      applyTransition(before, action, opts);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidTransitionError);
    const err = caught as InvalidTransitionError;
    expect(isIncidentsError(err)).toBe(true);
    expect(err.code).toBe('invalid_transition');
    expect(err.name).toBe('InvalidTransitionError');
    expect(err.details).toEqual({ incidentId: 'INC-TEST', action, from: status, allowedFrom: allowedFrom(action) });
    expect(err.message).toContain(`Cannot ${action} incident INC-TEST: it is ${status}`);
    expect(err.message).toContain(allowedFrom(action).join(', '));
  });

  it('exposes the same allowed-from lists in TRANSITIONS', () => {
    for (const action of ACTIONS) expect([...TRANSITIONS[action].from]).toEqual(allowedFrom(action));
  });

  it('lists allowed actions per status in ACTIONS order', () => {
    expect(allowedActions('NEW')).toEqual(['claim', 'assign', 'cancel']);
    expect(allowedActions('CLOSED')).toEqual(['reopen']);
    expect(allowedActions('RESOLVED')).toEqual(['close', 'reopen']);
  });
});

describe('side effects', () => {
  it('claim sets the assignee (the actor by default), assigned_at and the response time', () => {
    const next = applyTransition(incidentFixture(), 'claim', { now: fixtureTime(12.5), actorId: 'ana@example.com' });
    expect(next.assigned_to).toBe('ana@example.com');
    expect(next.assigned_at).toBe(fixtureTime(12.5));
    expect(next.metrics.response_time_minutes).toBe(12.5);
  });

  it('assign sets the given assignee and assigned_at', () => {
    const next = applyTransition(incidentFixture(), 'assign', {
      now: fixtureTime(5),
      actorId: 'admin@example.com',
      assignee: 'bob@example.com',
    });
    expect(next.assigned_to).toBe('bob@example.com');
    expect(next.assigned_at).toBe(fixtureTime(5));
    expect(next.metrics.response_time_minutes).toBe(5);
  });

  it('sets response_time_minutes only on the first assignment', () => {
    const first = applyTransition(incidentFixture(), 'claim', { now: fixtureTime(7), actorId: 'ana@example.com' });
    const released = applyTransition(first, 'release', { now: fixtureTime(20), actorId: 'ana@example.com' });
    const second = applyTransition(released, 'claim', { now: fixtureTime(45), actorId: 'bob@example.com' });
    const reassigned = applyTransition(second, 'assign', {
      now: fixtureTime(50),
      actorId: 'admin@example.com',
      assignee: 'dave@example.com',
    });
    expect(second.assigned_to).toBe('bob@example.com');
    expect(second.assigned_at).toBe(fixtureTime(45));
    expect(reassigned.assigned_at).toBe(fixtureTime(50));
    expect(reassigned.metrics.response_time_minutes).toBe(7);
  });

  it('release clears the assignee and assigned_at', () => {
    for (const status of ['ASSIGNED', 'IN_PROGRESS', 'PENDING'] as const) {
      const next = applyTransition(incidentFixtureIn(status), 'release', opts);
      expect(next.status).toBe('NEW');
      expect(next).not.toHaveProperty('assigned_to');
      expect(next).not.toHaveProperty('assigned_at');
    }
  });

  it('start, progress and pending keep the assignee and dates', () => {
    const base = incidentFixtureIn('ASSIGNED');
    for (const action of ['start', 'progress', 'pending'] as const) {
      const next = applyTransition(base, action, opts);
      expect(next.assigned_to).toBe('ana@example.com');
      expect(next.assigned_at).toBe(fixtureTime(10));
      expect(next.resolved_at).toBeUndefined();
    }
  });

  it('resolve sets resolved_at and resolution_time_minutes from created_at', () => {
    const next = applyTransition(incidentFixtureIn('IN_PROGRESS'), 'resolve', {
      now: fixtureTime(95.25),
      actorId: 'ana@example.com',
    });
    expect(next.resolved_at).toBe(fixtureTime(95.25));
    expect(next.metrics.resolution_time_minutes).toBe(95.25);
    expect(next.closed_at).toBeUndefined();
  });

  it('close sets closed_at and keeps resolved_at, the resolution and the assignee', () => {
    const next = applyTransition(incidentFixtureIn('RESOLVED'), 'close', {
      now: fixtureTime(120),
      actorId: 'ana@example.com',
    });
    expect(next.closed_at).toBe(fixtureTime(120));
    expect(next.resolved_at).toBe(fixtureTime(60));
    expect(next.resolution?.root_cause).toBe('Bad TLS config');
    expect(next.assigned_to).toBe('ana@example.com');
  });

  it('cancel keeps the assignee for the record', () => {
    const next = applyTransition(incidentFixtureIn('IN_PROGRESS'), 'cancel', opts);
    expect(next.status).toBe('CANCELLED');
    expect(next.assigned_to).toBe('ana@example.com');
  });

  it.each(['RESOLVED', 'CLOSED', 'CANCELLED'] as const)(
    'reopen from %s increments reopened_count and clears resolved_at, closed_at, resolution',
    (status) => {
      const before = incidentFixtureIn(status);
      before.metrics.reopened_count = 2;
      const next = applyTransition(before, 'reopen', { now: fixtureTime(200), actorId: 'ana@example.com' });
      expect(next.status).toBe('ASSIGNED');
      expect(next.metrics.reopened_count).toBe(3);
      expect(next).not.toHaveProperty('resolved_at');
      expect(next).not.toHaveProperty('closed_at');
      expect(next).not.toHaveProperty('resolution');
      expect(next.metrics).not.toHaveProperty('resolution_time_minutes');
      expect(next.assigned_to).toBe('ana@example.com');
      // The first response time is history, not reset.
      expect(next.metrics.response_time_minutes).toBe(10);
    },
  );

  it('reopen of an incident nobody was assigned leads to NEW', () => {
    const cancelled = applyTransition(incidentFixture(), 'cancel', opts);
    const next = applyTransition(cancelled, 'reopen', opts);
    expect(next.status).toBe('NEW');
    expect(next.assigned_to).toBeUndefined();
    expect(next.metrics.reopened_count).toBe(1);
  });

  it('reopen counts every time', () => {
    let inc = incidentFixtureIn('CLOSED');
    for (let i = 1; i <= 3; i++) {
      inc = applyTransition(inc, 'reopen', opts);
      inc = applyTransition(inc, 'resolve', opts);
      inc = applyTransition(inc, 'close', opts);
      expect(inc.metrics.reopened_count).toBe(i);
    }
  });
});

describe('sla_breached against due_date', () => {
  const due = fixtureTime(240);

  it('is met when resolved before the due date, and stays met after closing later', () => {
    const base = incidentFixtureIn('IN_PROGRESS', { due_date: due });
    const resolved = applyTransition(base, 'resolve', { now: fixtureTime(239), actorId: 'ana@example.com' });
    expect(resolved.metrics.sla_breached).toBe(false);
    const closed = applyTransition(resolved, 'close', { now: fixtureTime(5000), actorId: 'ana@example.com' });
    expect(closed.metrics.sla_breached).toBe(false);
  });

  it('is met when resolved exactly at the due date', () => {
    const resolved = applyTransition(incidentFixtureIn('ASSIGNED', { due_date: due }), 'resolve', {
      now: due,
      actorId: 'ana@example.com',
    });
    expect(resolved.metrics.sla_breached).toBe(false);
  });

  it('is breached when resolved after the due date', () => {
    const resolved = applyTransition(incidentFixtureIn('IN_PROGRESS', { due_date: due }), 'resolve', {
      now: fixtureTime(241),
      actorId: 'ana@example.com',
    });
    expect(resolved.metrics.sla_breached).toBe(true);
  });

  it('is breached on the next change of an open incident past its due date', () => {
    const open = incidentFixtureIn('ASSIGNED', { due_date: due });
    const before = applyTransition(open, 'start', { now: fixtureTime(200), actorId: 'ana@example.com' });
    expect(before.metrics.sla_breached).toBe(false);
    const after = applyTransition(before, 'pending', { now: fixtureTime(300), actorId: 'ana@example.com' });
    expect(after.metrics.sla_breached).toBe(true);
  });

  it('updateSla marks an open incident past due, and leaves one without a due date alone', () => {
    const open = incidentFixtureIn('PENDING', { due_date: due });
    updateSla(open, fixtureTime(100));
    expect(open.metrics.sla_breached).toBe(false);
    updateSla(open, fixtureTime(241));
    expect(open.metrics.sla_breached).toBe(true);
    const noDue = incidentFixtureIn('PENDING');
    updateSla(noDue, fixtureTime(1_000_000));
    expect(noDue.metrics.sla_breached).toBe(false);
  });

  it('a cancelled incident does not breach', () => {
    const cancelled = applyTransition(incidentFixtureIn('ASSIGNED', { due_date: due }), 'cancel', {
      now: fixtureTime(100),
      actorId: 'ana@example.com',
    });
    updateSla(cancelled, fixtureTime(10_000));
    expect(cancelled.metrics.sla_breached).toBe(false);
  });

  it('stays breached after reopen and a timely second resolution', () => {
    const late = applyTransition(incidentFixtureIn('IN_PROGRESS', { due_date: due }), 'resolve', {
      now: fixtureTime(300),
      actorId: 'ana@example.com',
    });
    expect(late.metrics.sla_breached).toBe(true);
    const reopened = applyTransition(late, 'reopen', { now: fixtureTime(301), actorId: 'ana@example.com' });
    expect(reopened.metrics.sla_breached).toBe(true);
    // Even with a due date moved later, a breach is history.
    reopened.due_date = fixtureTime(10_000);
    const again = applyTransition(reopened, 'resolve', { now: fixtureTime(400), actorId: 'ana@example.com' });
    expect(again.metrics.sla_breached).toBe(true);
  });
});

describe('minutesBetween', () => {
  it('rounds to 0.01 minutes and never goes negative', () => {
    expect(minutesBetween(FIXTURE_CREATED_AT, fixtureTime(90))).toBe(90);
    expect(minutesBetween(FIXTURE_CREATED_AT, new Date(Date.parse(FIXTURE_CREATED_AT) + 1234).toISOString())).toBe(
      0.02,
    );
    expect(minutesBetween(fixtureTime(10), FIXTURE_CREATED_AT)).toBe(0);
  });
});

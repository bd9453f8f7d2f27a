/**
 * The incident state machine: one transition table, and every side effect of a transition
 * (timestamps, response and resolution minutes, reopened_count, sla_breached) applied in one place.
 *
 * @module
 */
import { InvalidTransitionError } from './errors.js';
import { cloneJson } from './json.js';
import type { Status } from './model/enums.js';
import type { Incident } from './model/incident.js';

/** The actions that may change an incident's status. */
export const ACTIONS = [
  'claim',
  'assign',
  'release',
  'start',
  'progress',
  'pending',
  'resolve',
  'close',
  'reopen',
  'cancel',
] as const;
/** A lifecycle action (`assign`, `resolve`, `reopen`…); {@link TRANSITIONS} says from which statuses it applies. */
export type Action = (typeof ACTIONS)[number];

/** Where each action may start, and where it leads. `reopen` leads to ASSIGNED when someone is assigned, NEW otherwise. */
export const TRANSITIONS: Readonly<Record<Action, { from: readonly Status[]; to: Status | 'ASSIGNED_OR_NEW' }>> = {
  claim: { from: ['NEW'], to: 'ASSIGNED' },
  assign: { from: ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'PENDING'], to: 'ASSIGNED' },
  release: { from: ['ASSIGNED', 'IN_PROGRESS', 'PENDING'], to: 'NEW' },
  start: { from: ['ASSIGNED', 'PENDING'], to: 'IN_PROGRESS' },
  progress: { from: ['ASSIGNED', 'IN_PROGRESS', 'PENDING'], to: 'IN_PROGRESS' },
  pending: { from: ['ASSIGNED', 'IN_PROGRESS'], to: 'PENDING' },
  resolve: { from: ['ASSIGNED', 'IN_PROGRESS', 'PENDING'], to: 'RESOLVED' },
  close: { from: ['RESOLVED'], to: 'CLOSED' },
  reopen: { from: ['RESOLVED', 'CLOSED', 'CANCELLED'], to: 'ASSIGNED_OR_NEW' },
  cancel: { from: ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'PENDING'], to: 'CANCELLED' },
};

/** Whether `action` is allowed from `status`. */
export function canTransition(status: Status, action: Action): boolean {
  return TRANSITIONS[action].from.includes(status);
}

/** The actions allowed from a status (for UIs and error messages). */
export function allowedActions(status: Status): Action[] {
  return ACTIONS.filter((a) => canTransition(status, a));
}

/** Minutes between two ISO timestamps, rounded to 0.01. */
export function minutesBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 600) / 100);
}

/** Options for {@link applyTransition}. */
export interface TransitionOptions {
  now: string;
  actorId: string;
  /** The new assignee for `claim` and `assign`. */
  assignee?: string;
}

/**
 * Applies `action` to a copy of `incident`: checks the transition table, sets the new status and
 * every side effect. Does not bump the revision (the service does that for every change).
 *
 * @throws {@link InvalidTransitionError} when the action is not allowed from the current status.
 *
 * @example
 * ```ts
 * const next = applyTransition(incident, 'claim', { now: new Date().toISOString(), actorId: 'ana@example.com' });
 * next.status; // 'ASSIGNED', with assigned_to, assigned_at and metrics.response_time_minutes set
 * ```
 */
export function applyTransition(incident: Incident, action: Action, opts: TransitionOptions): Incident {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(incident.status)) {
    throw new InvalidTransitionError(incident.incident_id, action, incident.status, rule.from);
  }
  const next: Incident = cloneJson(incident);
  const metrics = next.metrics;
  switch (action) {
    case 'claim':
    case 'assign': {
      next.assigned_to = opts.assignee ?? opts.actorId;
      next.assigned_at = opts.now;
      if (metrics.response_time_minutes === undefined) {
        metrics.response_time_minutes = minutesBetween(next.created_at, opts.now);
      }
      break;
    }
    case 'release': {
      delete next.assigned_to;
      delete next.assigned_at;
      break;
    }
    case 'resolve': {
      next.resolved_at = opts.now;
      metrics.resolution_time_minutes = minutesBetween(next.created_at, opts.now);
      break;
    }
    case 'close': {
      next.closed_at = opts.now;
      break;
    }
    case 'reopen': {
      metrics.reopened_count += 1;
      delete next.resolved_at;
      delete next.closed_at;
      delete next.resolution;
      delete metrics.resolution_time_minutes;
      break;
    }
    default:
      break;
  }
  next.status = rule.to === 'ASSIGNED_OR_NEW' ? (next.assigned_to ? 'ASSIGNED' : 'NEW') : rule.to;
  if (next.status === 'CLOSED' || next.status === 'CANCELLED' || next.status === 'NEW') {
    // A closed or cancelled incident keeps its assignee for the record; NEW never has one.
    if (next.status === 'NEW') {
      delete next.assigned_to;
      delete next.assigned_at;
    }
  }
  updateSla(next, opts.now);
  return next;
}

/**
 * Recomputes `metrics.sla_breached` against `due_date`: breached when the incident was resolved after
 * the due date, or is still open past it. Once breached it stays breached (reopening does not clear it).
 */
export function updateSla(incident: Incident, now: string): void {
  if (!incident.due_date || incident.metrics.sla_breached) return;
  const due = Date.parse(incident.due_date);
  const doneAt = incident.resolved_at ?? (incident.status === 'CANCELLED' ? undefined : now);
  if (doneAt !== undefined && Date.parse(doneAt) > due) incident.metrics.sla_breached = true;
}

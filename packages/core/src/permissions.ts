/**
 * Roles and permissions (R-SEC-1: `resource.action` strings and `*`), enforced by the service —
 * not only in IAM. People: `customer` (cliente), `operator` (operador), `admin`. Services:
 * `api_server`, `batch_worker`, `sync`, `kb_sync`.
 *
 * Relationship rules on top of the permission strings:
 * - an operator changes only incidents assigned to them (claiming an unassigned one is allowed);
 * - a customer sees and comments on only the incidents they created, and never sees INTERNAL entries;
 * - only holders of `incidents.import` (the `sync` service and admins) bind an incident or a comment to a
 *   record of a source system (`source_system` other than MANUAL, `external_id`, `source_url`).
 *
 * @module
 */
import { PermissionDeniedError } from './errors.js';
import type { Role } from './model/enums.js';
import type { Incident } from './model/incident.js';
import type { IncidentAccess } from './ports/incident-store.js';
import type { Actor } from './model/user.js';

/** A permission string `resource.action`, or `*` for everything. */
export type Permission =
  | '*'
  | 'incidents.select'
  | 'incidents.insert'
  | 'incidents.update'
  | 'incidents.assign'
  | 'incidents.delete'
  | 'incidents.import'
  | 'interactions.select'
  | 'interactions.select_internal'
  | 'interactions.insert'
  | 'interactions.insert_internal'
  | 'interactions.update'
  | 'users.select'
  | 'users.insert'
  | 'users.update'
  | 'metrics.select'
  | 'procedures.execute'
  | 'sync.execute'
  | 'kb.sync';

/** What each role may do. The desk's roles (R-SEC-1) plus the service roles. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  customer: ['incidents.select', 'incidents.insert', 'interactions.select', 'interactions.insert'],
  operator: [
    'incidents.select',
    'incidents.insert',
    'incidents.update',
    'interactions.select',
    'interactions.select_internal',
    'interactions.insert',
    'interactions.insert_internal',
    'users.select',
    'metrics.select',
  ],
  admin: ['*'],
  api_server: [
    'users.select',
    'users.insert',
    'users.update',
    'incidents.select',
    'incidents.insert',
    'incidents.update',
    'incidents.assign',
    'interactions.select',
    'interactions.select_internal',
    'interactions.insert',
    'interactions.insert_internal',
    'interactions.update',
    'metrics.select',
  ],
  batch_worker: [
    'incidents.select',
    'incidents.update',
    'incidents.assign',
    'interactions.select',
    'interactions.select_internal',
    'procedures.execute',
    'metrics.select',
  ],
  sync: [
    'incidents.select',
    'incidents.insert',
    'incidents.update',
    'incidents.assign',
    'incidents.import',
    'interactions.select',
    'interactions.select_internal',
    'interactions.insert',
    'interactions.insert_internal',
    'sync.execute',
  ],
  kb_sync: ['incidents.select', 'interactions.select', 'kb.sync'],
};

/** Whether any of the actor's roles grants `permission`. */
export function hasPermission(actor: Pick<Actor, 'roles'>, permission: Permission): boolean {
  return actor.roles.some((role) => {
    const granted = ROLE_PERMISSIONS[role];
    return granted.includes('*') || granted.includes(permission);
  });
}

/** Throws {@link PermissionDeniedError} unless the actor has `permission`. */
export function requirePermission(actor: Actor, permission: Permission, incidentId?: string): void {
  if (!hasPermission(actor, permission)) {
    throw new PermissionDeniedError(
      actor.id,
      permission,
      `role ${actor.roles.join('+')} lacks ${permission}`,
      incidentId,
    );
  }
}

/** Whether the actor acts only on their own incidents (people below admin). */
function isScopedPerson(actor: Actor): boolean {
  return !actor.roles.some((r) => r !== 'customer' && r !== 'operator');
}

/** Whether the actor is only a customer (sees only their own incidents and PUBLIC entries). */
export function isCustomerOnly(actor: Actor): boolean {
  return actor.roles.every((r) => r === 'customer');
}

/** Whether the actor may see INTERNAL comments and interactions. */
export function canSeeInternal(actor: Actor): boolean {
  return hasPermission(actor, 'interactions.select_internal');
}

/** Throws unless the actor may read this incident (customers: only the ones they created). */
export function requireCanRead(actor: Actor, incident: IncidentAccess): void {
  requirePermission(actor, 'incidents.select', incident.incident_id);
  if (isCustomerOnly(actor) && incident.metadata.created_by !== actor.id) {
    throw new PermissionDeniedError(
      actor.id,
      'incidents.select',
      `customers see only the incidents they reported`,
      incident.incident_id,
    );
  }
}

/**
 * Throws unless the actor may change this incident: needs `incidents.update`, and an operator must
 * be its assignee (admins and services are not scoped).
 */
export function requireCanUpdate(actor: Actor, incident: Incident): void {
  requirePermission(actor, 'incidents.update', incident.incident_id);
  if (isScopedPerson(actor) && incident.assigned_to !== actor.id) {
    const who = incident.assigned_to ? `assigned to ${incident.assigned_to}` : 'not assigned to anyone';
    throw new PermissionDeniedError(
      actor.id,
      'incidents.update',
      `incident ${incident.incident_id} is ${who}; operators change only incidents assigned to them`,
      incident.incident_id,
    );
  }
}

/**
 * Throws unless the actor may assign this incident: `assign` needs `incidents.assign` (admins and
 * services), whoever the assignee is. Operators take an unassigned incident with `claim` and give it
 * back with `release`; they never assign — not even to themselves.
 */
export function requireCanAssign(actor: Actor, incident: Incident, _assignee: string): void {
  if (hasPermission(actor, 'incidents.assign')) return;
  throw new PermissionDeniedError(
    actor.id,
    'incidents.assign',
    `only admins and services assign incidents; operators take an unassigned incident with claim`,
    incident.incident_id,
  );
}

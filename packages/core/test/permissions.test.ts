import { describe, expect, it } from 'vitest';
import { PermissionDeniedError } from '../src/errors.js';
import { ROLES, type Role } from '../src/model/enums.js';
import type { Actor } from '../src/model/user.js';
import {
  canSeeInternal,
  hasPermission,
  isCustomerOnly,
  type Permission,
  ROLE_PERMISSIONS,
  requireCanAssign,
  requireCanRead,
  requireCanUpdate,
  requirePermission,
} from '../src/permissions.js';
import { incidentFixtureIn, incidentFixture } from '../src/testing/fixtures.js';

const PERMISSIONS: Permission[] = [
  'incidents.select',
  'incidents.insert',
  'incidents.update',
  'incidents.assign',
  'incidents.delete',
  'incidents.import',
  'interactions.select',
  'interactions.select_internal',
  'interactions.insert',
  'interactions.insert_internal',
  'interactions.update',
  'users.select',
  'users.insert',
  'users.update',
  'metrics.select',
  'procedures.execute',
  'sync.execute',
  'kb.sync',
];

/** The documented grants (the desk's roles of R-SEC-1, extended with the service roles), written out by hand. */
const GRANTS: Record<Role, Permission[] | '*'> = {
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
  admin: '*',
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

const actor = (role: Role, id = `${role}@example.com`): Actor => ({ id, roles: [role] });

const cases = ROLES.flatMap((role) =>
  PERMISSIONS.map((permission) => {
    const grants = GRANTS[role];
    return { role, permission, allowed: grants === '*' || grants.includes(permission) };
  }),
);

describe('role × permission', () => {
  it('ROLE_PERMISSIONS covers every role', () => {
    expect(Object.keys(ROLE_PERMISSIONS).sort()).toEqual([...ROLES].sort());
  });

  it.each(cases)('$role $permission → $allowed', ({ role, permission, allowed }) => {
    expect(hasPermission(actor(role), permission)).toBe(allowed);
    if (allowed) {
      expect(() => requirePermission(actor(role), permission)).not.toThrow();
    } else {
      let caught: unknown;
      try {
        requirePermission(actor(role), permission, 'INC-1');
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(PermissionDeniedError);
      expect((caught as PermissionDeniedError).details).toEqual({
        actor: `${role}@example.com`,
        permission,
        incidentId: 'INC-1',
      });
      expect((caught as PermissionDeniedError).message).toContain(`role ${role} lacks ${permission}`);
    }
  });

  it('several roles grant the union of their permissions', () => {
    const both: Actor = { id: 'x@example.com', roles: ['kb_sync', 'customer'] };
    expect(hasPermission(both, 'kb.sync')).toBe(true);
    expect(hasPermission(both, 'interactions.insert')).toBe(true);
    expect(hasPermission(both, 'incidents.update')).toBe(false);
  });
});

describe('relationship rules', () => {
  it('isCustomerOnly and canSeeInternal', () => {
    expect(isCustomerOnly(actor('customer'))).toBe(true);
    expect(isCustomerOnly({ id: 'x', roles: ['customer', 'operator'] })).toBe(false);
    expect(canSeeInternal(actor('customer'))).toBe(false);
    for (const role of ['operator', 'admin', 'api_server', 'batch_worker', 'sync'] as const) {
      expect(canSeeInternal(actor(role))).toBe(true);
    }
    expect(canSeeInternal(actor('kb_sync'))).toBe(false);
  });

  it('customers read only the incidents they created', () => {
    const own = incidentFixture({
      metadata: { created_by: 'carla@example.com', last_modified_by: 'carla@example.com' },
    });
    expect(() => requireCanRead(actor('customer', 'carla@example.com'), own)).not.toThrow();
    expect(() => requireCanRead(actor('customer', 'dora@example.com'), own)).toThrow(PermissionDeniedError);
    expect(() => requireCanRead(actor('operator'), own)).not.toThrow();
    expect(() => requireCanRead(actor('kb_sync'), own)).not.toThrow();
  });

  it('operators change only incidents assigned to them; admins and services any', () => {
    const anas = incidentFixtureIn('IN_PROGRESS');
    expect(() => requireCanUpdate(actor('operator', 'ana@example.com'), anas)).not.toThrow();
    expect(() => requireCanUpdate(actor('operator', 'bob@example.com'), anas)).toThrow(
      /assigned to ana@example\.com; operators change only incidents assigned to them/,
    );
    expect(() => requireCanUpdate(actor('operator', 'bob@example.com'), incidentFixture())).toThrow(
      /not assigned to anyone/,
    );
    for (const role of ['admin', 'api_server', 'batch_worker', 'sync'] as const) {
      expect(() => requireCanUpdate(actor(role), anas)).not.toThrow();
    }
    expect(() => requireCanUpdate(actor('customer'), anas)).toThrow(PermissionDeniedError);
    expect(() => requireCanUpdate(actor('kb_sync'), anas)).toThrow(PermissionDeniedError);
  });

  it('only roles with incidents.assign assign, to anyone; an operator not even to themselves (they claim)', () => {
    const inc = incidentFixture();
    for (const assignee of ['ana@example.com', 'bob@example.com']) {
      expect(() => requireCanAssign(actor('operator', 'ana@example.com'), inc, assignee)).toThrow(
        /only admins and services assign incidents; operators take an unassigned incident with claim/,
      );
    }
    for (const role of ['admin', 'api_server', 'batch_worker', 'sync'] as const) {
      expect(() => requireCanAssign(actor(role), inc, 'bob@example.com')).not.toThrow();
    }
    expect(() => requireCanAssign(actor('customer', 'c@example.com'), inc, 'c@example.com')).toThrow(
      PermissionDeniedError,
    );
    expect(() => requireCanAssign(actor('kb_sync'), inc, 'kb_sync@example.com')).toThrow(PermissionDeniedError);
  });
});

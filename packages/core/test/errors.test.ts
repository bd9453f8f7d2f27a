import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  IncidentsError,
  InvalidTransitionError,
  isIncidentsError,
  NotFoundError,
  PermissionDeniedError,
  ValidationError,
} from '../src/errors.js';

describe('IncidentsError', () => {
  it('carries a namespaced code, details, userError and the cause', () => {
    const cause = new Error('socket hang up');
    const err = new IncidentsError('connector.rate_limited', 'Jira answered 429', {
      details: { retryAfterSeconds: 30 },
      cause,
      userError: false,
    });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('IncidentsError');
    expect(err.code).toBe('connector.rate_limited');
    expect(err.message).toBe('Jira answered 429');
    expect(err.details).toEqual({ retryAfterSeconds: 30 });
    expect(err.userError).toBe(false);
    expect(err.cause).toBe(cause);
    expect(err.stack).toContain('Jira answered 429');
  });

  it('defaults to empty details, userError true and no cause', () => {
    const err = new IncidentsError('config', 'missing table name');
    expect(err.details).toEqual({});
    expect(err.userError).toBe(true);
    expect('cause' in err).toBe(false);
  });

  it('serialises to { name, code, message, details } without the cause or stack', () => {
    const err = new IncidentsError('store', 'write failed', { details: { table: 'incidents' }, cause: new Error('x') });
    expect(err.toJSON()).toEqual({
      name: 'IncidentsError',
      code: 'store',
      message: 'write failed',
      details: { table: 'incidents' },
    });
    expect(JSON.parse(JSON.stringify(err))).toEqual(err.toJSON());
  });
});

describe('typed errors', () => {
  it('ValidationError names every field path in its message and details', () => {
    const cause = new Error('zod');
    const err = new ValidationError(
      [
        { path: 'title', message: 'title is required' },
        { path: 'code_changes.0.file', message: 'Too small' },
        { path: '', message: 'bad input' },
      ],
      { cause, context: 'incident' },
    );
    expect(err).toBeInstanceOf(IncidentsError);
    expect(err.name).toBe('ValidationError');
    expect(err.code).toBe('validation');
    expect(err.userError).toBe(true);
    expect(err.cause).toBe(cause);
    expect(err.message).toBe('Invalid incident: title: title is required; code_changes.0.file: Too small; bad input');
    expect(err.details.issues.map((i) => i.path)).toEqual(['title', 'code_changes.0.file', '']);
  });

  it('ValidationError summarises more than five issues', () => {
    const issues = Array.from({ length: 8 }, (_, i) => ({ path: `tags.${i}`, message: 'expected string' }));
    const err = new ValidationError(issues);
    expect(err.message).toMatch(/^Invalid input: tags\.0: expected string; .*tags\.4: expected string \(\+3 more\)$/);
    expect(err.message).not.toContain('tags.5');
    expect(err.details.issues).toHaveLength(8);
  });

  it('NotFoundError names the entity and id', () => {
    const err = new NotFoundError('Incident', 'INC-1');
    expect(err.code).toBe('not_found');
    expect(err.name).toBe('NotFoundError');
    expect(err.message).toBe('Incident INC-1 not found');
    expect(err.details).toEqual({ entity: 'Incident', id: 'INC-1' });
  });

  it('ConflictError keeps its typed details', () => {
    const err = new ConflictError('already assigned to ana', {
      entity: 'Incident',
      id: 'INC-1',
      assignedTo: 'ana@example.com',
      actualRevision: 2,
      reason: 'already_assigned',
    });
    expect(err.code).toBe('conflict');
    expect(err.name).toBe('ConflictError');
    expect(err.details.assignedTo).toBe('ana@example.com');
    expect(err.toJSON().details).toMatchObject({ reason: 'already_assigned', actualRevision: 2 });
  });

  it('InvalidTransitionError lists the statuses the action is allowed from', () => {
    const err = new InvalidTransitionError('INC-1', 'close', 'NEW', ['RESOLVED']);
    expect(err.code).toBe('invalid_transition');
    expect(err.message).toBe('Cannot close incident INC-1: it is NEW; close is allowed from RESOLVED');
    expect(err.details).toEqual({ incidentId: 'INC-1', action: 'close', from: 'NEW', allowedFrom: ['RESOLVED'] });
    expect(new InvalidTransitionError('INC-1', 'x', 'NEW', []).message).toContain('allowed from no status');
  });

  it('PermissionDeniedError names the actor and permission, and the incident when given', () => {
    const err = new PermissionDeniedError('carla@example.com', 'incidents.update', 'role customer lacks it', 'INC-9');
    expect(err.code).toBe('permission_denied');
    expect(err.message).toBe('Permission denied for carla@example.com: role customer lacks it');
    expect(err.details).toEqual({ actor: 'carla@example.com', permission: 'incidents.update', incidentId: 'INC-9' });
    const noIncident = new PermissionDeniedError('x@example.com', 'users.insert', 'nope');
    expect(noIncident.details).toEqual({ actor: 'x@example.com', permission: 'users.insert' });
  });
});

describe('isIncidentsError', () => {
  it('accepts every subclass', () => {
    for (const err of [
      new IncidentsError('store', 'x'),
      new ValidationError([]),
      new NotFoundError('User', 'a'),
      new ConflictError('c', { entity: 'Incident', id: '1' }),
      new InvalidTransitionError('1', 'close', 'NEW', ['RESOLVED']),
      new PermissionDeniedError('a', 'b', 'c'),
    ]) {
      expect(isIncidentsError(err)).toBe(true);
    }
  });

  it('accepts the shape of an error from another copy of the package', () => {
    const foreign = Object.assign(new Error('from another copy'), { code: 'conflict', userError: true });
    expect(isIncidentsError(foreign)).toBe(true);
  });

  it('rejects plain errors and other values', () => {
    const nodeError = Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    for (const value of [new Error('x'), nodeError, null, undefined, 'conflict', { code: 'conflict' }, 42]) {
      expect(isIncidentsError(value)).toBe(false);
    }
  });
});

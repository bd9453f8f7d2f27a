import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ValidationError } from '../src/errors.js';
import { IncidentSchema, TimestampSchema } from '../src/model/incident.js';
import {
  AddCommentInputSchema,
  AssignInputSchema,
  CreateIncidentInputSchema,
  CreateUserInputSchema,
  IncidentQuerySchema,
  ResolveInputSchema,
  UpdateProgressInputSchema,
} from '../src/model/inputs.js';
import { ActorSchema } from '../src/model/user.js';
import { canonicalJson, cloneJson, sameJson } from '../src/json.js';
import { markValidated, parseInput, takeValidated } from '../src/validation.js';
import { incidentFixture } from '../src/testing/fixtures.js';

function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

const paths = (err: ValidationError) => err.details.issues.map((i) => i.path);

describe('parseInput', () => {
  it('returns the parsed value with defaults applied', () => {
    const out = parseInput(CreateIncidentInputSchema, { title: '  Checkout 502  ' });
    expect(out).toMatchObject({
      title: 'Checkout 502',
      description: '',
      category: 'General',
      severity: 'MEDIUM',
      source_system: 'MANUAL',
      environment: 'PRODUCTION',
      affected_systems: [],
      tags: [],
    });
    expect(out.priority).toBeUndefined();
  });

  it('throws a ValidationError naming nested field paths, with the zod error as cause', () => {
    const err = validationError(() =>
      parseInput(
        ResolveInputSchema,
        { incident_id: 'INC-1', solution: 'x', code_changes: [{ file: '' }], steps: ['ok', 3] },
        'resolution',
      ),
    );
    expect(paths(err).sort()).toEqual(['code_changes.0.file', 'steps.1']);
    expect(err.message).toMatch(/^Invalid resolution: /);
    expect(err.message).toContain('code_changes.0.file');
    expect(err.cause).toBeInstanceOf(z.ZodError);
  });

  it('names `title` when the title is blank, and `solution` when the solution is missing', () => {
    expect(paths(validationError(() => parseInput(CreateIncidentInputSchema, { title: '   ' })))).toEqual(['title']);
    const err = validationError(() => parseInput(ResolveInputSchema, { incident_id: 'INC-1' }));
    expect(paths(err)).toEqual(['solution']);
  });

  it('reports the whole input with an empty path when it is not an object', () => {
    const err = validationError(() => parseInput(CreateIncidentInputSchema, 'just a string'));
    expect(paths(err)).toEqual(['']);
  });
});

describe('input schemas', () => {
  it('create: rejects unknown enum values and bad timestamps by field', () => {
    const err = validationError(() =>
      parseInput(CreateIncidentInputSchema, {
        title: 'x',
        severity: 'URGENT',
        source_system: 'GITHUB',
        due_date: 'tomorrow',
      }),
    );
    expect(paths(err).sort()).toEqual(['due_date', 'severity', 'source_system']);
  });

  it('progress: needs at least one of analysis, progress_notes or time_spent_minutes', () => {
    const err = validationError(() => parseInput(UpdateProgressInputSchema, { incident_id: 'INC-1' }));
    expect(err.details.issues).toEqual([
      { path: 'progress_notes', message: 'give at least one of analysis, progress_notes or time_spent_minutes' },
    ]);
    expect(
      parseInput(UpdateProgressInputSchema, { incident_id: 'INC-1', time_spent_minutes: 0 }).time_spent_minutes,
    ).toBe(0);
    const tooLong = validationError(() =>
      parseInput(UpdateProgressInputSchema, { incident_id: 'INC-1', time_spent_minutes: 24 * 60 + 1 }),
    );
    expect(paths(tooLong)).toEqual(['time_spent_minutes']);
  });

  it('resolve: defaults and types', () => {
    const out = parseInput(ResolveInputSchema, {
      incident_id: 'INC-1',
      solution: 'restart',
      code_changes: [{ file: 'a.ts' }],
    });
    expect(out.steps).toEqual([]);
    expect(out.resolution_type).toBe('FIXED');
    expect(out.documentation_updated).toBe(false);
    expect(out.code_changes).toEqual([{ file: 'a.ts', description: '' }]);
    const err = validationError(() =>
      parseInput(ResolveInputSchema, { incident_id: 'INC-1', solution: 'x', resolution_type: 'MAGIC' }),
    );
    expect(paths(err)).toEqual(['resolution_type']);
  });

  it('refs: incident_id required, expected_revision a positive integer', () => {
    const err = validationError(() =>
      parseInput(AssignInputSchema, { incident_id: ' ', assignee: '', expected_revision: 0 }),
    );
    expect(paths(err).sort()).toEqual(['assignee', 'expected_revision', 'incident_id']);
    expect(err.details.issues.find((i) => i.path === 'incident_id')?.message).toBe('incident_id is required');
  });

  it('comment: PUBLIC and MANUAL by default; visibility is an enum', () => {
    expect(parseInput(AddCommentInputSchema, { incident_id: 'INC-1', text: 'hi' })).toMatchObject({
      visibility: 'PUBLIC',
      source: 'MANUAL',
    });
    const err = validationError(() =>
      parseInput(AddCommentInputSchema, { incident_id: 'INC-1', text: 'hi', visibility: 'SECRET' }),
    );
    expect(paths(err)).toEqual(['visibility']);
  });

  it('query: discriminated by `by`, with the pattern fields required', () => {
    expect(parseInput(IncidentQuerySchema, { by: 'status', status: ['NEW', 'ASSIGNED'] })).toEqual({
      by: 'status',
      status: ['NEW', 'ASSIGNED'],
    });
    expect(paths(validationError(() => parseInput(IncidentQuerySchema, { by: 'assignee' })))).toEqual(['assigned_to']);
    expect(paths(validationError(() => parseInput(IncidentQuerySchema, { by: 'status', status: [] })))).toEqual([
      'status',
    ]);
    expect(paths(validationError(() => parseInput(IncidentQuerySchema, { by: 'colour' })))).toEqual(['by']);
  });

  it('users and actors', () => {
    expect(parseInput(CreateUserInputSchema, { email: 'ana@example.com' })).toEqual({
      email: 'ana@example.com',
      role: 'operator',
      active: true,
    });
    expect(
      paths(validationError(() => parseInput(CreateUserInputSchema, { email: 'not-an-email', role: 'root' }))).sort(),
    ).toEqual(['email', 'role']);
    expect(paths(validationError(() => parseInput(ActorSchema, { id: 'ana@example.com', roles: [] })))).toEqual([
      'roles',
    ]);
    expect(paths(validationError(() => parseInput(ActorSchema, { id: 'x', roles: ['superuser'] })))).toEqual([
      'roles.0',
    ]);
  });
});

describe('model schemas', () => {
  it('timestamps need an ISO 8601 date-time with offset', () => {
    expect(TimestampSchema.safeParse('2026-01-05T09:00:00.000Z').success).toBe(true);
    expect(TimestampSchema.safeParse('2026-01-05T10:00:00+01:00').success).toBe(true);
    expect(TimestampSchema.safeParse('2026-01-05').success).toBe(false);
    expect(TimestampSchema.safeParse('yesterday').success).toBe(false);
  });

  it('an incident record gets its default groups', () => {
    const inc = incidentFixture();
    expect(inc.metrics).toEqual({ reopened_count: 0, escalated: false, sla_breached: false });
    expect(inc.kb_sync_status).toEqual({ state: 'NOT_APPLICABLE', synced: false, sync_attempts: 0 });
    expect(inc.sync_metadata).toEqual({ needs_sync: false });
    expect(inc.technical_details).toEqual({});
    expect(inc.tags).toEqual([]);
  });

  it('an incident record refuses revision 0 and an unknown status', () => {
    const bad = IncidentSchema.safeParse({ ...incidentFixture(), revision: 0, status: 'OPEN' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['revision', 'status']);
  });
});

describe('markValidated / takeValidated', () => {
  it('marks an object for one write: the mark is consumed', () => {
    const write = markValidated({ incident: { incident_id: 'INC-1' } });
    expect(takeValidated(write)).toBe(true);
    expect(takeValidated(write)).toBe(false);
  });

  it('does not mark copies, and ignores non-objects', () => {
    const write = markValidated({ a: 1 });
    expect(takeValidated({ ...write })).toBe(false);
    expect(takeValidated(null)).toBe(false);
    expect(takeValidated('x')).toBe(false);
    expect(takeValidated(write)).toBe(true);
  });
});

describe('sameJson / canonicalJson', () => {
  it('compares content whatever the key order, at every level', () => {
    expect(sameJson({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { e: 3, d: 2 }] }, a: 1 })).toBe(true);
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ a: 1 }, { a: '1' })).toBe(false);
    expect(sameJson(undefined, null)).toBe(false);
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });
});

describe('cloneJson', () => {
  it('copies an incident deeply: the same content as structuredClone, nothing shared', () => {
    const incident = incidentFixture({ technical_details: { error_messages: ['a'], stack_traces: ['x'] } });
    incident.cline_work = {
      started_at: incident.created_at,
      last_updated: incident.created_at,
      developer: 'ana@example.com',
      progress_notes: [{ at: incident.created_at, by: 'ana@example.com', text: 'looking' }],
      time_tracking: { total_minutes: 0, sessions: [] },
    };
    const copy = cloneJson(incident);
    expect(copy).toStrictEqual(structuredClone(incident));
    copy.metrics.reopened_count += 1;
    copy.cline_work?.progress_notes.push({ at: incident.created_at, by: 'b@example.com', text: 'more' });
    copy.affected_systems.push('extra');
    (copy.technical_details.error_messages as string[]).push('b');
    expect(incident.metrics.reopened_count).toBe(0);
    expect(incident.cline_work.progress_notes).toHaveLength(1);
    expect(incident.affected_systems).not.toContain('extra');
    expect(incident.technical_details.error_messages).toEqual(['a']);
  });

  it('keeps an own "__proto__" member a member (as JSON.parse makes it), and undefined members', () => {
    const parsed = JSON.parse('{"a":{"__proto__":{"polluted":true},"b":[1,null,"x"]}}') as {
      a: Record<string, unknown>;
    };
    const copy = cloneJson({ ...parsed, u: undefined });
    expect(Object.getPrototypeOf(copy.a)).toBe(Object.prototype);
    expect(Object.keys(copy.a)).toEqual(['__proto__', 'b']);
    expect((copy.a as { polluted?: boolean }).polluted).toBeUndefined();
    expect(JSON.stringify(copy.a)).toBe('{"__proto__":{"polluted":true},"b":[1,null,"x"]}');
    expect(Object.hasOwn(copy, 'u')).toBe(true);
  });
});

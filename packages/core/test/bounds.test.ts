/**
 * Bounds of every use-case input, checked in core's schemas so that every entry point (CLI, MCP
 * server, web app, your code) gets them: calendar dates, date ranges, email length, id charset, http(s)
 * URLs only, bounded lists and texts.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import {
  AssignInputSchema,
  CreateIncidentInputSchema,
  CreateUserInputSchema,
  IncidentRefSchema,
  MetricsInputSchema,
  ResolveInputSchema,
} from '../src/model/inputs.js';
import { parseInput } from '../src/validation.js';

function pathsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).details.issues.map((i) => i.path);
  }
  throw new Error('expected a ValidationError');
}

describe('dates', () => {
  it.each(['2026-02-30T00:00:00.000Z', '2026-04-31T10:00:00Z', '2025-02-29T00:00:00Z', '2026-13-01T00:00:00Z'])(
    'an impossible date %s is refused, naming due_date',
    (due) => {
      expect(pathsOf(() => parseInput(CreateIncidentInputSchema, { title: 'x', due_date: due }))).toEqual(['due_date']);
    },
  );

  it('a leap day and a date-time with an offset are accepted', () => {
    expect(parseInput(CreateIncidentInputSchema, { title: 'x', due_date: '2028-02-29T00:00:00Z' }).due_date).toBe(
      '2028-02-29T00:00:00Z',
    );
    expect(() =>
      parseInput(CreateIncidentInputSchema, { title: 'x', due_date: '2026-03-01T00:30:00+02:00' }),
    ).not.toThrow();
  });

  it('metrics: from after to is refused, naming from', () => {
    expect(
      pathsOf(() => parseInput(MetricsInputSchema, { from: '2026-05-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })),
    ).toEqual(['from']);
    expect(() =>
      parseInput(MetricsInputSchema, { from: '2026-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }),
    ).not.toThrow();
  });
});

describe('emails, people and ids', () => {
  it('an email longer than 254 characters is refused (RFC 5321); a valid one is normalised', () => {
    const long = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`;
    expect(long.length).toBeGreaterThan(254);
    expect(pathsOf(() => parseInput(CreateUserInputSchema, { email: long }))).toEqual(['email']);
    expect(parseInput(CreateUserInputSchema, { email: ' Ana@Example.COM ' }).email).toBe('ana@example.com');
  });

  it.each(['INC 1', '../etc/passwd', 'INC-1/..', 'a..b', 'INC-\u001b[2J', 'INC-\u202e1', '-rf', 'x'.repeat(201)])(
    'an incident id %j is refused naming incident_id',
    (id) => {
      expect(pathsOf(() => parseInput(IncidentRefSchema, { incident_id: id }))).toEqual(['incident_id']);
    },
  );

  it.each(['INC-7K2M9Q4X1B', 'JIRA-OPS-123', 'SL-1712345678.123456', 'ZD-77', 'INC000000123'])(
    'the id %s is accepted',
    (id) => {
      expect(parseInput(IncidentRefSchema, { incident_id: id }).incident_id).toBe(id);
    },
  );

  it('an assignee with spaces or control characters is refused; case is normalised', () => {
    expect(pathsOf(() => parseInput(AssignInputSchema, { incident_id: 'INC-1', assignee: 'ana @x.com' }))).toEqual([
      'assignee',
    ]);
    expect(parseInput(AssignInputSchema, { incident_id: 'INC-1', assignee: 'ANA@x.com' }).assignee).toBe('ana@x.com');
  });
});

describe('urls and sizes', () => {
  it.each(['javascript:alert(1)', 'data:text/html,<script>', 'file:///etc/passwd', 'not a url'])(
    'source_url %s is refused',
    (url) => {
      expect(pathsOf(() => parseInput(CreateIncidentInputSchema, { title: 'x', source_url: url }))).toEqual([
        'source_url',
      ]);
    },
  );

  it('steps, tags and commands are bounded', () => {
    const many = Array.from({ length: 101 }, (_, i) => `step ${i}`);
    expect(pathsOf(() => parseInput(ResolveInputSchema, { incident_id: 'INC-1', solution: 's', steps: many }))).toEqual(
      ['steps'],
    );
    expect(pathsOf(() => parseInput(CreateIncidentInputSchema, { title: 'x', tags: many }))).toEqual(['tags']);
    expect(
      pathsOf(() =>
        parseInput(ResolveInputSchema, {
          incident_id: 'INC-1',
          solution: 's',
          commands_executed: ['x'.repeat(10_001)],
        }),
      ),
    ).toEqual(['commands_executed.0']);
    expect(
      parseInput(ResolveInputSchema, { incident_id: 'INC-1', solution: 's', steps: many.slice(0, 100) }).steps,
    ).toHaveLength(100);
  });
});

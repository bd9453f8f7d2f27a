import { describe, expect, it } from 'vitest';
import { ROLES } from '../src/model/enums.js';
import { MAX_EMAIL_LENGTH } from '../src/model/fields.js';
import { ActorSchema, normalActor } from '../src/model/user.js';

/**
 * The service validates the actor of every use case (R-SEC-1). `normalActor` answers the common,
 * already-normal actor without zod; it must never accept what ActorSchema refuses, and whatever it
 * accepts it must return exactly as ActorSchema would.
 */
describe('normalActor (the actor fast path)', () => {
  class Subclass extends Array<string> {}
  const sparse: string[] = [];
  sparse[1] = 'operator';
  const inputs: unknown[] = [
    { id: 'ana@example.com', roles: ['operator'] },
    { id: 'ana@example.com', roles: ['operator', 'admin'], team: 'payments' },
    { id: 'sync@incidents', roles: ['sync'] },
    { id: 'ana@example.com', roles: ['customer'], extra: 'dropped', password: 'x' },
    { id: 'ana@example.com', roles: ['operator'], team: undefined },
    { id: 'ana@example.com', roles: ['operator'], team: 7 },
    { id: 'ana@example.com', roles: ['operator'], team: '' },
    { id: 'Ana@Example.com', roles: ['operator'] },
    { id: ' ana@example.com', roles: ['operator'] },
    { id: 'ana@example.com\n', roles: ['operator'] },
    { id: '\uFEFFana@example.com', roles: ['operator'] },
    { id: 'ana\u202e@example.com', roles: ['operator'] },
    { id: 'ana\u0000@example.com', roles: ['operator'] },
    { id: 'an a@example.com', roles: ['operator'] },
    { id: '', roles: ['operator'] },
    { id: 'a'.repeat(MAX_EMAIL_LENGTH), roles: ['operator'] },
    { id: 'a'.repeat(MAX_EMAIL_LENGTH + 1), roles: ['operator'] },
    { id: 'ÉLODIE@example.com', roles: ['operator'] },
    { id: 42, roles: ['operator'] },
    { id: 'ana@example.com', roles: [] },
    { id: 'ana@example.com', roles: ['root'] },
    { id: 'ana@example.com', roles: 'operator' },
    { id: 'ana@example.com', roles: sparse },
    { id: 'ana@example.com', roles: Subclass.from(['operator']) },
    { id: 'ana@example.com', roles: [...ROLES] },
    { id: 'ana@example.com' },
    { roles: ['operator'] },
    ['ana@example.com', ['operator']],
    'ana@example.com',
    null,
    undefined,
    Object.assign(Object.create({ inherited: true }), { id: 'ana@example.com', roles: ['admin'] }),
  ];

  it.each(inputs.map((input, i) => [i, input]))('input %i: same answer as ActorSchema', (_, input) => {
    const fast = normalActor(input);
    const parsed = ActorSchema.safeParse(input);
    if (fast !== undefined) {
      expect(parsed.success).toBe(true);
      expect(fast).toStrictEqual(parsed.data);
      expect(Object.keys(fast)).toEqual(Object.keys(parsed.data ?? {}));
      expect(Array.isArray(fast.roles) && fast.roles.constructor).toBe(Array);
      if (input && typeof input === 'object' && 'roles' in input) expect(fast.roles).not.toBe(input.roles);
    }
  });

  it('takes the fast path for the common normal actors (and only refuses to for the others)', () => {
    expect(normalActor({ id: 'ana@example.com', roles: ['operator'] })).toStrictEqual({
      id: 'ana@example.com',
      roles: ['operator'],
    });
    expect(normalActor({ id: 'ana@example.com', roles: ['admin'], team: 'ops', x: 1 })).toStrictEqual({
      id: 'ana@example.com',
      roles: ['admin'],
      team: 'ops',
    });
    // Not normal: the schema decides (it normalises, or refuses with a message naming the field).
    expect(normalActor({ id: 'Ana@Example.com', roles: ['operator'] })).toBeUndefined();
    expect(normalActor({ id: 'ana@example.com', roles: ['root'] })).toBeUndefined();
    expect(normalActor({ id: 'ana@example.com', roles: sparse })).toBeUndefined();
  });
});

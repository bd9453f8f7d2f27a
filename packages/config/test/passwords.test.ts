import { describe, expect, it } from 'vitest';
import { checkPassword, hashPassword, verifyNothing, verifyPassword } from '../src/passwords.js';

describe('passwords', () => {
  it('hashes with argon2id into a salted PHC string that verifies only the same password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
    expect(await verifyPassword(a, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(a, 'correct horse batterY')).toBe(false);
    expect(await verifyPassword('not a hash', 'correct horse battery')).toBe(false);
    expect(await verifyNothing('anything')).toBe(false);
  });

  it('rejects passwords that are too short or too long, naming the field', async () => {
    expect(() => checkPassword('short', 'password')).toThrow(/password.*at least 8/);
    expect(() => checkPassword('x'.repeat(257), 'new_password')).toThrow(/new_password.*at most 256/);
    await expect(hashPassword('1234567')).rejects.toMatchObject({ code: 'validation' });
  });
});

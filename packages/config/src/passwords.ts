/**
 * `@incidents/config/passwords` — password hashing for the apps that log people in (the web desk)
 * and the ones that set passwords (`incidents users add --password`, `incidents seed`). Core never
 * sees a password: it stores and returns the encoded hash (`setUserCredentials`/`authenticate`).
 *
 * argon2id through `@node-rs/argon2` (prebuilt binaries, no compiler needed) with its defaults
 * (OWASP's first recommended profile: m = 19 MiB, t = 2, p = 1). Hashes are PHC strings
 * (`$argon2id$v=19$m=…`), so stronger parameters can be rolled out later and old hashes still verify.
 *
 * @packageDocumentation
 */
import { hash, verify } from '@node-rs/argon2';
import { ValidationError } from '@incidents/core';

/** Shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 8;
/** Longest password accepted (argon2 copes with more; this bounds the work per login). */
export const MAX_PASSWORD_LENGTH = 256;

/** Throws a {@link ValidationError} naming `field` when the password is too short or too long. */
export function checkPassword(password: unknown, field = 'password'): string {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
    throw new ValidationError([{ path: field, message: `must be at least ${MIN_PASSWORD_LENGTH} characters` }]);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new ValidationError([{ path: field, message: `must be at most ${MAX_PASSWORD_LENGTH} characters` }]);
  }
  return password;
}

/** The argon2id hash (PHC string) of a password, after {@link checkPassword}. */
export async function hashPassword(password: string): Promise<string> {
  return hash(checkPassword(password));
}

/** Whether `password` matches `passwordHash`. A malformed hash counts as no match. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (typeof password !== 'string' || password.length === 0 || password.length > MAX_PASSWORD_LENGTH) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Spends the time of one verification when there is no hash to verify against (unknown email,
 * inactive user), so that the response time does not tell which part of a login was wrong.
 */
export async function verifyNothing(password: string): Promise<false> {
  dummy ??= hash('not-a-real-password-for-timing');
  await verifyPassword(await dummy, typeof password === 'string' ? password : '');
  return false;
}

/** One account created by `incidents seed` (and `pnpm web` on first start), with its documented password. */
export interface DemoAccount {
  email: string;
  role: 'admin' | 'operator' | 'customer';
  password: string;
}

/**
 * The demo accounts' documented passwords, by role: every demo user of that role gets it. Demo data
 * only — never use them on a desk that holds real tickets.
 */
export const DEMO_PASSWORDS: Readonly<Record<DemoAccount['role'], string>> = Object.freeze({
  admin: 'demo-admin-pass',
  operator: 'demo-operator-pass',
  customer: 'demo-customer-pass',
});

import { join } from 'node:path';
import { verifyPassword } from '@incidents/config/passwords';
import { createTursoStore } from '@incidents/store-turso';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltBinary, runBin, runJson, tempDir } from './helpers.js';

describe('users add --password / set-password (built binary)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let db: string[];
  let url: string;

  beforeAll(async () => {
    requireBuiltBinary();
    ({ dir, cleanup } = await tempDir());
    url = `file:${join(dir, 'users.db')}`;
    db = ['--db', url];
  });
  afterAll(async () => cleanup?.());

  async function storedHash(email: string): Promise<string | undefined> {
    const store = await createTursoStore({ url });
    try {
      return (await store.getUserCredentials(email))?.password_hash;
    } finally {
      await store.close();
    }
  }

  it('stores an argon2id hash of the password read from stdin, never the password', async () => {
    const user = await runJson<Record<string, unknown>>(
      [...db, 'users', 'add', 'zoe@example.com', '--role', 'customer', '--password-stdin'],
      { cwd: dir, input: 'first-secret-1\n' },
    );
    expect(user).toMatchObject({ email: 'zoe@example.com', role: 'customer' });
    expect(JSON.stringify(user)).not.toMatch(/password|secret/);
    const hash = await storedHash('zoe@example.com');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash as string, 'first-secret-1')).toBe(true);
  });

  it('set-password replaces the hash; a short password or an unknown user fails with a clear error', async () => {
    const r = await runBin([...db, 'users', 'set-password', 'zoe@example.com', '--password-stdin'], {
      cwd: dir,
      input: 'second-secret-2\n',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('second-secret');
    const hash = (await storedHash('zoe@example.com')) as string;
    expect(await verifyPassword(hash, 'second-secret-2')).toBe(true);
    expect(await verifyPassword(hash, 'first-secret-1')).toBe(false);

    const short = await runBin([...db, 'users', 'set-password', 'zoe@example.com', '--password', 'short'], {
      cwd: dir,
    });
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/^error: .*password: must be at least 8 characters/);
    const unknown = await runBin([...db, 'users', 'set-password', 'nobody@example.com', '--password', 'long-enough'], {
      cwd: dir,
    });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/not found/);
    const missing = await runBin([...db, 'users', 'set-password', 'zoe@example.com'], { cwd: dir });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('--password-stdin');
  });
});

import { IncidentsError } from '@incidents/core';
import { freePort, uniquePrefix } from '@incidents/redis-testing';
import { describe, expect, it } from 'vitest';
import { acquireLock, createRateLimits, createUpstashConnection, withLock } from '../src/index.js';
import { CLIENT_KINDS, connectionsForFile } from './helpers.js';

const filePrefix = uniquePrefix('redis-rl');
const conns = connectionsForFile(filePrefix);

describe.each(CLIENT_KINDS)('rate limits (%s)', (kind) => {
  it('limits login attempts per email and per IP, and API calls per token', async () => {
    const limits = createRateLimits({
      redis: conns[kind],
      prefix: `${filePrefix}${kind}:`,
      loginPerEmail: { limit: 3, window: '1 m' },
      loginPerIp: { limit: 5, window: '1 m' },
      apiPerToken: { limit: 2, window: '1 m' },
    });
    const attempts = [];
    for (let i = 0; i < 4; i++) attempts.push(await limits.login({ email: 'Ana@Example.com', ip: '10.0.0.1' }));
    expect(attempts.map((a) => a.allowed)).toEqual([true, true, true, false]);
    expect(attempts[3]).toMatchObject({ deniedBy: 'email', remaining: 0 });
    expect(attempts[3]?.retryAfterSeconds).toBeGreaterThan(0);
    // Other emails from the same IP: the IP rule (5) stops the sixth attempt from it.
    expect((await limits.login({ email: 'bob@example.com', ip: '10.0.0.1' })).allowed).toBe(true);
    const sixth = await limits.login({ email: 'carla@example.com', ip: '10.0.0.1' });
    expect(sixth).toMatchObject({ allowed: false, deniedBy: 'ip' });
    expect((await limits.login({ email: 'dora@example.com', ip: '10.0.0.2' })).allowed).toBe(true);

    await limits.resetLogin('ana@example.com');
    expect((await limits.login({ email: 'ana@example.com' })).allowed).toBe(true);

    const calls = [];
    for (let i = 0; i < 3; i++) calls.push(await limits.api('tok_live_secret_value'));
    expect(calls.map((c) => c.allowed)).toEqual([true, true, false]);
    expect(calls[2]?.deniedBy).toBe('token');
    expect((await limits.api('another-token')).allowed).toBe(true);

    // Neither the token nor the email is written into a key.
    const [, keys] =
      (await conns.tcp.command<[string, string[]]>(['SCAN', '0', 'MATCH', `${filePrefix}${kind}:*`, 'COUNT', 1000])) ??
      [];
    expect((keys ?? []).join(' ')).not.toMatch(/tok_live|example\.com|10\.0\.0/);
  });
});

describe('rate limits with Redis down', () => {
  it('answer per onRedisError and say degraded', async () => {
    const redis = createUpstashConnection({ url: `http://127.0.0.1:${await freePort()}`, token: 't0ken-value' });
    const open = createRateLimits({ redis, timeoutMs: 200 });
    expect(await open.api('x')).toMatchObject({ allowed: true, degraded: true });
    const closed = createRateLimits({ redis, timeoutMs: 200, onRedisError: 'deny' });
    expect(await closed.login({ email: 'a@b.c' })).toMatchObject({ allowed: false, degraded: true });
  });
});

describe.each(CLIENT_KINDS)('lock (%s)', (kind) => {
  it('admits one holder, hands out growing fencing tokens, and expires', async () => {
    const prefix = `${filePrefix}lock:${kind}:`;
    const first = await acquireLock(conns[kind], 'drain', { prefix, ttlMs: 200 });
    expect(first).not.toBeNull();
    expect(await acquireLock(conns[kind], 'drain', { prefix })).toBeNull();
    await expect(withLock(conns[kind], 'drain', async () => 1, { prefix })).rejects.toMatchObject({ code: 'locked' });
    expect(await first?.extend(200)).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // the lock expires: its holder stalled
    const second = await acquireLock(conns[kind], 'drain', { prefix, ttlMs: 5_000 });
    expect(second?.fence).toBeGreaterThan(first?.fence ?? Infinity);
    // The stalled holder can neither extend nor release the new holder's lock.
    expect(await first?.extend()).toBe(false);
    expect(await first?.release()).toBe(false);
    expect(await second?.release()).toBe(true);
    expect(await withLock(conns[kind], 'drain', async (l) => l.fence, { prefix })).toBeGreaterThan(second?.fence ?? 0);
    await expect(withLock(conns[kind], 'drain', async () => 'again', { prefix })).resolves.toBe('again');
  });

  it('fails with unavailable when Redis does not answer', async () => {
    const redis = createUpstashConnection({ url: `http://127.0.0.1:${await freePort()}`, token: 't0ken-value' });
    const err = await acquireLock(redis, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncidentsError);
    expect((err as IncidentsError).code).toBe('unavailable');
  });
});

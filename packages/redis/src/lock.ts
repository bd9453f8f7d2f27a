/**
 * A lock that expires, for runs that must be alone (the batch drain, a KB sync): `SET NX PX` inside a
 * script that also hands out a **fencing token** — a number that grows with every acquisition, so a
 * holder whose lock expired (a long GC pause, a frozen Lambda) can be told apart from the current
 * one by anything that records the token it last saw.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { IncidentsError } from '@incidents/core';
import type { RedisConnection } from './connection.js';

const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. fence, 'PX', ARGV[2])
return fence`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** A held lock. */
export interface HeldLock {
  /** The lock's name. */
  readonly name: string;
  /** The fencing token: larger than that of every earlier holder of this lock. */
  readonly fence: number;
  /** Extends the lock by `ttlMs`; `false` if it was lost (expired and possibly taken by another holder). */
  extend(ttlMs?: number): Promise<boolean>;
  /** Releases the lock if still held; `false` if it had been lost. */
  release(): Promise<boolean>;
}

/** Options of {@link acquireLock}. */
export interface LockOptions {
  /** How long the lock lives unless extended or released, in ms (default 30 000). */
  ttlMs?: number;
  /** Key prefix (default `incidents:lock:`). */
  prefix?: string;
}

/**
 * Tries to take the lock `name` once. Resolves with the held lock, or `null` if someone holds it.
 * @throws IncidentsError `unavailable` when Redis does not answer.
 */
export async function acquireLock(
  redis: RedisConnection,
  name: string,
  options: LockOptions = {},
): Promise<HeldLock | null> {
  const prefix = options.prefix ?? 'incidents:lock:';
  const ttlMs = options.ttlMs ?? 30_000;
  const key = `${prefix}${name}`;
  const owner = randomBytes(12).toString('base64url');
  const fence = Number(await redis.command(['EVAL', ACQUIRE, 2, key, `${key}:fence`, owner, ttlMs]));
  if (!fence) return null;
  const value = `${owner}:${fence}`;
  return {
    name,
    fence,
    async extend(ms = ttlMs) {
      return Number(await redis.command(['EVAL', EXTEND, 1, key, value, ms])) === 1;
    },
    async release() {
      return Number(await redis.command(['EVAL', RELEASE, 1, key, value])) === 1;
    },
  };
}

/**
 * Runs `fn` while holding the lock `name`, releasing it afterwards.
 * @throws IncidentsError `locked` when another holder has it.
 */
export async function withLock<T>(
  redis: RedisConnection,
  name: string,
  fn: (lock: HeldLock) => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const lock = await acquireLock(redis, name, options);
  if (!lock) {
    throw new IncidentsError('locked', `Another run holds the lock "${name}"; try again later`, {
      details: { name },
    });
  }
  try {
    return await fn(lock);
  } finally {
    await lock.release().catch(() => false);
  }
}

import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstashGateway, type UpstashGateway, uniquePrefix } from '../src/index.js';

const TOKEN = 'gateway-test-token';
const prefix = uniquePrefix('gateway');
let gateway: UpstashGateway;

beforeAll(async () => {
  gateway = await startUpstashGateway({ redisUrl: 'redis://127.0.0.1:6379', token: TOKEN });
});
afterAll(async () => {
  const cleanup = new Redis({ url: gateway.url, token: TOKEN, enableTelemetry: false });
  const keys = await cleanup.keys(`${prefix}*`);
  if (keys.length > 0) await cleanup.del(...keys);
  await gateway.close();
});

describe('local Upstash REST gateway', () => {
  it('serves the stock client: single commands, base64 replies, JSON values, lists and hashes', async () => {
    const redis = new Redis({ url: gateway.url, token: TOKEN, enableTelemetry: false });
    expect(await redis.set(`${prefix}a`, { hello: 'wörld' }, { ex: 60 })).toBe('OK');
    expect(await redis.get(`${prefix}a`)).toEqual({ hello: 'wörld' });
    expect(await redis.ttl(`${prefix}a`)).toBeGreaterThan(0);
    expect(await redis.rpush(`${prefix}list`, 'x', 'y', 'z')).toBe(3);
    expect(await redis.lrange(`${prefix}list`, 0, -1)).toEqual(['x', 'y', 'z']);
    await redis.hset(`${prefix}h`, { f1: 'v1', f2: '2' });
    expect(await redis.hgetall(`${prefix}h`)).toEqual({ f1: 'v1', f2: 2 });
    expect(await redis.get(`${prefix}missing`)).toBeNull();
  });

  it('runs pipelines and multi-exec, reporting per-command errors', async () => {
    const redis = new Redis({
      url: gateway.url,
      token: TOKEN,
      enableTelemetry: false,
      automaticDeserialization: false,
    });
    const p = redis.pipeline();
    p.set(`${prefix}p1`, '1');
    p.incr(`${prefix}p1`);
    p.get(`${prefix}p1`);
    expect(await p.exec()).toEqual(['OK', 2, '2']);
    const tx = redis.multi();
    tx.incr(`${prefix}p1`);
    tx.lpush(`${prefix}p1`, 'x'); // WRONGTYPE inside the transaction
    const replies = await tx.exec({ keepErrors: true });
    expect(replies[0]).toEqual({ result: 3, error: undefined });
    expect(replies[1]?.error).toMatch(/WRONGTYPE/);
    await expect(redis.lpush(`${prefix}p1`, 'x')).rejects.toThrow(/WRONGTYPE/);
  });

  it('refuses a wrong token with 401 and does not echo it', async () => {
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { authorization: 'Bearer not-the-token' },
      body: JSON.stringify(['PING']),
    });
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(text).not.toContain('not-the-token');
    expect(JSON.parse(text)).toEqual({ error: 'Unauthorized' });
  });

  it('adds the configured delay to every reply', async () => {
    const redis = new Redis({ url: gateway.url, token: TOKEN, enableTelemetry: false });
    gateway.setDelay(300);
    try {
      const started = Date.now();
      await redis.ping();
      // The delay is the behaviour under test (a slow Redis), not a speed claim.
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      gateway.setDelay(0);
    }
  });
});

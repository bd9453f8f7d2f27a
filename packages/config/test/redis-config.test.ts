import { describe, expect, it } from 'vitest';
import { cachePrefixFor, loadConfig, loadRedisConfig, openStore } from '../src/index.js';

describe('loadRedisConfig', () => {
  it('reads Upstash REST or TCP settings; nothing set means no Redis', () => {
    expect(loadRedisConfig({})).toBeNull();
    expect(
      loadRedisConfig({ UPSTASH_REDIS_REST_URL: 'https://eu1.upstash.io', UPSTASH_REDIS_REST_TOKEN: 't' }),
    ).toEqual({
      kind: 'upstash',
      url: 'https://eu1.upstash.io',
      token: 't',
    });
    expect(loadRedisConfig({ INCIDENTS_REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual({
      kind: 'tcp',
      url: 'redis://127.0.0.1:6379',
    });
  });

  it('names the wrong variable and never echoes a secret', () => {
    const token = 'AXyzSecretToken123';
    expect(() => loadRedisConfig({ UPSTASH_REDIS_REST_TOKEN: token })).toThrow(/UPSTASH_REDIS_REST_URL is required/);
    expect(() => loadRedisConfig({ UPSTASH_REDIS_REST_URL: 'https://x.upstash.io' })).toThrow(
      /UPSTASH_REDIS_REST_TOKEN is required/,
    );
    const bad = (() => {
      try {
        loadRedisConfig({ INCIDENTS_REDIS_URL: `http://user:${token}@host` });
      } catch (err) {
        return err as Error;
      }
    })();
    expect(bad?.message).toMatch(/INCIDENTS_REDIS_URL must be a redis:\/\//);
    expect(bad?.message).not.toContain(token);
  });

  it('gives every database its own cache prefix', () => {
    expect(cachePrefixFor('turso:file:/a.db')).not.toBe(cachePrefixFor('turso:file:/b.db'));
    expect(cachePrefixFor('turso:file:/a.db')).toMatch(/^incidents:cache:[0-9a-f]{12}:$/);
  });
});

describe('openStore with Redis configured', () => {
  it('wraps the store with the read cache, and not without Redis', async () => {
    const plain = await openStore(loadConfig({ env: { INCIDENTS_DB_URL: ':memory:' } }));
    expect('cache' in plain).toBe(false);
    await plain.close();
    const cached = await openStore(
      loadConfig({ env: { INCIDENTS_DB_URL: ':memory:', INCIDENTS_REDIS_URL: 'redis://127.0.0.1:6379' } }),
    );
    expect('cache' in cached).toBe(true);
    expect(await cached.getIncident('INC-NONE')).toBeNull();
    await cached.close();
  });
});

describe('loadLambdaConfig', () => {
  it('carries the Redis settings to the handlers', async () => {
    const { loadLambdaConfig, dynamoStoreIdentity } = await import('../src/index.js');
    const config = loadLambdaConfig({
      env: { INCIDENTS_DYNAMO_TABLE: 'incidents', INCIDENTS_REDIS_URL: 'redis://127.0.0.1:6379' },
    });
    expect(config.redis).toEqual({ kind: 'tcp', url: 'redis://127.0.0.1:6379' });
    expect(loadLambdaConfig({ env: { INCIDENTS_DYNAMO_TABLE: 'incidents' } }).redis).toBeNull();
    // The web app, the CLI and the Lambda handlers share one cache prefix per table.
    expect(
      cachePrefixFor(dynamoStoreIdentity(config.table, undefined)) ===
        cachePrefixFor(
          (await import('../src/index.js')).storeIdentity(loadConfig({ env: { INCIDENTS_STORE: 'dynamo' } })),
        ),
    ).toBe(true);
  });
});

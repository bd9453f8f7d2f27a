import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startUpstashGateway, type UpstashGateway } from '@incidents/redis-testing';
import { createDynamoStore, type DynamoIncidentStore, ensureTable } from '@incidents/store-dynamo';
import { afterAll, beforeAll, inject } from 'vitest';
import type {} from '@incidents/test-support/dynamodb-local-setup';
import { createTcpConnection, createUpstashConnection, type RedisConnection } from '../src/index.js';

export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';
export const GATEWAY_TOKEN = 'local-gateway-token-for-tests';

export type ClientKind = 'tcp' | 'upstash';
export const CLIENT_KINDS: readonly ClientKind[] = ['tcp', 'upstash'];

/** Both client kinds against one redis-server: TCP directly, Upstash REST through the local gateway. */
export interface Connections {
  gateway: UpstashGateway;
  tcp: RedisConnection;
  upstash: RedisConnection;
  close(): Promise<void>;
}

export async function openConnections(redisUrl = SHARED_REDIS_URL): Promise<Connections> {
  const gateway = await startUpstashGateway({ redisUrl, token: GATEWAY_TOKEN });
  const tcp = createTcpConnection({ url: redisUrl });
  const upstash = createUpstashConnection({ url: gateway.url, token: GATEWAY_TOKEN });
  return {
    gateway,
    tcp,
    upstash,
    async close() {
      await tcp.close();
      await upstash.close();
      await gateway.close();
    },
  };
}

/**
 * Both connections for the tests of one file: opened before its first test; after its last, every
 * key under `filePrefix` is deleted and the connections closed. Read them inside tests and hooks only.
 */
export function connectionsForFile(filePrefix: string): Connections {
  let opened: Connections | undefined;
  beforeAll(async () => {
    opened = await openConnections();
  });
  afterAll(async () => {
    if (!opened) return;
    await deleteKeys(opened.tcp, filePrefix);
    await opened.close();
  });
  const current = (): Connections => {
    if (!opened) throw new Error('the connections are open inside tests and hooks only');
    return opened;
  };
  return {
    get gateway() {
      return current().gateway;
    },
    get tcp() {
      return current().tcp;
    },
    get upstash() {
      return current().upstash;
    },
    close: () => current().close(),
  };
}

/** Deletes every key under `prefix` (SCAN, never FLUSHDB: the server is shared). */
export async function deleteKeys(redis: RedisConnection, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = (await redis.command<[string, string[]]>([
      'SCAN',
      cursor,
      'MATCH',
      `${prefix}*`,
      'COUNT',
      1000,
    ])) ?? ['0', []];
    cursor = String(next);
    if (keys.length > 0) await redis.command(['DEL', ...keys]);
  } while (cursor !== '0');
}

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function dynamoClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** A fresh table on DynamoDB Local and a store over it; `drop()` deletes the table. */
export async function freshDynamoStore(): Promise<{ store: DynamoIncidentStore; drop: () => Promise<void> }> {
  const client = dynamoClient();
  const tableName = `redis-cache-${Math.random().toString(36).slice(2, 12)}`;
  await ensureTable({ client, tableName });
  const store = createDynamoStore({ tableName, client });
  return {
    store,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}

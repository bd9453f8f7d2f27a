/** Helpers over the real local engines: DynamoDB Local (tables, streams) and the incident service. */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand as DocScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { type Actor, createIncidentService, type Incident, type IncidentService } from '@incidents/core';
import { createDynamoStore, type DynamoIncidentStore, ensureTable } from '@incidents/store-dynamo';
import { inject, onTestFinished, vi } from 'vitest';
import type { StreamEventLike } from '../../src/index.js';
// `inject('dynamoEndpoint')`: typed by the global setup shared with store-dynamo.
import type {} from '@incidents/test-support/dynamodb-local-setup';

export const ADMIN: Actor = { id: 'admin@example.com', roles: ['admin'] };
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function dynamoEndpoint(): string {
  return inject('dynamoEndpoint');
}

export function localDynamo(): DynamoDBClient {
  return new DynamoDBClient({ endpoint: dynamoEndpoint(), region: 'local', credentials: CREDENTIALS });
}

export interface LocalTable {
  client: DynamoDBClient;
  tableName: string;
  store: DynamoIncidentStore;
  service: IncidentService;
  streamArn?: string;
  drop(): Promise<void>;
}

/** A fresh incidents table (optionally with a NEW_AND_OLD_IMAGES stream) and a service over it. */
export async function freshTable(options: { stream?: boolean } = {}): Promise<LocalTable> {
  const client = localDynamo();
  const tableName = `incidents-${randomUUID().slice(0, 8)}`;
  await ensureTable({ client, tableName });
  let streamArn: string | undefined;
  if (options.stream) {
    const out = await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    streamArn = out.TableDescription?.LatestStreamArn;
  }
  const store = createDynamoStore({ tableName, client });
  const service = createIncidentService({ store });
  return {
    client,
    tableName,
    store,
    service,
    ...(streamArn ? { streamArn } : {}),
    async drop() {
      await store.close();
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}

/** A fresh idempotency table (Powertools' layout: partition key `id`, TTL on `expiration`). */
export async function freshIdempotencyTable(): Promise<{
  tableName: string;
  items(): Promise<Array<Record<string, unknown>>>;
  drop(): Promise<void>;
}> {
  const client = localDynamo();
  const tableName = `idempotency-${randomUUID().slice(0, 8)}`;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return {
    tableName,
    async items() {
      const doc = DynamoDBDocumentClient.from(client);
      const out = await doc.send(new DocScanCommand({ TableName: tableName, ConsistentRead: true }));
      return (out.Items ?? []) as Array<Record<string, unknown>>;
    },
    async drop() {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}

/** Creates an incident and takes it through start → resolve → close with the real service. */
export async function closeNewIncident(
  service: IncidentService,
  title: string,
  extra: { incident_id?: string } = {},
): Promise<Incident> {
  // Assignees must be registered users.
  await service.putUser({ email: 'ana@example.com', name: 'Ana', role: 'operator' }, { actor: ADMIN });
  const created = await service.create(
    {
      ...extra,
      title,
      description: `${title}: users see errors since the last deploy`,
      category: 'API',
      severity: 'HIGH',
      team: 'payments',
      assigned_to: 'ana@example.com',
      affected_systems: ['checkout-api'],
      tags: ['checkout'],
    },
    { actor: ADMIN },
  );
  await service.startWork(created.incident_id, { actor: ADMIN });
  await service.resolve(
    {
      incident_id: created.incident_id,
      solution: `Fixed ${title} by raising the connection pool`,
      steps: ['Set POOL_SIZE=50', 'Redeploy'],
      root_cause: 'connection pool exhausted',
    },
    { actor: ADMIN },
  );
  return service.close(created.incident_id, { actor: ADMIN });
}

/** Every record of a table's stream so far, in order, as a Lambda DynamoDB Streams event. */
export async function readStream(streamArn: string): Promise<StreamEventLike & { Records: _Record[] }> {
  const streams = new DynamoDBStreamsClient({ endpoint: dynamoEndpoint(), region: 'local', credentials: CREDENTIALS });
  try {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const records: _Record[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      let iterator = ShardIterator;
      for (let i = 0; iterator && i < 50; i++) {
        const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        records.push(...(out.Records ?? []));
        if (!out.Records?.length) break;
        iterator = out.NextShardIterator;
      }
    }
    records.sort((a, b) =>
      BigInt(a.dynamodb?.SequenceNumber ?? '0') < BigInt(b.dynamodb?.SequenceNumber ?? '0') ? -1 : 1,
    );
    // Lambda adds the source ARN and region to each record; the rest is the stream record as read.
    return { Records: records.map((r) => ({ ...r, eventSourceARN: streamArn, awsRegion: 'local' }) as _Record) };
  } finally {
    streams.destroy();
  }
}

/**
 * Collects what the handlers print on stdout and stderr until the end of the current test: Powertools log lines
 * (`logs`) and EMF metric blobs (`metrics`, the lines with an `_aws` key). Nothing reaches the
 * terminal meanwhile.
 */
export function captureOutput() {
  const logs: Array<Record<string, unknown>> = [];
  const metrics: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const capture = ((chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    raw.push(text);
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      (parsed._aws ? metrics : logs).push(parsed);
    }
    return true;
  }) as typeof process.stdout.write;
  // Powertools writes info and debug lines to stdout, warnings and errors to stderr.
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  const restore = () => {
    for (const spy of spies) spy.mockRestore();
  };
  onTestFinished(restore);
  return { logs, metrics, raw, restore };
}

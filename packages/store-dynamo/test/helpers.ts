import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import type {} from '@incidents/test-support/dynamodb-local-setup';
import { createDynamoStore, type DynamoIncidentStore, type DynamoStoreOptions, ensureTable } from '../src/index.js';

/** A low-level client for DynamoDB Local. */
export function localClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** A unique table name for one test. */
export function uniqueTableName(prefix = 'incidents'): string {
  return `${prefix}-${randomUUID().slice(0, 12)}`;
}

/** Creates a fresh table and a store over it; `client` may carry test middleware. */
export async function freshStore(
  options: Partial<DynamoStoreOptions> & { client?: DynamoDBClient } = {},
): Promise<{ store: DynamoIncidentStore; client: DynamoDBClient; tableName: string }> {
  const client = options.client ?? localClient();
  const tableName = options.tableName ?? uniqueTableName();
  await ensureTable({ client, tableName });
  const store = createDynamoStore({ ...options, tableName, client });
  return { store, client, tableName };
}

/** Deletes a test table. */
export async function dropTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
}

/** One command seen by {@link recordCommands}. */
export interface RecordedCommand {
  command: string;
  input: Record<string, unknown>;
  consumed: unknown;
}

/** Adds a middleware that records every command, its input and the ConsumedCapacity of its response. */
export function recordCommands(client: DynamoDBClient): RecordedCommand[] {
  const log: RecordedCommand[] = [];
  client.middlewareStack.add(
    // biome-ignore lint/suspicious/noExplicitAny: smithy middleware signature
    (next: any, context: any) => async (args: any) => {
      const out = await next(args);
      log.push({ command: String(context.commandName), input: args.input, consumed: out.output?.ConsumedCapacity });
      return out;
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  return log;
}

/**
 * The CreateTable input of the incidents table — the one source used by the tests, the CLI
 * (`incidents dynamo create-table`) and the CDK stack — and {@link ensureTable} for local bootstrap.
 *
 * @module
 */
import {
  type CreateTableCommandInput,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { IncidentsError, ValidationError } from '@incidents/core';
import { INDEXES, PK, SK, TTL_ATTRIBUTE } from './keys.js';

/** Default table name. */
export const DEFAULT_TABLE_NAME = 'incidents';

/** Options of {@link incidentsTableDefinition}. */
export interface TableDefinitionOptions {
  /** Table name; default `incidents`. */
  tableName?: string;
}

/** The CreateTable input plus the TTL attribute name (TTL is enabled by a separate call). */
export interface IncidentsTableDefinition extends CreateTableCommandInput {
  TableName: string;
  /** Name of the TTL attribute (epoch seconds) used by sync-queue items and metric rollups. */
  TimeToLiveAttribute: string;
}

const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/** Validates a table name the way DynamoDB does, naming the field. */
export function checkTableName(tableName: string): string {
  if (!TABLE_NAME.test(tableName)) {
    throw new ValidationError([
      { path: 'tableName', message: 'must be 3-255 characters of a-z, A-Z, 0-9, "_", "-" and "."' },
    ]);
  }
  return tableName;
}

/**
 * The CreateTable input of the incidents table: `pk`/`sk` strings, seven global secondary indexes
 * (the six of R-ACCESS-7 plus the sparse lists index), on-demand billing, and the TTL attribute name.
 *
 * @example
 * ```ts
 * import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
 * const { TimeToLiveAttribute, ...input } = incidentsTableDefinition({ tableName: 'incidents' });
 * await client.send(new CreateTableCommand(input));
 * ```
 */
export function incidentsTableDefinition(options: TableDefinitionOptions = {}): IncidentsTableDefinition {
  const tableName = checkTableName(options.tableName ?? DEFAULT_TABLE_NAME);
  const attributeNames = [PK, SK, ...Object.values(INDEXES).flatMap((i) => [i.pk, i.sk])];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeNames.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: PK, KeyType: 'HASH' },
      { AttributeName: SK, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: Object.entries(INDEXES).map(([IndexName, index]) => ({
      IndexName,
      KeySchema: [
        { AttributeName: index.pk, KeyType: 'HASH' },
        { AttributeName: index.sk, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: index.projection },
    })),
    TimeToLiveAttribute: TTL_ATTRIBUTE,
  };
}

/** Options of {@link ensureTable}. */
export interface EnsureTableOptions {
  /** A low-level DynamoDB client (the document client's `.config` is not enough: pass the base client). */
  client: DynamoDBClient;
  tableName?: string;
  /** How long to wait for ACTIVE, in milliseconds; default 120 000. */
  timeoutMs?: number;
}

/** What {@link ensureTable} did. */
export interface EnsureTableResult {
  tableName: string;
  created: boolean;
  ttlEnabled: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates the incidents table if it is missing, waits until it (and its indexes) are ACTIVE, and
 * enables TTL on `ttl`. Idempotent.
 */
export async function ensureTable(options: EnsureTableOptions): Promise<EnsureTableResult> {
  const { TimeToLiveAttribute, ...input } = incidentsTableDefinition({
    tableName: options.tableName ?? DEFAULT_TABLE_NAME,
  });
  const { client } = options;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let created = false;
  try {
    try {
      await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    } catch (err) {
      if (
        !(err instanceof ResourceNotFoundException) &&
        (err as { name?: string }).name !== 'ResourceNotFoundException'
      )
        throw err;
      try {
        await client.send(new CreateTableCommand(input));
        created = true;
      } catch (createErr) {
        if ((createErr as { name?: string }).name !== 'ResourceInUseException') throw createErr;
      }
    }
    for (;;) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
      const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
      if (Table?.TableStatus === 'ACTIVE' && indexesActive) break;
      if (Date.now() > deadline) {
        throw new IncidentsError('store', `Table ${input.TableName} did not become ACTIVE in time`, {
          userError: false,
        });
      }
      await sleep(500);
    }
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: input.TableName }));
    const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
    if (status !== 'ENABLED' && status !== 'ENABLING') {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: input.TableName,
          TimeToLiveSpecification: { AttributeName: TimeToLiveAttribute, Enabled: true },
        }),
      );
    }
    return { tableName: input.TableName, created, ttlEnabled: true };
  } catch (err) {
    if (err instanceof IncidentsError) throw err;
    throw new IncidentsError('store', `Could not create or check table ${input.TableName}: ${(err as Error).message}`, {
      cause: err,
      userError: false,
    });
  }
}

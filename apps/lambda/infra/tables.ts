/**
 * The DynamoDB tables of {@link IncidentsStack}: the incidents table (keys, indexes and TTL from
 * `incidentsTableDefinition`, with the stream the close-to-searchable function reads) and the
 * idempotency records of Powertools Idempotency.
 * @module
 */
import { incidentsTableDefinition } from '@incidents/store-dynamo';
import { RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { IncidentsStackProps } from './stack-props.js';

/** The incidents table (R-ACCESS-7, R-OPS-5, R-SEC-4: on-demand, PITR, TTL, AWS-managed encryption). */
export function addIncidentsTable(
  stack: Stack,
  props: Pick<IncidentsStackProps, 'tableName' | 'deletionProtection'>,
): dynamodb.Table {
  const definition = incidentsTableDefinition(props.tableName ? { tableName: props.tableName } : {});
  const attributeType = (name: string) => {
    const def = definition.AttributeDefinitions?.find((a) => a.AttributeName === name);
    return def?.AttributeType === 'N' ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING;
  };
  const keyOf = (schema: typeof definition.KeySchema, type: 'HASH' | 'RANGE') => {
    const name = schema?.find((k) => k.KeyType === type)?.AttributeName;
    return name ? { name, type: attributeType(name) } : undefined;
  };
  const partitionKey = keyOf(definition.KeySchema, 'HASH');
  if (!partitionKey) throw new Error('incidentsTableDefinition has no partition key');
  const sortKey = keyOf(definition.KeySchema, 'RANGE');
  const table = new dynamodb.Table(stack, 'IncidentsTable', {
    ...(props.tableName ? { tableName: props.tableName } : {}),
    partitionKey,
    ...(sortKey ? { sortKey } : {}),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: definition.TimeToLiveAttribute,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    deletionProtection: props.deletionProtection ?? true,
    stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const gsi of definition.GlobalSecondaryIndexes ?? []) {
    const pk = keyOf(gsi.KeySchema, 'HASH');
    const sk = keyOf(gsi.KeySchema, 'RANGE');
    if (!gsi.IndexName || !pk) continue;
    table.addGlobalSecondaryIndex({
      indexName: gsi.IndexName,
      partitionKey: pk,
      ...(sk ? { sortKey: sk } : {}),
      projectionType:
        gsi.Projection?.ProjectionType === 'KEYS_ONLY'
          ? dynamodb.ProjectionType.KEYS_ONLY
          : dynamodb.ProjectionType.ALL,
    });
  }
  return table;
}

/**
 * The idempotency records of Powertools Idempotency.
 *
 * A table of its own rather than items in the single table: Powertools' record layout (partition
 * key `id`, TTL on `expiration`) differs from the incidents table's keys and TTL attribute; its
 * writes would otherwise flow through the incidents stream (and its filters) on every invocation;
 * and it can be emptied at any time without touching incident data or its backups.
 */
export function addIdempotencyTable(stack: Stack): dynamodb.Table {
  return new dynamodb.Table(stack, 'IdempotencyTable', {
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: 'expiration',
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

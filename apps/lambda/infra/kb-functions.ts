/**
 * The knowledge-base function group of {@link IncidentsStack}: `incident-kb-batch-sync` (on its
 * schedule) and `incident-on-closed` (on the incidents table's stream), with what they may touch.
 * @module
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { MakeFunction } from './functions.js';
import { idempotencyRecordsStatement, kbStatements } from './iam.js';
import { addKbBatchSyncSchedule } from './schedules.js';
import { STACK_LIMITS } from './stack-limits.js';

/** What the knowledge-base functions are built from. */
export interface KbFunctionsProps {
  makeFunction: MakeFunction;
  /** Their environment (`functionEnvironments(…).kb`). */
  environment: Record<string, string>;
  table: dynamodb.ITable;
  idempotencyTable: dynamodb.ITable;
  bucket: s3.IBucket;
  kbPrefix: string;
  /** `KnowledgeBaseId` parameter value. */
  knowledgeBaseId: string;
  alertTopic: sns.ITopic;
  deadLetterQueue: sqs.IQueue;
  /** Rate of the batch sync; default {@link STACK_LIMITS}`.defaultScheduleRate`. */
  kbSyncRate: Duration | undefined;
}

/** The two knowledge-base functions. */
export interface KbFunctions {
  kbBatchSyncFunction: NodejsFunction;
  onIncidentClosedFunction: NodejsFunction;
}

/** Adds both functions, the batch sync's schedule, the stream of closes, and their permissions. */
export function addKbFunctions(stack: Stack, p: KbFunctionsProps): KbFunctions {
  const size = { timeout: STACK_LIMITS.kbFunctionTimeout, memorySize: STACK_LIMITS.kbFunctionMemoryMb };
  const kbBatchSyncFunction = p.makeFunction(
    'KbBatchSyncFunction',
    'kb-batch-sync.ts',
    'incident-kb-batch-sync: closed incidents to S3 + Bedrock ingestion (hourly)',
    p.environment,
    { ...size, async: true },
  );
  const onIncidentClosedFunction = p.makeFunction(
    'OnIncidentClosedFunction',
    'on-incident-closed.ts',
    'incident-on-closed: a closed incident becomes searchable at once (DynamoDB Streams)',
    p.environment,
    size,
  );

  // Schedule (R-KB-2: rate(1 hour)); failed deliveries go to the DLQ as well.
  addKbBatchSyncSchedule(stack, kbBatchSyncFunction, p.deadLetterQueue, p.kbSyncRate);

  addClosedIncidentStream(onIncidentClosedFunction, p.table, p.deadLetterQueue);

  const statements = kbStatements(p);
  for (const fn of [kbBatchSyncFunction, onIncidentClosedFunction]) {
    for (const statement of statements) fn.addToRolePolicy(statement);
    p.alertTopic.grantPublish(fn);
  }
  onIncidentClosedFunction.addToRolePolicy(idempotencyRecordsStatement(p.idempotencyTable));
  return { kbBatchSyncFunction, onIncidentClosedFunction };
}

/** The incidents stream into `fn`: only transitions of version 0 to CLOSED reach the function. */
function addClosedIncidentStream(fn: lambda.IFunction, table: dynamodb.ITable, deadLetterQueue: sqs.IQueue): void {
  const currentVersion = { sk: { S: lambda.FilterRule.isEqual('V#0000000000') } };
  fn.addEventSource(
    new DynamoEventSource(table, {
      startingPosition: lambda.StartingPosition.LATEST,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(10),
      reportBatchItemFailures: true,
      retryAttempts: 5,
      maxRecordAge: Duration.days(1),
      onFailure: new SqsDlq(deadLetterQueue),
      filters: [
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.isEqual('MODIFY'),
          dynamodb: {
            Keys: currentVersion,
            NewImage: { status: { S: lambda.FilterRule.isEqual('CLOSED') } },
            OldImage: { status: { S: lambda.FilterRule.notEquals('CLOSED') } },
          },
        }),
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.isEqual('INSERT'),
          dynamodb: { Keys: currentVersion, NewImage: { status: { S: lambda.FilterRule.isEqual('CLOSED') } } },
        }),
      ],
    }),
  );
}

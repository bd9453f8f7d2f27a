/**
 * How {@link IncidentsStack} builds its Lambda functions: their environment and one factory that
 * gives every function its own log group and role, X-Ray tracing, ARM, the bundling settings and —
 * for the asynchronously invoked ones — the dead-letter queue.
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CfnCondition, type CfnParameter, type Duration, Fn, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { nodejsBundling } from './bundling.js';
import { STACK_LIMITS } from './stack-limits.js';
import type { IncidentsStackProps } from './stack-props.js';

const here = dirname(fileURLToPath(import.meta.url));
const ENTRIES = join(here, '..', 'src', 'entries');

/** Namespace and dimension of the EMF metrics the handlers emit (`@incidents/kb-sync`). */
export const KB_METRICS_NAMESPACE = 'IncidentKBSync';
/** Powertools `Metrics` adds the service name as the `service` dimension of every metric. */
export const SERVICE_NAME = 'incidents';
/** The dimensions of the knowledge-base sync's metrics (what the alarms and the dashboard select). */
export const KB_METRICS_DIMENSIONS = { service: SERVICE_NAME };

/** The environment of every function, and that of the knowledge-base functions. */
export interface FunctionEnvironments {
  common: Record<string, string>;
  kb: Record<string, string>;
}

/** What the functions' environment names. */
export interface EnvironmentSources {
  table: dynamodb.ITable;
  idempotencyTable: dynamodb.ITable;
  bucket: s3.IBucket;
  kbPrefix: string;
  knowledgeBaseId: CfnParameter;
  dataSourceId: CfnParameter;
  hasKnowledgeBase: CfnCondition;
  alertTopic: sns.ITopic;
  logLevel: IncidentsStackProps['logLevel'];
}

/** The handlers' environment variables (`@incidents/config` reads them). */
export function functionEnvironments(s: EnvironmentSources): FunctionEnvironments {
  const common: Record<string, string> = {
    INCIDENTS_DYNAMO_TABLE: s.table.tableName,
    INCIDENTS_LOG_LEVEL: s.logLevel ?? 'info',
    INCIDENTS_METRICS_NAMESPACE: KB_METRICS_NAMESPACE,
    INCIDENTS_IDEMPOTENCY_TABLE: s.idempotencyTable.tableName,
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: KB_METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: (s.logLevel ?? 'info').toUpperCase(),
    NODE_OPTIONS: '--enable-source-maps',
  };
  const kb: Record<string, string> = {
    ...common,
    INCIDENTS_KB_BUCKET: s.bucket.bucketName,
    INCIDENTS_KB_PREFIX: s.kbPrefix,
    INCIDENTS_KB_MODE: Fn.conditionIf(s.hasKnowledgeBase.logicalId, 'bedrock', 'none').toString(),
    INCIDENTS_KB_ID: s.knowledgeBaseId.valueAsString,
    INCIDENTS_KB_DATA_SOURCE_ID: s.dataSourceId.valueAsString,
    INCIDENTS_KB_INGESTION_TIMEOUT_MS: String(STACK_LIMITS.kbIngestionWait.toMilliseconds()),
    INCIDENTS_ALERT_TOPIC_ARN: s.alertTopic.topicArn,
  };
  return { common, kb };
}

/** Size and invocation of one function. */
export interface FunctionOptions {
  timeout: Duration;
  memorySize: number;
  /** Invoked asynchronously (schedules): one retry, then the dead-letter queue. */
  async?: boolean;
}

/** Creates a function `id` in the stack from `src/entries/<entry>`. */
export type MakeFunction = (
  id: string,
  entry: string,
  description: string,
  environment: Record<string, string>,
  options: FunctionOptions,
) => NodejsFunction;

/** The factory of the stack's functions (construct ids `<id>`, `<id>Logs`, `<id>Role` in the stack's scope). */
export function functionFactory(
  stack: Stack,
  props: Pick<IncidentsStackProps, 'runtime' | 'logRetention'>,
  deadLetterQueue: sqs.IQueue,
): MakeFunction {
  const runtimes = {
    'nodejs20.x': [lambda.Runtime.NODEJS_20_X, 'node20'],
    'nodejs22.x': [lambda.Runtime.NODEJS_22_X, 'node22'],
    'nodejs24.x': [lambda.Runtime.NODEJS_24_X, 'node24'],
  } as const;
  const [runtime, bundleTarget] = runtimes[props.runtime ?? 'nodejs24.x'];
  return (id, entry, description, environment, options) => {
    const logGroup = new logs.LogGroup(stack, `${id}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A role of its own instead of AWSLambdaBasicExecutionRole: logs only to its own log group.
    const role = new iam.Role(stack, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${id}: writes its own log group; data permissions are added below`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'OwnLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    return new NodejsFunction(stack, id, {
      role,
      tracing: lambda.Tracing.ACTIVE,
      entry: join(ENTRIES, entry),
      handler: 'handler',
      description,
      runtime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: options.memorySize,
      timeout: options.timeout,
      environment,
      logGroup,
      loggingFormat: lambda.LoggingFormat.TEXT,
      ...(options.async
        ? {
            deadLetterQueueEnabled: true,
            deadLetterQueue,
            retryAttempts: 1,
            onFailure: new destinations.SqsDestination(deadLetterQueue),
          }
        : {}),
      // Bundled as infra/bundling.ts says (shared with bench/cold-start.ts).
      bundling: nodejsBundling(bundleTarget),
    });
  };
}

/**
 * The AWS CDK v2 stack of the incidents service: the incidents table (from
 * `incidentsTableDefinition`), the knowledge-base bucket, the Lambda functions with their schedules
 * and stream, a dead-letter queue, an SNS alert topic, alarms, a CloudWatch dashboard and
 * least-privilege IAM — plus a managed policy for developers' coding assistants.
 *
 * The stack is environment-agnostic (no lookups): `cdk synth` runs offline.
 *
 * The constructor only composes the parts, one module per concern (`infra/*.ts`); the durations and
 * sizes they share are in `stack-limits.ts`. Every part creates its resources in the stack's own
 * scope (no nested constructs), so the logical ids stay those of the resources in production:
 * `test/stack-logical-ids.test.ts` pins them.
 *
 * @module
 */
import { Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { addAlertTopic, addDeadLetterQueue } from './alerts.js';
import { addConnectorFunctions } from './connector-functions.js';
import { functionEnvironments, functionFactory, KB_METRICS_DIMENSIONS, KB_METRICS_NAMESPACE } from './functions.js';
import { addDeveloperPolicy } from './iam.js';
import { addKbBucket } from './kb-bucket.js';
import { addKbFunctions } from './kb-functions.js';
import { addMonitoring } from './monitoring.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';
import { addOutputs } from './outputs.js';
import { addKnowledgeBaseParameters } from './parameters.js';
import type { IncidentsStackProps } from './stack-props.js';
import { addIdempotencyTable, addIncidentsTable } from './tables.js';

export { KB_METRICS_NAMESPACE, SERVICE_NAME } from './functions.js';
export type { IncidentsStackProps, StackConnector } from './stack-props.js';

/** The deployed incidents service. */
export class IncidentsStack extends Stack {
  readonly table: dynamodb.Table;
  readonly bucket: s3.IBucket;
  readonly alertTopic: sns.Topic;
  readonly deadLetterQueue: sqs.Queue;
  readonly idempotencyTable: dynamodb.Table;
  readonly kbBatchSyncFunction: NodejsFunction;
  readonly onIncidentClosedFunction: NodejsFunction;
  readonly connectorSyncFunction?: NodejsFunction;
  /** The webhook intake (with `webhooks: true`). */
  readonly webhookFunction?: NodejsFunction;
  /** Its Function URL (authentication is each vendor's signature, checked by the function). */
  readonly webhookUrl?: lambda.FunctionUrl;
  readonly developerPolicy: iam.ManagedPolicy;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: IncidentsStackProps = {}) {
    super(scope, id, props);
    const kbPrefix = props.kbPrefix ?? 'incidents/';
    // The order of the calls is the order of the resources in the template.
    const { knowledgeBaseId, dataSourceId, hasKnowledgeBase } = addKnowledgeBaseParameters(this, props);
    this.table = addIncidentsTable(this, props);
    this.bucket = addKbBucket(this, props);
    this.idempotencyTable = addIdempotencyTable(this);
    this.alertTopic = addAlertTopic(this, props.alarmEmail);
    this.deadLetterQueue = addDeadLetterQueue(this);

    const environments = functionEnvironments({
      table: this.table,
      idempotencyTable: this.idempotencyTable,
      bucket: this.bucket,
      kbPrefix,
      knowledgeBaseId,
      dataSourceId,
      hasKnowledgeBase,
      alertTopic: this.alertTopic,
      logLevel: props.logLevel,
    });
    const makeFunction = functionFactory(this, props, this.deadLetterQueue);
    const kb = addKbFunctions(this, {
      makeFunction,
      environment: environments.kb,
      table: this.table,
      idempotencyTable: this.idempotencyTable,
      bucket: this.bucket,
      kbPrefix,
      knowledgeBaseId: knowledgeBaseId.valueAsString,
      alertTopic: this.alertTopic,
      deadLetterQueue: this.deadLetterQueue,
      kbSyncRate: props.kbSyncRate,
    });
    this.kbBatchSyncFunction = kb.kbBatchSyncFunction;
    this.onIncidentClosedFunction = kb.onIncidentClosedFunction;
    const connector = addConnectorFunctions(this, {
      makeFunction,
      environment: environments.common,
      table: this.table,
      idempotencyTable: this.idempotencyTable,
      deadLetterQueue: this.deadLetterQueue,
      connectors: props.connectors ?? [],
      connectorSyncRate: props.connectorSyncRate,
      webhooks: props.webhooks ?? false,
    });
    this.connectorSyncFunction = connector.connectorSyncFunction;
    this.webhookFunction = connector.webhookFunction;
    this.webhookUrl = connector.webhookUrl;

    acknowledgeNagFindings(this, {
      table: this.table,
      bucket: this.bucket,
      existingBucketName: props.existingBucketName,
      kbPrefix,
      deadLetterQueue: this.deadLetterQueue,
      kbBatchSyncFunction: this.kbBatchSyncFunction,
      onIncidentClosedFunction: this.onIncidentClosedFunction,
      connectorSyncFunction: this.connectorSyncFunction,
      webhookFunction: this.webhookFunction,
    });
    this.developerPolicy = addDeveloperPolicy(this, {
      table: this.table,
      kbBatchSyncFunction: this.kbBatchSyncFunction,
      developerKeyVariable: props.developerKeyVariable,
    });
    this.dashboard = addMonitoring(this, {
      alertTopic: this.alertTopic,
      deadLetterQueue: this.deadLetterQueue,
      kbBatchSyncFunction: this.kbBatchSyncFunction,
      onIncidentClosedFunction: this.onIncidentClosedFunction,
      connectorSyncFunction: this.connectorSyncFunction,
      webhookFunction: this.webhookFunction,
      kbMetricsNamespace: KB_METRICS_NAMESPACE,
      kbMetricsDimensions: KB_METRICS_DIMENSIONS,
    });
    addOutputs(this, {
      table: this.table,
      bucket: this.bucket,
      alertTopic: this.alertTopic,
      deadLetterQueue: this.deadLetterQueue,
      kbBatchSyncFunction: this.kbBatchSyncFunction,
      developerPolicy: this.developerPolicy,
    });
  }
}

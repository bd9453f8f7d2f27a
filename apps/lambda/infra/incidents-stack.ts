/**
 * The AWS CDK v2 stack of the incidents service: the incidents table (from
 * `incidentsTableDefinition`), the knowledge-base bucket, the Lambda functions with their schedules
 * and stream, a dead-letter queue, an SNS alert topic, alarms, a CloudWatch dashboard and
 * least-privilege IAM — plus a managed policy for developers' coding assistants.
 *
 * The stack is environment-agnostic (no lookups): `cdk synth` runs offline.
 *
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LambdaConnectorType } from '@incidents/config';
import { incidentsTableDefinition, type INDEXES } from '@incidents/store-dynamo';
import {
  Aws,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { handlerCode } from './bundling.js';
import { addMonitoring } from './monitoring.js';
import { STACK_LIMITS } from './stack-limits.js';

const here = dirname(fileURLToPath(import.meta.url));
const ENTRIES = join(here, '..', 'src', 'entries');

/** Namespace and dimension of the EMF metrics the handlers emit (`@incidents/kb-sync`). */
export const KB_METRICS_NAMESPACE = 'IncidentKBSync';
/** Powertools `Metrics` adds the service name as the `service` dimension of every metric. */
export const SERVICE_NAME = 'incidents';
const KB_METRICS_DIMENSIONS = { service: SERVICE_NAME };

/** A connector synced on a schedule by the connector-sync function. */
export interface StackConnector {
  /** Name of the connector (`jira`, `zendesk-eu`…): the schedule's input and the key in `INCIDENTS_CONNECTORS`. */
  name: string;
  /** Connector type; default the name. */
  type?: LambdaConnectorType;
  /** Non-secret options (`baseUrl`, `jql`, `channelId`…). */
  options?: Record<string, unknown>;
  /** Secrets Manager secret holding the credentials (a JSON object merged into the options). */
  secretArn?: string;
  /** Or an SSM SecureString parameter name (`/incidents/jira`). */
  ssmParameterName?: string;
  /** How often it runs; default the stack's `connectorSyncRate`. */
  rate?: Duration;
}

/** Properties of {@link IncidentsStack}. */
export interface IncidentsStackProps extends StackProps {
  /** Physical table name; CloudFormation generates one when omitted. */
  tableName?: string;
  /** Deletion protection of the table; default `true`. */
  deletionProtection?: boolean;
  /** Use this existing bucket for the documents instead of creating one. */
  existingBucketName?: string;
  /** Key prefix of the documents; default `incidents/`. */
  kbPrefix?: string;
  /** Default value of the `KnowledgeBaseId` parameter (empty: documents only, no ingestion). */
  knowledgeBaseId?: string;
  /** Default value of the `DataSourceId` parameter. */
  dataSourceId?: string;
  /** Rate of the knowledge-base batch sync; default 1 hour (R-KB-2). */
  kbSyncRate?: Duration;
  /** Default rate of the connector syncs; default 1 hour. */
  connectorSyncRate?: Duration;
  /** Connectors to sync on a schedule. Without any, no connector function is created. */
  connectors?: StackConnector[];
  /**
   * Deploys `incident-webhooks` behind a Function URL (`POST <url>/webhooks/<connector>`): vendor
   * webhooks verified with the `webhookSecret` in each connector's secret, then pulled at once.
   * Needs `connectors`. Default `false`.
   */
  webhooks?: boolean;
  /** Email address subscribed to the alert topic. */
  alarmEmail?: string;
  /** Node.js runtime; default Node.js 24, the latest this aws-cdk-lib supports (Node.js 20 is deprecated by Lambda). */
  runtime?: 'nodejs20.x' | 'nodejs22.x' | 'nodejs24.x';
  /** Log retention of the functions; default one month. */
  logRetention?: logs.RetentionDays;
  /** How the developers' policy names the caller in `dynamodb:LeadingKeys`; default `${aws:username}`. */
  developerKeyVariable?: string;
  /** Log level of the handlers; default `info`. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

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
    const prefix = props.kbPrefix ?? 'incidents/';
    const runtimes = {
      'nodejs20.x': [lambda.Runtime.NODEJS_20_X, 'node20'],
      'nodejs22.x': [lambda.Runtime.NODEJS_22_X, 'node22'],
      'nodejs24.x': [lambda.Runtime.NODEJS_24_X, 'node24'],
    } as const;
    const [runtime, bundleTarget] = runtimes[props.runtime ?? 'nodejs24.x'];

    // --- Parameters -------------------------------------------------------------------------
    const kbId = new CfnParameter(this, 'KnowledgeBaseId', {
      type: 'String',
      default: props.knowledgeBaseId ?? '',
      allowedPattern: '^([0-9a-zA-Z]{10})?$',
      description: 'Amazon Bedrock knowledge base id (10 characters); empty to write documents without ingestion',
    });
    const dataSourceId = new CfnParameter(this, 'DataSourceId', {
      type: 'String',
      default: props.dataSourceId ?? '',
      allowedPattern: '^([0-9a-zA-Z]{10})?$',
      description: 'S3 data source id of the knowledge base (10 characters)',
    });
    const hasKb = new CfnCondition(this, 'HasKnowledgeBase', {
      expression: Fn.conditionNot(Fn.conditionEquals(kbId.valueAsString, '')),
    });

    // --- Table (R-ACCESS-7, R-OPS-5, R-SEC-4: on-demand, PITR, TTL, AWS-managed encryption) ------
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
    this.table = new dynamodb.Table(this, 'IncidentsTable', {
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
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.IndexName,
        partitionKey: pk,
        ...(sk ? { sortKey: sk } : {}),
        projectionType:
          gsi.Projection?.ProjectionType === 'KEYS_ONLY'
            ? dynamodb.ProjectionType.KEYS_ONLY
            : dynamodb.ProjectionType.ALL,
      });
    }

    // --- Knowledge-base bucket -----------------------------------------------------------------
    this.bucket = props.existingBucketName
      ? s3.Bucket.fromBucketName(this, 'KbBucket', props.existingBucketName)
      : new s3.Bucket(this, 'KbBucket', {
          encryption: s3.BucketEncryption.S3_MANAGED,
          blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
          enforceSSL: true,
          versioned: true,
          removalPolicy: RemovalPolicy.RETAIN,
          serverAccessLogsBucket: new s3.Bucket(this, 'KbAccessLogsBucket', {
            encryption: s3.BucketEncryption.S3_MANAGED,
            blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
            enforceSSL: true,
            objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            lifecycleRules: [{ expiration: Duration.days(90) }],
            removalPolicy: RemovalPolicy.RETAIN,
          }),
          serverAccessLogsPrefix: 'kb-bucket/',
        });

    // --- Idempotency records (Powertools Idempotency) ----------------------------------------------
    // A table of its own rather than items in the single table: Powertools' record layout (partition
    // key `id`, TTL on `expiration`) differs from the incidents table's keys and TTL attribute; its
    // writes would otherwise flow through the incidents stream (and its filters) on every invocation;
    // and it can be emptied at any time without touching incident data or its backups.
    this.idempotencyTable = new dynamodb.Table(this, 'IdempotencyTable', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiration',
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // --- Alerts and dead letters ---------------------------------------------------------------
    this.alertTopic = new sns.Topic(this, 'AlertTopic', { displayName: 'Incidents service alerts', enforceSSL: true });
    if (props.alarmEmail) {
      this.alertTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      Validations.of(this.alertTopic).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'an email subscription: SNS retries delivery to the mail server, and an undelivered notification leaves nothing to redrive (the alarm state stays in CloudWatch)',
      });
    }
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // --- Functions -------------------------------------------------------------------------------
    const commonEnv: Record<string, string> = {
      INCIDENTS_DYNAMO_TABLE: this.table.tableName,
      INCIDENTS_LOG_LEVEL: props.logLevel ?? 'info',
      INCIDENTS_METRICS_NAMESPACE: KB_METRICS_NAMESPACE,
      INCIDENTS_IDEMPOTENCY_TABLE: this.idempotencyTable.tableName,
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: KB_METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: (props.logLevel ?? 'info').toUpperCase(),
      NODE_OPTIONS: '--enable-source-maps',
    };
    const kbEnv: Record<string, string> = {
      ...commonEnv,
      INCIDENTS_KB_BUCKET: this.bucket.bucketName,
      INCIDENTS_KB_PREFIX: prefix,
      INCIDENTS_KB_MODE: Fn.conditionIf(hasKb.logicalId, 'bedrock', 'none').toString(),
      INCIDENTS_KB_ID: kbId.valueAsString,
      INCIDENTS_KB_DATA_SOURCE_ID: dataSourceId.valueAsString,
      INCIDENTS_KB_INGESTION_TIMEOUT_MS: String(STACK_LIMITS.kbIngestionWait.toMilliseconds()),
      INCIDENTS_ALERT_TOPIC_ARN: this.alertTopic.topicArn,
    };
    const makeFunction = (
      id: string,
      entry: string,
      description: string,
      environment: Record<string, string>,
      options: { timeout: Duration; memorySize: number; async?: boolean },
    ) => {
      const logGroup = new logs.LogGroup(this, `${id}Logs`, {
        retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      // A role of its own instead of AWSLambdaBasicExecutionRole: logs only to its own log group.
      const role = new iam.Role(this, `${id}Role`, {
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
      return new NodejsFunction(this, id, {
        role,
        tracing: lambda.Tracing.ACTIVE,
        entry: join(ENTRIES, entry),
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
              deadLetterQueue: this.deadLetterQueue,
              retryAttempts: 1,
              onFailure: new destinations.SqsDestination(this.deadLetterQueue),
            }
          : {}),
        // Bundled as infra/bundling.ts says (shared with bench/cold-start.ts).
        ...handlerCode(join(ENTRIES, entry), runtime, bundleTarget),
      });
    };

    this.kbBatchSyncFunction = makeFunction(
      'KbBatchSyncFunction',
      'kb-batch-sync.ts',
      'incident-kb-batch-sync: closed incidents to S3 + Bedrock ingestion (hourly)',
      kbEnv,
      { timeout: STACK_LIMITS.kbFunctionTimeout, memorySize: STACK_LIMITS.kbFunctionMemoryMb, async: true },
    );
    this.onIncidentClosedFunction = makeFunction(
      'OnIncidentClosedFunction',
      'on-incident-closed.ts',
      'incident-on-closed: a closed incident becomes searchable at once (DynamoDB Streams)',
      kbEnv,
      { timeout: STACK_LIMITS.kbFunctionTimeout, memorySize: STACK_LIMITS.kbFunctionMemoryMb },
    );

    // Schedule (R-KB-2: rate(1 hour)); failed deliveries go to the DLQ as well.
    const kbRule = new events.Rule(this, 'KbBatchSyncSchedule', {
      schedule: events.Schedule.rate(props.kbSyncRate ?? Duration.hours(1)),
      description: 'Runs incident-kb-batch-sync',
    });
    kbRule.addTarget(
      new targets.LambdaFunction(this.kbBatchSyncFunction, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    );

    // Stream: only transitions of version 0 to CLOSED reach the function.
    const currentVersion = { sk: { S: lambda.FilterRule.isEqual('V#0000000000') } };
    this.onIncidentClosedFunction.addEventSource(
      new DynamoEventSource(this.table, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(10),
        reportBatchItemFailures: true,
        retryAttempts: 5,
        maxRecordAge: Duration.days(1),
        onFailure: new SqsDlq(this.deadLetterQueue),
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

    // --- Least-privilege IAM ----------------------------------------------------------------------
    const tableResources = [this.table.tableArn, `${this.table.tableArn}/index/*`];
    const kbTableActions = [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'dynamodb:ConditionCheckItem',
    ];
    const kbPolicy = [
      new iam.PolicyStatement({
        sid: 'IncidentsTableKbBookkeeping',
        actions: kbTableActions,
        resources: tableResources,
      }),
      new iam.PolicyStatement({
        sid: 'KbDocuments',
        actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
        resources: [this.bucket.arnForObjects(`${prefix}*`)],
      }),
      new iam.PolicyStatement({
        sid: 'KbDocumentsList',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      }),
      new iam.PolicyStatement({
        sid: 'KbIngestion',
        actions: ['bedrock:StartIngestionJob', 'bedrock:GetIngestionJob'],
        resources: [
          `arn:${Aws.PARTITION}:bedrock:${Aws.REGION}:${Aws.ACCOUNT_ID}:knowledge-base/${kbId.valueAsString}`,
        ],
      }),
    ];
    for (const fn of [this.kbBatchSyncFunction, this.onIncidentClosedFunction]) {
      for (const statement of kbPolicy) fn.addToRolePolicy(statement);
      this.alertTopic.grantPublish(fn);
    }
    this.onIncidentClosedFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'IdempotencyRecords',
        // What Powertools Idempotency does: a conditional put, a read, an update, a delete on failure.
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [this.idempotencyTable.tableArn],
      }),
    );

    // --- Connector sync (one schedule per connector) ------------------------------------------------
    const connectors = props.connectors ?? [];
    if (connectors.length > 0) {
      const config: Record<string, unknown> = {};
      for (const c of connectors) {
        const secret = c.secretArn ?? (c.ssmParameterName ? `ssm:${c.ssmParameterName}` : undefined);
        config[c.name] = { type: c.type ?? c.name, options: c.options ?? {}, ...(secret ? { secret } : {}) };
      }
      const fn = makeFunction(
        'ConnectorSyncFunction',
        'connector-sync.ts',
        'incident-connector-sync: pulls a connector and drains its outbound queue',
        { ...commonEnv, INCIDENTS_CONNECTORS: JSON.stringify(config) },
        { timeout: Duration.minutes(10), memorySize: 512, async: true },
      );
      this.connectorSyncFunction = fn;
      // The same data and secret permissions for the schedule's function and the webhook intake.
      const grantConnectorAccess = (target: NodejsFunction) => {
        target.addToRolePolicy(
          new iam.PolicyStatement({
            sid: 'IdempotencyRecords',
            // What Powertools Idempotency does: a conditional put, a read, an update, a delete on failure.
            actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
            resources: [this.idempotencyTable.tableArn],
          }),
        );
        target.addToRolePolicy(
          new iam.PolicyStatement({
            sid: 'IncidentsTableSync',
            actions: [
              'dynamodb:GetItem',
              'dynamodb:BatchGetItem',
              'dynamodb:Query',
              'dynamodb:PutItem',
              'dynamodb:UpdateItem',
              'dynamodb:DeleteItem',
              'dynamodb:ConditionCheckItem',
            ],
            resources: tableResources,
          }),
        );
        const secretArns = connectors.flatMap((c) => (c.secretArn ? [c.secretArn] : []));
        if (secretArns.length) {
          target.addToRolePolicy(
            new iam.PolicyStatement({
              sid: 'ConnectorSecrets',
              actions: ['secretsmanager:GetSecretValue'],
              resources: secretArns,
            }),
          );
        }
        const parameters = connectors.flatMap((c) =>
          c.ssmParameterName
            ? [
                `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter/${c.ssmParameterName.replace(/^\//, '')}`,
              ]
            : [],
        );
        if (parameters.length) {
          target.addToRolePolicy(
            new iam.PolicyStatement({
              sid: 'ConnectorParameters',
              actions: ['ssm:GetParameter'],
              resources: parameters,
            }),
          );
        }
      };
      grantConnectorAccess(fn);
      if (props.webhooks) {
        const hook = makeFunction(
          'WebhookFunction',
          'webhooks.ts',
          'incident-webhooks: verifies vendor webhooks (Function URL) and pulls that connector at once',
          { ...commonEnv, INCIDENTS_CONNECTORS: JSON.stringify(config) },
          // Vendors wait 10-30 s for an answer (Slack 3 s, then retries: deduplicated by event id).
          { timeout: Duration.seconds(30), memorySize: 512 },
        );
        grantConnectorAccess(hook);
        this.webhookFunction = hook;
        this.webhookUrl = hook.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
        new CfnOutput(this, 'WebhookUrl', { value: this.webhookUrl.url });
        Validations.of(hook).acknowledge({
          id: 'Serverless-LambdaDLQ',
          reason:
            'invoked synchronously by its Function URL only (the vendor gets the error and retries; the scheduled sync is the safety net); a function DLQ applies to asynchronous invocations only',
        });
      }
      connectors.forEach((c, i) => {
        const rule = new events.Rule(this, `ConnectorSyncSchedule${i}`, {
          schedule: events.Schedule.rate(c.rate ?? props.connectorSyncRate ?? Duration.hours(1)),
          description: `Syncs connector ${c.name}`,
        });
        rule.addTarget(
          new targets.LambdaFunction(fn, {
            // The event id is the idempotency key of the run (a retried delivery is not synced twice).
            event: events.RuleTargetInput.fromObject({ connector: c.name, id: events.EventField.eventId }),
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: 2,
            maxEventAge: Duration.hours(1),
          }),
        );
      });
    }

    // --- Acknowledged findings of AWS's rule packs (cdk-nag AwsSolutions + Serverless) -------------
    // Everything else those packs report is fixed above; each acknowledgement names one finding.
    const tableArnToken = Stack.of(this).resolve(this.table.tableArn) as { 'Fn::GetAtt': [string, string] };
    const tableRef = `<${tableArnToken['Fn::GetAtt'][0]}.Arn>`;
    for (const fn of [
      this.kbBatchSyncFunction,
      this.onIncidentClosedFunction,
      this.connectorSyncFunction,
      this.webhookFunction,
    ]) {
      if (!fn?.role) continue;
      const role = Validations.of(fn.role);
      role.acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords) and dynamodb:ListStreams support no resource-level permissions; every other statement names its resources',
      });
      role.acknowledge({
        id: `AwsSolutions-IAM5[Resource::${tableRef}/index/*]`,
        reason:
          'index/* is how DynamoDB grants Query on the global secondary indexes of the incidents table (the indexes come from incidentsTableDefinition)',
      });
      if (fn !== this.connectorSyncFunction && fn !== this.webhookFunction) {
        const bucketRef = props.existingBucketName
          ? `arn:<AWS::Partition>:s3:::${props.existingBucketName}`
          : `<${(Stack.of(this).resolve(this.bucket.bucketArn) as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]}.Arn>`;
        role.acknowledge({
          id: `AwsSolutions-IAM5[Resource::${bucketRef}/${prefix}*]`,
          reason: `the knowledge-base documents are one object per incident under the configured prefix (${prefix}); nothing outside it is granted`,
        });
      }
    }
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'this queue is itself the dead-letter queue (of the async functions, their schedules and the stream mapping): messages stay 14 days, DeadLetterQueueAlarm fires on the first one',
    });
    Validations.of(this.onIncidentClosedFunction).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'invoked only by its DynamoDB Streams event source mapping, whose on-failure destination is the dead-letter queue; a function DLQ applies to asynchronous invocations only',
    });

    // --- Developers' assistants: read their own incidents (R-SEC-2, LeadingKeys) ------------------
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
    const who = props.developerKeyVariable ?? '${aws:username}';
    this.developerPolicy = new iam.ManagedPolicy(this, 'DeveloperAssistantPolicy', {
      description:
        "Coding assistants of developers: query the incidents assigned to the caller; writes go through the SDK's service",
      statements: [
        new iam.PolicyStatement({
          sid: 'DeveloperOwnIncidents',
          actions: ['dynamodb:Query'],
          resources: [`${this.table.tableArn}/index/${gsiName('gsi2')}`],
          conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [`ASSIGNEE#${who}`] } },
        }),
        new iam.PolicyStatement({
          sid: 'ForceKbSync',
          actions: ['lambda:InvokeFunction'],
          resources: [this.kbBatchSyncFunction.functionArn],
        }),
      ],
    });

    // --- Alarms and dashboard (infra/monitoring.ts) ------------------------------------------------
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

    // --- Outputs -------------------------------------------------------------------------------------
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'KbBucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alertTopic.topicArn });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'KbBatchSyncFunctionName', { value: this.kbBatchSyncFunction.functionName });
    new CfnOutput(this, 'DeveloperAssistantPolicyArn', { value: this.developerPolicy.managedPolicyArn });
  }
}

function gsiName(name: keyof typeof INDEXES): string {
  return name;
}

/**
 * Least-privilege IAM of {@link IncidentsStack}: the statements each function group is granted, and
 * the managed policy of developers' coding assistants (R-SEC-2). Every statement names its resources.
 * @module
 */
import type { INDEXES } from '@incidents/store-dynamo';
import { Aws, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { StackConnector } from './stack-props.js';

/** The incidents table and its global secondary indexes. */
export function tableResources(table: dynamodb.ITable): string[] {
  return [table.tableArn, `${table.tableArn}/index/*`];
}

/** What Powertools Idempotency does: a conditional put, a read, an update, a delete on failure. */
export function idempotencyRecordsStatement(idempotencyTable: dynamodb.ITable): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'IdempotencyRecords',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    resources: [idempotencyTable.tableArn],
  });
}

/** Where the knowledge-base functions read and write. */
export interface KbAccess {
  table: dynamodb.ITable;
  bucket: s3.IBucket;
  kbPrefix: string;
  /** `KnowledgeBaseId` parameter value. */
  knowledgeBaseId: string;
}

/**
 * The knowledge-base functions' statements: bookkeeping on the incidents table (no whole-item
 * writes), the documents under the prefix, and the ingestion jobs of the one knowledge base.
 */
export function kbStatements(a: KbAccess): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'IncidentsTableKbBookkeeping',
      actions: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'dynamodb:ConditionCheckItem',
      ],
      resources: tableResources(a.table),
    }),
    new iam.PolicyStatement({
      sid: 'KbDocuments',
      actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
      resources: [a.bucket.arnForObjects(`${a.kbPrefix}*`)],
    }),
    new iam.PolicyStatement({
      sid: 'KbDocumentsList',
      actions: ['s3:ListBucket'],
      resources: [a.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${a.kbPrefix}*`] } },
    }),
    new iam.PolicyStatement({
      sid: 'KbIngestion',
      actions: ['bedrock:StartIngestionJob', 'bedrock:GetIngestionJob'],
      resources: [`arn:${Aws.PARTITION}:bedrock:${Aws.REGION}:${Aws.ACCOUNT_ID}:knowledge-base/${a.knowledgeBaseId}`],
    }),
  ];
}

/** Where the connector functions read and write. */
export interface ConnectorAccess {
  table: dynamodb.ITable;
  idempotencyTable: dynamodb.ITable;
  connectors: readonly StackConnector[];
}

/**
 * The same data and secret permissions for the connector schedule's function and the webhook intake:
 * idempotency records, whole-item writes on the incidents table, and the connectors' secrets
 * (Secrets Manager) and parameters (SSM).
 */
export function grantConnectorAccess(target: lambda.IFunction, a: ConnectorAccess): void {
  target.addToRolePolicy(idempotencyRecordsStatement(a.idempotencyTable));
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
      resources: tableResources(a.table),
    }),
  );
  const secretArns = a.connectors.flatMap((c) => (c.secretArn ? [c.secretArn] : []));
  if (secretArns.length) {
    target.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ConnectorSecrets',
        actions: ['secretsmanager:GetSecretValue'],
        resources: secretArns,
      }),
    );
  }
  const parameters = a.connectors.flatMap((c) =>
    c.ssmParameterName
      ? [`arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter/${c.ssmParameterName.replace(/^\//, '')}`]
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
}

/**
 * Developers' assistants: query the incidents assigned to the caller (R-SEC-2, `dynamodb:LeadingKeys`
 * on the assignee index) and force a knowledge-base sync; writes go through the SDK's service.
 */
export function addDeveloperPolicy(
  stack: Stack,
  p: { table: dynamodb.ITable; kbBatchSyncFunction: lambda.IFunction; developerKeyVariable: string | undefined },
): iam.ManagedPolicy {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
  const who = p.developerKeyVariable ?? '${aws:username}';
  return new iam.ManagedPolicy(stack, 'DeveloperAssistantPolicy', {
    description:
      "Coding assistants of developers: query the incidents assigned to the caller; writes go through the SDK's service",
    statements: [
      new iam.PolicyStatement({
        sid: 'DeveloperOwnIncidents',
        actions: ['dynamodb:Query'],
        resources: [`${p.table.tableArn}/index/${gsiName('gsi2')}`],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [`ASSIGNEE#${who}`] } },
      }),
      new iam.PolicyStatement({
        sid: 'ForceKbSync',
        actions: ['lambda:InvokeFunction'],
        resources: [p.kbBatchSyncFunction.functionArn],
      }),
    ],
  });
}

/** An index name of the incidents table, checked against store-dynamo's `INDEXES` at compile time. */
function gsiName(name: keyof typeof INDEXES): string {
  return name;
}

/**
 * The connector function group of {@link IncidentsStack}: `incident-connector-sync` with one schedule
 * per connector, and — with `webhooks: true` — `incident-webhooks` behind its Function URL.
 * @module
 */
import { CfnOutput, type Duration, type Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { MakeFunction } from './functions.js';
import { grantConnectorAccess } from './iam.js';
import { addConnectorSchedules } from './schedules.js';
import { STACK_LIMITS } from './stack-limits.js';
import type { StackConnector } from './stack-props.js';

/** What the connector functions are built from. */
export interface ConnectorFunctionsProps {
  makeFunction: MakeFunction;
  /** The common environment (`functionEnvironments(…).common`). */
  environment: Record<string, string>;
  table: dynamodb.ITable;
  idempotencyTable: dynamodb.ITable;
  deadLetterQueue: sqs.IQueue;
  connectors: readonly StackConnector[];
  /** Default rate of the connector schedules; default {@link STACK_LIMITS}`.defaultScheduleRate`. */
  connectorSyncRate: Duration | undefined;
  /** Add the webhook intake. */
  webhooks: boolean;
}

/** The connector functions (none without connectors). */
export interface ConnectorFunctions {
  connectorSyncFunction?: NodejsFunction;
  webhookFunction?: NodejsFunction;
  webhookUrl?: lambda.FunctionUrl;
}

/** `INCIDENTS_CONNECTORS`: each connector's type, options and secret reference, by name. */
function connectorsConfig(connectors: readonly StackConnector[]): string {
  const config: Record<string, unknown> = {};
  for (const c of connectors) {
    const secret = c.secretArn ?? (c.ssmParameterName ? `ssm:${c.ssmParameterName}` : undefined);
    config[c.name] = { type: c.type ?? c.name, options: c.options ?? {}, ...(secret ? { secret } : {}) };
  }
  return JSON.stringify(config);
}

/** Adds the connector-sync function and its schedules, and the webhook intake when asked; nothing without connectors. */
export function addConnectorFunctions(stack: Stack, p: ConnectorFunctionsProps): ConnectorFunctions {
  if (p.connectors.length === 0) return {};
  const environment = { ...p.environment, INCIDENTS_CONNECTORS: connectorsConfig(p.connectors) };
  const access = { table: p.table, idempotencyTable: p.idempotencyTable, connectors: p.connectors };
  const connectorSyncFunction = p.makeFunction(
    'ConnectorSyncFunction',
    'connector-sync.ts',
    'incident-connector-sync: pulls a connector and drains its outbound queue',
    environment,
    { timeout: STACK_LIMITS.connectorFunctionTimeout, memorySize: STACK_LIMITS.connectorFunctionMemoryMb, async: true },
  );
  grantConnectorAccess(connectorSyncFunction, access);
  const webhook = p.webhooks ? addWebhookIntake(stack, p.makeFunction, environment, access) : {};
  addConnectorSchedules(stack, connectorSyncFunction, p.connectors, p.deadLetterQueue, p.connectorSyncRate);
  return { connectorSyncFunction, ...webhook };
}

/**
 * `incident-webhooks` behind a Function URL with no IAM authentication: vendors cannot sign SigV4, so
 * authentication is each vendor's signature, checked by the function. Output `WebhookUrl`.
 */
function addWebhookIntake(
  stack: Stack,
  makeFunction: MakeFunction,
  environment: Record<string, string>,
  access: Parameters<typeof grantConnectorAccess>[1],
): { webhookFunction: NodejsFunction; webhookUrl: lambda.FunctionUrl } {
  const webhookFunction = makeFunction(
    'WebhookFunction',
    'webhooks.ts',
    'incident-webhooks: verifies vendor webhooks (Function URL) and pulls that connector at once',
    environment,
    { timeout: STACK_LIMITS.webhookFunctionTimeout, memorySize: STACK_LIMITS.connectorFunctionMemoryMb },
  );
  grantConnectorAccess(webhookFunction, access);
  const webhookUrl = webhookFunction.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
  new CfnOutput(stack, 'WebhookUrl', { value: webhookUrl.url });
  Validations.of(webhookFunction).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason:
      'invoked synchronously by its Function URL only (the vendor gets the error and retries; the scheduled sync is the safety net); a function DLQ applies to asynchronous invocations only',
  });
  return { webhookFunction, webhookUrl };
}

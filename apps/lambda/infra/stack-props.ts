/**
 * Properties of {@link IncidentsStack}, in a module of their own so that each part of the stack
 * (`infra/*.ts`) can read them without importing the stack.
 * @module
 */
import type { LambdaConnectorType } from '@incidents/config';
import type { Duration, StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';

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

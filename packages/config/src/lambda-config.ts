/**
 * Configuration of the AWS Lambda handlers (`@incidents/lambda`), read from the function's
 * environment and validated with zod. Every error names the variable that is wrong; secrets never
 * live in the environment — only references to them (Secrets Manager ARNs, SSM parameter names).
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `INCIDENTS_DYNAMO_TABLE` | DynamoDB table | required |
 * | `AWS_REGION` | region (set by Lambda) | — |
 * | `AWS_ENDPOINT_URL_DYNAMODB` | DynamoDB endpoint (DynamoDB Local) | AWS |
 * | `INCIDENTS_KB_BUCKET` | bucket of the knowledge-base documents | required by the KB handlers |
 * | `INCIDENTS_KB_PREFIX` | key prefix, empty or ending in `/` | `incidents/` |
 * | `AWS_ENDPOINT_URL_S3` | S3 endpoint (s3rver); path-style addressing is then used | AWS |
 * | `INCIDENTS_KB_MODE` | `bedrock`, `local` or `none` (documents only) | `bedrock` when `INCIDENTS_KB_ID` is set, else `none` |
 * | `INCIDENTS_KB_ID`, `INCIDENTS_KB_DATA_SOURCE_ID` | Bedrock knowledge base and S3 data source | required for `bedrock` |
 * | `INCIDENTS_KB_LOCAL_URL` | libSQL URL of the local index | required for `local` |
 * | `INCIDENTS_KB_CONCURRENCY` | exports in flight | 16 |
 * | `INCIDENTS_KB_ALERT_THRESHOLD` | alert after this many failed attempts | 3 |
 * | `INCIDENTS_KB_INGESTION_TIMEOUT_MS` | how long to wait for the ingestion job | 600000 |
 * | `INCIDENTS_KB_POLL_INTERVAL_MS` | time between ingestion-job polls | the knowledge base's (5 s for Bedrock) |
 * | `INCIDENTS_METRICS_NAMESPACE` | CloudWatch EMF namespace | `IncidentKBSync` |
 * | `INCIDENTS_ALERT_TOPIC_ARN` | SNS topic for alerts | log only |
 * | `INCIDENTS_CONNECTORS` | JSON: `{ "<name>": { "type", "options", "secret" } }` | `{}` |
 * | `INCIDENTS_LOG_LEVEL` | `debug`, `info`, `warn`, `error` | `info` |
 *
 * @module
 */
import { IncidentsError } from '@incidents/core';
import { lazy } from '@incidents/core';
import { configIssues } from './config-issues.js';
import * as z from 'zod';
import { CONNECTOR_TYPES, type ConnectorType } from './connectors-config.js';
import { loadRedisConfig, type RedisConfig } from './redis-config.js';

/** Connector types the Lambda can build (the same as {@link CONNECTOR_TYPES}). */
export const LAMBDA_CONNECTOR_TYPES = CONNECTOR_TYPES;
/** A connector type. */
export type LambdaConnectorType = ConnectorType;

const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
const SSM_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/.+$/;
const SSM_NAME = /^ssm:\/?[a-zA-Z0-9_.\-/]+$/;

/**
 * Whether a string is a secret reference the handlers can resolve: a Secrets Manager secret ARN,
 * an SSM parameter ARN, or `ssm:<parameter name>`.
 */
export function isSecretReference(value: string): boolean {
  return SECRETS_MANAGER_ARN.test(value) || SSM_ARN.test(value) || SSM_NAME.test(value);
}

/** {@link LambdaConnectorConfigSchema}, built on its first call. */
export const lambdaConnectorConfigSchema = lazy(() =>
  z.object({
    /** Which connector factory builds it; defaults to the entry's name. */
    type: z.enum(LAMBDA_CONNECTOR_TYPES),
    /** Non-secret options (`baseUrl`, `jql`, `channelId`…), passed to the factory as they are. */
    options: z.record(z.string(), z.unknown()).default({}),
    /**
     * Where the credentials live; the secret's value must be a JSON object whose keys are merged into
     * `options` (e.g. `{ "auth": { "email": "…", "apiToken": "…" } }` for Jira, `{ "token": "xoxb-…" }` for Slack).
     */
    secret: z
      .string()
      .refine(isSecretReference, 'must be a Secrets Manager secret ARN, an SSM parameter ARN or "ssm:<name>"')
      .optional(),
  }),
);
/** One configured connector: its type, its non-secret options and a reference to its credentials. */
export const LambdaConnectorConfigSchema = /* @__PURE__ */ lambdaConnectorConfigSchema();
/** One configured connector. */
export type LambdaConnectorConfig = z.output<typeof LambdaConnectorConfigSchema>;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** {@link LambdaConfigSchema}, built on its first call. */
export const lambdaConfigSchema = lazy(() =>
  z
    .object({
      table: z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'must be 3-255 characters of a-z, A-Z, 0-9, "_", "-", "."'),
      region: z.string().min(1).optional(),
      dynamoEndpoint: z.url().optional(),
      kb: z.object({
        bucket: z.string().min(3).max(63).optional(),
        prefix: z
          .string()
          .refine(
            (p) => p === '' || (p.endsWith('/') && !p.startsWith('/')),
            'must be empty or end with "/" (and not start with "/")',
          )
          .default('incidents/'),
        s3Endpoint: z.url().optional(),
        mode: z.enum(['bedrock', 'local', 'none']),
        knowledgeBaseId: z
          .string()
          .regex(/^[0-9a-zA-Z]{10}$/, 'must be a 10-character knowledge base id')
          .optional(),
        dataSourceId: z
          .string()
          .regex(/^[0-9a-zA-Z]{10}$/, 'must be a 10-character data source id')
          .optional(),
        localUrl: z.string().min(1).optional(),
        concurrency: int(1, 256).default(16),
        alertThreshold: int(0, 1000).default(3),
        ingestionTimeoutMs: int(0, 15 * 60_000).default(600_000),
        pollIntervalMs: int(1, 60_000).optional(),
        metricsNamespace: z.string().min(1).max(255).default('IncidentKBSync'),
      }),
      alertTopicArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[a-zA-Z0-9_-]{1,256}$/, 'must be an SNS topic ARN')
        .optional(),
      connectors: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/), lambdaConnectorConfigSchema()).default({}),
      logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    })
    .superRefine((c, ctx) => {
      if (c.kb.mode === 'bedrock') {
        if (!c.kb.knowledgeBaseId)
          ctx.addIssue({
            code: 'custom',
            path: ['kb', 'knowledgeBaseId'],
            message: 'required when INCIDENTS_KB_MODE is bedrock',
          });
        if (!c.kb.dataSourceId)
          ctx.addIssue({
            code: 'custom',
            path: ['kb', 'dataSourceId'],
            message: 'required when INCIDENTS_KB_MODE is bedrock',
          });
      }
      if (c.kb.mode === 'local' && !c.kb.localUrl) {
        ctx.addIssue({ code: 'custom', path: ['kb', 'localUrl'], message: 'required when INCIDENTS_KB_MODE is local' });
      }
    }),
);
/** The validated configuration of the Lambda handlers. */
export const LambdaConfigSchema = /* @__PURE__ */ lambdaConfigSchema();
/** The validated configuration of the Lambda handlers. */
export type LambdaConfig = z.output<typeof LambdaConfigSchema> & {
  /** Redis (`UPSTASH_REDIS_REST_*` or `INCIDENTS_REDIS_URL`): the handlers write through the read cache so it is invalidated. */
  redis?: RedisConfig | null;
};

const LAMBDA_ENV_NAMES: Record<string, string> = {
  table: 'INCIDENTS_DYNAMO_TABLE',
  region: 'AWS_REGION',
  dynamoEndpoint: 'AWS_ENDPOINT_URL_DYNAMODB',
  'kb.bucket': 'INCIDENTS_KB_BUCKET',
  'kb.prefix': 'INCIDENTS_KB_PREFIX',
  'kb.s3Endpoint': 'AWS_ENDPOINT_URL_S3',
  'kb.mode': 'INCIDENTS_KB_MODE',
  'kb.knowledgeBaseId': 'INCIDENTS_KB_ID',
  'kb.dataSourceId': 'INCIDENTS_KB_DATA_SOURCE_ID',
  'kb.localUrl': 'INCIDENTS_KB_LOCAL_URL',
  'kb.concurrency': 'INCIDENTS_KB_CONCURRENCY',
  'kb.alertThreshold': 'INCIDENTS_KB_ALERT_THRESHOLD',
  'kb.ingestionTimeoutMs': 'INCIDENTS_KB_INGESTION_TIMEOUT_MS',
  'kb.pollIntervalMs': 'INCIDENTS_KB_POLL_INTERVAL_MS',
  'kb.metricsNamespace': 'INCIDENTS_METRICS_NAMESPACE',
  alertTopicArn: 'INCIDENTS_ALERT_TOPIC_ARN',
  connectors: 'INCIDENTS_CONNECTORS',
  logLevel: 'INCIDENTS_LOG_LEVEL',
};

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

function envName(path: readonly PropertyKey[]): string {
  const parts = path.map(String);
  for (let n = parts.length; n > 0; n--) {
    const name = LAMBDA_ENV_NAMES[parts.slice(0, n).join('.')];
    if (name) return n === parts.length ? name : `${name} (${parts.slice(n).join('.')})`;
  }
  return parts.join('.');
}

/**
 * Reads the Lambda configuration from `env` (default `process.env`).
 *
 * @throws IncidentsError with code `config` naming every wrong variable (and the path inside
 * `INCIDENTS_CONNECTORS`).
 *
 * @example
 * ```ts
 * const config = loadLambdaConfig(); // in the handler's first invocation, never at import time
 * const store = createDynamoStore({ tableName: config.table });
 * ```
 */
export function loadLambdaConfig(options: { env?: NodeJS.ProcessEnv } = {}): LambdaConfig {
  const env = options.env ?? process.env;
  let connectors: unknown;
  const rawConnectors = blank(env.INCIDENTS_CONNECTORS);
  if (rawConnectors !== undefined) {
    try {
      connectors = JSON.parse(rawConnectors);
    } catch (err) {
      throw new IncidentsError(
        'config',
        `Invalid configuration: INCIDENTS_CONNECTORS: not valid JSON (${(err as Error).message})`,
        {
          details: { issues: [{ path: 'INCIDENTS_CONNECTORS', message: 'not valid JSON' }] },
        },
      );
    }
    // The type defaults to the entry's name.
    if (connectors && typeof connectors === 'object' && !Array.isArray(connectors)) {
      connectors = Object.fromEntries(
        Object.entries(connectors as Record<string, unknown>).map(([name, value]) => [
          name,
          value && typeof value === 'object' && !('type' in value) ? { type: name, ...value } : value,
        ]),
      );
    }
  }
  const knowledgeBaseId = blank(env.INCIDENTS_KB_ID);
  const raw = {
    table: blank(env.INCIDENTS_DYNAMO_TABLE),
    region: blank(env.AWS_REGION) ?? blank(env.AWS_DEFAULT_REGION),
    dynamoEndpoint: blank(env.AWS_ENDPOINT_URL_DYNAMODB) ?? blank(env.AWS_ENDPOINT_URL),
    kb: {
      bucket: blank(env.INCIDENTS_KB_BUCKET),
      // An explicitly empty prefix is allowed (documents at the bucket root).
      prefix: env.INCIDENTS_KB_PREFIX === undefined ? undefined : env.INCIDENTS_KB_PREFIX.trim(),
      s3Endpoint: blank(env.AWS_ENDPOINT_URL_S3) ?? blank(env.AWS_ENDPOINT_URL),
      mode: blank(env.INCIDENTS_KB_MODE) ?? (knowledgeBaseId ? 'bedrock' : 'none'),
      knowledgeBaseId,
      dataSourceId: blank(env.INCIDENTS_KB_DATA_SOURCE_ID),
      localUrl: blank(env.INCIDENTS_KB_LOCAL_URL),
      concurrency: blank(env.INCIDENTS_KB_CONCURRENCY),
      alertThreshold: blank(env.INCIDENTS_KB_ALERT_THRESHOLD),
      ingestionTimeoutMs: blank(env.INCIDENTS_KB_INGESTION_TIMEOUT_MS),
      pollIntervalMs: blank(env.INCIDENTS_KB_POLL_INTERVAL_MS),
      metricsNamespace: blank(env.INCIDENTS_METRICS_NAMESPACE),
    },
    alertTopicArn: blank(env.INCIDENTS_ALERT_TOPIC_ARN),
    connectors,
    logLevel: blank(env.INCIDENTS_LOG_LEVEL)?.toLowerCase(),
  };
  const parsed = lambdaConfigSchema().safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${envName(issue.path)}: ${issue.message}`);
    throw new IncidentsError('config', `Invalid configuration: ${problems.join('; ')}`, {
      details: { issues: configIssues(problems) },
    });
  }
  return { ...parsed.data, redis: loadRedisConfig(env) };
}

/**
 * Checks that the configuration names a knowledge-base bucket (the KB handlers need one).
 * @throws IncidentsError `config` naming `INCIDENTS_KB_BUCKET`.
 */
export function requireKbBucket(config: LambdaConfig): string {
  if (!config.kb.bucket) {
    throw new IncidentsError(
      'config',
      'Invalid configuration: INCIDENTS_KB_BUCKET: required by the knowledge-base handlers',
      {
        details: { issues: [{ path: 'INCIDENTS_KB_BUCKET', message: 'required' }] },
      },
    );
  }
  return config.kb.bucket;
}

/**
 * `incident-connector-sync` — one EventBridge schedule per configured connector (input
 * `{ "connector": "<name>" }`): pulls the vendor system into the store with change detection and
 * drains the outbound queue (comments and status changes going back), through the sync engine of
 * `@incidents/connectors`. Credentials come from Secrets Manager or SSM, cached per container.
 *
 * A connector that stops on an error (auth, rate limit exhausted, vendor down) makes the invocation
 * fail with {@link ConnectorSyncFailedError}, after the summary has been logged.
 *
 * @module
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { LambdaConfig, LambdaConnectorConfig } from '@incidents/config';
import { buildConnector as buildFromSettings, CONNECTOR_FACTORIES } from '@incidents/config/connectors';
import { type Connector, createSyncEngine, type SyncRunSummary } from '@incidents/connectors';
import { type IncidentStore, IncidentsError, ValidationError } from '@incidents/core';
import middy from '@middy/core';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { createDynamoClient, createStoreFromConfig } from '../runtime.js';
import { createSecretResolver, type SecretResolver } from '../secrets.js';
import {
  type HandlerDependencies,
  idempotencyTable,
  type Instruments,
  instruments,
  type LambdaContextLike,
  once,
  resolveConfig,
} from './shared.js';

/**
 * The schedule's input: the connector to sync (`all` or omitted: every configured connector), and
 * the EventBridge event id the stack's schedule adds (the idempotency key and correlation id).
 */
export interface ConnectorSyncEvent {
  connector?: string;
  id?: string;
}

/** The handler: returns the engine's run summary. */
export type ConnectorSyncHandler = (
  event?: ConnectorSyncEvent | null,
  context?: LambdaContextLike,
) => Promise<SyncRunSummary>;

/** A connector stopped on an error; `details.errors` names it and the error code (never credentials). */
export class ConnectorSyncFailedError extends IncidentsError<{ errors: SyncRunSummary['errors'] }> {
  constructor(summary: SyncRunSummary) {
    super(
      'lambda.connector_sync_failed',
      `Connector sync failed: ${summary.errors.map((e) => `${e.connector} (${e.code}): ${e.message}`).join('; ')}`,
      {
        details: { errors: summary.errors },
        userError: false,
      },
    );
    this.name = 'ConnectorSyncFailedError';
  }
}

/** The connector factories by type (shared with the CLI: `@incidents/config/connectors`). */
export { CONNECTOR_FACTORIES };

/** Keys of a connector's secret that configure its webhook endpoint (`incident-webhooks`), not the connector. */
export const WEBHOOK_SECRET_KEYS = ['webhookSecret', 'webhookUsername'] as const;

/**
 * What the connector handlers share, built on their first invocation: the configuration, the secret
 * resolver (values registered for redaction), the DynamoDB client and the store.
 */
export async function createConnectorRuntime(
  deps: HandlerDependencies,
  logger: Instruments['logger'],
  capture: Instruments['capture'],
): Promise<{ config: LambdaConfig; secrets: SecretResolver; dynamodb: DynamoDBClient; store: IncidentStore }> {
  const config = resolveConfig(deps);
  const clients = deps.clients ?? {};
  const secrets = createSecretResolver({
    ...(clients.secretsManager ? { secretsManager: clients.secretsManager } : {}),
    ...(clients.ssm ? { ssm: clients.ssm } : {}),
    ...(config.region ? { region: config.region } : {}),
    logger,
  });
  const dynamodb = createDynamoClient(config, clients, capture);
  const store = await createStoreFromConfig(config, { ...clients, dynamodb });
  return { config, secrets, dynamodb, store };
}

/**
 * Builds one connector: its options merged with the JSON object of its secret (less the webhook
 * keys, {@link WEBHOOK_SECRET_KEYS}), checked and passed to the factory of its type by
 * `@incidents/config/connectors` (the code the CLI uses too).
 *
 * @throws IncidentsError `config` naming the option in `INCIDENTS_CONNECTORS` (never its value).
 */
export async function buildConnector(
  name: string,
  config: LambdaConnectorConfig,
  secrets: SecretResolver,
): Promise<Connector> {
  const credentials = config.secret ? { ...(await secrets.getJson(config.secret)) } : {};
  for (const key of WEBHOOK_SECRET_KEYS) delete credentials[key];
  return buildFromSettings(
    name,
    {
      type: config.type,
      options: config.options,
      describe: (path) => `INCIDENTS_CONNECTORS (${name}.options.${path}${config.secret ? ' or its secret' : ''})`,
    },
    credentials,
  );
}

/**
 * Creates the connector-sync handler: Powertools Logger (Lambda context, the EventBridge event id as
 * correlation id), Metrics (cold start) and Tracer through Middy, and Powertools Idempotency keyed
 * on the scheduled event's `id` — a retried delivery of the same schedule event returns the stored
 * summary instead of pulling and pushing again (direct invocations without `id` always run).
 *
 * @example
 * ```ts
 * export const handler = createConnectorSyncHandler();
 * ```
 */
export function createConnectorSyncHandler(deps: HandlerDependencies = {}): ConnectorSyncHandler {
  const { logger, metrics, tracer, capture } = instruments(deps, 'connector-sync');
  const idempotencyConfig = new IdempotencyConfig({ eventKeyJmesPath: 'id', expiresAfterSeconds: 24 * 3600 });
  const init = once(async () => {
    const { config, secrets, dynamodb, store } = await createConnectorRuntime(deps, logger, capture);
    const sync = async (event: ConnectorSyncEvent | null | undefined): Promise<SyncRunSummary> => {
      const target = event?.connector && event.connector !== 'all' ? event.connector : 'all';
      const names = target === 'all' ? Object.keys(config.connectors) : [target];
      if (names.length === 0 || names.some((n) => !config.connectors[n])) {
        throw new ValidationError(
          [
            {
              path: 'connector',
              message: `unknown connector ${target}; configured: ${Object.keys(config.connectors).join(', ') || 'none'}`,
            },
          ],
          { context: 'connector sync event' },
        );
      }
      logger.info('connector sync started', { connectors: names });
      const connectors = await Promise.all(
        names.map((n) => buildConnector(n, config.connectors[n] as LambdaConnectorConfig, secrets)),
      );
      const engine = createSyncEngine({ store, connectors, ...(deps.clock ? { clock: deps.clock } : {}) });
      const summary = await engine.run(target);
      const fields = { connectors: summary.connectors, totals: summary.totals, duration_ms: summary.durationMs };
      metrics.addMetric('ConnectorSyncErrors', MetricUnit.Count, summary.errors.length);
      metrics.addMetric('OutboundDead', MetricUnit.Count, summary.totals.dead);
      if (summary.errors.length > 0) {
        logger.error('connector sync failed', { ...fields, errors: summary.errors });
        throw new ConnectorSyncFailedError(summary);
      }
      if (summary.totals.dead > 0) logger.warn('outbound items gave up (DEAD)', { dead: summary.totals.dead });
      logger.info('connector sync finished', fields);
      return summary;
    };
    const table = idempotencyTable(deps);
    const run = table
      ? makeIdempotent(sync, {
          persistenceStore: new DynamoDBPersistenceLayer({ tableName: table, awsSdkV3Client: dynamodb }),
          config: idempotencyConfig,
        })
      : sync;
    return { run };
  });
  const handler = middy(async (event: ConnectorSyncEvent | null | undefined, context: Context) => {
    const { run } = await init();
    idempotencyConfig.registerLambdaContext(context);
    return run(event);
  })
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { correlationIdPath: 'id', resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
  return handler as unknown as ConnectorSyncHandler;
}

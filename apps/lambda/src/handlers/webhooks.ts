/**
 * `incident-webhooks` — the vendors' webhooks behind a Lambda Function URL: `POST /webhooks/<name>`
 * (or `POST /<name>`) with the vendor's raw body. Each delivery's signature is checked in its
 * vendor's scheme (`verifyWebhook` of `@incidents/connectors`), a delivery id already seen is
 * answered as a duplicate, and a verified delivery pulls that connector through the sync engine —
 * the scheduled `incident-connector-sync` path — before the function answers (a frozen container
 * runs nothing after its answer). The schedule stays the safety net.
 *
 * Secrets: each connector's secret (Secrets Manager or SSM, as for connector-sync) may hold a
 * `webhookSecret` (and, for ServiceNow, `webhookUsername`) next to its API credentials; a connector
 * without one has no webhook endpoint (404). Remedy has no webhooks.
 *
 * Delivery ids are remembered in the idempotency table (`INCIDENTS_IDEMPOTENCY_TABLE`: a conditional
 * put of `webhook#<connector>#<delivery>` with a 24 h `expiration`), so a retry landing on another
 * container is still a duplicate; without the table, in memory per container.
 *
 * @module
 */
import { ConditionalCheckFailedException, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { LambdaConnectorConfig } from '@incidents/config';
import {
  createMemoryDeliveryLog,
  createSyncEngine,
  createWebhookFetchHandler,
  createWebhookIntake,
  WEBHOOK_VENDORS,
  type WebhookDeliveryLog,
  type WebhookEndpoint,
  type WebhookVendor,
} from '@incidents/connectors';
import { type Clock, systemClock } from '@incidents/core';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { buildConnector, createConnectorRuntime } from './connector-sync.js';
import { type HandlerDependencies, idempotencyTable, instruments, type LambdaContextLike, once } from './shared.js';

/** The part of a Lambda Function URL request (payload format 2.0) the handler reads. */
export interface FunctionUrlEventLike {
  rawPath?: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext?: { http?: { method?: string } };
}

/** A Function URL response. */
export interface FunctionUrlResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** The webhook handler. */
export type WebhookHandler = (event: FunctionUrlEventLike, context?: LambdaContextLike) => Promise<FunctionUrlResult>;

/** How long a delivery id is remembered (vendors retry within hours). */
const DELIVERY_TTL_MS = 24 * 3600_000;

/**
 * A delivery log in a DynamoDB table keyed by `id` with a TTL attribute `expiration` (the
 * idempotency table's layout): a conditional put that succeeds only for an unseen or expired key.
 */
export function createDynamoDeliveryLog(
  client: DynamoDBClient,
  tableName: string,
  clock: Clock = systemClock,
): WebhookDeliveryLog {
  return {
    async firstSeen(key, ttlMs) {
      const now = Math.floor(clock.now().getTime() / 1000);
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              id: { S: `webhook#${key}` },
              expiration: { N: String(now + Math.ceil(ttlMs / 1000)) },
              status: { S: 'WEBHOOK_DELIVERY' },
            },
            ConditionExpression: 'attribute_not_exists(id) OR expiration < :now',
            ExpressionAttributeValues: { ':now': { N: String(now) } },
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },
  };
}

/**
 * Creates the webhook handler: Powertools Logger, Metrics (`WebhookDeliveries`, `WebhookRefused`)
 * and Tracer through Middy; the configuration, connectors and secrets are read on the first
 * invocation. Logs name the connector, the outcome and the delivery id — never a body or a secret.
 *
 * @example
 * ```ts
 * export const handler = createWebhookHandler();
 * ```
 */
export function createWebhookHandler(deps: HandlerDependencies = {}): WebhookHandler {
  const { logger, metrics, tracer, capture } = instruments(deps, 'webhooks');
  const init = once(async () => {
    const { config, secrets, dynamodb, store } = await createConnectorRuntime(deps, logger, capture);
    const endpoints: Record<string, WebhookEndpoint> = {};
    const connectors = await Promise.all(
      Object.entries(config.connectors).map(async ([name, c]) => {
        const settings = c as LambdaConnectorConfig;
        const { webhookSecret, webhookUsername } = settings.secret ? await secrets.getJson(settings.secret) : {};
        const vendor = settings.type as WebhookVendor;
        if (typeof webhookSecret === 'string' && webhookSecret !== '' && WEBHOOK_VENDORS.includes(vendor)) {
          endpoints[name] = {
            vendor,
            secret: webhookSecret,
            ...(typeof webhookUsername === 'string' ? { username: webhookUsername } : {}),
          };
        }
        return buildConnector(name, settings, secrets);
      }),
    );
    const clock = deps.clock ?? systemClock;
    const engine = createSyncEngine({ store, connectors, clock });
    const table = idempotencyTable(deps);
    const intake = createWebhookIntake({
      engine,
      endpoints,
      clock,
      deliveryTtlMs: DELIVERY_TTL_MS,
      deliveries: table ? createDynamoDeliveryLog(dynamodb, table, clock) : createMemoryDeliveryLog(10_000, clock),
    });
    logger.info('webhook endpoints ready', { endpoints: Object.keys(endpoints) });
    // The same request handler as a web app's route; it answers after the pull (a frozen container
    // runs nothing after its answer).
    const handle = createWebhookFetchHandler(intake, {
      waitForPull: true,
      onResult: (connector, result, summary) => {
        const fields = {
          connector,
          outcome: result.outcome,
          status: result.status,
          delivery: result.delivery?.deliveryId,
        };
        metrics.addMetric(result.outcome === 'refused' ? 'WebhookRefused' : 'WebhookDeliveries', MetricUnit.Count, 1);
        if (result.outcome === 'refused') logger.warn('webhook refused', { ...fields, code: result.body.code });
        else if (summary && summary.errors.length > 0)
          logger.error('webhook pull failed', { ...fields, errors: summary.errors });
        else logger.info('webhook handled', { ...fields, ...(summary ? { totals: summary.totals } : {}) });
      },
    });
    return { handle };
  });

  const handler = middy(async (event: FunctionUrlEventLike, _context: Context): Promise<FunctionUrlResult> => {
    const method = event?.requestContext?.http?.method ?? 'POST';
    // `POST /webhooks/<name>` or `POST /<name>`.
    const name = (event.rawPath ?? '/').replace(/^\/(webhooks\/)?/, '').replace(/\/+$/, '');
    const body =
      event.body === undefined
        ? undefined
        : event.isBase64Encoded
          ? Buffer.from(event.body, 'base64').toString('utf8')
          : event.body;
    const headers = new Headers();
    for (const [key, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers.set(key, value);
    const { handle } = await init();
    const response = await handle(
      new Request(`https://function.url/webhooks/${name}`, {
        method,
        headers,
        ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
      }),
    );
    const answer: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      answer[key] = value;
    });
    return { statusCode: response.status, headers: answer, body: await response.text() };
  })
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
  return handler as unknown as WebhookHandler;
}

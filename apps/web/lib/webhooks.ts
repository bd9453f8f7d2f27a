import 'server-only';
/**
 * The vendors' webhooks on the desk: `POST /api/webhooks/<connector>` with the vendor's raw body.
 * The connectors and their webhook secrets come from `@incidents/config` (`INCIDENTS_<SYSTEM>_*`,
 * `INCIDENTS_<SYSTEM>_WEBHOOK_SECRET`, or the connectors file) — a connector without a webhook
 * secret has no endpoint (404). A delivery is verified in its vendor's scheme and pulls that
 * connector through the sync engine over the desk's store; the request handler is
 * `@incidents/connectors`' fetch handler, the same one the Lambda webhook function uses.
 *
 * Delivery ids are remembered in Redis when it is configured (`createRedisDeliveryLog`: every
 * `next start` instance sees a vendor retry as a duplicate), otherwise in this process.
 */
import { loadConnectorsConfig } from '@incidents/config';
import {
  createMemoryDeliveryLog,
  createSyncEngine,
  createWebhookFetchHandler,
  createWebhookIntake,
  WEBHOOK_VENDORS,
  type WebhookEndpoint,
  type WebhookVendor,
} from '@incidents/connectors';
import { createRedisDeliveryLog } from '@incidents/redis';
import { desk } from './dal';
import { redis } from './redis';

/** The URL prefix the connector name follows. */
export const WEBHOOK_BASE_PATH = '/api/webhooks/';

type Handler = (request: Request) => Promise<Response>;

// One intake per server process (its pulls are coalesced per connector), built on first delivery.
const holder = globalThis as unknown as { __incidentsWebhooks?: Promise<Handler> };

/** The webhook request handler of this process. */
export function webhookHandler(): Promise<Handler> {
  holder.__incidentsWebhooks ??= (async () => {
    const { connectors: settings } = loadConnectorsConfig({ env: process.env });
    const endpoints: Record<string, WebhookEndpoint> = {};
    for (const s of Object.values(settings)) {
      if (s.webhook && WEBHOOK_VENDORS.includes(s.type as WebhookVendor)) {
        endpoints[s.name] = { vendor: s.type as WebhookVendor, ...s.webhook };
      }
    }
    const { buildConnectors } = await import('@incidents/config/connectors');
    const { store } = await desk();
    const engine = createSyncEngine({
      store,
      connectors: buildConnectors(Object.values(settings).filter((s) => endpoints[s.name])),
    });
    const parts = await redis();
    const intake = createWebhookIntake({
      engine,
      endpoints,
      deliveries: parts
        ? createRedisDeliveryLog(parts.connection, {
            onError: () => console.warn('webhooks: Redis did not answer; delivery ids kept for this delivery only'),
          })
        : createMemoryDeliveryLog(),
      onPull: (connector, { summary, error }) => {
        if (error || (summary && summary.errors.length > 0))
          console.error(`webhooks: the pull of ${connector} failed`, summary?.errors ?? String(error));
      },
    });
    return createWebhookFetchHandler(intake, { basePath: WEBHOOK_BASE_PATH });
  })().catch((err) => {
    holder.__incidentsWebhooks = undefined;
    throw err;
  });
  return holder.__incidentsWebhooks;
}

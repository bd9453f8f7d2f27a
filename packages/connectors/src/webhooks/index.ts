/**
 * Webhook intake: vendor signature checks, delivery dedupe, pulls through the sync engine.
 * @module
 */
export {
  createMemoryDeliveryLog,
  createWebhookFetchHandler,
  createWebhookIntake,
  createWebhookRequestHandler,
  type WebhookDeliveryLog,
  type WebhookEndpoint,
  type WebhookIntake,
  type WebhookIntakeOptions,
  type WebhookRequestHandlerOptions,
  type WebhookResult,
} from './intake.js';
export {
  DEFAULT_WEBHOOK_TOLERANCE_MS,
  type VerifiedDelivery,
  verifyWebhook,
  WEBHOOK_VENDORS,
  WebhookError,
  type WebhookErrorCode,
  type WebhookRequest,
  type WebhookSecretOptions,
  type WebhookVendor,
} from './verify.js';

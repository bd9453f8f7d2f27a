/** Lambda entry point of `incident-webhooks` (behind a Function URL). Nothing is read at import time. */
import { createWebhookHandler } from '../handlers/webhooks.js';

export const handler = createWebhookHandler();

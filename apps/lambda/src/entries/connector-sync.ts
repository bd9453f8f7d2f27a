/** Lambda entry point of `incident-connector-sync` (one EventBridge schedule per connector). Nothing is read at import time. */
import { createConnectorSyncHandler } from '../handlers/connector-sync.js';

export const handler = createConnectorSyncHandler();

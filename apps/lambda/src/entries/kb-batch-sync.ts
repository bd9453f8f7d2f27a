/** Lambda entry point of `incident-kb-batch-sync` (EventBridge schedule). Nothing is read at import time. */
import { createKbBatchSyncHandler } from '../handlers/kb-batch-sync.js';

export const handler = createKbBatchSyncHandler();

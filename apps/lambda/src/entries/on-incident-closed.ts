/** Lambda entry point of `incident-on-closed` (DynamoDB Streams). Nothing is read at import time. */
import { createOnIncidentClosedHandler } from '../handlers/on-incident-closed.js';

export const handler = createOnIncidentClosedHandler();

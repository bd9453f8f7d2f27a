export { createServiceNowConnector } from './client.js';
export {
  mapServiceNowIncident,
  SERVICENOW_CLOSE_CODES,
  SERVICENOW_PRIORITY_MAP,
  SERVICENOW_PUSH_STATES,
  SERVICENOW_STATE_MAP,
  type ServiceNowMappingOptions,
} from './mapper.js';
export type { ServiceNowAuth, ServiceNowConnectorOptions } from './options.js';

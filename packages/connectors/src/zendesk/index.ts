export { createZendeskConnector } from './client.js';
export {
  mapZendeskTicket,
  ZENDESK_PRIORITY_MAP,
  ZENDESK_PUSH_STATUSES,
  ZENDESK_STATUS_MAP,
  type ZendeskMappingOptions,
  type ZendeskPerson,
} from './mapper.js';
export type { ZendeskAuth, ZendeskConnectorOptions } from './options.js';

export { createRemedyConnector } from './client.js';
export {
  mapRemedyEntry,
  REMEDY_PRIORITY_MAP,
  REMEDY_PUSH_STATUSES,
  REMEDY_STATUS_MAP,
  type RemedyMappingOptions,
} from './mapper.js';
export { REMEDY_INCIDENT_INTERFACE, REMEDY_STATUS_REASONS, type RemedyConnectorOptions } from './options.js';

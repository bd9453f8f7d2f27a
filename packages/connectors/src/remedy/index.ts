export { createRemedyConnector } from './client.js';
export {
  mapRemedyEntry,
  REMEDY_PRIORITY_MAP,
  REMEDY_PUSH_STATUSES,
  REMEDY_STATUS_MAP,
  type RemedyMappingOptions,
} from './mapper.js';
export type { RemedyConnectorOptions } from './options.js';

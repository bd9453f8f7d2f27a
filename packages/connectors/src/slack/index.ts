export { createSlackConnector } from './client.js';
export { SLACK_AUTH_ERRORS } from './errors.js';
export {
  mapSlackMessage,
  parseSlackTags,
  SLACK_PRIORITY_MAP,
  SLACK_REACTION_STATUS_MAP,
  type SlackMappingOptions,
} from './mapper.js';
export type { SlackConnectorOptions } from './options.js';

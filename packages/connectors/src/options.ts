/**
 * `@incidents/connectors/options` — the connectors' options as zod schemas, limits included, without
 * the connectors themselves (no HTTP layer, no Slack SDK): what a configuration loader needs to
 * check settings (`@incidents/config` does) before it builds connectors.
 *
 * @packageDocumentation
 */
export { JIRA_MAX_PAGE_SIZE, JIRA_OPTIONS_SCHEMA } from './jira/options.js';
export {
  booleanOption,
  httpUrlOption,
  JIRA_OAUTH_OPTIONS_SCHEMA,
  OAUTH_OPTIONS_SCHEMA,
  objectOption,
  SITE_OPTIONS_SHAPE,
  stringListOption,
  TRANSPORT_OPTIONS_SHAPE,
  textOption,
  wholeNumberOption,
} from './option-schemas.js';
export { REMEDY_MAX_PAGE_SIZE, REMEDY_OPTIONS_SCHEMA } from './remedy/options.js';
export { SERVICENOW_MAX_PAGE_SIZE, SERVICENOW_OPTIONS_SCHEMA } from './servicenow/options.js';
export { SHORTCUT_MAX_PAGE_SIZE, SHORTCUT_OPTIONS_SCHEMA } from './shortcut/options.js';
export { SLACK_MAX_PAGE_SIZE, SLACK_OPTIONS_SCHEMA } from './slack/options.js';
export { ZENDESK_MAX_PAGE_SIZE, ZENDESK_OPTIONS_SCHEMA } from './zendesk/options.js';

import { JIRA_OPTIONS_SCHEMA } from './jira/options.js';
import { REMEDY_OPTIONS_SCHEMA } from './remedy/options.js';
import { SERVICENOW_OPTIONS_SCHEMA } from './servicenow/options.js';
import { SHORTCUT_OPTIONS_SCHEMA } from './shortcut/options.js';
import { SLACK_OPTIONS_SCHEMA } from './slack/options.js';
import { ZENDESK_OPTIONS_SCHEMA } from './zendesk/options.js';

/** The option schema of each connector type (`jira`, `servicenow`, `remedy`, `zendesk`, `slack`, `shortcut`). */
export const CONNECTOR_OPTIONS_SCHEMAS = {
  jira: JIRA_OPTIONS_SCHEMA,
  servicenow: SERVICENOW_OPTIONS_SCHEMA,
  remedy: REMEDY_OPTIONS_SCHEMA,
  zendesk: ZENDESK_OPTIONS_SCHEMA,
  slack: SLACK_OPTIONS_SCHEMA,
  shortcut: SHORTCUT_OPTIONS_SCHEMA,
} as const;

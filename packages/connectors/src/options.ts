/**
 * `@incidents/connectors/options` — the connectors' options as zod schemas, limits included, without
 * the connectors themselves (no HTTP layer, no Slack SDK): what a configuration loader needs to
 * check settings (`@incidents/config` does) before it builds connectors.
 *
 * @packageDocumentation
 */
export { JIRA_MAX_PAGE_SIZE, JIRA_OPTIONS_SCHEMA, jiraOptionsSchema } from './jira/options.js';
export {
  booleanOption,
  httpUrlOption,
  JIRA_OAUTH_OPTIONS_SCHEMA,
  jiraOauthOptionsSchema,
  OAUTH_OPTIONS_SCHEMA,
  oauthOptionsSchema,
  objectOption,
  SITE_OPTIONS_SHAPE,
  stringListOption,
  TRANSPORT_OPTIONS_SHAPE,
  textOption,
  wholeNumberOption,
} from './option-schemas.js';
export { REMEDY_MAX_PAGE_SIZE, REMEDY_OPTIONS_SCHEMA, remedyOptionsSchema } from './remedy/options.js';
export { SERVICENOW_MAX_PAGE_SIZE, SERVICENOW_OPTIONS_SCHEMA, servicenowOptionsSchema } from './servicenow/options.js';
export { SHORTCUT_MAX_PAGE_SIZE, SHORTCUT_OPTIONS_SCHEMA, shortcutOptionsSchema } from './shortcut/options.js';
export { SLACK_MAX_PAGE_SIZE, SLACK_OPTIONS_SCHEMA, slackOptionsSchema } from './slack/options.js';
export { ZENDESK_MAX_PAGE_SIZE, ZENDESK_OPTIONS_SCHEMA, zendeskOptionsSchema } from './zendesk/options.js';

import { lazy } from '@incidents/core/store-kit';
import { jiraOptionsSchema } from './jira/options.js';
import { remedyOptionsSchema } from './remedy/options.js';
import { servicenowOptionsSchema } from './servicenow/options.js';
import { shortcutOptionsSchema } from './shortcut/options.js';
import { slackOptionsSchema } from './slack/options.js';
import { zendeskOptionsSchema } from './zendesk/options.js';

/** {@link CONNECTOR_OPTIONS_SCHEMAS}, built on its first call (each schema built with it). */
export const connectorOptionsSchemas = lazy(
  () =>
    ({
      jira: jiraOptionsSchema(),
      servicenow: servicenowOptionsSchema(),
      remedy: remedyOptionsSchema(),
      zendesk: zendeskOptionsSchema(),
      slack: slackOptionsSchema(),
      shortcut: shortcutOptionsSchema(),
    }) as const,
);

/** The option schema of each connector type (`jira`, `servicenow`, `remedy`, `zendesk`, `slack`, `shortcut`). */
export const CONNECTOR_OPTIONS_SCHEMAS = /* @__PURE__ */ connectorOptionsSchemas();

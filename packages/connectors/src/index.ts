/**
 * `@incidents/connectors` — connectors to Jira Cloud, ServiceNow, BMC Remedy / Helix ITSM, Zendesk,
 * Slack and Shortcut: each one a client (pull with complete incremental pagination, push comments
 * and status), a pure mapper from the vendor's JSON to the core incident input, options and typed
 * errors, over one shared HTTP layer (retries, `Retry-After`, concurrency limit, auth errors) — and
 * the two-way sync engine `createSyncEngine` (pull with change detection, outbound queue, conflicts).
 *
 * @packageDocumentation
 */

export type {
  CommonConnectorOptions,
  Connector,
  ConnectorCapabilities,
  DeletedRecord,
  ImportedComment,
  ListDeletedOptions,
  MappedIncident,
  PulledIncident,
  PulledPage,
  PulledSourceRecord,
  PullOptions,
  PushCommentInput,
  PushStatusInput,
  RemoteResolution,
} from './connector.js';
export { ConnectorError, type ConnectorErrorCode, type ConnectorErrorDetails, isConnectorError } from './errors.js';
export {
  type BackoffOption,
  type ConflictResolution,
  type ConflictSide,
  type ConnectorRunSummary,
  createSyncEngine,
  DEFAULT_LEASE_MS,
  DEFAULT_LOOKBACK_MS,
  DEFAULT_SYNC_ACTOR,
  type IncidentConflicts,
  type PullRunOptions,
  REMOTE_FIELDS,
  type RemoteField,
  type ResolveConflictInput,
  type SyncEngine,
  type SyncEngineOptions,
  type SyncEngineStatus,
  type SyncProgressEvent,
  type SyncRunSummary,
  type SyncTotals,
} from './engine/index.js';
export type { AuthProvider } from './http/auth.js';
export type { FetchLike, HttpOptions } from './http/http-client.js';
export type { RetryOptions } from './http/retry.js';
export type { BaseMappingOptions } from './mapping/common.js';
export {
  adfToText,
  createJiraConnector,
  JIRA_PRIORITY_MAP,
  JIRA_PUSH_STATUS_TARGETS,
  JIRA_RESOLUTION_MAP,
  JIRA_RESOLUTION_NAMES,
  JIRA_STATUS_CATEGORY_MAP,
  JIRA_STATUS_MAP,
  type JiraAuth,
  type JiraConnectorOptions,
  type JiraMappingOptions,
  jqlDate,
  mapJiraIssue,
  textToAdf,
  type AdfNode,
} from './jira/index.js';
export {
  createServiceNowConnector,
  mapServiceNowIncident,
  SERVICENOW_CLOSE_CODES,
  SERVICENOW_PRIORITY_MAP,
  SERVICENOW_PUSH_STATES,
  SERVICENOW_STATE_MAP,
  type ServiceNowAuth,
  type ServiceNowConnectorOptions,
  type ServiceNowMappingOptions,
} from './servicenow/index.js';
export {
  createRemedyConnector,
  mapRemedyEntry,
  REMEDY_INCIDENT_INTERFACE,
  REMEDY_PRIORITY_MAP,
  REMEDY_PUSH_STATUSES,
  REMEDY_STATUS_MAP,
  REMEDY_STATUS_REASONS,
  type RemedyConnectorOptions,
  type RemedyMappingOptions,
} from './remedy/index.js';
export {
  createZendeskConnector,
  mapZendeskTicket,
  ZENDESK_PRIORITY_MAP,
  ZENDESK_PUSH_STATUSES,
  ZENDESK_STATUS_MAP,
  type ZendeskAuth,
  type ZendeskConnectorOptions,
  type ZendeskMappingOptions,
  type ZendeskPerson,
} from './zendesk/index.js';
export {
  createShortcutConnector,
  mapShortcutStory,
  SHORTCUT_MAX_PAGE_SIZE,
  SHORTCUT_PRIORITY_MAP,
  SHORTCUT_STATE_MAP,
  SHORTCUT_STATE_TYPE_MAP,
  type ShortcutConnectorOptions,
  type ShortcutMappingOptions,
  type ShortcutStoryFilter,
  type ShortcutWorkflowState,
} from './shortcut/index.js';
export {
  createSlackConnector,
  mapSlackMessage,
  parseSlackTags,
  SLACK_AUTH_ERRORS,
  SLACK_PRIORITY_MAP,
  SLACK_REACTION_STATUS_MAP,
  type SlackConnectorOptions,
  type SlackMappingOptions,
} from './slack/index.js';
export {
  createMemoryDeliveryLog,
  createWebhookIntake,
  createWebhookFetchHandler,
  createWebhookRequestHandler,
  DEFAULT_WEBHOOK_TOLERANCE_MS,
  type VerifiedDelivery,
  verifyWebhook,
  WEBHOOK_VENDORS,
  type WebhookDeliveryLog,
  type WebhookEndpoint,
  WebhookError,
  type WebhookErrorCode,
  type WebhookIntake,
  type WebhookIntakeOptions,
  type WebhookRequest,
  type WebhookRequestHandlerOptions,
  type WebhookResult,
  type WebhookSecretOptions,
  type WebhookVendor,
} from './webhooks/index.js';
export { type OAuthOptions, type OAuthProvider, type OAuthTokens, oauthAuth } from './http/oauth.js';
export type { JiraOAuthOptions } from './jira/options.js';
export { DELETED_SOURCE_STATUS, isDeletedAtSource } from './engine/deletions.js';
export type { CircuitBreakerOptions } from './http/breaker.js';
export {
  accountIdDirectory,
  type JiraUserDirectory,
  type JiraUserRef,
  storeUserDirectory,
} from './jira/index.js';

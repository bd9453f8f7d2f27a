/**
 * Options of the Jira Cloud connector.
 * @module
 */
import * as z from 'zod';
import { lazy } from '@incidents/core/store-kit';
import { booleanOption, objectOption, textOption, SITE_OPTIONS_SHAPE, wholeNumberOption } from '../option-schemas.js';
import type { ResolutionType, Status } from '@incidents/core';
import type { CommonConnectorOptions } from '../connector.js';
import type { HttpOptions } from '../http/http-client.js';
import type { OAuthOptions } from '../http/oauth.js';
import type { JiraUserDirectory } from './directory.js';
import type { JiraMappingOptions } from './mapper.js';

/**
 * Jira Cloud OAuth 2.0 (3LO, or a service account's client credentials): requests go to
 * `{apiBaseUrl}/ex/jira/{cloudId}`; the cloud id is looked up once from
 * `GET {apiBaseUrl}/oauth/token/accessible-resources` (the resource whose `url` is `baseUrl`) unless given.
 */
export interface JiraOAuthOptions extends Omit<OAuthOptions, 'tokenUrl' | 'bodyFormat'> {
  /** Default `https://auth.atlassian.com/oauth/token`. */
  tokenUrl?: string;
  /** The site's cloud id; looked up when omitted. */
  cloudId?: string;
  /** Default `https://api.atlassian.com`. */
  apiBaseUrl?: string;
}

/**
 * Jira Cloud credentials: an Atlassian account email + API token (Basic), a bearer token (PAT), or
 * OAuth 2.0 with token refresh before expiry and on 401 (`{ oauth }`).
 */
export type JiraAuth = { email: string; apiToken: string } | { bearerToken: string } | { oauth: JiraOAuthOptions };

/** Options of {@link createJiraConnector}. */
export interface JiraConnectorOptions extends HttpOptions, CommonConnectorOptions {
  /** Site URL, e.g. `https://your-domain.atlassian.net` (tests point it at a local server). */
  baseUrl: string;
  auth: JiraAuth;
  /** JQL restricting what is synced, e.g. `project = OPS AND issuetype = Incident`. The connector adds the `updated` bound and ordering. */
  jql?: string;
  /**
   * IANA time zone of the integration user: JQL dates are read in it. Default: the zone of the
   * user's profile, read once from `GET /rest/api/3/myself` (`UTC` when the profile has none).
   */
  timeZone?: string;
  /**
   * After each complete pull, check every imported issue key with the bulk fetch (100 keys per
   * request) and mark the ones Jira no longer returns as deleted at the source. Default `false`
   * (Jira has no deletion feed; the check costs one request per 100 local incidents).
   */
  reconcileDeletions?: boolean;
  /**
   * Who a Jira account is locally when Jira hides its email (most Cloud sites): `accountIdDirectory`
   * (a map) or `storeUserDirectory(store)` (the store's users by display name). The assignee of an
   * issue without a visible email is looked up in it.
   */
  userDirectory?: JiraUserDirectory;
  /** Issues per search page (1…100). Default 50. */
  pageSize?: number;
  /** Status and priority tables overrides and defaults. */
  mapping?: JiraMappingOptions;
  /**
   * Jira status names a core status is pushed to, tried in order (case-insensitive) against the
   * issue's available transitions. Overrides {@link JIRA_PUSH_STATUS_TARGETS} per status.
   */
  statusTargets?: Partial<Record<Status, readonly string[]>>;
  /** Jira resolution names per core resolution type. Overrides {@link JIRA_RESOLUTION_NAMES}. */
  resolutionNames?: Partial<Record<ResolutionType, string>>;
  /**
   * How INTERNAL comments are restricted. Default `{ property: 'sd.public.comment' }` (Jira Service
   * Management internal note); or a role/group visibility such as `{ type: 'role', value: 'Developers' }`.
   */
  internalComments?: { property: 'sd.public.comment' } | { type: 'role' | 'group'; value: string };
}

/** Default Jira status names each core status is pushed to (first available transition wins). */
export const JIRA_PUSH_STATUS_TARGETS: Readonly<Record<Status, readonly string[]>> = {
  NEW: ['To Do', 'Open', 'New', 'Backlog'],
  ASSIGNED: ['Assigned', 'To Do', 'Open'],
  IN_PROGRESS: ['In Progress', 'Work in progress'],
  PENDING: ['Waiting for customer', 'Pending', 'On Hold', 'Blocked'],
  RESOLVED: ['Resolved', 'Done'],
  CLOSED: ['Closed', 'Done'],
  CANCELLED: ['Cancelled', 'Canceled', "Won't Do", 'Declined'],
};

/** Default Jira resolution names (Jira Cloud's default resolutions). */
export const JIRA_RESOLUTION_NAMES: Readonly<Record<ResolutionType, string>> = {
  FIXED: 'Done',
  WORKAROUND: 'Done',
  DUPLICATE: 'Duplicate',
  NOT_REPRODUCIBLE: 'Cannot Reproduce',
  WONT_FIX: "Won't Do",
};

/** Largest `maxResults` of Jira's issue search with fields. */
export const JIRA_MAX_PAGE_SIZE = 100;
/** {@link JIRA_OPTIONS_SCHEMA}, built on its first call. */
export const jiraOptionsSchema = lazy(() =>
  z.strictObject({
    ...SITE_OPTIONS_SHAPE,
    jql: textOption().optional(),
    timeZone: textOption().optional(),
    pageSize: wholeNumberOption(1, JIRA_MAX_PAGE_SIZE).optional(),
    statusTargets: objectOption().optional(),
    resolutionNames: objectOption().optional(),
    internalComments: objectOption().optional(),
    reconcileDeletions: booleanOption().optional(),
    userDirectory: objectOption().optional(),
  }),
);
/** {@link JiraConnectorOptions} as a strict zod schema, limits included (what `@incidents/config` checks). */
export const JIRA_OPTIONS_SCHEMA = /* @__PURE__ */ jiraOptionsSchema();

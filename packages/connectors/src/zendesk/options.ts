/**
 * Options of the Zendesk connector.
 * @module
 */
import * as z from 'zod';
import { lazy } from '@incidents/core/store-kit';
import { booleanOption, objectOption, SITE_OPTIONS_SHAPE, wholeNumberOption } from '../option-schemas.js';
import type { Status } from '@incidents/core';
import type { CommonConnectorOptions } from '../connector.js';
import type { HttpOptions } from '../http/http-client.js';
import type { OAuthOptions } from '../http/oauth.js';
import type { ZendeskMappingOptions } from './mapper.js';

/** Zendesk credentials: agent email + API token (`email/token:…` Basic), or an OAuth access token. */
export type ZendeskAuth = { email: string; apiToken: string } | { bearerToken: string } | { oauth: OAuthOptions };

/** Options of {@link createZendeskConnector}. */
export interface ZendeskConnectorOptions extends HttpOptions, CommonConnectorOptions {
  /** `https://<subdomain>.zendesk.com`. */
  baseUrl: string;
  auth: ZendeskAuth;
  /** Tickets per export page (`per_page`, ≤ 1000). Default 100. */
  pageSize?: number;
  /** Leave deleted tickets out of the export. Default `false` (they map to CANCELLED). */
  excludeDeleted?: boolean;
  mapping?: Omit<ZendeskMappingOptions, 'users' | 'groups' | 'baseUrl'>;
  /** Core status → Zendesk status. Overrides {@link ZENDESK_PUSH_STATUSES}. */
  statuses?: Partial<Record<Status, string>>;
}

/** Largest `per_page` of the incremental export. */
export const ZENDESK_MAX_PAGE_SIZE = 1000;
/** {@link ZENDESK_OPTIONS_SCHEMA}, built on its first call. */
export const zendeskOptionsSchema = lazy(() =>
  z.strictObject({
    ...SITE_OPTIONS_SHAPE,
    pageSize: wholeNumberOption(1, ZENDESK_MAX_PAGE_SIZE).optional(),
    excludeDeleted: booleanOption().optional(),
    statuses: objectOption().optional(),
  }),
);
/** {@link ZendeskConnectorOptions} as a strict zod schema, limits included (what `@incidents/config` checks). */
export const ZENDESK_OPTIONS_SCHEMA = /* @__PURE__ */ zendeskOptionsSchema();

/**
 * Options of the ServiceNow connector.
 * @module
 */
import * as z from 'zod';
import { lazy } from '@incidents/core/store-kit';
import { objectOption, textOption, SITE_OPTIONS_SHAPE, wholeNumberOption } from '../option-schemas.js';
import type { ResolutionType, Status } from '@incidents/core';
import type { CommonConnectorOptions } from '../connector.js';
import type { HttpOptions } from '../http/http-client.js';
import type { OAuthOptions } from '../http/oauth.js';
import type { ServiceNowMappingOptions } from './mapper.js';

/** ServiceNow credentials: a user name + password (Basic) or an OAuth access token (Bearer). */
export type ServiceNowAuth = { username: string; password: string } | { bearerToken: string } | { oauth: OAuthOptions };

/** Options of {@link createServiceNowConnector}. */
export interface ServiceNowConnectorOptions extends HttpOptions, CommonConnectorOptions {
  /** Instance URL, e.g. `https://acme.service-now.com`. */
  baseUrl: string;
  auth: ServiceNowAuth;
  /** Table. Default `incident`. */
  table?: string;
  /** Encoded query restricting what is synced, e.g. `assignment_group.name=Payments`; the connector adds the `sys_updated_on` bound and ordering. */
  query?: string;
  /** Records per request (`sysparm_limit`, 1…1000). Default 100. */
  pageSize?: number;
  mapping?: Omit<ServiceNowMappingOptions, 'baseUrl' | 'table'>;
  /** Core status → state code written by `pushStatus`. Overrides {@link SERVICENOW_PUSH_STATES}. */
  states?: Partial<Record<Status, string>>;
  /** Core resolution type → `close_code`. Overrides {@link SERVICENOW_CLOSE_CODES}. */
  closeCodes?: Partial<Record<ResolutionType, string>>;
  /** `hold_reason` written when pushing PENDING (On Hold). Default `1` (Awaiting Caller). */
  holdReason?: string;
}

/** Largest `sysparm_limit` the connector asks for. */
export const SERVICENOW_MAX_PAGE_SIZE = 1000;
/** {@link SERVICENOW_OPTIONS_SCHEMA}, built on its first call. */
export const servicenowOptionsSchema = lazy(() =>
  z.strictObject({
    ...SITE_OPTIONS_SHAPE,
    table: textOption().optional(),
    query: textOption().optional(),
    pageSize: wholeNumberOption(1, SERVICENOW_MAX_PAGE_SIZE).optional(),
    states: objectOption().optional(),
    closeCodes: objectOption().optional(),
    holdReason: textOption().optional(),
  }),
);
/** {@link ServiceNowConnectorOptions} as a strict zod schema, limits included (what `@incidents/config` checks). */
export const SERVICENOW_OPTIONS_SCHEMA = /* @__PURE__ */ servicenowOptionsSchema();

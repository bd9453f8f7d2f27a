/**
 * Options of the BMC Remedy / Helix ITSM connector.
 * @module
 */
import * as z from 'zod';
import { lazy } from '@incidents/core/store-kit';
import { booleanOption, objectOption, textOption, SITE_OPTIONS_SHAPE, wholeNumberOption } from '../option-schemas.js';
import type { Status } from '@incidents/core';
import type { CommonConnectorOptions } from '../connector.js';
import type { HttpOptions } from '../http/http-client.js';
import type { RemedyMappingOptions } from './mapper.js';

/** BMC's interface form for searching, reading and updating existing incidents. */
export const REMEDY_INCIDENT_INTERFACE = 'HPD:IncidentInterface';

/**
 * Default `Status_Reason` per pushed status. BMC Helix ITSM refuses a Pending or Resolved status
 * without a reason; these are values of its standard reason menus (Pending: *Client Action
 * Required*; Resolved: *No Further Action Required*). Override with `statusReasons`.
 */
export const REMEDY_STATUS_REASONS: Readonly<Partial<Record<Status, string>>> = {
  PENDING: 'Client Action Required',
  RESOLVED: 'No Further Action Required',
};

/** Options of {@link createRemedyConnector}. */
export interface RemedyConnectorOptions extends HttpOptions, CommonConnectorOptions {
  /** REST endpoint of the AR System server, e.g. `https://acme-restapi.onbmc.com` (port 8008 on premises). */
  baseUrl: string;
  /** AR System user; exchanged for an AR-JWT token at `POST /api/jwt/login` (re-done once on 401). */
  auth: { username: string; password: string };
  /** Form pulled. Default `HPD:Help Desk`. */
  form?: string;
  /**
   * Form `pushStatus` modifies (by its `Request ID`, looked up by `Incident Number`). Default
   * {@link REMEDY_INCIDENT_INTERFACE}, BMC's documented interface form for updating incidents.
   */
  updateForm?: string;
  /** Work-log form. Default `HPD:WorkLog`. */
  workLogForm?: string;
  /** Extra qualification ANDed to the pull, e.g. `'Assigned Group' = "Service Desk"`. */
  query?: string;
  /** Entries per request (`limit`). Default 100. */
  pageSize?: number;
  mapping?: RemedyMappingOptions;
  /** Core status → Remedy `Status`. Overrides {@link REMEDY_PUSH_STATUSES}. */
  statuses?: Partial<Record<Status, string>>;
  /**
   * `Status_Reason` written with a status, merged over {@link REMEDY_STATUS_REASONS} (Pending and
   * Resolved require one). An empty string sends none.
   */
  statusReasons?: Partial<Record<Status, string>>;
  /**
   * After each complete pull, look the imported incident numbers up on the form (100 a request)
   * and mark those it no longer returns as deleted at the source. Default `false`.
   */
  reconcileDeletions?: boolean;
  /** `Work Log Type` of pushed comments. Default `General Information`. */
  workLogType?: string;
}

/** Largest `limit` the connector asks for (keep it ≤ the server's max-entries-per-query setting). */
export const REMEDY_MAX_PAGE_SIZE = 1000;
/** {@link REMEDY_OPTIONS_SCHEMA}, built on its first call. */
export const remedyOptionsSchema = lazy(() =>
  z.strictObject({
    ...SITE_OPTIONS_SHAPE,
    form: textOption().optional(),
    updateForm: textOption().optional(),
    workLogForm: textOption().optional(),
    query: textOption().optional(),
    pageSize: wholeNumberOption(1, REMEDY_MAX_PAGE_SIZE).optional(),
    statuses: objectOption().optional(),
    statusReasons: objectOption().optional(),
    workLogType: textOption().optional(),
    reconcileDeletions: booleanOption().optional(),
  }),
);
/** {@link RemedyConnectorOptions} as a strict zod schema, limits included (what `@incidents/config` checks). */
export const REMEDY_OPTIONS_SCHEMA = /* @__PURE__ */ remedyOptionsSchema();

/**
 * Options of the BMC Remedy / Helix ITSM connector.
 * @module
 */
import type { Status } from '@incidents/core';
import type { CommonConnectorOptions } from '../connector.js';
import type { HttpOptions } from '../http/http-client.js';
import type { RemedyMappingOptions } from './mapper.js';

/** Options of {@link createRemedyConnector}. */
export interface RemedyConnectorOptions extends HttpOptions, CommonConnectorOptions {
  /** REST endpoint of the AR System server, e.g. `https://acme-restapi.onbmc.com` (port 8008 on premises). */
  baseUrl: string;
  /** AR System user; exchanged for an AR-JWT token at `POST /api/jwt/login` (re-done once on 401). */
  auth: { username: string; password: string };
  /** Form pulled. Default `HPD:Help Desk`. */
  form?: string;
  /** Form `pushStatus` updates (by `Request ID`). Default: the pulled form. */
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
  /** `Status_Reason` written with a status (e.g. `{ PENDING: 'Client Action Required', RESOLVED: 'No Further Action Required' }`). */
  statusReasons?: Partial<Record<Status, string>>;
  /** `Work Log Type` of pushed comments. Default `General Information`. */
  workLogType?: string;
}

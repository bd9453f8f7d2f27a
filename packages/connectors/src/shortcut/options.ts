/**
 * Options of the Shortcut connector.
 * @module
 */
import type { Status } from '@incidents/core';
import type { CommonConnectorOptions } from '../connector.js';
import type { HttpOptions } from '../http/http-client.js';
import type { ShortcutMappingOptions } from './mapper.js';

/** Options of {@link createShortcutConnector}. */
export interface ShortcutConnectorOptions extends HttpOptions, CommonConnectorOptions {
  /** Shortcut API token (sent as the `Shortcut-Token` header). */
  apiToken: string;
  /** API origin. Default `https://api.app.shortcut.com`. */
  baseUrl?: string;
  /** Search query restricting what is synced, e.g. `type:bug label:incident`; the connector adds `updated:<date>..*`. */
  query?: string;
  /** Stories per search page (`page_size`, ≤ 25). Default 25. */
  pageSize?: number;
  mapping?: Omit<ShortcutMappingOptions, 'workflowStates'>;
  /** Workflow-state names each core status is pushed to, tried in order (case-insensitive); then by state type. */
  stateTargets?: Partial<Record<Status, readonly string[]>>;
}

/**
 * Options of the Shortcut connector.
 * @module
 */
import * as z from 'zod';
import { lazy } from '@incidents/core/store-kit';
import {
  booleanOption,
  httpUrlOption,
  objectOption,
  textOption,
  TRANSPORT_OPTIONS_SHAPE,
  wholeNumberOption,
} from '../option-schemas.js';
import type { Status } from '@incidents/core';
import type { CommonConnectorOptions } from '../connector.js';
import type { HttpOptions } from '../http/http-client.js';
import type { ShortcutMappingOptions } from './mapper.js';

/** Largest `page_size` Shortcut's story search accepts. */
export const SHORTCUT_MAX_PAGE_SIZE = 250;
/** Default stories per page. */
export const SHORTCUT_DEFAULT_PAGE_SIZE = 100;

/** Filter fields of Shortcut's "Query Stories" (`POST /api/v3/stories/search`) body. */
export interface ShortcutStoryFilter {
  /** `feature`, `chore` or `bug`. */
  story_type?: 'feature' | 'chore' | 'bug';
  /** Name of a label the stories carry. */
  label_name?: string;
  /** Label ids the stories may carry. */
  label_ids?: number[];
  /** Projects the stories may belong to. */
  project_ids?: number[];
  /** Teams (groups) the stories may belong to. */
  group_ids?: string[];
  /** Epics the stories may belong to. */
  epic_ids?: number[];
  /** Owners the stories may have. */
  owner_ids?: string[];
  /** Workflow-state types the stories may be in. */
  workflow_state_types?: Array<'backlog' | 'unstarted' | 'started' | 'done'>;
  /** Only archived (`true`) or only unarchived (`false`) stories. */
  archived?: boolean;
}

/** Options of {@link createShortcutConnector}. */
export interface ShortcutConnectorOptions extends HttpOptions, CommonConnectorOptions {
  /** Shortcut API token (sent as the `Shortcut-Token` header). */
  apiToken: string;
  /** API origin. Default `https://api.app.shortcut.com`. */
  baseUrl?: string;
  /**
   * Search-operator query restricting what a first import reads, e.g. `type:bug label:incident`
   * (`GET /api/v3/search/stories`). Incremental pulls use {@link ShortcutConnectorOptions.filter};
   * with a `query` and no `filter` they keep the operator search with `updated:<date>..*` (day
   * precision, first 1000 matches only).
   */
  query?: string;
  /**
   * Filter of incremental pulls (`POST /api/v3/stories/search`, which reads `updated_at_start` to
   * the instant), in that endpoint's documented `SearchStories` fields, e.g.
   * `{ story_type: 'bug', label_name: 'incident' }`. Select the same stories as `query`.
   */
  filter?: ShortcutStoryFilter;
  /** Stories per page (`page_size` of the search, 1-250). Default 100. */
  pageSize?: number;
  mapping?: Omit<ShortcutMappingOptions, 'workflowStates'>;
  /**
   * After each complete pull, read every imported story (one request each) and mark those Shortcut
   * answers 404 for as deleted at the source. Default `false`. Archived stories are marked by the
   * pull itself.
   */
  reconcileDeletions?: boolean;
  /** Workflow-state names each core status is pushed to, tried in order (case-insensitive); then by state type. */
  stateTargets?: Partial<Record<Status, readonly string[]>>;
}

/** {@link SHORTCUT_OPTIONS_SCHEMA}, built on its first call. */
export const shortcutOptionsSchema = lazy(() =>
  z.strictObject({
    ...TRANSPORT_OPTIONS_SHAPE,
    apiToken: textOption(),
    baseUrl: httpUrlOption().optional(),
    query: textOption().optional(),
    filter: objectOption().optional(),
    pageSize: wholeNumberOption(1, SHORTCUT_MAX_PAGE_SIZE).optional(),
    stateTargets: objectOption().optional(),
    reconcileDeletions: booleanOption().optional(),
  }),
);
/** {@link ShortcutConnectorOptions} as a strict zod schema, limits included (what `@incidents/config` checks). */
export const SHORTCUT_OPTIONS_SCHEMA = /* @__PURE__ */ shortcutOptionsSchema();

/**
 * Options of the Slack connector.
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
import type { CommonConnectorOptions } from '../connector.js';
import type { HttpOptions } from '../http/http-client.js';
import type { OAuthOptions } from '../http/oauth.js';
import type { SlackMappingOptions } from './mapper.js';

/** Options of {@link createSlackConnector}. */
export interface SlackConnectorOptions extends HttpOptions, CommonConnectorOptions {
  /** Bot token (`xoxb-…`) with `channels:history` (and `groups:history` for private channels) and `chat:write`. */
  token?: string;
  /**
   * Token rotation: the bot token (`xoxe.xoxb-…`) expires after 12 hours and is refreshed through
   * `oauth.v2.access` (`tokenUrl` default `https://slack.com/api/oauth.v2.access`) with the rotating
   * refresh token. Give `token` or `oauth`.
   */
  oauth?: Omit<OAuthOptions, 'tokenUrl'> & { tokenUrl?: string };
  /** The channel to read reports from and reply in. One connector per channel. */
  channelId: string;
  /** Web API base URL. Default `https://slack.com/api/`. */
  baseUrl?: string;
  /** Messages per `conversations.history` page (≤ 999; Slack recommends ≤ 200). Default 200. */
  pageSize?: number;
  /**
   * How far before `since` messages are read again, for changes Slack does not date: reactions
   * (the status) and replies to older threads (a thread whose `latest_reply` is newer than `since` has
   * its replies read again). Default 6 hours; 0 turns it off.
   */
  rescanWindowMs?: number;
  /**
   * The app's rate-limit tier. `non-marketplace` (apps created after May 2025 outside the Slack
   * Marketplace): `conversations.history` and `conversations.replies` at most 15 messages a page and
   * one call a minute each — the pull stays complete, only slower. Default `standard`.
   */
  rateTier?: 'standard' | 'non-marketplace';
  /**
   * Least time from the answer of one `conversations.history` call to the next call (and, with
   * `rateTier: 'non-marketplace'`, of one `conversations.replies` call to the next). Default 60 s for
   * `non-marketplace`, else 0.
   */
  historyIntervalMs?: number;
  /**
   * After each complete pull, look every imported message up (one `conversations.history` call
   * each, paced like the pull: slow under the non-Marketplace tier) and mark those gone, or left as
   * a tombstone, as deleted at the source. Default `false`.
   */
  reconcileDeletions?: boolean;
  /** Read thread replies as comments. Default `true`. */
  includeReplies?: boolean;
  mapping?: Omit<SlackMappingOptions, 'channelId'>;
}

/** Largest `limit` of `conversations.history` (15 for non-Marketplace apps). */
export const SLACK_MAX_PAGE_SIZE = 999;
/** {@link SLACK_OPTIONS_SCHEMA}, built on its first call. */
export const slackOptionsSchema = lazy(() =>
  z.strictObject({
    ...TRANSPORT_OPTIONS_SHAPE,
    token: textOption().optional(),
    oauth: objectOption().optional(),
    channelId: textOption(),
    baseUrl: httpUrlOption().optional(),
    pageSize: wholeNumberOption(1, SLACK_MAX_PAGE_SIZE).optional(),
    includeReplies: booleanOption().optional(),
    rescanWindowMs: wholeNumberOption(0, 30 * 86_400_000).optional(),
    rateTier: z.enum(['standard', 'non-marketplace'], { error: 'expected standard or non-marketplace' }).optional(),
    historyIntervalMs: wholeNumberOption(0, 3_600_000).optional(),
    reconcileDeletions: booleanOption().optional(),
  }),
);
/** {@link SlackConnectorOptions} as a strict zod schema, limits included (what `@incidents/config` checks). */
export const SLACK_OPTIONS_SCHEMA = /* @__PURE__ */ slackOptionsSchema();

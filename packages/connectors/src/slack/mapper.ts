/**
 * Pure mapper: a Slack message (an element of `messages` of `conversations.history`) → the core
 * incident input (R-SOURCE-2).
 *
 * - `ticketId=ZD-12345` (or `ticketId: …`) in the text links the message to that ticket:
 *   `ticketRef` and the suggested `incident_id` are the ticket id. Without it the incident gets the
 *   synthetic id `SL-<ts>`.
 * - `priority=High` sets the priority through {@link SLACK_PRIORITY_MAP} (default P3).
 * - Status: NEW, unless a reaction in {@link SLACK_REACTION_STATUS_MAP} says otherwise
 *   (`:white_check_mark:` → RESOLVED, `:eyes:` → IN_PROGRESS).
 * - The title is the first line of the text without the `key=value` tags.
 *
 * @module
 */
import { PRIORITY_TO_SEVERITY, type Priority, type Status } from '@incidents/core';
import * as z from 'zod';
import type { ImportedComment, MappedIncident } from '../connector.js';
import { type BaseMappingOptions, finishInput, firstText, lookup, parseVendor, titleFrom } from '../mapping/common.js';

/** `priority=` value → core priority. Override with `priorities`. */
export const SLACK_PRIORITY_MAP: Readonly<Record<string, Priority>> = {
  critical: 'P1',
  critica: 'P1',
  urgent: 'P1',
  highest: 'P1',
  p1: 'P1',
  high: 'P2',
  alta: 'P2',
  p2: 'P2',
  medium: 'P3',
  normal: 'P3',
  media: 'P3',
  p3: 'P3',
  low: 'P4',
  lowest: 'P4',
  baja: 'P4',
  p4: 'P4',
};

/** Reaction name → core status (the last matching reaction in this order wins: resolved beats in-progress). Override with `statuses`. */
export const SLACK_REACTION_STATUS_MAP: Readonly<Record<string, Status>> = {
  eyes: 'IN_PROGRESS',
  hourglass_flowing_sand: 'PENDING',
  white_check_mark: 'RESOLVED',
  heavy_check_mark: 'RESOLVED',
  no_entry_sign: 'CANCELLED',
};

/** Options of {@link mapSlackMessage}. */
export interface SlackMappingOptions extends BaseMappingOptions {
  /** The channel the message was read from (required: Slack message ids are per channel). */
  channelId: string;
  /** Workspace URL (`https://acme.slack.com`) for permalinks in `source_url`. */
  workspaceUrl?: string;
}

/** A Slack message as `conversations.history` / `conversations.replies` return it. */
export const SlackMessageSchema = z.looseObject({
  type: z.string().optional(),
  subtype: z.string().optional(),
  ts: z.string().regex(/^\d+\.\d+$/, 'expected a Slack timestamp like 1512085950.000216'),
  text: z.string().default(''),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  username: z.string().optional(),
  thread_ts: z.string().optional(),
  reply_count: z.number().int().optional(),
  latest_reply: z.string().optional(),
  edited: z.looseObject({ ts: z.string(), user: z.string().optional() }).optional(),
  reactions: z.array(z.looseObject({ name: z.string(), count: z.number().optional() })).optional(),
});

/** Slack `ts` (`1512085950.000216`) → ISO. */
export function slackTsToIso(ts: string): string {
  return new Date(Math.floor(Number(ts) * 1000)).toISOString();
}

/** The `key=value` tags of a message (`ticketId`, `priority`), case-insensitive keys. */
export function parseSlackTags(text: string): { ticketId?: string; priority?: string; rest: string } {
  const ticket = /\bticket[_-]?id\s*[=:]\s*([A-Za-z][A-Za-z0-9]*-[A-Za-z0-9._-]+)/i.exec(text);
  const priority = /\bpriority\s*[=:]\s*([A-Za-z0-9_]+)/i.exec(text);
  const rest = text
    .replace(/\bticket[_-]?id\s*[=:]\s*\S+/gi, '')
    .replace(/\bpriority\s*[=:]\s*\S+/gi, '')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  return {
    ...(ticket?.[1] ? { ticketId: ticket[1].toUpperCase() } : {}),
    ...(priority?.[1] ? { priority: priority[1] } : {}),
    rest,
  };
}

/** Maps a thread reply to a comment (channel messages are PUBLIC). */
export function mapSlackReply(message: z.infer<typeof SlackMessageSchema>): ImportedComment {
  return {
    external_id: message.ts,
    author: firstText(message.user, message.username, message.bot_id) ?? 'unknown',
    text: message.text,
    created_at: slackTsToIso(message.ts),
    visibility: 'PUBLIC',
  };
}

/**
 * Maps a Slack message to a {@link MappedIncident}. `external_id` is `<channelId>:<ts>`.
 *
 * @example
 * ```ts
 * const m = mapSlackMessage({ ts: '1756575000.000100', user: 'U123ABC', text: 'Login broken ticketId=ZD-12345 priority=High' }, { channelId: 'C024BE91L' });
 * m.ticketRef; // 'ZD-12345'
 * ```
 */
export function mapSlackMessage(message: unknown, options: SlackMappingOptions): MappedIncident {
  const m = parseVendor('slack', SlackMessageSchema, message, 'Slack message');
  const channelId = options.channelId;
  const tags = parseSlackTags(m.text);
  const priority = lookup(tags.priority, SLACK_PRIORITY_MAP, options.priorities) ?? 'P3';
  let status: Status = 'NEW';
  for (const [reaction, s] of Object.entries({ ...SLACK_REACTION_STATUS_MAP, ...options.statuses })) {
    if (m.reactions?.some((r) => r.name === reaction)) status = s;
  }
  const created = slackTsToIso(m.ts);
  const updatedTs = [m.ts, m.edited?.ts, m.latest_reply]
    .filter((t): t is string => !!t)
    .reduce((a, b) => (Number(b) > Number(a) ? b : a));
  const updated = slackTsToIso(updatedTs);
  const author = firstText(m.user, m.username, m.bot_id);
  const url = options.workspaceUrl
    ? `${options.workspaceUrl.replace(/\/+$/, '')}/archives/${channelId}/p${m.ts.replace('.', '')}`
    : undefined;
  const title = titleFrom(tags.rest, `Slack message ${m.ts}`);
  const input = finishInput('slack', 'Slack message', {
    incident_id: tags.ticketId ?? `SL-${m.ts}`,
    external_id: `${channelId}:${m.ts}`,
    source_system: 'SLACK',
    source_url: url,
    title,
    description: m.text,
    category: options.defaultCategory ?? 'General',
    severity: PRIORITY_TO_SEVERITY[priority],
    priority,
    team: options.team,
    created_at: created,
    environment: options.environment,
  });
  return {
    external_id: `${channelId}:${m.ts}`,
    updated_at: updated,
    input,
    status,
    remote_status: status === 'NEW' ? 'posted' : (m.reactions?.map((r) => r.name).join(',') ?? 'posted'),
    comments: [],
    sourceRecord: {
      source_system: 'SLACK',
      record_id: m.ts,
      ...(url ? { url } : {}),
      title,
      ...(tags.priority ? { priority: tags.priority } : {}),
      ...(author ? { author } : {}),
      created_at: created,
      updated_at: updated,
      data: {
        channel: channelId,
        text: m.text,
        ...(m.reply_count ? { reply_count: m.reply_count } : {}),
        ...(tags.ticketId ? { ticket_id: tags.ticketId } : {}),
      },
    },
    ...(tags.ticketId ? { ticketRef: tags.ticketId } : {}),
  };
}

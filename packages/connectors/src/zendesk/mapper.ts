/**
 * Pure mapper: a Zendesk Support ticket (as the incremental export or `GET /api/v2/tickets/{id}`
 * returns it) → the core incident input.
 *
 * ## Status table ({@link ZENDESK_STATUS_MAP})
 * new → NEW (ASSIGNED with an assignee), open → IN_PROGRESS, pending and hold → PENDING,
 * solved → RESOLVED, closed → CLOSED, deleted → CANCELLED.
 *
 * ## Priority table ({@link ZENDESK_PRIORITY_MAP})
 * urgent → P1, high → P2, normal → P3, low → P4; none → P3.
 *
 * @module
 */
import { PRIORITY_TO_SEVERITY, type Priority, type Status } from '@incidents/core';
import * as z from 'zod';
import type { ImportedComment, MappedIncident } from '../connector.js';
import {
  type BaseMappingOptions,
  finishInput,
  firstText,
  lookup,
  parseVendor,
  vendorTimestamp,
} from '../mapping/common.js';

/** Zendesk ticket status → core status. Override with `mapping.statuses`. */
export const ZENDESK_STATUS_MAP: Readonly<Record<string, Status>> = {
  new: 'NEW',
  open: 'IN_PROGRESS',
  pending: 'PENDING',
  hold: 'PENDING',
  solved: 'RESOLVED',
  closed: 'CLOSED',
  deleted: 'CANCELLED',
};

/** Core status → the Zendesk status `pushStatus` writes (a ticket cannot go back to `new`). */
export const ZENDESK_PUSH_STATUSES: Readonly<Record<Status, string>> = {
  NEW: 'open',
  ASSIGNED: 'open',
  IN_PROGRESS: 'open',
  PENDING: 'pending',
  RESOLVED: 'solved',
  // `closed` is final in Zendesk (no update, no reopening; Zendesk closes solved tickets by itself
  // after a few days): pushed only when asked, with `statuses: { CLOSED: 'closed' }`.
  CLOSED: 'solved',
  CANCELLED: 'solved',
};

/** Zendesk priority → core priority. Override with `mapping.priorities`. */
export const ZENDESK_PRIORITY_MAP: Readonly<Record<string, Priority>> = {
  urgent: 'P1',
  high: 'P2',
  normal: 'P3',
  low: 'P4',
};

/** A user or group as sideloaded by `include=users,groups`. */
export interface ZendeskPerson {
  name?: string;
  email?: string | null;
}

/** Options of {@link mapZendeskTicket}. */
export interface ZendeskMappingOptions extends BaseMappingOptions {
  /** Help-center agent URL base for `source_url` (`<baseUrl>/agent/tickets/<id>`). */
  baseUrl?: string;
  /** Sideloaded users by id (assignee email, requester). */
  users?: ReadonlyMap<number, ZendeskPerson>;
  /** Sideloaded groups by id (team). */
  groups?: ReadonlyMap<number, ZendeskPerson>;
}

const Id = z.number().int();

/** The fields of a ticket the mapper reads. */
export const ZendeskTicketSchema = z.looseObject({
  id: Id,
  url: z.string().optional(),
  subject: z.string().nullish(),
  raw_subject: z.string().nullish(),
  description: z.string().nullish(),
  status: z.string(),
  priority: z.string().nullish(),
  type: z.string().nullish(),
  requester_id: Id.nullish(),
  assignee_id: Id.nullish(),
  group_id: Id.nullish(),
  tags: z.array(z.string()).nullish(),
  created_at: vendorTimestamp,
  updated_at: vendorTimestamp,
  due_at: vendorTimestamp.nullish(),
  via: z.looseObject({ channel: z.union([z.string(), z.number()]).optional() }).nullish(),
});

/** A ticket comment. */
export const ZendeskCommentSchema = z.looseObject({
  id: Id,
  author_id: Id.nullish(),
  body: z.string().nullish(),
  plain_body: z.string().nullish(),
  public: z.boolean(),
  created_at: vendorTimestamp,
});

/** Maps a Zendesk comment; `public: false` (internal note) → INTERNAL. */
export function mapZendeskComment(
  c: z.infer<typeof ZendeskCommentSchema>,
  users?: ReadonlyMap<number, ZendeskPerson>,
): ImportedComment {
  const user = c.author_id != null ? users?.get(c.author_id) : undefined;
  return {
    external_id: String(c.id),
    author: firstText(user?.email, user?.name, c.author_id != null ? `zendesk:${c.author_id}` : undefined) ?? 'unknown',
    text: firstText(c.plain_body, c.body) ?? '',
    created_at: c.created_at,
    visibility: c.public ? 'PUBLIC' : 'INTERNAL',
  };
}

/**
 * Maps a Zendesk ticket to a {@link MappedIncident}: `external_id` is the ticket id, the suggested
 * `incident_id` is `ZD-<id>` (R-SOURCE-2). Comments come from the ticket's comments endpoint:
 * `comments` is empty.
 *
 * @example
 * ```ts
 * const mapped = mapZendeskTicket(ticket, { baseUrl: 'https://acme.zendesk.com' });
 * mapped.input.incident_id; // 'ZD-35436'
 * ```
 */
export function mapZendeskTicket(ticket: unknown, options: ZendeskMappingOptions = {}): MappedIncident {
  const t = parseVendor('zendesk', ZendeskTicketSchema, ticket, 'Zendesk ticket');
  let status = lookup(t.status, ZENDESK_STATUS_MAP, options.statuses) ?? 'NEW';
  if (status === 'NEW' && t.assignee_id != null) status = 'ASSIGNED';
  const priority = lookup(t.priority, ZENDESK_PRIORITY_MAP, options.priorities) ?? 'P3';
  const assignee = t.assignee_id != null ? options.users?.get(t.assignee_id) : undefined;
  const requester = t.requester_id != null ? options.users?.get(t.requester_id) : undefined;
  const group = t.group_id != null ? options.groups?.get(t.group_id) : undefined;
  const url = options.baseUrl ? `${options.baseUrl.replace(/\/+$/, '')}/agent/tickets/${t.id}` : undefined;
  const title = firstText(t.subject, t.raw_subject, t.description?.split('\n')[0]) ?? `Zendesk ticket ${t.id}`;
  const input = finishInput('zendesk', 'Zendesk ticket', {
    incident_id: `ZD-${t.id}`,
    external_id: String(t.id),
    source_system: 'ZENDESK',
    source_url: url,
    title,
    description: t.description ?? '',
    category:
      firstText(t.type ? t.type[0]?.toUpperCase() + t.type.slice(1) : undefined, options.defaultCategory) ?? 'General',
    severity: PRIORITY_TO_SEVERITY[priority],
    priority,
    team: firstText(group?.name, options.team),
    created_at: t.created_at,
    due_date: t.due_at ?? undefined,
    environment: options.environment,
    tags: t.tags ?? [],
    assigned_to: firstText(assignee?.email),
  });
  return {
    external_id: String(t.id),
    updated_at: t.updated_at,
    input,
    status,
    remote_status: t.status,
    ...(t.status === 'deleted' ? { deleted: true } : {}),
    comments: [],
    sourceRecord: {
      source_system: 'ZENDESK',
      record_id: String(t.id),
      ...(url ? { url } : {}),
      title,
      status: t.status,
      ...(t.priority ? { priority: t.priority } : {}),
      ...(firstText(requester?.email, requester?.name) ? { author: firstText(requester?.email, requester?.name) } : {}),
      created_at: t.created_at,
      updated_at: t.updated_at,
      data: {
        ...(t.requester_id != null ? { requester_id: t.requester_id } : {}),
        ...(t.assignee_id != null ? { assignee_id: t.assignee_id } : {}),
        ...(t.group_id != null ? { group_id: t.group_id } : {}),
        ...(t.type ? { type: t.type } : {}),
        ...(t.via?.channel !== undefined ? { channel: t.via.channel } : {}),
      },
    },
  };
}

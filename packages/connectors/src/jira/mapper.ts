/**
 * Pure mapper: a Jira Cloud REST v3 issue (as `/rest/api/3/search/jql` or `/rest/api/3/issue/{key}`
 * returns it) → the core incident input.
 *
 * ## Status table ({@link JIRA_STATUS_MAP})
 * Looked up by status name (case-insensitive); unknown names fall back to the status category
 * (`new` → NEW, `indeterminate` → IN_PROGRESS, `done` → CLOSED). A NEW issue with an assignee is
 * ASSIGNED.
 *
 * ## Priority table ({@link JIRA_PRIORITY_MAP})
 * Highest/Blocker/Critical → P1, High/Major → P2, Medium → P3, Low/Lowest/Minor/Trivial → P4;
 * none → P3. Severity follows the priority (P1 → CRITICAL … P4 → LOW).
 *
 * @module
 */
import { PRIORITY_TO_SEVERITY, type Priority, type ResolutionType, type Status } from '@incidents/core';
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
import { adfToText } from './adf.js';

/** Jira status name → core status. Override with `mapping.statuses`. */
export const JIRA_STATUS_MAP: Readonly<Record<string, Status>> = {
  'to do': 'NEW',
  open: 'NEW',
  new: 'NEW',
  backlog: 'NEW',
  reopened: 'NEW',
  assigned: 'ASSIGNED',
  'in progress': 'IN_PROGRESS',
  'work in progress': 'IN_PROGRESS',
  'in review': 'IN_PROGRESS',
  'waiting for customer': 'PENDING',
  'waiting for support': 'IN_PROGRESS',
  pending: 'PENDING',
  'on hold': 'PENDING',
  blocked: 'PENDING',
  resolved: 'RESOLVED',
  done: 'CLOSED',
  closed: 'CLOSED',
  cancelled: 'CANCELLED',
  canceled: 'CANCELLED',
  "won't do": 'CANCELLED',
  declined: 'CANCELLED',
};

/** Jira status category key → core status, for status names missing from the table. */
export const JIRA_STATUS_CATEGORY_MAP: Readonly<Record<string, Status>> = {
  new: 'NEW',
  indeterminate: 'IN_PROGRESS',
  done: 'CLOSED',
};

/** Jira priority name → core priority. Override with `mapping.priorities`. */
export const JIRA_PRIORITY_MAP: Readonly<Record<string, Priority>> = {
  highest: 'P1',
  blocker: 'P1',
  critical: 'P1',
  high: 'P2',
  major: 'P2',
  medium: 'P3',
  low: 'P4',
  minor: 'P4',
  lowest: 'P4',
  trivial: 'P4',
};

/** Jira resolution name → core resolution type. */
export const JIRA_RESOLUTION_MAP: Readonly<Record<string, ResolutionType>> = {
  done: 'FIXED',
  fixed: 'FIXED',
  duplicate: 'DUPLICATE',
  'cannot reproduce': 'NOT_REPRODUCIBLE',
  "won't do": 'WONT_FIX',
  "won't fix": 'WONT_FIX',
  declined: 'WONT_FIX',
};

/** Options of {@link mapJiraIssue}. */
export interface JiraMappingOptions extends BaseMappingOptions {
  /** Site URL for `source_url` (`<baseUrl>/browse/<key>`); default: the origin of the issue's `self`. */
  baseUrl?: string;
}

const UserSchema = z.looseObject({
  accountId: z.string().optional(),
  emailAddress: z.string().optional(),
  displayName: z.string().optional(),
});

/** A Jira comment (REST v3). */
export const JiraCommentSchema = z.looseObject({
  id: z.string(),
  author: UserSchema.optional(),
  body: z.unknown(),
  created: vendorTimestamp,
  updated: vendorTimestamp.optional(),
  jsdPublic: z.boolean().optional(),
  visibility: z.looseObject({ type: z.string(), value: z.string() }).nullish(),
});

/** The fields of a Jira issue the mapper reads (every other field is kept but ignored). */
export const JiraIssueSchema = z.looseObject({
  id: z.string(),
  key: z.string().min(1),
  self: z.string().optional(),
  fields: z.looseObject({
    summary: z.string(),
    description: z.unknown().optional(),
    status: z.looseObject({
      name: z.string(),
      statusCategory: z.looseObject({ key: z.string() }).optional(),
    }),
    priority: z.looseObject({ name: z.string() }).nullish(),
    issuetype: z.looseObject({ name: z.string() }).nullish(),
    project: z.looseObject({ key: z.string(), name: z.string().optional() }).nullish(),
    labels: z.array(z.string()).nullish(),
    components: z.array(z.looseObject({ name: z.string() })).nullish(),
    assignee: UserSchema.nullish(),
    reporter: UserSchema.nullish(),
    created: vendorTimestamp,
    updated: vendorTimestamp,
    duedate: z.string().nullish(),
    resolution: z.looseObject({ name: z.string(), description: z.string().optional() }).nullish(),
    resolutiondate: vendorTimestamp.nullish(),
    comment: z
      .looseObject({
        comments: z.array(JiraCommentSchema),
        total: z.number().int().optional(),
      })
      .nullish(),
  }),
});

function personName(user: z.infer<typeof UserSchema> | null | undefined): string | undefined {
  return firstText(user?.emailAddress, user?.displayName, user?.accountId);
}

/** Maps one Jira comment; restricted (`visibility`) and JSM internal (`jsdPublic: false`) comments are INTERNAL. */
export function mapJiraComment(comment: z.infer<typeof JiraCommentSchema>): ImportedComment {
  return {
    external_id: comment.id,
    author: personName(comment.author) ?? 'unknown',
    text: adfToText(comment.body),
    created_at: comment.created,
    visibility: comment.visibility || comment.jsdPublic === false ? 'INTERNAL' : 'PUBLIC',
  };
}

/** Core status of a Jira status name/category (see the module tables). */
export function jiraStatusToCore(
  name: string,
  categoryKey: string | undefined,
  overrides?: Readonly<Record<string, Status>>,
): Status {
  return lookup(name, JIRA_STATUS_MAP, overrides) ?? lookup(categoryKey, JIRA_STATUS_CATEGORY_MAP) ?? 'NEW';
}

/**
 * Maps a Jira Cloud issue (REST v3 JSON) to a {@link MappedIncident}. Description and comments are
 * flattened from ADF to text. Throws `connector.invalid_response` naming each missing/invalid field.
 *
 * @example
 * ```ts
 * const mapped = mapJiraIssue(issueJson, { baseUrl: 'https://acme.atlassian.net' });
 * mapped.input.incident_id; // 'OPS-123'
 * ```
 */
export function mapJiraIssue(issue: unknown, options: JiraMappingOptions = {}): MappedIncident {
  const data = parseVendor('jira', JiraIssueSchema, issue, 'Jira issue');
  const f = data.fields;
  let status = jiraStatusToCore(f.status.name, f.status.statusCategory?.key, options.statuses);
  const assignee = f.assignee?.emailAddress;
  if (status === 'NEW' && f.assignee) status = 'ASSIGNED';
  const priority = lookup(f.priority?.name, JIRA_PRIORITY_MAP, options.priorities) ?? 'P3';
  const components = (f.components ?? []).map((c) => c.name);
  const origin = options.baseUrl?.replace(/\/+$/, '') ?? (data.self ? safeOrigin(data.self) : undefined);
  const url = origin ? `${origin}/browse/${data.key}` : undefined;
  const dueDate = f.duedate ? toDueDate(f.duedate) : undefined;
  const input = finishInput('jira', 'Jira issue', {
    incident_id: data.key,
    external_id: data.key,
    source_system: 'JIRA',
    source_url: url,
    title: f.summary,
    description: adfToText(f.description),
    category: firstText(components[0], f.issuetype?.name, options.defaultCategory) ?? 'General',
    subcategory: components[0] ? f.issuetype?.name : undefined,
    severity: PRIORITY_TO_SEVERITY[priority],
    priority,
    team: options.team,
    created_at: f.created,
    due_date: dueDate,
    affected_services: components,
    environment: options.environment,
    labels: f.labels ?? [],
    assigned_to: assignee,
  });
  const comments = (f.comment?.comments ?? []).map(mapJiraComment);
  return {
    external_id: data.key,
    updated_at: f.updated,
    input,
    status,
    remote_status: f.status.name,
    comments,
    sourceRecord: {
      source_system: 'JIRA',
      record_id: data.key,
      ...(url ? { url } : {}),
      title: f.summary,
      status: f.status.name,
      ...(f.priority?.name ? { priority: f.priority.name } : {}),
      ...(personName(f.reporter) ? { author: personName(f.reporter) } : {}),
      created_at: f.created,
      updated_at: f.updated,
      data: {
        id: data.id,
        ...(f.project?.key ? { project: f.project.key } : {}),
        ...(f.issuetype?.name ? { issue_type: f.issuetype.name } : {}),
        ...(f.assignee?.accountId ? { assignee_account_id: f.assignee.accountId } : {}),
        ...(f.assignee?.displayName ? { assignee_name: f.assignee.displayName } : {}),
        ...(f.comment?.total !== undefined ? { comment_total: f.comment.total } : {}),
      },
    },
    ...(f.resolution
      ? {
          resolution: {
            code: f.resolution.name,
            ...(lookup(f.resolution.name, JIRA_RESOLUTION_MAP)
              ? { type: lookup(f.resolution.name, JIRA_RESOLUTION_MAP) }
              : {}),
          },
        }
      : {}),
  };
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function toDueDate(value: string): string | undefined {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

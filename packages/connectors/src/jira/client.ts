/**
 * The Jira Cloud connector (REST v3).
 * @module
 */
import type {
  Connector,
  DeletedRecord,
  ImportedComment,
  ListDeletedOptions,
  PulledIncident,
  PulledPage,
  PullOptions,
} from '../connector.js';
import { ConnectorError } from '../errors.js';
import { type AuthProvider, basicAuth, bearerAuth } from '../http/auth.js';
import { oauthAuth } from '../http/oauth.js';
import { readAhead } from '../http/read-ahead.js';
import { createHttpClient } from '../http/http-client.js';
import { decodePullCursor, encodePullCursor, normaliseSince } from '../mapping/cursor.js';
import { mapEach, maxIso, tableKey } from '../mapping/common.js';
import { textToAdf } from './adf.js';
import { jiraErrorMessage } from './errors.js';
import { JiraCommentSchema, jiraStatusToCore, mapJiraComment, mapJiraIssue } from './mapper.js';
import {
  JIRA_MAX_PAGE_SIZE,
  JIRA_PUSH_STATUS_TARGETS,
  JIRA_RESOLUTION_NAMES,
  type JiraConnectorOptions,
} from './options.js';
import * as z from 'zod';

const SEARCH_FIELDS = [
  'summary',
  'description',
  'status',
  'priority',
  'issuetype',
  'project',
  'labels',
  'components',
  'assignee',
  'reporter',
  'created',
  'updated',
  'duedate',
  'resolution',
  'resolutiondate',
  'comment',
];

const SearchPageSchema = z.looseObject({
  issues: z.array(z.unknown()),
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().optional(),
});

const CommentPageSchema = z.looseObject({
  comments: z.array(JiraCommentSchema),
  startAt: z.number().int(),
  maxResults: z.number().int(),
  total: z.number().int(),
});

const TransitionsSchema = z.looseObject({
  transitions: z.array(
    z.looseObject({
      id: z.string(),
      name: z.string(),
      to: z.looseObject({ name: z.string(), statusCategory: z.looseObject({ key: z.string() }).optional() }),
      fields: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

/** Whether `zone` is an IANA time zone this runtime knows. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Formats an instant as a JQL date literal (`yyyy-MM-dd HH:mm`) in a time zone (JQL has minute precision; the minute is floored). */
export function jqlDate(iso: string, timeZone = 'UTC'): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

const BulkFetchSchema = z.looseObject({
  issues: z.array(z.looseObject({ key: z.string() })).optional(),
  issueErrors: z.array(z.looseObject({ id: z.union([z.string(), z.number()]).optional() })).optional(),
});

/**
 * OAuth 2.0 requests go through the API gateway: `{apiBaseUrl}/ex/jira/{cloudId}`. The cloud id is
 * the accessible resource whose `url` is the configured site (the app may see several sites).
 */
async function jiraOAuthBase(
  name: string,
  site: string,
  oauth: NonNullable<Extract<JiraConnectorOptions['auth'], { oauth: unknown }>['oauth']>,
  auth: AuthProvider,
  options: JiraConnectorOptions,
): Promise<string> {
  const api = (oauth.apiBaseUrl ?? 'https://api.atlassian.com').replace(/\/+$/, '');
  if (oauth.cloudId) return `${api}/ex/jira/${encodeURIComponent(oauth.cloudId)}`;
  const gateway = createHttpClient({ ...options, connector: name, baseUrl: api, auth, errorMessage: jiraErrorMessage });
  const { body } = await gateway.request({
    path: '/oauth/token/accessible-resources',
    label: 'accessible-resources',
    schema: z.array(z.looseObject({ id: z.string(), url: z.string() })),
  });
  const wanted = site.replace(/\/+$/, '').toLowerCase();
  const found = body.find((r) => r.url.replace(/\/+$/, '').toLowerCase() === wanted);
  if (!found) {
    throw new ConnectorError(
      'connector.auth',
      `the OAuth app has no access to ${site}; sites it can reach: ${body.map((r) => r.url).join(', ') || 'none'}`,
      { connector: name },
    );
  }
  return `${api}/ex/jira/${encodeURIComponent(found.id)}`;
}

/**
 * Creates the Jira Cloud connector: pulls with `POST /rest/api/3/search/jql` (`nextPageToken`
 * pagination, JQL `updated >= since ORDER BY updated ASC`), pushes ADF comments and status changes
 * through the issue's workflow transitions.
 *
 * @example
 * ```ts
 * const jira = createJiraConnector({
 *   baseUrl: 'https://acme.atlassian.net',
 *   auth: { email: 'bot@acme.com', apiToken: token },
 *   jql: 'project = OPS',
 * });
 * for await (const page of jira.pull({ since: '2026-01-01T00:00:00Z' })) console.log(page.items.length);
 * ```
 */
export function createJiraConnector(options: JiraConnectorOptions): Connector {
  const name = 'jira';
  const oauth = 'oauth' in options.auth ? options.auth.oauth : undefined;
  const transport = {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  };
  const auth: AuthProvider =
    'oauth' in options.auth
      ? oauthAuth(
          name,
          { tokenUrl: 'https://auth.atlassian.com/oauth/token', ...options.auth.oauth, bodyFormat: 'json' },
          transport,
        )
      : 'bearerToken' in options.auth
        ? bearerAuth(options.auth.bearerToken)
        : basicAuth(options.auth.email, options.auth.apiToken);
  const http = createHttpClient({
    ...options,
    connector: name,
    auth,
    errorMessage: jiraErrorMessage,
    ...(oauth ? { resolveBaseUrl: () => jiraOAuthBase(name, options.baseUrl, oauth, auth, options) } : {}),
  });
  const pageSize = Math.min(JIRA_MAX_PAGE_SIZE, Math.max(1, options.pageSize ?? 50));
  const mapping = { baseUrl: options.baseUrl, ...options.mapping };
  /**
   * JQL date literals are read in the integration user's time zone: the configured `timeZone`, else
   * the one `GET /rest/api/3/myself` reports (looked up once; `UTC` when the profile has none).
   */
  let zone: Promise<string> | undefined = options.timeZone ? Promise.resolve(options.timeZone) : undefined;
  function userZone(signal?: AbortSignal): Promise<string> {
    zone ??= http
      .request({
        path: '/rest/api/3/myself',
        schema: z.looseObject({ timeZone: z.string().nullish() }),
        ...(signal ? { signal } : {}),
      })
      .then(({ body }) => (body.timeZone && isTimeZone(body.timeZone) ? body.timeZone : 'UTC'))
      .catch((err: unknown) => {
        zone = undefined;
        throw err;
      });
    return zone;
  }

  /** The email of an assignee whose email Jira hides, from the configured user directory. */
  async function directoryEmail(data: Record<string, unknown>): Promise<string | undefined> {
    if (!options.userDirectory || (data.assignee_account_id === undefined && data.assignee_name === undefined)) {
      return undefined;
    }
    const email = await options.userDirectory.emailFor({
      ...(typeof data.assignee_account_id === 'string' ? { accountId: data.assignee_account_id } : {}),
      ...(typeof data.assignee_name === 'string' ? { displayName: data.assignee_name } : {}),
    });
    return email?.trim() ? email.trim() : undefined;
  }

  /**
   * Comments whose author's email Jira hides are named by the user directory (as assignees are);
   * without a directory, or for an unknown account, the author stays the display name.
   */
  async function withDirectoryAuthors(
    raws: readonly unknown[],
    comments: ImportedComment[],
  ): Promise<ImportedComment[]> {
    const directory = options.userDirectory;
    if (!directory) return comments;
    const authors = new Map<string, { accountId?: string; displayName?: string }>();
    for (const raw of raws) {
      const parsed = JiraCommentSchema.safeParse(raw);
      const author = parsed.success ? parsed.data.author : undefined;
      if (parsed.success && author && !author.emailAddress && (author.accountId || author.displayName)) {
        authors.set(parsed.data.id, {
          ...(author.accountId ? { accountId: author.accountId } : {}),
          ...(author.displayName ? { displayName: author.displayName } : {}),
        });
      }
    }
    if (authors.size === 0) return comments;
    return Promise.all(
      comments.map(async (comment) => {
        const user = authors.get(comment.external_id);
        const email = user ? (await directory.emailFor(user))?.trim() : undefined;
        return email ? { ...comment, author: email } : comment;
      }),
    );
  }

  function buildJql(since: string | null, timeZone: string): string {
    const clauses: string[] = [];
    if (options.jql?.trim()) clauses.push(`(${options.jql.trim()})`);
    if (since) clauses.push(`updated >= "${jqlDate(since, timeZone)}"`);
    return `${clauses.join(' AND ')} ORDER BY updated ASC, key ASC`.trim();
  }

  /** Project type (`service_desk`, `software`, `business`) by project key, looked up once each. */
  const projectTypes = new Map<string, Promise<string>>();
  function projectType(issueKey: string, signal?: AbortSignal): Promise<string> {
    const project = issueKey.split('-')[0] ?? issueKey;
    let found = projectTypes.get(project);
    if (!found) {
      found = http
        .request({
          path: `/rest/api/3/project/${encodeURIComponent(project)}`,
          schema: z.looseObject({ projectTypeKey: z.string() }),
          ...(signal ? { signal } : {}),
        })
        .then(({ body }) => body.projectTypeKey);
      found.catch(() => projectTypes.delete(project));
      projectTypes.set(project, found);
    }
    return found;
  }

  async function fetchComments(key: string, opts: { signal?: AbortSignal } = {}): Promise<ImportedComment[]> {
    const out: ImportedComment[] = [];
    let startAt = 0;
    for (;;) {
      const { body } = await http.request({
        path: `/rest/api/3/issue/${encodeURIComponent(key)}/comment`,
        query: { startAt, maxResults: 100, orderBy: 'created' },
        schema: CommentPageSchema,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      out.push(...(await withDirectoryAuthors(body.comments, body.comments.map(mapJiraComment))));
      startAt = body.startAt + body.comments.length;
      if (body.comments.length === 0 || startAt >= body.total) return out;
    }
  }

  async function* pull(opts: PullOptions = {}): AsyncGenerator<PulledPage> {
    let since = normaliseSince(opts.since);
    let token: string | null = null;
    if (opts.cursor) {
      const resumed = decodePullCursor<string>(name, opts.cursor);
      since = resumed.since;
      token = resumed.position;
    }
    const jql = buildJql(since, since ? await userZone(opts.signal) : 'UTC');
    let high: string | null = null;
    const size = opts.pageSize ? Math.min(JIRA_MAX_PAGE_SIZE, Math.max(1, opts.pageSize)) : pageSize;
    const search = async (pageToken: string | null, signal: AbortSignal) =>
      (
        await http.request({
          method: 'POST',
          path: '/rest/api/3/search/jql',
          json: { jql, maxResults: size, fields: SEARCH_FIELDS, ...(pageToken ? { nextPageToken: pageToken } : {}) },
          // A search: POST only because the JQL can be long.
          idempotent: true,
          schema: SearchPageSchema,
          signal,
        })
      ).body;
    const pages = readAhead(
      token,
      search,
      (body) => (body.nextPageToken && body.isLast !== true ? body.nextPageToken : null),
      opts.signal,
    );
    for await (const { body, next } of pages) {
      const mapped = mapEach(body.issues, 'issues', (issue) => mapJiraIssue(issue, mapping));
      const items: PulledIncident[] = await Promise.all(
        mapped.map(async (m, i) => {
          const total =
            typeof m.sourceRecord.data.comment_total === 'number'
              ? m.sourceRecord.data.comment_total
              : m.comments.length;
          const comments =
            total > m.comments.length
              ? await fetchComments(m.external_id, opts)
              : await withDirectoryAuthors(
                  (body.issues[i] as { fields?: { comment?: { comments?: unknown[] } } } | undefined)?.fields?.comment
                    ?.comments ?? [],
                  m.comments,
                );
          const assigned = m.input.assigned_to ?? (await directoryEmail(m.sourceRecord.data));
          const input = assigned && !m.input.assigned_to ? { ...m.input, assigned_to: assigned } : m.input;
          return { ...m, input, comments, ...(options.includeRaw ? { raw: body.issues[i] } : {}) };
        }),
      );
      for (const item of items) high = maxIso(high, item.updated_at);
      yield {
        items,
        nextCursor: next ? encodePullCursor(name, { since, position: next }) : null,
        highWatermark: high,
      };
    }
  }

  /**
   * Jira has no deletion feed: the known keys are fetched in batches of 100 with
   * `POST /rest/api/3/issue/bulkfetch`; a key that comes back neither as an issue nor as a retriable
   * error is gone (deleted, or no longer visible to the integration user).
   */
  async function* listDeleted(opts: ListDeletedOptions): AsyncIterable<DeletedRecord[]> {
    for await (const keys of opts.known()) {
      const { body } = await http.request({
        method: 'POST',
        path: '/rest/api/3/issue/bulkfetch',
        json: { issueIdsOrKeys: keys, fields: ['key'] },
        idempotent: true,
        schema: BulkFetchSchema,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const seen = new Set(body.issues?.map((i) => i.key) ?? []);
      const retriable = new Set(body.issueErrors?.map((e) => String(e.id ?? '')) ?? []);
      const gone = keys.filter((k) => !seen.has(k) && !retriable.has(k));
      if (gone.length) yield gone.map((external_id) => ({ external_id }));
    }
  }

  return {
    name,
    sourceSystem: 'JIRA',
    capabilities: {
      internalComments: true,
      status: true,
      // With the sd.public.comment property, only Service Management projects have internal notes;
      // a role/group visibility restricts a comment on any project.
      async internalCommentsFor(externalId, opts = {}) {
        const internal = options.internalComments ?? { property: 'sd.public.comment' as const };
        if (!('property' in internal)) return true;
        return (await projectType(externalId, opts.signal)) === 'service_desk';
      },
    },
    redact: (text) => http.redact(text),
    pull,
    ...(options.reconcileDeletions ? { listDeleted } : {}),
    fetchComments,
    async pushComment(input) {
      const internal =
        input.visibility === 'INTERNAL'
          ? (options.internalComments ?? { property: 'sd.public.comment' as const })
          : undefined;
      // The sd.public.comment property only makes an internal note in Jira Service Management; on
      // a plain Jira project the comment would be posted publicly. Never post it there.
      if (internal && 'property' in internal) {
        const type = await projectType(input.externalId, input.signal);
        if (type !== 'service_desk') {
          throw new ConnectorError(
            'connector.unsupported',
            `${input.externalId} is in a Jira ${type} project, which has no internal notes: the INTERNAL comment was not posted (set internalComments to a role or group visibility to post it restricted)`,
            { connector: name },
          );
        }
      }
      const extra =
        internal === undefined
          ? {}
          : 'property' in internal
            ? { properties: [{ key: 'sd.public.comment', value: { internal: true } }] }
            : { visibility: { type: internal.type, value: internal.value } };
      const { body } = await http.request({
        method: 'POST',
        path: `/rest/api/3/issue/${encodeURIComponent(input.externalId)}/comment`,
        json: { body: textToAdf(input.text), ...extra },
        schema: z.looseObject({ id: z.string() }),
        ...(input.signal ? { signal: input.signal } : {}),
      });
      return { externalCommentId: body.id };
    },
    async pushStatus(input) {
      const path = `/rest/api/3/issue/${encodeURIComponent(input.externalId)}/transitions`;
      const signal = input.signal ? { signal: input.signal } : {};
      const { body } = await http.request({
        path,
        query: { expand: 'transitions.fields' },
        schema: TransitionsSchema,
        ...signal,
      });
      const targets = (options.statusTargets?.[input.status] ?? JIRA_PUSH_STATUS_TARGETS[input.status]).map(tableKey);
      let transition = targets
        .map((t) => body.transitions.find((tr) => tableKey(tr.to.name) === t))
        .find((tr) => tr !== undefined);
      transition ??= body.transitions.find(
        (tr) => jiraStatusToCore(tr.to.name, tr.to.statusCategory?.key, options.mapping?.statuses) === input.status,
      );
      if (!transition) {
        const { body: issue } = await http.request({
          path: `/rest/api/3/issue/${encodeURIComponent(input.externalId)}`,
          query: { fields: 'status' },
          schema: z.looseObject({ fields: z.looseObject({ status: z.looseObject({ name: z.string() }) }) }),
          ...signal,
        });
        if (targets.includes(tableKey(issue.fields.status.name))) return;
        throw new ConnectorError(
          'connector.unsupported',
          `no transition of ${input.externalId} leads to ${input.status} (available: ${body.transitions.map((t) => t.to.name).join(', ') || 'none'})`,
          { connector: name },
        );
      }
      const closing = input.status === 'RESOLVED' || input.status === 'CLOSED' || input.status === 'CANCELLED';
      const resolutionType = input.resolution?.type ?? (input.status === 'CANCELLED' ? 'WONT_FIX' : 'FIXED');
      const fields =
        closing && transition.fields && 'resolution' in transition.fields
          ? {
              fields: {
                resolution: {
                  name: options.resolutionNames?.[resolutionType] ?? JIRA_RESOLUTION_NAMES[resolutionType],
                },
              },
            }
          : {};
      await http.request({
        method: 'POST',
        path,
        json: { transition: { id: transition.id }, ...fields },
        responseType: 'none',
        ...signal,
      });
    },
  };
}

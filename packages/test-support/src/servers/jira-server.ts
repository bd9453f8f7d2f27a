/**
 * A local Jira Cloud REST v3 server: `POST /rest/api/3/search/jql` (JQL `updated >= "…"` read in
 * the user's time zone, `GET /rest/api/3/myself` telling it,
 * `nextPageToken`), issue comments (startAt/maxResults/total), transitions, Basic/Bearer auth.
 * Shapes follow developer.atlassian.com/cloud/jira/platform/rest/v3.
 */
import { type RecordedRequest, startVendorServer, type VendorServer, zonedToUtc } from './vendor-server.js';

export interface JiraComment {
  id: string;
  author: { accountId: string; displayName: string; emailAddress?: string };
  body: unknown;
  created: string;
  updated: string;
  jsdPublic?: boolean;
  properties?: unknown;
  visibility?: unknown;
}

export interface JiraIssueData {
  key: string;
  summary: string;
  status: string;
  category: 'new' | 'indeterminate' | 'done';
  priority: string;
  updated: string;
  created: string;
  description?: string;
  assigneeEmail?: string;
  /** The assignee's account id and display name (default `acc-1`, `Dev`). */
  assigneeAccountId?: string;
  assigneeName?: string;
  labels?: string[];
  comments: JiraComment[];
  /**
   * `service_desk` (Jira Service Management: the `sd.public.comment` property makes an internal
   * note) or `software` / `business` (plain Jira: the property is ignored, the comment is public).
   * Default `service_desk`.
   */
  projectType?: 'service_desk' | 'software' | 'business';
}

export const JIRA_STATUSES: Record<string, 'new' | 'indeterminate' | 'done'> = {
  'To Do': 'new',
  'In Progress': 'indeterminate',
  'Waiting for customer': 'indeterminate',
  Done: 'done',
};

export interface JiraServer extends VendorServer {
  issues: JiraIssueData[];
  /** Comments returned in the search payload (the rest must be fetched). */
  searchCommentLimit: number;
  commentPageSize: number;
  /**
   * The integration user's time zone (`GET /rest/api/3/myself`): JQL date literals are read in it,
   * as Jira Cloud does. Default `America/Los_Angeles` (UTC−8 in winter).
   */
  userTimeZone: string;
  /**
   * `nextPageToken`s issued before this instant are refused with 400, as Jira Cloud refuses tokens
   * older than 7 days. Default: none refused.
   */
  tokensExpireBefore: number;
  /** Whether users' `emailAddress` (assignees, comment authors) is returned (hidden on most Cloud sites). Default `true`. */
  emailsVisible: boolean;
}

function adf(text: string) {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

function jiraDate(iso: string): string {
  return iso.replace('Z', '+0000');
}

export async function startJiraServer(credentials: { email: string; apiToken: string }): Promise<JiraServer> {
  const expected = `Basic ${Buffer.from(`${credentials.email}:${credentials.apiToken}`).toString('base64')}`;
  const base = await startVendorServer({
    authorize: (req) => req.headers.authorization === expected,
    unauthorized: {
      status: 401,
      body: {
        errorMessages: ['You are not authenticated. Authentication required to perform this operation.'],
        errors: {},
      },
    },
  });
  const server = base as JiraServer;
  server.issues = [];
  server.searchCommentLimit = 20;
  server.commentPageSize = 100;
  server.userTimeZone = 'America/Los_Angeles';
  server.tokensExpireBefore = 0;
  server.emailsVisible = true;

  // Keys that do not exist (deleted) or are not visible are simply not returned (nor in issueErrors).
  base.route('POST', '/rest/api/3/issue/bulkfetch', (req) => {
    const wanted = ((req.json as { issueIdsOrKeys?: string[] })?.issueIdsOrKeys ?? []).slice(0, 100);
    const found = server.issues.filter((i) => wanted.includes(i.key));
    return {
      body: {
        issues: found.map((i) => ({ id: String(10000 + server.issues.indexOf(i)), key: i.key, fields: {} })),
        issueErrors: [],
      },
    };
  });

  base.route('GET', '/rest/api/3/myself', () => ({
    body: {
      accountId: 'bot-account',
      accountType: 'atlassian',
      emailAddress: credentials.email,
      displayName: 'Sync bot',
      active: true,
      timeZone: server.userTimeZone,
      locale: 'en_US',
    },
  }));

  /** A comment as Jira answers it: the author's email hidden like the assignee's when emails are not visible. */
  const commentJson = (c: JiraComment) => {
    const { emailAddress, ...author } = c.author;
    return {
      ...c,
      author: server.emailsVisible && emailAddress ? { ...author, emailAddress } : author,
      created: jiraDate(c.created),
      updated: jiraDate(c.updated),
    };
  };

  const toJson = (i: JiraIssueData) => ({
    id: String(10000 + server.issues.indexOf(i)),
    key: i.key,
    self: `${base.url}/rest/api/3/issue/${10000 + server.issues.indexOf(i)}`,
    fields: {
      summary: i.summary,
      description: i.description ? adf(i.description) : null,
      status: { name: i.status, statusCategory: { key: i.category } },
      priority: { name: i.priority },
      issuetype: { name: 'Incident' },
      project: { key: i.key.split('-')[0], name: 'Operations', projectTypeKey: i.projectType ?? 'service_desk' },
      labels: i.labels ?? [],
      components: [],
      assignee: i.assigneeEmail
        ? {
            accountId: i.assigneeAccountId ?? 'acc-1',
            displayName: i.assigneeName ?? 'Dev',
            // Most Cloud sites hide users' email addresses (profile visibility).
            ...(server.emailsVisible ? { emailAddress: i.assigneeEmail } : {}),
          }
        : null,
      reporter: { accountId: 'acc-2', displayName: 'Reporter' },
      created: jiraDate(i.created),
      updated: jiraDate(i.updated),
      duedate: null,
      resolution: i.category === 'done' ? { name: 'Done' } : null,
      comment: {
        comments: i.comments.slice(0, server.searchCommentLimit).map(commentJson),
        maxResults: server.searchCommentLimit,
        total: i.comments.length,
        startAt: 0,
      },
    },
  });

  const findIssue = (key: string) => server.issues.find((i) => i.key === key);

  base.route('POST', '/rest/api/3/search/jql', (req: RecordedRequest) => {
    const body = req.json as { jql: string; maxResults?: number; nextPageToken?: string };
    const m = /updated >= "(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})"/.exec(body.jql);
    // JQL dates are wall-clock times in the user's zone.
    const since = m
      ? Date.parse(`${zonedToUtc(m[1] ?? '', `${m[2]}:00`, server.userTimeZone).replace(' ', 'T')}Z`)
      : -Infinity;
    const all = server.issues
      .filter((i) => Date.parse(i.updated) >= since)
      .sort((a, b) => Date.parse(a.updated) - Date.parse(b.updated) || a.key.localeCompare(b.key));
    const [startText, issuedText] = body.nextPageToken
      ? Buffer.from(body.nextPageToken, 'base64').toString().split(':')
      : ['0', String(Date.now())];
    if (Number(issuedText) < server.tokensExpireBefore) {
      return {
        status: 400,
        body: { errorMessages: ['The provided next page token is invalid or expired.'], errors: {} },
      };
    }
    const start = Number(startText);
    const size = body.maxResults ?? 50;
    const page = all.slice(start, start + size);
    const next =
      start + size < all.length ? Buffer.from(`${start + size}:${Date.now()}`).toString('base64') : undefined;
    return { body: { issues: page.map(toJson), ...(next ? { nextPageToken: next } : {}), isLast: !next } };
  });

  base.route('GET', '/rest/api/3/issue/:key/comment', (req, { key }) => {
    const issue = findIssue(key ?? '');
    if (!issue)
      return {
        status: 404,
        body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} },
      };
    const startAt = Number(req.query.get('startAt') ?? 0);
    const max = Math.min(Number(req.query.get('maxResults') ?? 50), server.commentPageSize);
    return {
      body: {
        startAt,
        maxResults: max,
        total: issue.comments.length,
        comments: issue.comments.slice(startAt, startAt + max).map(commentJson),
      },
    };
  });

  base.route('POST', '/rest/api/3/issue/:key/comment', (req, { key }) => {
    const issue = findIssue(key ?? '');
    if (!issue) return { status: 404, body: { errorMessages: ['Issue does not exist'], errors: {} } };
    const payload = req.json as { body: unknown; properties?: unknown; visibility?: unknown };
    const now = new Date().toISOString();
    // Outside Jira Service Management the property means nothing: the comment is public.
    const jsm = (issue.projectType ?? 'service_desk') === 'service_desk';
    const comment: JiraComment = {
      id: String(20000 + issue.comments.length),
      author: { accountId: 'bot', displayName: 'Sync bot' },
      body: payload.body,
      created: now,
      updated: now,
      ...(payload.properties ? { properties: payload.properties, ...(jsm ? { jsdPublic: false } : {}) } : {}),
      ...(payload.visibility ? { visibility: payload.visibility } : {}),
    };
    issue.comments.push(comment);
    issue.updated = now;
    return { status: 201, body: { ...comment, self: `${base.url}/rest/api/3/issue/${key}/comment/${comment.id}` } };
  });

  base.route('GET', '/rest/api/3/issue/:key/transitions', (_req, { key }) => {
    const issue = findIssue(key ?? '');
    if (!issue) return { status: 404, body: { errorMessages: ['Issue does not exist'], errors: {} } };
    const transitions = Object.entries(JIRA_STATUSES)
      .filter(([name]) => name !== issue.status)
      .map(([name, cat], i) => ({
        id: String(11 + i),
        name: `Move to ${name}`,
        to: { name, statusCategory: { key: cat } },
        ...(cat === 'done' ? { fields: { resolution: { required: true, name: 'Resolution' } } } : { fields: {} }),
      }));
    return { body: { expand: 'transitions', transitions } };
  });

  base.route('POST', '/rest/api/3/issue/:key/transitions', (req, { key }) => {
    const issue = findIssue(key ?? '');
    if (!issue) return { status: 404, body: { errorMessages: ['Issue does not exist'], errors: {} } };
    const body = req.json as { transition: { id: string }; fields?: { resolution?: { name: string } } };
    const entries = Object.entries(JIRA_STATUSES).filter(([name]) => name !== issue.status);
    const target = entries[Number(body.transition.id) - 11];
    if (!target) return { status: 400, body: { errorMessages: ['Transition id is not valid'], errors: {} } };
    if (target[1] === 'done' && !body.fields?.resolution)
      return { status: 400, body: { errorMessages: [], errors: { resolution: 'Resolution is required.' } } };
    issue.status = target[0];
    issue.category = target[1];
    issue.updated = new Date().toISOString();
    return { status: 204 };
  });

  base.route('GET', '/rest/api/3/project/:key', (_req, { key }) => {
    const issue = server.issues.find((i) => i.key.split('-')[0] === key);
    if (!issue) return { status: 404, body: { errorMessages: ['No project could be found'], errors: {} } };
    return {
      body: { key, name: 'Operations', projectTypeKey: issue.projectType ?? 'service_desk', simplified: false },
    };
  });

  base.route('GET', '/rest/api/3/issue/:key', (_req, { key }) => {
    const issue = findIssue(key ?? '');
    if (!issue) return { status: 404, body: { errorMessages: ['Issue does not exist'], errors: {} } };
    return { body: toJson(issue) };
  });

  return server;
}

export function makeJiraIssue(n: number, updated: string, extra: Partial<JiraIssueData> = {}): JiraIssueData {
  return {
    key: `OPS-${n}`,
    summary: `Incident ${n}`,
    status: 'To Do',
    category: 'new',
    priority: 'High',
    created: '2026-01-01T00:00:00.000Z',
    updated,
    comments: [],
    ...extra,
  };
}

export function jiraComment(id: string, text: string, created: string): JiraComment {
  return {
    id,
    author: { accountId: 'a', displayName: 'Alice', emailAddress: 'alice@example.com' },
    body: adf(text),
    created,
    updated: created,
  };
}

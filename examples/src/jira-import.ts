/**
 * Import from Jira with the sync engine, against a local server that answers like Jira Cloud's REST
 * API v3 (`POST /rest/api/3/search/jql` with `nextPageToken` paging, `GET /rest/api/3/myself`, issue
 * comments) — so the program runs anywhere, with no account. Point `baseUrl` at
 * `https://<site>.atlassian.net` and pass a real API token to import from your own Jira.
 *
 * The engine pulls every issue, maps it to an incident (id = the issue key, status from the status
 * category, priority, comments with their visibility), and a second run finds nothing changed.
 *
 * Run: `node --import tsx src/jira-import.ts`
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createJiraConnector, createSyncEngine } from '@incidents/connectors';
import { createTursoStore } from '@incidents/store-turso';

/** Atlassian Document Format: one paragraph of text. */
const adf = (text: string) => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});

const ISSUES = [
  {
    key: 'OPS-101',
    summary: 'Checkout returns 502 for EU cards',
    status: ['In Progress', 'indeterminate'],
    priority: 'High',
    comments: [{ id: '9001', text: 'Started after the 08:00 deploy', author: 'ana@example.com' }],
  },
  {
    key: 'OPS-102',
    summary: 'Password reset emails delayed',
    status: ['To Do', 'new'],
    priority: 'Medium',
    comments: [],
  },
  {
    key: 'OPS-103',
    summary: 'Old TLS certificate on the status page',
    status: ['Done', 'done'],
    priority: 'Low',
    comments: [{ id: '9002', text: 'Renewed', author: 'luis@example.com' }],
  },
] as const;

/** The issues as `POST /rest/api/3/search/jql` returns them (the fields the connector asks for). */
function issueJson(issue: (typeof ISSUES)[number], base: string, index: number) {
  const created = `2026-03-0${index + 1}T09:00:00.000+0000`;
  return {
    id: String(10_000 + index),
    key: issue.key,
    self: `${base}/rest/api/3/issue/${10_000 + index}`,
    fields: {
      summary: issue.summary,
      description: adf(`${issue.summary}. Reported by the on-call engineer.`),
      status: { name: issue.status[0], statusCategory: { key: issue.status[1] } },
      priority: { name: issue.priority },
      issuetype: { name: 'Incident' },
      project: { key: 'OPS', name: 'Operations' },
      labels: ['imported'],
      components: [],
      assignee: null,
      reporter: { accountId: `acc-${index}`, emailAddress: 'oncall@example.com', displayName: 'On-call' },
      created,
      updated: created,
      duedate: null,
      resolution: issue.status[1] === 'done' ? { name: 'Done' } : null,
      resolutiondate: issue.status[1] === 'done' ? created : null,
      comment: {
        total: issue.comments.length,
        comments: issue.comments.map((c) => ({
          id: c.id,
          author: { accountId: c.author, emailAddress: c.author, displayName: c.author },
          body: adf(c.text),
          created,
          updated: created,
          jsdPublic: true,
        })),
      },
    },
  };
}

/** A Jira-shaped server: two issues per page, `nextPageToken` to the next one. */
function startJiraLikeServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Basic ${Buffer.from('sync-bot@example.com:local-token').toString('base64')}`) {
      return json(401, { errorMessages: ['You are not authenticated.'] });
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const base = `http://${req.headers.host}`;
    if (req.method === 'GET' && url.pathname === '/rest/api/3/myself') return json(200, { timeZone: 'UTC' });
    if (req.method === 'GET' && url.pathname === '/rest/api/3/project/OPS') {
      return json(200, { key: 'OPS', projectTypeKey: 'service_desk' });
    }
    if (req.method === 'POST' && url.pathname === '/rest/api/3/search/jql') {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const body = JSON.parse(raw) as { nextPageToken?: string };
      const start = Number(body.nextPageToken ?? 0);
      const page = ISSUES.slice(start, start + 2).map((issue, i) => issueJson(issue, base, start + i));
      const more = start + 2 < ISSUES.length;
      return json(200, { issues: page, ...(more ? { nextPageToken: String(start + 2) } : { isLast: true }) });
    }
    return json(404, { errorMessages: [`No route for ${req.method} ${url.pathname}`] });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}

async function main(): Promise<void> {
  const jiraServer = await startJiraLikeServer();
  const store = await createTursoStore({ url: ':memory:' });
  try {
    const engine = createSyncEngine({
      store,
      connectors: [
        createJiraConnector({
          baseUrl: jiraServer.url,
          auth: { email: 'sync-bot@example.com', apiToken: 'local-token' }, // from your secrets in real use
          jql: 'project = OPS',
        }),
      ],
    });

    const first = await engine.run('jira');
    console.log(
      `first run: ${first.totals.created} created, ${first.totals.updated} updated, ${first.totals.commentsImported} comments`,
    );
    for (const issue of ISSUES) {
      const incident = await store.findBySource('JIRA', issue.key);
      console.log(`  ${incident?.incident_id} ${incident?.status} ${incident?.priority} ${incident?.title}`);
    }
    const second = await engine.run('jira');
    console.log(`second run: ${second.totals.created} created, ${second.totals.unchanged} unchanged`);
  } finally {
    await store.close();
    await jiraServer.close();
  }
}

await main();

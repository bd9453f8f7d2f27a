/**
 * A lightweight Jira Cloud search server for the import benchmark, run as a child process so that its
 * memory is not counted in the engine's RSS. It answers `POST /rest/api/3/search/jql` with the
 * documented payload (issues, `nextPageToken`, `isLast`), sorted by `updated`, and waits `DELAY_MS`
 * per page (a vendor's response time). The pages of the benchmark's page size are serialized before
 * `READY`, so that a page costs the server its delay and nothing more (the floor is pages × delay);
 * other page sizes are generated on the fly.
 *
 * Usage: node --import tsx bench/jira-bench-server.ts <issues> <delayMs> [pageSize=100]; prints `READY <url>`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const total = Number(process.argv[2] ?? 10_000);
const delayMs = Number(process.argv[3] ?? 20);
const prebuiltSize = Number(process.argv[4] ?? 100);
const start = Date.parse('2026-01-01T00:00:00.000Z');
const jiraDate = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

function issue(n: number) {
  const key = `OPS-${n + 1}`;
  return {
    id: String(10000 + n),
    key,
    self: `http://jira.local/rest/api/3/issue/${10000 + n}`,
    fields: {
      summary: `Incident ${n + 1}: checkout latency above SLO`,
      description: {
        type: 'doc',
        version: 1,
        content: [
          {
            type: 'paragraph',
            content: [{ type: 'text', text: `p99 latency of checkout is above 800 ms (record ${n + 1})` }],
          },
        ],
      },
      status: {
        name: n % 3 === 0 ? 'In Progress' : 'To Do',
        statusCategory: { key: n % 3 === 0 ? 'indeterminate' : 'new' },
      },
      priority: { name: ['Highest', 'High', 'Medium', 'Low'][n % 4] },
      issuetype: { name: 'Incident' },
      project: { key: 'OPS', name: 'Operations' },
      labels: ['bench'],
      components: [{ name: 'checkout' }],
      assignee: null,
      reporter: { accountId: 'acc-2', displayName: 'Reporter' },
      created: jiraDate(start + n * 1000),
      updated: jiraDate(start + n * 1000 + 500),
      duedate: null,
      resolution: null,
      comment: { comments: [], maxResults: 20, total: 0, startAt: 0 },
    },
  };
}

function page(from: number, size: number): string {
  const to = Math.min(total, from + size);
  const issues = [];
  for (let n = from; n < to; n++) issues.push(issue(n));
  const next = to < total ? Buffer.from(String(to)).toString('base64') : undefined;
  return JSON.stringify({ issues, ...(next ? { nextPageToken: next } : {}), isLast: !next });
}

const prebuilt = new Map<number, string>();
for (let from = 0; from < total; from += prebuiltSize) prebuilt.set(from, page(from, prebuiltSize));

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.method !== 'POST' || !req.url?.startsWith('/rest/api/3/search/jql')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"errorMessages":["not found"]}');
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { maxResults?: number; nextPageToken?: string };
    const from = body.nextPageToken ? Number(Buffer.from(body.nextPageToken, 'base64').toString()) : 0;
    const size = body.maxResults ?? 50;
    const text = (size === prebuiltSize ? prebuilt.get(from) : undefined) ?? page(from, size);
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(text);
    }, delayMs);
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`READY http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

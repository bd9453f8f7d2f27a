/** Runs every example as a child process, the way a user would, and checks what it prints. */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
/** The AWS SDK's notice on Node < 22 (its releases after January 2027 need Node 22): not the example's output. */
const AWS_SDK_NODE_NOTICE =
  /\(node:\d+\) Warning: NodeVersionSupportWarning:[\s\S]*?to show where the warning was created\)\n?/;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function runExample(file: string, env: Record<string, string> = {}): Promise<string[]> {
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join('src', file)], {
    cwd: root,
    timeout: 50_000,
    env: { ...process.env, ...env },
  });
  expect(stderr.replace(AWS_SDK_NODE_NOTICE, '')).toBe('');
  return stdout.trimEnd().split('\n');
}

describe('examples', () => {
  it('lifecycle.ts walks one incident from creation to closure and prints its history', async () => {
    const lines = await runExample('lifecycle.ts');
    expect(lines[0]).toMatch(/^created INC-[0-9A-Z]{10}: NEW, priority P2, due \d{4}-\d\d-\d\dT/);
    expect(lines).toContain('claimed by ana@example.com: ASSIGNED');
    expect(lines).toContain('progress recorded: IN_PROGRESS, 25 min');
    expect(lines).toContain('resolved: root cause "Expired TLS certificate on payments-api"');
    expect(lines).toContain('closed: CLOSED, knowledge base PENDING');
    const history = lines.slice(lines.indexOf('history:') + 1).map((l) => l.trim().split(/\s+/));
    expect(history.map((v) => v[0])).toEqual(['v1', 'v2', 'v3', 'v4', 'v5', 'v6']);
    expect(history.map((v) => v[1])).toEqual(['NEW', 'ASSIGNED', 'IN_PROGRESS', 'IN_PROGRESS', 'RESOLVED', 'CLOSED']);
    expect(history.map((v) => v[3])).toEqual([
      'carla@example.com',
      'ana@example.com',
      'ana@example.com',
      'ana@example.com',
      'ana@example.com',
      'ana@example.com',
    ]);
    expect(lines.at(-1)).toMatch(/^\s+v6 CLOSED\s+by ana@example.com\s+Customer confirmed$/);
  });

  it('paginate.ts pages through 23 incidents five at a time', async () => {
    const lines = await runExample('paginate.ts');
    expect(lines).toEqual([
      'page 1: 5 incidents, more to come',
      'page 2: 5 incidents, more to come',
      'page 3: 5 incidents, more to come',
      'page 4: 5 incidents, more to come',
      'page 5: 3 incidents, last page',
      'total: 23 incidents in 5 pages',
      'all NEW incidents: 24',
      'distinct ids: 24',
    ]);
  });

  it('http-service.ts serves the use cases over node:http and maps every error code to a status', async () => {
    const lines = await runExample('http-service.ts');
    expect(lines).toEqual([
      'POST /incidents → 201 NEW P2',
      'POST /incidents/:id/claim → 200 ASSIGNED ana@example.com',
      // the INTERNAL note is not in what the customer gets back
      'GET /incidents/:id as the customer → 200, 1 comment',
      'POST /incidents/:id/claim as the customer → 403 permission_denied',
      'POST /incidents with an empty title → 400 validation',
      'GET /incidents/:id as an unknown user → 401 unauthenticated',
      'GET /incidents/INC-NOPE → 404 not_found',
    ]);
  });

  it('kb-search.ts exports closed incidents to the local knowledge base and finds the similar one first', async () => {
    const lines = await runExample('kb-search.ts');
    expect(lines).toContain('exported 3 of 3 closed incidents, ingestion COMPLETE');
    const hits = lines.slice(lines.indexOf('similar to "customers get 502 errors at checkout since the deploy":') + 1);
    expect(hits.length).toBeGreaterThanOrEqual(1);
    expect(hits[0]).toMatch(/^ {2}Checkout returns 502 after the payments deploy \(score \d+\.\d\d\)$/);
    // the relevance floor keeps the unrelated incidents (email, disk) out
    expect(hits.join('\n')).not.toMatch(/Login emails|Disk full/);
  });

  it('dynamo-store.ts runs the use cases on DynamoDB Local and reads them back by access pattern', async () => {
    const lines = await runExample('dynamo-store.ts', { AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint') });
    expect(lines).toEqual([
      'table created with its indexes and TTL',
      'created: NEW P1, revision 1',
      'claimed: ASSIGNED by ana@example.com, revision 2',
      'my open incidents: 1',
      'resolved: RESOLVED, resolution FIXED',
      'open: 0, resolved: 1',
      'history: NEW → ASSIGNED → RESOLVED',
    ]);
  });

  it('jira-import.ts imports three issues from a Jira-shaped server, then finds nothing changed', async () => {
    const lines = await runExample('jira-import.ts');
    expect(lines).toEqual([
      'first run: 3 created, 0 updated, 2 comments',
      '  OPS-101 IN_PROGRESS P2 Checkout returns 502 for EU cards',
      '  OPS-102 NEW P3 Password reset emails delayed',
      '  OPS-103 CLOSED P4 Old TLS certificate on the status page',
      'second run: 0 created, 3 unchanged',
    ]);
  });
});

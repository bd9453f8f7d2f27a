/**
 * `cdk synth` runs offline (no AWS account, no lookups, no Docker): the CLI synthesizes the app and
 * bundles every function with the local esbuild. The bundled kb-batch-sync is then invoked in a
 * plain Node process against DynamoDB Local and s3rver — the code that would be deployed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeNewIncident, dynamoEndpoint, freshTable, type LocalTable } from './support/local.js';
import { type S3rverHandle, startS3rver } from '@incidents/test-support/s3rver';

const run = promisify(execFile);
const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUCKET = 'incidents-synth-test';

let out: string;
let s3: S3rverHandle;
let table: LocalTable;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'incidents-cdk-'));
  s3 = await startS3rver([BUCKET]);
  table = await freshTable();
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
  await s3?.stop();
  await table?.drop();
});

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON
type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, string> };

describe('cdk synth', () => {
  it('synthesizes and bundles offline, and the bundled handler runs', { timeout: 180_000 }, async () => {
    const started = Date.now();
    const connectors = JSON.stringify([
      { name: 'zendesk', options: { baseUrl: 'https://acme.zendesk.com' }, ssmParameterName: '/incidents/zendesk' },
    ]);
    await run(
      join(appDir, 'node_modules', '.bin', 'cdk'),
      [
        'synth',
        '--quiet',
        '--no-notices',
        '--output',
        out,
        '-c',
        'knowledgeBaseId=ABCDEFGHIJ',
        '-c',
        'dataSourceId=KLMNOPQRST',
        '-c',
        `connectors=${connectors}`,
      ],
      {
        cwd: appDir,
        timeout: 170_000,
        // No credentials, no account: the stack is environment-agnostic.
        env: { PATH: process.env.PATH, HOME: process.env.HOME, CDK_DISABLE_CLI_TELEMETRY: 'true', CI: 'true' },
      },
    );
    const synthMs = Date.now() - started;
    const template = JSON.parse(await readFile(join(out, 'Incidents.template.json'), 'utf8')) as {
      Resources: Record<string, Resource>;
    };
    const functions = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.INCIDENTS_DYNAMO_TABLE,
    );
    expect(functions).toHaveLength(3);
    for (const f of functions) expect(f.Metadata?.['aws:asset:path']).toMatch(/^asset\./);
    console.log(`cdk synth with 3 bundles: ${synthMs} ms`);

    // Run the bundled kb-batch-sync outside the repository's node_modules.
    await closeNewIncident(table.service, 'Bundled handler smoke test');
    const kb = functions.find((f) => String(f.Properties.Description).startsWith('incident-kb-batch-sync'));
    const bundle = join(out, kb?.Metadata?.['aws:asset:path'] as string, 'index.js');
    const script = `require(${JSON.stringify(bundle)}).handler({ source: 'aws.events' }, { awsRequestId: 'bundle', getRemainingTimeInMillis: () => 60000 })
      .then((r) => process.stderr.write('RESULT ' + JSON.stringify({ status: r.status, synced: r.synced }) + '\\n'), (e) => { process.stderr.write('ERROR ' + e.message + '\\n'); process.exit(1); });`;
    const { stdout, stderr } = await run(process.execPath, ['-e', script], {
      cwd: out,
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        INCIDENTS_DYNAMO_TABLE: table.tableName,
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint(),
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        INCIDENTS_KB_BUCKET: BUCKET,
        INCIDENTS_KB_MODE: 'none',
      },
    });
    expect(stderr).toContain('RESULT {"status":"completed","synced":1}');
    // Structured JSON logs on stdout: every line parses.
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l.message === 'kb batch sync finished' && l.function_request_id === 'bundle')).toBe(true);
    const [incident] = (await table.store.listPendingKbSync()).items;
    expect(incident).toBeUndefined();
    const listed = await table.store.queryIncidents({ by: 'status', status: 'CLOSED' });
    await s3.client.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: `incidents/closed/${listed.items[0]?.incident_id}.json` }),
    );
  });
});

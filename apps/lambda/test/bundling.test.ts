/**
 * The stack's handler bundles (infra/bundling.ts, built with the same function the stack and the
 * cold-start benchmark use): zod imported as a namespace (no locale but English, no JSON Schema
 * import), Redis and the libSQL HTTP client left out — and a function configured with them anyway
 * fails with a `config` error naming the setting, not with a missing module.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleHandler, STACK_EXCLUSIONS } from '../infra/bundling.js';
import { IncidentsStack } from '../infra/incidents-stack.js';

const run = promisify(execFile);
const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');

let out: string;
let bundle: string;
let metafile: Metafile;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'incidents-bundle-'));
  bundle = join(out, 'index.js');
  metafile = await bundleHandler(join(appDir, 'src/entries/kb-batch-sync.ts'), bundle, { target: 'node24' });
}, 120_000);
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

/** The input files with bytes in the bundle (esbuild metafile). */
function bundledInputs(): string[] {
  const inputs = Object.values(metafile.outputs).find((o) => o.entryPoint)?.inputs ?? {};
  return Object.entries(inputs)
    .filter(([, i]) => i.bytesInOutput > 0)
    .map(([path]) => path);
}

/** Runs the bundled handler once in a fresh process with `env`; what it threw (code, message, issue paths). */
async function firstInvocation(
  env: Record<string, string>,
): Promise<{ code?: string; message?: string; paths?: string[] }> {
  const script = `require(${JSON.stringify(bundle)}).handler({ source: 'aws.events' }, { awsRequestId: 't', getRemainingTimeInMillis: () => 60000 })
    .then(() => console.log('@@' + JSON.stringify({})), (e) => console.log('@@' + JSON.stringify({ code: e.code, message: e.message, paths: e.details?.issues?.map((i) => i.path) })));`;
  const { stdout } = await run(process.execPath, ['-e', script], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_MAX_ATTEMPTS: '1',
      // A closed port: nothing here may reach AWS before the configuration error.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      INCIDENTS_DYNAMO_TABLE: 'incidents',
      INCIDENTS_KB_BUCKET: 'incidents-kb',
      ...env,
    },
    timeout: 60_000,
  });
  const line = stdout.split('\n').find((l) => l.startsWith('@@'));
  return JSON.parse(line?.slice(2) ?? 'null');
}

describe('handler bundles of the stack', () => {
  it('keep only the zod they use: English messages, no other locale, no JSON Schema import', () => {
    const inputs = bundledInputs();
    const zod = inputs.filter((i) => /node_modules\/zod\//.test(i));
    expect(zod.some((i) => i.endsWith('/v4/locales/en.js'))).toBe(true);
    expect(zod.filter((i) => /\/v4\/locales\/(?!en\.js$|index\.js$)/.test(i))).toEqual([]);
    expect(zod.filter((i) => i.includes('from-json-schema'))).toEqual([]);
  });

  it('leave out Redis and the libSQL HTTP client (the stack configures neither)', () => {
    const inputs = bundledInputs();
    expect(
      inputs.filter((i) => /node_modules\/(ioredis|@upstash\/redis|@libsql\/client|@libsql\/hrana-client)\//.test(i)),
    ).toEqual([]);
  });

  it('fail with a config error naming the Redis variables when Redis is configured anyway', {
    timeout: 60_000,
  }, async () => {
    const thrown = await firstInvocation({ INCIDENTS_KB_MODE: 'none', INCIDENTS_REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(thrown.code).toBe('config');
    expect(thrown.message).toMatch(/bundled without @incidents\/redis/);
    expect(thrown.paths).toContain('INCIDENTS_REDIS_URL');
  });

  it('fail with a config error naming INCIDENTS_KB_MODE when the local index is configured anyway', {
    timeout: 60_000,
  }, async () => {
    const thrown = await firstInvocation({
      INCIDENTS_KB_MODE: 'local',
      INCIDENTS_KB_LOCAL_URL: 'libsql://127.0.0.1:9',
    });
    expect(thrown.code).toBe('config');
    expect(thrown.message).toMatch(/bundled without @libsql\/client/);
    expect(thrown.paths).toEqual(['INCIDENTS_KB_MODE']);
  });

  it('are built for what the stack configures: no function gets Redis variables or the local knowledge base', () => {
    expect(STACK_EXCLUSIONS).toEqual(['redis', 'libsql-client']);
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new IncidentsStack(app, 'Bundling', {
      webhooks: true,
      connectors: [{ name: 'zendesk', options: { baseUrl: 'https://acme.zendesk.com' }, ssmParameterName: '/zendesk' }],
    });
    const functions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).filter(
      (f) => f.Properties?.Environment?.Variables?.INCIDENTS_DYNAMO_TABLE,
    );
    expect(functions).toHaveLength(4);
    for (const f of functions) {
      const variables = f.Properties.Environment.Variables as Record<string, unknown>;
      expect(Object.keys(variables).filter((name) => /REDIS/.test(name))).toEqual([]);
      expect(JSON.stringify(variables.INCIDENTS_KB_MODE ?? null)).not.toContain('local');
    }
  });
});

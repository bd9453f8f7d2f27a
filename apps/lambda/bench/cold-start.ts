/**
 * Lambda cold start and bundle size: each handler entry is bundled with the stack's own bundling
 * (`infra/bundling.ts`: CJS, minified, the AWS SDK bundled, node target of the stack's runtime, zod
 * imported as a namespace, Redis and the libSQL HTTP client left out), and each bundle's init is timed in a fresh Node process: `require` of the bundle
 * plus the first handler call's set-up (configuration, clients, the first AWS call — which goes to a
 * closed local port with one attempt, so no network time is counted). The floor is a handler that
 * only builds a `DynamoDBDocumentClient` and makes the same first call.
 *
 * Targets: init ≤ 1.5× the floor's (median of 10 fresh processes each), bundle ≤ 1 MB minified.
 *
 *   pnpm --filter @incidents/lambda bench:cold-start            # prints a table, writes bench/results/cold-start.json
 *   pnpm --filter @incidents/lambda bench:cold-start --runs 20  # more processes per bundle
 *   pnpm --filter @incidents/lambda bench:cold-start --compare  # each handler also bundled with Redis and the libSQL HTTP client, same run
 *   pnpm --filter @incidents/lambda bench:cold-start --attribute  # init CPU of each heavy dependency alone
 *   # the same on an older commit's handlers, in the same run conditions:
 *   git archive <commit> apps/lambda/src | tar -x -C /tmp/old && mkdir -p .bench-before && cp -r /tmp/old/apps/lambda/src .bench-before/
 *   pnpm --filter @incidents/lambda bench:cold-start --src .bench-before/src
 *
 * Run from a clean `pnpm build` (the handlers import the workspace packages' dist/).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { bundlingOptions } from '../infra/bundling.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : 10;
const TARGET = process.env.COLD_START_TARGET ?? 'node24';
// `--src <dir>`: bundle the entries of another copy of src/ (e.g. a checkout of an older commit).
const srcArg = args.indexOf('--src');
const SRC = srcArg >= 0 ? String(args[srcArg + 1]) : join(root, 'src');
// `--top <n>`: how many packages the size attribution lists per bundle.
const topArg = args.indexOf('--top');
const TOP = topArg >= 0 ? Number(args[topArg + 1]) : 15;

// `--compare`: each handler also bundled with Redis and the libSQL HTTP client inside (what a stack
// that configures them would deploy), same run.
const COMPARE = args.includes('--compare');

/** The stack's bundling (infra/bundling.ts), or the previous one for `--compare`'s rows. */
const STACK_BUNDLING = bundlingOptions({ target: TARGET });
const PREVIOUS_BUNDLING = bundlingOptions({ target: TARGET, without: [] });

const FLOOR_SOURCE = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
let doc;
export const handler = async () => {
  doc ??= DynamoDBDocumentClient.from(new DynamoDBClient({}));
  try { await doc.send(new GetCommand({ TableName: process.env.INCIDENTS_DYNAMO_TABLE, Key: { pk: 'x', sk: 'y' } })); } catch {}
  return {};
};
`;

/**
 * The ceiling: the smallest handler that validates with core and stores with electrodb — the
 * DynamoDB store of `@incidents/store-dynamo` (core's zod schemas, electrodb), one incident read and
 * validated. Every handler of the stack does at least this.
 */
const CEILING_SOURCE = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IncidentSchema } from '@incidents/core';
import { createDynamoStore } from '@incidents/store-dynamo';
let store;
export const handler = async () => {
  store ??= createDynamoStore({ tableName: process.env.INCIDENTS_DYNAMO_TABLE, client: new DynamoDBClient({}) });
  try { IncidentSchema.parse(await store.getIncident('INC-1')); } catch {}
  return {};
};
`;

interface Case {
  name: string;
  entry: string;
  event: unknown;
  /** Bundled with the previous options (`--compare`). */
  previous?: boolean;
}

const HANDLERS: Case[] = [
  { name: 'floor (DynamoDBDocumentClient only)', entry: 'floor', event: {} },
  { name: 'ceiling (core + store-dynamo only)', entry: 'ceiling', event: {} },
  { name: 'kb-batch-sync', entry: join(SRC, 'entries/kb-batch-sync.ts'), event: { source: 'aws.events' } },
  {
    name: 'on-incident-closed',
    entry: join(SRC, 'entries/on-incident-closed.ts'),
    event: {
      Records: [
        {
          eventID: '1',
          eventName: 'MODIFY',
          eventSourceARN: 'arn:aws:dynamodb:eu-west-1:123456789012:table/incidents/stream/2026',
          dynamodb: {
            SequenceNumber: '100',
            Keys: { pk: { S: 'INC#INC-1' }, sk: { S: 'V#0000000000' } },
            NewImage: {
              pk: { S: 'INC#INC-1' },
              sk: { S: 'V#0000000000' },
              incident_id: { S: 'INC-1' },
              status: { S: 'CLOSED' },
              version: { N: '0' },
            },
            OldImage: { status: { S: 'RESOLVED' } },
          },
        },
      ],
    },
  },
  { name: 'connector-sync', entry: join(SRC, 'entries/connector-sync.ts'), event: { connector: 'zendesk' } },
];
const CASES: Case[] = COMPARE
  ? HANDLERS.flatMap((c) =>
      c.entry === 'floor' ? [c] : [{ ...c, name: `${c.name} (previous bundling)`, previous: true }, c],
    )
  : HANDLERS;

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Bytes in the output per package (esbuild metafile), largest first: where a bundle's size goes. */
function attribution(metafile: Metafile, outfile: string): Array<[string, number]> {
  const out = Object.entries(metafile.outputs).find(([path]) => outfile.endsWith(path.replace(/^(\.\.\/)+/, '')));
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(out?.[1].inputs ?? {})) {
    const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const workspace = /(?:^|\/)(packages|apps)\/([^/]+)\//.exec(input);
    const key = pnpm?.[1] ?? (workspace ? `${workspace[1]}/${workspace[2]}` : input);
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  return [...byPackage].sort((a, b) => b[1] - a[1]);
}

async function bundle(c: Case, outDir: string): Promise<{ file: string; metafile: Metafile }> {
  const outfile = join(outDir, `${c.name.replace(/\W+/g, '-')}.cjs`);
  const source = c.entry === 'floor' ? FLOOR_SOURCE : c.entry === 'ceiling' ? CEILING_SOURCE : undefined;
  const result = await build({
    ...(source
      ? { stdin: { contents: source, resolveDir: root, loader: 'ts', sourcefile: `${c.entry}.ts` } }
      : { entryPoints: [c.entry] }),
    outfile,
    ...(c.previous ? PREVIOUS_BUNDLING : STACK_BUNDLING),
    metafile: true,
  });
  return { file: outfile, metafile: result.metafile };
}

const PROBE = `
const { performance } = require('node:perf_hooks');
const t0 = performance.now();
const mod = require(process.argv[1]);
const t1 = performance.now();
const event = JSON.parse(process.argv[2]);
const context = { awsRequestId: 'bench', functionName: 'bench', getRemainingTimeInMillis: () => 60000 };
Promise.resolve(mod.handler(event, context)).catch(() => {}).finally(() => {
  const t2 = performance.now();
  const cpu = process.cpuUsage();
  process.stdout.write('\\n@@' + JSON.stringify({ require: t1 - t0, init: t2 - t0, cpu: (cpu.user + cpu.system) / 1000 }) + '\\n');
  process.exit(0);
});
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function main(): Promise<void> {
  const outDir = mkdtempSync(join(tmpdir(), 'incidents-cold-start-'));
  const port = await closedPort();
  const endpoint = `http://127.0.0.1:${port}`;
  const env = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_MAX_ATTEMPTS: '1',
    AWS_ENDPOINT_URL: endpoint,
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    INCIDENTS_DYNAMO_TABLE: 'incidents',
    INCIDENTS_KB_BUCKET: 'kb',
    INCIDENTS_KB_MODE: 'bedrock',
    INCIDENTS_KB_ID: 'KB12345678',
    INCIDENTS_KB_DATA_SOURCE_ID: 'DS12345678',
    INCIDENTS_CONNECTORS: JSON.stringify({
      zendesk: {
        options: { baseUrl: endpoint },
        secret: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:incidents/zendesk-AbCdEf',
      },
    }),
    POWERTOOLS_DEV: 'false',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    INCIDENTS_LOG_LEVEL: 'error',
  };
  const rows: Array<{
    name: string;
    bytes: number;
    requireMs: number;
    initMs: number;
    cpuMs: number;
    spread: [number, number];
  }> = [];
  const loads: number[] = [];
  const attributions: Array<[string, Array<[string, number]>]> = [];
  for (const c of CASES) {
    const { file, metafile } = await bundle(c, outDir);
    const bytes = statSync(file).size;
    attributions.push([c.name, attribution(metafile, file)]);
    // One warm-up process (file cache), then RUNS measured processes.
    const samples: Array<{ require: number; init: number; cpu: number }> = [];
    loads.push(loadavg()[0] as number);
    for (let i = 0; i <= RUNS; i++) {
      const r = spawnSync(process.execPath, ['-e', PROBE, file, JSON.stringify(c.event)], { env, encoding: 'utf8' });
      const line = r.stdout.split('\n').find((l) => l.startsWith('@@'));
      if (!line) throw new Error(`${c.name}: no measurement\n${r.stdout}\n${r.stderr}`);
      if (i > 0) samples.push(JSON.parse(line.slice(2)));
    }
    const inits = samples.map((s) => s.init);
    rows.push({
      name: c.name,
      bytes,
      requireMs: median(samples.map((s) => s.require)),
      initMs: median(inits),
      cpuMs: median(samples.map((s) => s.cpu)),
      spread: [Math.min(...inits), Math.max(...inits)],
    });
  }
  const floor = rows[0] as (typeof rows)[number];
  console.log(
    `node ${process.version}, esbuild target ${TARGET}, median of ${RUNS} fresh processes; 1-min load average per bundle: ${loads.map((l) => l.toFixed(2)).join(' ')}\n`,
  );
  console.log(
    '| bundle | size (minified) | require | init (require + first call) | init ÷ floor | process CPU at init end (÷ floor) | targets |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---|');
  const results = rows.map((r) => {
    const ratio = r.initMs / floor.initMs;
    const ok = r === floor || (ratio <= 1.5 && r.bytes <= 1024 * 1024);
    const reference = r === floor || r.name.startsWith('ceiling');
    console.log(
      `| ${r.name} | ${(r.bytes / 1024).toFixed(0)} KiB | ${r.requireMs.toFixed(1)} ms | ${r.initMs.toFixed(1)} ms (${r.spread[0].toFixed(0)}–${r.spread[1].toFixed(0)}) | ${ratio.toFixed(2)}× | ${r.cpuMs.toFixed(0)} ms (${(r.cpuMs / floor.cpuMs).toFixed(2)}×) | ${reference ? (ok ? '(pass)' : '(FAIL)') : ok ? 'pass' : 'FAIL'} |`,
    );
    return { ...r, ratio, pass: ok };
  });
  console.log('\nLargest packages per bundle (esbuild metafile, KiB in the minified output):');
  for (const [name, packages] of attributions) {
    const top = packages.slice(0, TOP).map(([pkg, b]) => `${pkg} ${(b / 1024).toFixed(0)}`);
    console.log(`- ${name}: ${top.join(', ')}`);
  }
  const resultsDir = join(here, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, 'cold-start.json'),
    `${JSON.stringify({ node: process.version, target: TARGET, runs: RUNS, loadAverage: median(loads), results }, null, 2)}\n`,
  );
}

/**
 * `--attribute`: what evaluating each heavy dependency alone costs at init. Each module is bundled
 * on its own (same options as the handlers) and required in fresh processes; the figure is the
 * process CPU time at the end of the `require` minus that of an empty bundle (Node's own start-up).
 */
// `name@package`: resolved from that workspace package (not a dependency of this app).
const ATTRIBUTED = [
  '@aws-sdk/lib-dynamodb',
  'zod',
  '@incidents/core',
  'electrodb@store-dynamo',
  '@incidents/store-dynamo',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-bedrock-agent-runtime',
  '@aws-sdk/client-secrets-manager',
  '@aws-sdk/client-ssm',
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/metrics',
  '@aws-lambda-powertools/tracer',
  '@aws-lambda-powertools/idempotency',
  '@libsql/client@kb-sync',
  '@incidents/kb-sync',
  '@incidents/connectors',
  '@incidents/config',
];

async function attribute(): Promise<void> {
  const outDir = mkdtempSync(join(tmpdir(), 'incidents-cold-start-attr-'));
  const cpuOf = async (name: string, contents: string, resolveDir = root): Promise<{ cpu: number; bytes: number }> => {
    const outfile = join(outDir, `${name.replace(/[@/]/g, '_')}.cjs`);
    await build({
      stdin: { contents, resolveDir, loader: 'ts', sourcefile: 'probe.ts' },
      outfile,
      // Whole modules: the stack's stand-ins for Redis and the libSQL HTTP client would hide them.
      ...bundlingOptions({ target: TARGET, without: [] }),
    });
    const probe =
      "require(process.argv[1]); const c = process.cpuUsage(); process.stdout.write('@@' + (c.user + c.system) / 1000);";
    const cpus: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      // A clean environment, as the handler runs (NODE_EXTRA_CA_CERTS alone adds ~40 ms of CPU to any start).
      const r = spawnSync(process.execPath, ['-e', probe, outfile], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
      });
      const m = /@@([\d.]+)/.exec(r.stdout);
      if (!m) throw new Error(`${name}: ${r.stderr}`);
      if (i > 0) cpus.push(Number(m[1]));
    }
    return { cpu: median(cpus), bytes: statSync(outfile).size };
  };
  const empty = await cpuOf('empty', 'export {};');
  console.log(
    `node ${process.version}, median of ${RUNS} fresh processes, 1-min load average ${(loadavg()[0] as number).toFixed(2)}; empty bundle: ${empty.cpu.toFixed(0)} ms CPU\n`,
  );
  console.log('| module (alone, with its dependencies) | bundle | CPU to evaluate (over an empty bundle) |');
  console.log('|---|---:|---:|');
  for (const entry of ATTRIBUTED) {
    const [name = entry, pkg] = entry.split(/(?<=.)@/);
    const dir = pkg ? join(root, '..', '..', 'packages', pkg) : root;
    const r = await cpuOf(name, `import * as m from '${name}'; (globalThis as Record<string, unknown>).m = m;`, dir);
    console.log(`| ${name} | ${(r.bytes / 1024).toFixed(0)} KiB | ${(r.cpu - empty.cpu).toFixed(0)} ms |`);
  }
}

if (args.includes('--attribute')) await attribute();
else await main();

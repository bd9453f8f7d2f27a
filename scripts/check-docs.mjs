#!/usr/bin/env node
/**
 * What a user of the published packages sees, checked against the packed tarballs (not the
 * workspace):
 *
 *   1. every published package is packed (`pnpm pack`) and installed with npm into a scratch project
 *      outside the repository, the way a user installs it;
 *   2. three consumers compile against the installed `.d.ts`/`.d.cts` with `skipLibCheck: false`:
 *      ESM (`module: NodeNext`), CommonJS (`module: node16`, a `.cts` file) and a bundler
 *      (`moduleResolution: bundler`);
 *   3. every TypeScript block (```ts) of the root README, the published packages' READMEs, docs/*.md
 *      and the guides in docs/guides/*.md is type-checked as a module of that project, and the blocks
 *      marked runnable are run; the blocks of the private apps' READMEs (cli, mcp-server, lambda:
 *      not published) are type-checked in the app's folder against the workspace.
 *
 * Markers, as HTML comments on the line(s) just before a block (invisible on GitHub and npm):
 *
 *   <!-- check: skip — why -->         not checked (a type signature, pseudo code); the reason is shown
 *   <!-- check: continue -->           the block continues the previous block of the page (one module)
 *   <!-- check: run -->                compiled and run with node in an empty folder; must exit 0
 *   <!-- check: prelude
 *   declare const store: import('@incidents/core').IncidentStore;
 *   -->                                hidden code put before the block (declarations a fragment assumes)
 *
 * Usage: node scripts/check-docs.mjs [--keep]   (needs a build: `pnpm build`)
 * Only Node built-ins; npm reaches the registry for the packages' own dependencies.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const red = (s) => (color ? `\x1b[31m${s}\x1b[39m` : s);
const green = (s) => (color ? `\x1b[32m${s}\x1b[39m` : s);
const dim = (s) => (color ? `\x1b[2m${s}\x1b[22m` : s);

function sh(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (r.error) throw r.error;
  return r;
}

function must(label, r) {
  if (r.status !== 0) {
    console.error(red(`${label} failed (exit ${r.status})`));
    console.error(`${r.stdout ?? ''}${r.stderr ?? ''}`.trim());
    process.exit(1);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------------
// 1. Pack and install.

/** Published packages: the non-private ones under packages/. */
const published = readdirSync(join(root, 'packages'))
  .map((dir) => join(root, 'packages', dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);

for (const { dir, pkg } of published) {
  if (!existsSync(join(dir, 'dist'))) {
    console.error(red(`${pkg.name} is not built (${relative(root, dir)}/dist is missing): run pnpm build first`));
    process.exit(1);
  }
}

const work = mkdtempSync(join(tmpdir(), 'incidents-docs-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
const project = join(work, 'consumer');
mkdirSync(project);

const files = {};
for (const { dir, pkg } of published) {
  const r = must(`pnpm pack ${pkg.name}`, sh('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir }));
  const tgz = r.stdout.trim().split('\n').pop().trim();
  files[pkg.name] = `file:${join(tarballs, tgz.split('/').pop())}`;
}
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const typescript = rootPkg.devDependencies.typescript;
const typesNode = rootPkg.devDependencies['@types/node'];
// What the READMEs' examples import besides the SDK (a user adds these themselves).
// kb-sync's AWS subpaths (`/s3`, `/bedrock`, `/sns`) need their SDK clients, optional peer dependencies.
const extras = {
  '@aws-sdk/client-dynamodb': '^3.1160.0',
  '@libsql/client': '^0.18.0',
  '@aws-sdk/client-s3': '^3.1160.0',
  '@aws-sdk/client-bedrock-agent': '^3.1130.0',
  '@aws-sdk/client-bedrock-agent-runtime': '^3.1130.0',
  '@aws-sdk/client-sns': '^3.1130.0',
};
writeFileSync(
  join(project, 'package.json'),
  `${JSON.stringify(
    {
      name: 'incidents-docs-consumer',
      private: true,
      type: 'module',
      dependencies: { ...files, ...extras },
      devDependencies: { typescript, '@types/node': typesNode },
      // The tarballs name each other by version (workspace:* becomes 0.x.y); point them at the tarballs.
      overrides: files,
    },
    null,
    2,
  )}\n`,
);
console.log(dim(`installing ${published.length} packed packages into ${project}`));
must(
  'npm install',
  sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts=false'], { cwd: project }),
);

// ---------------------------------------------------------------------------------------------------
// 2. Consumers of every module system, skipLibCheck off.

const consumerSource = (kind) => `// ${kind} consumer: the main entry of every published package, with their types.
import { createIncidentService, type Incident, IncidentsError } from '@incidents/core';
import { runIncidentStoreContract } from '@incidents/core/testing';
import { createTursoStore, type TursoStore } from '@incidents/store-turso';
import { createDynamoStore, incidentsTableDefinition } from '@incidents/store-dynamo';
import { createJiraConnector, createSyncEngine, mapJiraIssue } from '@incidents/connectors';
import { createLocalKnowledgeBase, runKbSync, toKbDocument } from '@incidents/kb-sync';
import { createBedrockKnowledgeBase } from '@incidents/kb-sync/bedrock';
import { createS3ObjectStore } from '@incidents/kb-sync/s3';
import { createSnsAlertSink } from '@incidents/kb-sync/sns';

export async function main(): Promise<Incident | undefined> {
  const store: TursoStore = await createTursoStore({ url: ':memory:' });
  const incidents = createIncidentService({ store });
  const actor = { id: 'ana@example.com', roles: ['operator' as const] };
  try {
    return await incidents.create({ title: 'x', severity: 'LOW' }, { actor });
  } catch (err) {
    if (err instanceof IncidentsError) return undefined;
    throw err;
  } finally {
    await store.close();
  }
}
export const used = [
  runIncidentStoreContract,
  createDynamoStore,
  incidentsTableDefinition,
  createJiraConnector,
  createSyncEngine,
  mapJiraIssue,
  createLocalKnowledgeBase,
  runKbSync,
  toKbDocument,
  createBedrockKnowledgeBase,
  createS3ObjectStore,
  createSnsAlertSink,
];
`;

const consumers = [
  { name: 'esm', file: 'index.ts', options: { module: 'NodeNext', moduleResolution: 'NodeNext' } },
  { name: 'cjs', file: 'index.cts', options: { module: 'node16', moduleResolution: 'node16' } },
  { name: 'bundler', file: 'index.ts', options: { module: 'ESNext', moduleResolution: 'bundler' } },
];
let failed = false;
for (const c of consumers) {
  const dir = join(project, `consumer-${c.name}`);
  mkdirSync(dir);
  writeFileSync(join(dir, c.file), consumerSource(c.name));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        ...c.options,
        target: 'ES2022',
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        types: ['node'],
        typeRoots: [join(project, 'node_modules', '@types')],
      },
      files: [c.file],
    }),
  );
  const r = sh(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], {
    cwd: project,
  });
  if (r.status === 0) console.log(`${green('✓')} ${c.name} consumer compiles (skipLibCheck: false)`);
  else {
    failed = true;
    console.error(`${red('✗')} ${c.name} consumer:\n${r.stdout}${r.stderr}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// 3. The documentation's TypeScript blocks.

/** The Markdown files of a folder of the repository (not recursive), as repository paths. */
const markdownIn = (dir) =>
  existsSync(join(root, dir))
    ? readdirSync(join(root, dir))
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => `${dir}/${f}`)
    : [];
const pages = [
  'README.md',
  ...published.map(({ dir }) => relative(root, join(dir, 'README.md'))),
  ...markdownIn('docs'),
  ...markdownIn('docs/guides'),
  // The private apps' READMEs: not published, so their blocks are type-checked in the app's folder
  // against the workspace (below), not against the packed packages.
  'apps/cli/README.md',
  'apps/mcp-server/README.md',
  'apps/lambda/README.md',
].filter((p) => existsSync(join(root, p)));

/** @type {{ page: string, line: number, code: string, prelude: string, run: boolean, skip?: string }[]} */
const modules = [];
let skipped = 0;
for (const page of pages) {
  const text = readFileSync(join(root, page), 'utf8');
  const lines = text.split('\n');
  let last;
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    const code = lines.slice(start, end).join('\n');
    // The markers: the HTML comments right above the fence (blank lines allowed between).
    let j = i - 1;
    const markers = [];
    while (j >= 0 && (lines[j].trim() === '' || lines[j].trim().endsWith('-->'))) {
      if (lines[j].trim() === '') {
        j--;
        continue;
      }
      let k = j;
      while (k >= 0 && !lines[k].includes('<!--')) k--;
      markers.unshift(lines.slice(k, j + 1).join('\n'));
      j = k - 1;
    }
    const marker = (name) => markers.find((m) => new RegExp(`<!--\\s*check:\\s*${name}\\b`).test(m));
    const skip = marker('skip');
    const prelude =
      marker('prelude')
        ?.replace(/^[\s\S]*?check:\s*prelude\b/, '')
        .replace(/-->\s*$/, '') ?? '';
    if (skip) {
      skipped++;
      console.log(
        dim(
          `- ${page}:${start}: skipped (${skip.replace(/^<!--\s*check:\s*skip\s*[—-]?\s*/, '').replace(/\s*-->$/, '')})`,
        ),
      );
    } else if (marker('continue') && last) {
      last.code += `\n${prelude}\n${code}`;
      last.run ||= Boolean(marker('run'));
    } else {
      last = { page, line: start, code, prelude, run: Boolean(marker('run')) };
      modules.push(last);
    }
    i = end;
  }
}

const slug = (m) => `${m.page.replace(/[^a-zA-Z0-9]+/g, '-').replace(/-md$/, '')}-L${m.line}`;
/** Errors per block file, mapped back to the page's lines. */
const errors = new Map();
function collectErrors(output, mods) {
  for (const line of output.split('\n')) {
    const m = /^([^()]+)\.ts\((\d+),(\d+)\): (error .*)$/.exec(line.trim());
    if (!m) continue;
    const file = m[1].split('/').pop();
    const mod = mods.find((x) => slug(x) === file);
    if (!mod) continue;
    const preludeLines = mod.prelude.split('\n').length;
    const at = Number(m[2]) - preludeLines;
    const where = at >= 1 ? `${mod.page}:${mod.line + at - 1}` : `${mod.page}:${mod.line} (prelude)`;
    errors.set(mod, [...(errors.get(mod) ?? []), `  ${where}: ${m[4]}`]);
  }
}

// The private apps (apps/<name>) are not published: their READMEs' blocks are type-checked inside the
// app's folder against the workspace (the app's own name mapped to its sources), not run.
const appModules = modules.filter((m) => m.page.startsWith('apps/'));
for (const appDir of [...new Set(appModules.map((m) => dirname(m.page)))]) {
  const mods = appModules.filter((m) => dirname(m.page) === appDir);
  const dir = join(root, appDir, '.check-docs');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  try {
    for (const m of mods) writeFileSync(join(dir, `${slug(m)}.ts`), `${m.prelude}\n${m.code}\nexport {};\n`);
    const appName = JSON.parse(readFileSync(join(root, appDir, 'package.json'), 'utf8')).name;
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../../tsconfig.base.json',
        compilerOptions: { noEmit: true, skipLibCheck: true, paths: { [appName]: ['../src/index.ts'] } },
        include: ['*.ts'],
      }),
    );
    const r = sh(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: root });
    collectErrors(`${r.stdout}${r.stderr}`, mods);
    if (r.status !== 0 && !mods.some((m) => errors.has(m))) {
      failed = true;
      console.error(red(`tsc failed in ${appDir}:\n${r.stdout}${r.stderr}`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const m of mods) m.workspace = true;
}

const blocks = join(project, 'blocks');
mkdirSync(blocks);
for (const m of modules.filter((x) => !x.workspace)) {
  // `export {}` makes every block a module (top-level await, no shared globals between blocks).
  writeFileSync(join(blocks, `${slug(m)}.ts`), `${m.prelude}\n${m.code}\nexport {};\n`);
}
writeFileSync(
  join(blocks, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: {
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      target: 'ES2022',
      strict: true,
      // The consumers above check the SDK's own declarations with skipLibCheck off; here third-party
      // declarations that do not pass strict mode themselves (ioredis imports the untyped
      // `redis-errors`) must not fail the documentation.
      skipLibCheck: true,
      outDir: join(project, 'out'),
      types: ['node'],
      typeRoots: [join(project, 'node_modules', '@types')],
    },
    include: ['*.ts'],
  }),
);
const tsc = sh(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', blocks], {
  cwd: project,
});
const blockModules = modules.filter((x) => !x.workspace);
collectErrors(`${tsc.stdout}${tsc.stderr}`, blockModules);
if (tsc.status !== 0 && !blockModules.some((m) => errors.has(m))) {
  failed = true;
  console.error(red(`tsc failed:\n${tsc.stdout}${tsc.stderr}`));
}
for (const m of modules) {
  const errs = errors.get(m);
  if (errs) {
    failed = true;
    console.error(`${red('✗')} ${m.page}:${m.line}\n${errs.join('\n')}`);
    continue;
  }
  if (m.workspace) {
    console.log(`${green('✓')} ${m.page}:${m.line} type-checks (private app, against the workspace)`);
    continue;
  }
  if (!m.run) {
    console.log(`${green('✓')} ${m.page}:${m.line} type-checks`);
    continue;
  }
  const cwd = mkdtempSync(join(work, 'run-'));
  // Run from inside the consumer project so that its node_modules resolve; the block's files go to cwd.
  const js = join(project, 'out', `${slug(m)}.js`);
  const r = sh(process.execPath, [js], { cwd, timeout: 120_000, env: { ...process.env, NODE_PATH: '' } });
  if (r.status === 0) console.log(`${green('✓')} ${m.page}:${m.line} type-checks and runs`);
  else {
    failed = true;
    console.error(`${red('✗')} ${m.page}:${m.line} ran with exit ${r.status}:\n${r.stdout}${r.stderr}`);
  }
}

console.log(
  `\n${modules.length} documentation modules from ${pages.length} pages (${modules.filter((m) => m.run).length} run), ${skipped} blocks skipped with a reason, 3 consumers`,
);
if (!keep) rmSync(work, { recursive: true, force: true });
else console.log(dim(`kept ${work}`));
if (failed) {
  console.error(red('documentation or consumer check failed'));
  process.exit(1);
}
console.log(green('documentation and consumers OK'));

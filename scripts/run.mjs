#!/usr/bin/env node
/**
 * The two commands of the README's quick start, on a machine with only Node 20 and npm:
 *
 *   npm run demo   install → build the CLI → `incidents demo` on an embedded libSQL file under .incidents/
 *   npm test       install → build → lint → typecheck → packed-package checks (publint, attw,
 *                  release dry-run, consumers, README/docs examples) → API site and its links → vitest
 *
 * Extra arguments go to the last step: `npm run demo -- --json`, `npm test -- --project core`.
 *
 * Only Node built-ins; output is streamed; the first failing step stops the run with its exit code.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM_VERSION = '10.34.9';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const isWindows = process.platform === 'win32';

const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
  NEXT_TELEMETRY_DISABLED: '1',
};

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (color ? `\x1b[1m${s}\x1b[22m` : s);
const red = (s) => (color ? `\x1b[31m${s}\x1b[39m` : s);
const green = (s) => (color ? `\x1b[32m${s}\x1b[39m` : s);
const dim = (s) => (color ? `\x1b[2m${s}\x1b[22m` : s);

function usage() {
  console.error('usage: node scripts/run.mjs <demo|test> [args for the last step]');
  process.exit(2);
}

/** Which pnpm to run: a global pnpm 10, else `npx --yes pnpm@<PNPM_VERSION>`. */
function findPnpm() {
  const probe = spawnSync('pnpm', ['--version'], { cwd: root, env, encoding: 'utf8', shell: isWindows });
  const version = probe.status === 0 ? probe.stdout.trim() : '';
  if (/^10\./.test(version)) return { cmd: 'pnpm', prefix: [], label: `pnpm ${version}` };
  const why = version ? `global pnpm is ${version}, this repository needs 10.x` : 'no usable global pnpm';
  return { cmd: 'npx', prefix: ['--yes', `pnpm@${PNPM_VERSION}`], label: `pnpm ${PNPM_VERSION} via npx (${why})` };
}

/** Runs a command with inherited stdio; resolves with its exit code. */
function run(cmd, args, options = {}) {
  console.log(dim(`$ ${[cmd, ...args].join(' ')}`));
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: 'inherit', shell: isWindows, ...options });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (err) => {
      console.error(red(`could not start ${cmd}: ${err.message}`));
      resolve(127);
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** Whether something accepts TCP connections on host:port. */
function isListening(host, port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function hasCommand(cmd, args = ['--version']) {
  return spawnSync(cmd, args, { env, stdio: 'ignore', shell: isWindows }).status === 0;
}

/** Starts the local engines the integration tests use, when they are installed but not running. */
async function ensureServices() {
  if (await isListening('127.0.0.1', 6379)) {
    console.log('redis-server: running on 127.0.0.1:6379');
  } else if (hasCommand('redis-server')) {
    const code = await run('redis-server', [
      '--daemonize',
      'yes',
      '--bind',
      '127.0.0.1',
      '--port',
      '6379',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    if (code !== 0) return code;
    for (let i = 0; i < 50 && !(await isListening('127.0.0.1', 6379)); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`redis-server: ${(await isListening('127.0.0.1', 6379)) ? 'started' : red('did not start')}`);
  } else {
    console.log(
      red('redis-server: not installed') +
        ' — the Redis tests need it (Debian/Ubuntu: `apt-get install -y redis-server`; `.ci/run` installs it).',
    );
  }
  if (!hasCommand('java', ['-version'])) {
    console.log(
      red('java: not installed') +
        ' — the DynamoDB Local tests need Java 17 (`apt-get install -y openjdk-17-jre-headless`; `.ci/run` installs it).',
    );
  }
  return 0;
}

async function main() {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode !== 'demo' && mode !== 'test') usage();

  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) {
    console.error(red(`Node ${process.versions.node} is too old: this repository needs Node 20.11 or newer.`));
    process.exit(1);
  }

  const pnpm = findPnpm();
  const pn = (...args) => [pnpm.cmd, [...pnpm.prefix, ...args]];
  const dbFile = join(root, '.incidents', 'demo.db');
  const dbUrl = `file:${relative(root, dbFile).split('\\').join('/')}`;

  /** @type {{ title: string, keepGoing?: boolean, run: () => Promise<number> }[]} */
  const steps = [{ title: `Install dependencies (${pnpm.label})`, run: () => run(...pn('install')) }];
  if (mode === 'demo') {
    steps.push(
      {
        title: 'Build the CLI and the packages it uses (turbo)',
        run: () => run(...pn('exec', 'turbo', 'run', 'build', '--filter=@incidents/cli...')),
      },
      {
        title: `Run \`incidents demo\` on an embedded libSQL database (${dbUrl})`,
        run: async () => {
          const bin = join(root, 'apps', 'cli', 'dist', 'bin.js');
          if (!existsSync(bin)) {
            console.error(red(`${relative(root, bin)} is missing: the CLI build did not produce it.`));
            return 1;
          }
          mkdirSync(dirname(dbFile), { recursive: true });
          for (const suffix of ['', '-shm', '-wal', '-journal']) rmSync(`${dbFile}${suffix}`, { force: true });
          // The demo's "Explore it" hints name the command that works in a clone: `pnpm incidents`.
          return run(process.execPath, [bin, '--db', dbUrl, 'demo', ...rest], {
            cwd: root,
            env: { ...env, INCIDENTS_PROGRAM: 'pnpm incidents' },
          });
        },
      },
    );
  } else {
    steps.push(
      { title: 'Build every package and app (turbo)', run: () => run(...pn('run', 'build')) },
      // Lint and typecheck failures do not stop the run: the tests still run, and the run fails at the end.
      { title: 'Lint and format check (biome)', keepGoing: true, run: () => run(...pn('run', 'lint')) },
      { title: 'Typecheck (turbo)', keepGoing: true, run: () => run(...pn('run', 'typecheck')) },
      {
        title: 'Published packages: publint + are-the-types-wrong',
        keepGoing: true,
        run: () => run(...pn('run', 'check:packages')),
      },
      {
        // changeset status + `changeset version` on a throwaway copy + `pnpm publish --dry-run` of each
        // published package, and their provenance-ready publishConfig. Publishes nothing.
        title: 'Release dry-run (changesets, pnpm publish --dry-run)',
        keepGoing: true,
        run: () => run(process.execPath, [join(root, 'scripts', 'release-dry-run.mjs')]),
      },
      {
        // Packs and installs the packages like a user, compiles ESM/CJS/bundler consumers, and
        // type-checks (and runs) every TypeScript block of the READMEs and docs/.
        title: 'Documentation examples and consumers, against the packed packages',
        keepGoing: true,
        run: () => run(process.execPath, [join(root, 'scripts', 'check-docs.mjs')]),
      },
      {
        // The API site as published: TypeDoc with warnings as errors (every export documented, every
        // guide rendered), then every link and anchor of the built HTML checked offline (linkinator
        // on the local files; external links are skipped).
        title: 'API site: TypeDoc and its links (offline)',
        keepGoing: true,
        run: () => run(...pn('run', 'check:site')),
      },
      { title: 'Start local services (redis-server)', run: ensureServices },
      { title: 'Run the tests (vitest, every project)', run: () => run(...pn('exec', 'vitest', 'run', ...rest)) },
    );
  }

  const started = Date.now();
  /** @type {{ title: string, code: number, secs: string }[]} */
  const results = [];
  for (const [i, step] of steps.entries()) {
    console.log(`\n${bold(`==> [${i + 1}/${steps.length}] ${step.title}`)}`);
    const t0 = Date.now();
    const code = await step.run();
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    results.push({ title: step.title, code, secs });
    if (code === 0) {
      console.log(dim(`    done in ${secs}s`));
    } else if (step.keepGoing) {
      console.error(red(`    failed (exit ${code}, ${secs}s); continuing, the run will fail at the end`));
    } else {
      break;
    }
  }

  const total = ((Date.now() - started) / 1000).toFixed(1);
  const failed = results.filter((r) => r.code !== 0);
  console.log(`\n${bold('==> Summary')}`);
  for (const [i, r] of results.entries()) {
    const mark = r.code === 0 ? green('✓') : red('✗');
    console.log(
      `  ${mark} [${i + 1}/${steps.length}] ${r.title} (${r.secs}s${r.code === 0 ? '' : `, exit ${r.code}`})`,
    );
  }
  for (const [i, step] of steps.entries()) {
    if (i >= results.length) console.log(`  ${dim('-')} [${i + 1}/${steps.length}] ${step.title} ${dim('(not run)')}`);
  }
  const command = mode === 'demo' ? 'npm run demo' : 'npm test';
  if (failed.length > 0) {
    console.error(`\n${red(bold(`✗ ${command} failed after ${total}s: ${failed.map((r) => r.title).join('; ')}`))}`);
    process.exit(failed[0]?.code || 1);
  }
  console.log(`\n${green(bold(`✓ ${command} finished in ${total}s`))}`);
  if (mode === 'demo') {
    console.log(`Explore the demo database: ${bold(`pnpm incidents --db ${dbUrl} list`)}`);
  }
}

main().catch((err) => {
  console.error(red(err?.stack ?? String(err)));
  process.exit(1);
});

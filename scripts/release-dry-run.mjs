#!/usr/bin/env node
/**
 * A release, rehearsed without publishing anything (run by `npm test` after the package checks):
 *
 *   1. `changeset status` — the pending changesets form a valid release plan (no changeset that mixes
 *      ignored private packages with published ones, no unknown package);
 *   2. `changeset version` on a throwaway copy of the repository's tracked files — versions are bumped
 *      and changelogs written there, never here; every published package must get a CHANGELOG entry
 *      for each bump, and internal `workspace:` ranges must still point at the bumped versions;
 *   3. provenance-ready metadata in every published package.json: `publishConfig.access: public` and
 *      `publishConfig.provenance: true`, and a `repository.url` (npm checks provenance against it);
 *   4. `pnpm publish --dry-run --no-git-checks` for each published package — what npm would receive.
 *
 * Usage: node scripts/release-dry-run.mjs   (needs a build: `pnpm build`; only Node built-ins, pnpm)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const red = (s) => (color ? `\x1b[31m${s}\x1b[39m` : s);
const green = (s) => (color ? `\x1b[32m${s}\x1b[39m` : s);
const changesetBin = join(root, 'node_modules', '@changesets', 'cli', 'bin.js');

function sh(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (r.error) throw r.error;
  return r;
}

const problems = [];
function check(ok, message) {
  if (ok) console.log(`${green('✓')} ${message}`);
  else {
    problems.push(message);
    console.error(`${red('✗')} ${message}`);
  }
  return ok;
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const published = readdirSync(join(root, 'packages'))
  .map((dir) => join('packages', dir))
  .filter((dir) => existsSync(join(root, dir, 'package.json')))
  .map((dir) => ({ dir, pkg: readJson(join(root, dir, 'package.json')) }))
  .filter(({ pkg }) => !pkg.private);

// 1. The release plan.
const planFile = join(tmpdir(), `changeset-status-${process.pid}.json`);
// Against the base branch when it exists here (a missing changeset for a changed package fails), else
// against HEAD (a clone of one branch: the plan is still validated).
const hasBase = sh('git', ['rev-parse', '--verify', '--quiet', 'main'], { cwd: root }).status === 0;
const status = sh(
  process.execPath,
  [changesetBin, 'status', '--output', planFile, ...(hasBase ? [] : ['--since', 'HEAD'])],
  { cwd: root },
);
if (!check(status.status === 0, 'changeset status: the pending changesets form a valid release plan')) {
  console.error(`${status.stdout}${status.stderr}`.trim());
}
/** @type {{ releases: { name: string, type: string, oldVersion: string, newVersion: string }[] }} */
const plan = existsSync(planFile) ? readJson(planFile) : { releases: [] };
rmSync(planFile, { force: true });
const bumps = plan.releases.filter((r) => r.type !== 'none');
console.log(
  bumps.length
    ? `  release plan: ${bumps.map((r) => `${r.name} ${r.oldVersion} → ${r.newVersion}`).join(', ')}`
    : '  release plan: nothing to release',
);

// 2. `changeset version` on a throwaway copy of the tracked files.
const copy = mkdtempSync(join(tmpdir(), 'incidents-release-'));
try {
  const files = sh('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root })
    .stdout.split('\0')
    .filter((f) => f && existsSync(join(root, f)));
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(root, file), join(copy, file));
  }
  // changeset's own dependencies resolve from the repository's node_modules.
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const version = sh(process.execPath, [changesetBin, 'version'], { cwd: copy });
  if (check(version.status === 0, 'changeset version on a throwaway copy')) {
    for (const release of bumps) {
      const entry = published.find((p) => p.pkg.name === release.name);
      if (!entry) continue;
      const after = readJson(join(copy, entry.dir, 'package.json'));
      check(
        after.version === release.newVersion,
        `${release.name}: package.json at ${after.version} (planned ${release.newVersion})`,
      );
      const changelog = join(copy, entry.dir, 'CHANGELOG.md');
      check(
        existsSync(changelog) && readFileSync(changelog, 'utf8').includes(`## ${release.newVersion}`),
        `${release.name}: CHANGELOG.md has a "${release.newVersion}" entry`,
      );
    }
    const leftover = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    check(leftover.length === 0, `every changeset consumed (${leftover.length} left)`);
  } else {
    console.error(`${version.stdout}${version.stderr}`.trim());
  }
} finally {
  rmSync(copy, { recursive: true, force: true });
}

// 3. Provenance-ready metadata.
for (const { pkg } of published) {
  check(
    pkg.publishConfig?.access === 'public' && pkg.publishConfig?.provenance === true,
    `${pkg.name}: publishConfig { access: public, provenance: true }`,
  );
  check(Boolean(pkg.repository?.url && pkg.repository?.directory), `${pkg.name}: repository url and directory`);
}

// 4. What npm would receive.
for (const { dir, pkg } of published) {
  if (!existsSync(join(root, dir, 'dist'))) {
    check(false, `${pkg.name}: built (${dir}/dist is missing: run pnpm build first)`);
    continue;
  }
  const r = sh('pnpm', ['publish', '--dry-run', '--no-git-checks', '--json'], { cwd: join(root, dir) });
  let files = [];
  try {
    // `{ "<name>": { files: [{ path }…] } }` (older pnpm: the object itself)
    const out = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
    const report = out.files ? out : out[pkg.name];
    files = report?.files?.map((f) => f.path) ?? [];
  } catch {
    // pnpm printed no JSON: reported below with its output
  }
  const ok = check(
    r.status === 0 &&
      files.includes('package.json') &&
      files.includes('LICENSE') &&
      files.some((f) => f.startsWith('dist/')),
    `${pkg.name}: pnpm publish --dry-run (${files.length} files)`,
  );
  if (!ok) console.error(`${r.stdout}${r.stderr}`.trim());
}

if (problems.length) {
  console.error(red(`release dry-run failed: ${problems.length} problem(s)`));
  process.exit(1);
}
console.log(green(`release dry-run OK: ${published.length} packages, ${bumps.length} version bumps planned`));
console.log('nothing was published; versions and changelogs were written only in the throwaway copy');

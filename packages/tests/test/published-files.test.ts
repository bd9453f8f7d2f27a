/**
 * What the published packages ship: built files that name no builder's folder (reproducible builds:
 * the same dist/ from any checkout), and a LICENSE and the release metadata in every tarball.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  repository: { type: string; url: string };
  homepage: string;
  bugs: { url: string };
  engines: { node: string };
};

interface PackageJson {
  name: string;
  private?: boolean;
  license?: string;
  files?: string[];
  repository?: { type: string; url: string; directory: string };
  homepage?: string;
  bugs?: { url: string };
  keywords?: string[];
  engines?: { node: string };
  publishConfig?: { access?: string; provenance?: boolean };
}

/** Every non-private package under packages/: the ones that are published. */
const published = readdirSync(join(root, 'packages'))
  .map((dir) => ({ dir: `packages/${dir}`, file: join(root, 'packages', dir, 'package.json') }))
  .filter(({ file }) => existsSync(file))
  .map(({ dir, file }) => ({ dir, pkg: JSON.parse(readFileSync(file, 'utf8')) as PackageJson }))
  .filter(({ pkg }) => !pkg.private);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('published packages', () => {
  it('are found', () => {
    expect(published.map((p) => p.pkg.name)).toEqual(
      expect.arrayContaining(['@incidents/core', '@incidents/store-turso']),
    );
  });

  it.each(published)('$pkg.name: built files name no absolute path of the build machine', ({ dir }) => {
    const dist = join(root, dir, 'dist');
    expect(existsSync(dist), `${dir} is built`).toBe(true);
    for (const file of filesUnder(dist)) {
      const text = readFileSync(file, 'utf8');
      expect(text.includes(root), `${file} contains ${root}`).toBe(false);
    }
  });

  it.each(published)('$pkg.name: LICENSE shipped and release metadata pointing at its folder', ({ dir, pkg }) => {
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(root, dir, 'LICENSE'), 'utf8')).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'));
    expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'README.md', 'LICENSE']));
    expect(pkg.repository).toEqual({ ...rootPackage.repository, directory: dir });
    expect(pkg.homepage).toBe(`${rootPackage.homepage.replace(/#.*$/, '')}/tree/main/${dir}#readme`);
    expect(pkg.bugs).toEqual(rootPackage.bugs);
    expect(pkg.engines).toEqual(rootPackage.engines);
    expect(pkg.keywords?.length ?? 0).toBeGreaterThan(2);
    // Scoped packages are private on the registry unless published public; provenance from CI.
    expect(pkg.publishConfig).toEqual({ access: 'public', provenance: true });
  });

  it.each(published)('$pkg.name: README links work on the registry page (no relative links)', ({ dir }) => {
    const readme = readFileSync(join(root, dir, 'README.md'), 'utf8');
    expect(readme.match(/\]\((?!https?:|#|mailto:)[^)]*\)/g) ?? []).toEqual([]);
  });
});

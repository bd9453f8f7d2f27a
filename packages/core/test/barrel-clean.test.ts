/**
 * The root entry of `@incidents/core` must stay browser-safe: the web app and edge runtimes bundle it.
 * This test reads the BUILT files (`dist/index.js`, `dist/index.cjs` and every chunk they import) and
 * fails if any of them imports a Node built-in, an AWS SDK or libSQL module, or the test runner.
 *
 * Build first: `pnpm --filter @incidents/core build` (`npm test` does it).
 */
import { describe, expect, it } from 'vitest';

// Core compiles with `types: []` (no Node globals may leak into its sources), so the few Node APIs this
// test needs are loaded dynamically and typed here.
interface NodeApis {
  fs: { existsSync(path: string): boolean; readFileSync(path: string, encoding: 'utf8'): string };
  path: { dirname(path: string): string; resolve(...paths: string[]): string };
  url: { fileURLToPath(url: string): string };
  module: { builtinModules: readonly string[] };
}
const load = (id: string): Promise<unknown> => import(/* @vite-ignore */ id);
const { existsSync, readFileSync } = (await load('node:fs')) as NodeApis['fs'];
const { dirname, resolve } = (await load('node:path')) as NodeApis['path'];
const { fileURLToPath } = (await load('node:url')) as NodeApis['url'];
const { builtinModules } = (await load('node:module')) as NodeApis['module'];

const distDir = resolve(dirname(fileURLToPath(import.meta.url)), '../dist');

const SPECIFIER_PATTERNS = [
  // static `import … from '…'` / `export … from '…'` statements (esbuild puts them at the start of a line)
  /^\s*(?:import|export)\s[^;]*?\bfrom\s*["']([^"'\s]+)["']/gm,
  // side-effect imports: `import '…'`
  /^\s*import\s*["']([^"'\s]+)["']/gm,
  /\bimport\s*\(\s*["']([^"'\s]+)["']\s*\)/g,
  /\brequire\s*\(\s*["']([^"'\s]+)["']\s*\)/g,
];

/** Every module specifier a built JavaScript file imports, exports from or requires. */
function specifiersOf(source: string): string[] {
  const found = new Set<string>();
  for (const pattern of SPECIFIER_PATTERNS) {
    for (const match of source.matchAll(pattern)) {
      if (match[1]) found.add(match[1]);
    }
  }
  return [...found];
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, name.split('/')[0] ?? name]));

/** Why a bare specifier is not allowed in the browser-safe entry, or `null` when it is fine. */
function forbiddenReason(specifier: string): string | null {
  if (specifier.startsWith('node:')) return 'Node built-in';
  if (NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split('/')[0] ?? specifier)) return 'Node built-in';
  if (specifier.startsWith('@aws-sdk/')) return 'AWS SDK';
  if (specifier.startsWith('@libsql/') || specifier === 'libsql') return 'libSQL driver';
  if (specifier === 'vitest' || specifier.startsWith('vitest/')) return 'test runner';
  return null;
}

interface Walk {
  /** Built files read, relative to dist. */
  files: string[];
  /** Bare (package) specifiers imported anywhere in the graph. */
  external: Map<string, string>;
}

/** Follows the relative imports of `entry` through the built chunks. */
function walk(entry: string): Walk {
  const files: string[] = [];
  const external = new Map<string, string>();
  const queue = [resolve(distDir, entry)];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!existsSync(file)) throw new Error(`${file} is imported but does not exist`);
    files.push(file.slice(distDir.length + 1));
    for (const specifier of specifiersOf(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier));
      else if (!external.has(specifier)) external.set(specifier, file.slice(distDir.length + 1));
    }
  }
  return { files, external };
}

function violations(result: Walk): string[] {
  return [...result.external]
    .map(([specifier, file]) => {
      const reason = forbiddenReason(specifier);
      return reason ? `${file} imports '${specifier}' (${reason})` : null;
    })
    .filter((v): v is string => v !== null);
}

describe('the root entry of @incidents/core is browser-safe (built output)', () => {
  it('has been built', () => {
    expect(existsSync(resolve(distDir, 'index.js')), 'run `pnpm --filter @incidents/core build` first').toBe(true);
    expect(existsSync(resolve(distDir, 'index.cjs')), 'run `pnpm --filter @incidents/core build` first').toBe(true);
  });

  it('dist/index.js and the chunks it imports import nothing from Node, AWS, libSQL or vitest', () => {
    const result = walk('index.js');
    expect(result.files[0]).toBe('index.js');
    expect(violations(result)).toEqual([]);
    // zod is the one runtime dependency; seeing it proves the scan reads the import statements.
    expect([...result.external.keys()]).toContain('zod');
  });

  it('the demo data (`incidents seed` on any store) loads no libSQL, AWS or Node code', () => {
    for (const entry of ['demo/index.js', 'demo/index.cjs']) {
      const result = walk(entry);
      expect(violations(result), entry).toEqual([]);
    }
  });

  it('the errors entry (`@incidents/core/errors`) imports no package at all, not even zod', () => {
    // The CLI's root help and failure paths import it; loading zod and the model's schemas there cost
    // ~60 ms of start-up (docs/benchmarks.md, "CLI and MCP start-up").
    for (const entry of ['errors/index.js', 'errors/index.cjs']) {
      const result = walk(entry);
      expect([...result.external.keys()], entry).toEqual([]);
    }
  });

  it('dist/index.cjs imports nothing from Node, AWS, libSQL or vitest', () => {
    const result = walk('index.cjs');
    expect(violations(result)).toEqual([]);
    expect([...result.external.keys()]).toContain('zod');
  });

  it('every package the root entry imports is a declared dependency', () => {
    const pkg = JSON.parse(readFileSync(resolve(distDir, '../package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    const declared = new Set(Object.keys(pkg.dependencies ?? {}));
    const packageOf = (s: string) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : (s.split('/')[0] ?? s));
    const undeclared = [...walk('index.js').external.keys()].map(packageOf).filter((name) => !declared.has(name));
    expect(undeclared).toEqual([]);
  });

  it('the scan detects forbidden imports (the check itself works)', () => {
    const sample = [
      'import { readFile } from "node:fs/promises";',
      "import path from 'path';",
      'export { S3Client } from "@aws-sdk/client-s3";',
      'const c = await import("@libsql/client");',
      'const v = require("vitest");',
      'import { z } from "zod";',
    ].join('\n');
    const reasons = specifiersOf(sample).map((s) => [s, forbiddenReason(s)]);
    expect(reasons).toEqual(
      expect.arrayContaining([
        ['node:fs/promises', 'Node built-in'],
        ['path', 'Node built-in'],
        ['@aws-sdk/client-s3', 'AWS SDK'],
        ['@libsql/client', 'libSQL driver'],
        ['vitest', 'test runner'],
        ['zod', null],
      ]),
    );
    expect(reasons).toHaveLength(6);
  });

  it('the testing entry is separate: it may import vitest, but the root entry does not reach it', () => {
    const root = walk('index.js');
    expect(root.files.some((f) => f.startsWith('testing/'))).toBe(false);
    expect(walk('testing/index.js').external.has('vitest')).toBe(true);
  });
});

import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';

/**
 * Embeds `*.sql?raw` imports as strings (the same syntax Vite/vitest understand natively), so the
 * versioned migrations in `migrations/` ship inside both the ESM and the CJS bundle and need no file
 * lookups at runtime.
 */
interface RawSqlBuild {
  onResolve(
    options: { filter: RegExp },
    callback: (args: { path: string; resolveDir: string }) => { path: string; namespace: string },
  ): void;
  onLoad(
    options: { filter: RegExp; namespace: string },
    callback: (args: { path: string }) => Promise<{ contents: string; loader: 'text' }>,
  ): void;
}

/** The package folder: raw-sql paths are kept relative to it, so no builder's path reaches `dist/`. */
const packageDir = dirname(fileURLToPath(import.meta.url));

const rawSql = {
  name: 'raw-sql',
  setup(build: RawSqlBuild) {
    build.onResolve({ filter: /\.sql\?raw$/ }, (args) => ({
      // esbuild names the module in a comment of the bundle: a relative, '/'-separated path keeps
      // builds reproducible (the same dist/ from any folder).
      path: relative(packageDir, resolve(args.resolveDir, args.path.replace(/\?raw$/, '')))
        .split('\\')
        .join('/'),
      namespace: 'raw-sql',
    }));
    build.onLoad({ filter: /.*/, namespace: 'raw-sql' }, async (args) => ({
      contents: await readFile(resolve(packageDir, args.path), 'utf8'),
      loader: 'text',
    }));
  },
};

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  esbuildPlugins: [rawSql],
});

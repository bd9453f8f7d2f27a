/**
 * How each Lambda handler is bundled — one definition used by the stack (`handlerCode`, the code of
 * each `NodejsFunction`) and by the cold-start benchmark (`bundleHandler`), so the benchmark measures
 * the bytes the stack deploys.
 *
 * The bundle is one CommonJS file, minified, with the AWS SDK inside (the handlers pin their SDK
 * versions), built with esbuild's JavaScript API rather than `NodejsFunction`'s esbuild command line
 * because two of its steps are esbuild plugins, which the command line cannot run:
 *
 * - **zod namespace imports.** esbuild keeps every export of zod (all ~40 locales, JSON Schema
 *   conversion: ~450 KiB of each bundle) when a module imports `{ z } from 'zod'`, because `z` is a
 *   re-exported namespace object; `import * as z from 'zod'` lets it keep only what is used (~100 KiB).
 *   The workspace packages' built files are read with the first form rewritten to the second, which
 *   means the same for every property access (`z.object`, `z.infer`).
 * - **Adapters the stack never configures** are replaced by stand-ins that throw a clear `config`
 *   error on use (the stack's knowledge base is Bedrock or none, and no function of the stack is
 *   given Redis variables): `@incidents/redis` (ioredis + Upstash, ~310 KiB) and `@libsql/client`
 *   (the HTTP client of the local knowledge base, ~115 KiB). Set those variables on a deployed
 *   function and its first invocation fails with an error naming them, not with a missing module.
 *
 * Run as a script (`node --import tsx infra/bundling.ts <entry> <outdir> <target>`) it writes
 * `<outdir>/index.js` (+ `.map`); `handlerCode` runs it this way because CDK's local bundling is
 * synchronous and esbuild plugins need the asynchronous API.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const APP_ROOT = join(here, '..');
const SHIMS = join(here, 'shims');

/** Modules the stack's handlers are bundled without (each replaced by a stand-in that throws on use). */
export type BundleExclusion = 'redis' | 'libsql-client';

/** Module specifier and stand-in of each exclusion. */
const EXCLUSIONS: Record<BundleExclusion, [string, string]> = {
  redis: ['@incidents/redis', join(SHIMS, 'redis-unavailable.ts')],
  'libsql-client': ['@libsql/client', join(SHIMS, 'libsql-client-unavailable.ts')],
};

/**
 * What no function of the stack can use given the configuration the stack gives it: no Redis
 * variables, `INCIDENTS_KB_MODE` `bedrock` or `none`. Change this when the stack starts passing
 * Redis settings or a local knowledge base to a function.
 */
export const STACK_EXCLUSIONS: readonly BundleExclusion[] = ['redis', 'libsql-client'];

/** Options of {@link bundlingOptions}. */
export interface HandlerBundleOptions {
  /** esbuild target, the Lambda runtime's Node.js (`node24`). */
  target: string;
  /** Modules replaced by stand-ins; default {@link STACK_EXCLUSIONS}. */
  without?: readonly BundleExclusion[];
  /** Rewrite `import { z } from 'zod'` of the workspace packages (default `true`). */
  zodNamespaceImports?: boolean;
}

const ZOD_NAMED_IMPORT = /import\s*\{\s*z(?:\s+as\s+([\w$]+))?\s*\}\s*from\s*(["'])zod\2/g;
const LOADERS = { '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.ts': 'ts' } as const;

/** esbuild plugin: `import { z [as x] } from 'zod'` in the workspace's own files becomes `import * as z from 'zod'`. */
export const zodNamespaceImports: Plugin = {
  name: 'zod-namespace-imports',
  setup(b) {
    b.onLoad({ filter: /[\\/](packages|apps)[\\/][^\\/]+[\\/](dist|src)[\\/].*\.(m?js|cjs|ts)$/ }, async (args) => {
      if (/[\\/]node_modules[\\/]/.test(args.path)) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('zod')) return undefined;
      return {
        contents: source.replace(ZOD_NAMED_IMPORT, (_m, local: string | undefined, quote: string) => {
          return `import * as ${local ?? 'z'} from ${quote}zod${quote}`;
        }),
        loader: LOADERS[extname(args.path) as keyof typeof LOADERS] ?? 'js',
      };
    });
  },
};

/** The esbuild options of every handler bundle (the stack's and the benchmark's). */
export function bundlingOptions(options: HandlerBundleOptions): BuildOptions {
  const alias: Record<string, string> = {
    // No native libsql in Lambda (local files are for laptops and tests).
    libsql: join(SHIMS, 'libsql-unavailable.cjs'),
  };
  for (const exclusion of options.without ?? STACK_EXCLUSIONS) {
    const [specifier, standIn] = EXCLUSIONS[exclusion];
    alias[specifier] = standIn;
  }
  return {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: options.target,
    minify: true,
    sourcemap: true,
    // The handlers pin their AWS SDK versions: bundle them rather than rely on the runtime's copy.
    external: [],
    alias,
    // ESM builds first: they tree-shake, the CJS builds do not.
    mainFields: ['module', 'main'],
    logLevel: 'error',
    plugins: options.zodNamespaceImports === false ? [] : [zodNamespaceImports],
  };
}

/** Bundles one handler entry into `outfile`; returns esbuild's metafile (bytes per input). */
export async function bundleHandler(entry: string, outfile: string, options: HandlerBundleOptions): Promise<Metafile> {
  const result = await build({ entryPoints: [entry], outfile, ...bundlingOptions(options), metafile: true });
  return result.metafile;
}

/**
 * The `code` and `handler` of a `NodejsFunction` built by {@link bundleHandler} (CDK local bundling,
 * no Docker; the asset hash is the output's).
 */
export function handlerCode(
  entry: string,
  runtime: lambda.Runtime,
  target: string,
): { code: lambda.Code; handler: string } {
  const code = lambda.Code.fromAsset(dirname(entry), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: runtime.bundlingImage,
      local: {
        tryBundle(outputDir) {
          const r = spawnSync(
            process.execPath,
            ['--import', 'tsx', fileURLToPath(import.meta.url), entry, outputDir, target],
            {
              cwd: APP_ROOT,
              encoding: 'utf8',
              stdio: ['ignore', 'pipe', 'pipe'],
            },
          );
          if (r.status !== 0) throw new Error(`bundling ${entry} failed:\n${r.stderr || r.error?.message}`);
          return true;
        },
      },
    },
  });
  return { code, handler: 'index.handler' };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [entry, outDir, target] = process.argv.slice(2);
  if (!entry || !outDir || !target) {
    console.error('usage: node --import tsx infra/bundling.ts <entry.ts> <outdir> <esbuild target>');
    process.exit(2);
  }
  await bundleHandler(entry, join(outDir, 'index.js'), { target });
}

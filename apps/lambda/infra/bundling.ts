/**
 * How each Lambda handler is bundled — one definition used by the stack ({@link nodejsBundling}, the
 * `bundling` of each `NodejsFunction`) and by the cold-start benchmark and the bundle tests
 * ({@link bundleHandler}, esbuild's API with the same options), so the benchmark measures the bytes
 * the stack deploys.
 *
 * The bundle is one CommonJS file, minified, with the AWS SDK inside (the handlers pin their SDK
 * versions), resolving packages' ESM builds first (they tree-shake; every package imports zod as
 * `import * as z from 'zod'`, so only the zod in use is kept). **Adapters the stack never configures**
 * are replaced by stand-ins that throw a clear `config` error on use (the stack's knowledge base is
 * Bedrock or none, and no function of the stack is given Redis variables): `@incidents/redis`
 * (ioredis + Upstash, ~310 KiB) and `@libsql/client` (the HTTP client of the local knowledge base,
 * ~115 KiB). Set those variables on a deployed function and its first invocation fails with an error
 * naming them, not with a missing module; to deploy with Redis, remove `'redis'` from
 * {@link STACK_EXCLUSIONS}.
 *
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type BuildOptions, build, type Metafile } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
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
}

/** Module specifier → stand-in file, for esbuild's `alias`. */
function aliases(without: readonly BundleExclusion[]): Record<string, string> {
  const alias: Record<string, string> = {
    // No native libsql in Lambda (local files are for laptops and tests).
    libsql: join(SHIMS, 'libsql-unavailable.cjs'),
  };
  for (const exclusion of without) {
    const [specifier, standIn] = EXCLUSIONS[exclusion];
    alias[specifier] = standIn;
  }
  return alias;
}

/** Resolve packages' ESM builds first: they tree-shake, the CJS builds do not. */
const MAIN_FIELDS = ['module', 'main'];

/** The esbuild options of every handler bundle (the stack's and the benchmark's). */
export function bundlingOptions(options: HandlerBundleOptions): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: options.target,
    minify: true,
    sourcemap: true,
    // The handlers pin their AWS SDK versions: bundle them rather than rely on the runtime's copy.
    external: [],
    alias: aliases(options.without ?? STACK_EXCLUSIONS),
    mainFields: MAIN_FIELDS,
    logLevel: 'error',
  };
}

/** The same options as {@link bundlingOptions}, as the `bundling` of a `NodejsFunction` (esbuild's command line, no Docker). */
export function nodejsBundling(
  target: string,
  without: readonly BundleExclusion[] = STACK_EXCLUSIONS,
): BundlingOptions {
  return {
    format: OutputFormat.CJS,
    target,
    minify: true,
    sourceMap: true,
    externalModules: [],
    mainFields: MAIN_FIELDS,
    forceDockerBundling: false,
    esbuildArgs: Object.fromEntries(Object.entries(aliases(without)).map(([from, to]) => [`--alias:${from}`, to])),
  };
}

/** Bundles one handler entry into `outfile`; returns esbuild's metafile (bytes per input). */
export async function bundleHandler(entry: string, outfile: string, options: HandlerBundleOptions): Promise<Metafile> {
  const result = await build({ entryPoints: [entry], outfile, ...bundlingOptions(options), metafile: true });
  return result.metafile;
}

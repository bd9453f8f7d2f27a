import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** The package folders (`@scope/name`) a bundle of `entry` reads modules from. */
async function packagesLoadedBy(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [join(src, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
  });
  const names = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input.slice(input.lastIndexOf('node_modules/')));
    if (match?.[1]) names.add(match[1]);
  }
  return [...names].sort();
}

// Local-only use (filesystem documents, the libSQL index) must not load — or need installed — the AWS
// SDK: the AWS adapters are the subpath entries, whose SDK clients are optional peer dependencies.
describe('entry points', () => {
  it('the root entry reaches no AWS SDK module', async () => {
    const loaded = await packagesLoadedBy('index.ts');
    expect(loaded.filter((name) => name.startsWith('@aws-sdk/'))).toEqual([]);
    expect(loaded).toContain('@libsql/client');
  });

  it('each AWS subpath reaches only its own clients', async () => {
    const aws = async (entry: string) =>
      (await packagesLoadedBy(entry)).filter((name) => name.startsWith('@aws-sdk/client-'));
    expect(await aws('s3.ts')).toEqual(['@aws-sdk/client-s3']);
    expect(await aws('sns.ts')).toEqual(['@aws-sdk/client-sns']);
    expect(await aws('bedrock.ts')).toEqual(['@aws-sdk/client-bedrock-agent', '@aws-sdk/client-bedrock-agent-runtime']);
  });
});

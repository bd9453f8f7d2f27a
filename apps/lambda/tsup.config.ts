import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library surface (handler factories) for tests and for other deployments (SAM, Serverless…).
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
  },
]);

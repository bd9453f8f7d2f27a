import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', options: 'src/options.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // The private helpers package is bundled in, so it is never a runtime dependency of this one.
  noExternal: ['@incidents/internals'],
});

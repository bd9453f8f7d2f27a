import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', connectors: 'src/connectors.ts', passwords: 'src/passwords.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
});

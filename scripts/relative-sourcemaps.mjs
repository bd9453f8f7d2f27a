#!/usr/bin/env node
// tsup's CommonJS output with code splitting writes the absolute path of the generated file into
// its source maps (`file` and the first `sources` entry). Published files must not carry the
// builder's paths (builds are reproducible), so this rewrites them relative to the map.
// Usage (after tsup, from a package folder): node ../../scripts/relative-sourcemaps.mjs dist
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

const dir = resolve(process.argv[2] ?? 'dist');
let fixed = 0;
for (const name of readdirSync(dir)) {
  if (!name.endsWith('.map')) continue;
  const path = join(dir, name);
  const map = JSON.parse(readFileSync(path, 'utf8'));
  const rel = (p) => (typeof p === 'string' && p.startsWith('/') ? relative(dirname(path), p) || basename(p) : p);
  const file = rel(map.file);
  const sources = Array.isArray(map.sources) ? map.sources.map(rel) : map.sources;
  if (file === map.file && JSON.stringify(sources) === JSON.stringify(map.sources)) continue;
  writeFileSync(path, JSON.stringify({ ...map, ...(map.file ? { file } : {}), sources }));
  fixed++;
}
if (fixed) console.log(`relative-sourcemaps: ${fixed} map(s) in ${relative(process.cwd(), dir) || '.'}`);

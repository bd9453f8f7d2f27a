/**
 * The model's schemas are built on first use (`lazy` getters); the public constants (`IncidentSchema`,
 * …) are the getters' values, marked pure so that an application bundle keeps only the schemas its code
 * calls (issue 18 item 4: `incidents list` used to build all ~1,200 zod schema objects of the model,
 * the configuration and the connectors' options at start-up).
 *
 * The bundle checks read the BUILT entry (`dist/index.js`): build first (`npm test` does it).
 */
import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import { lazy } from '../src/model/lazy.js';

interface NodeApis {
  path: { dirname(path: string): string; resolve(...paths: string[]): string };
  url: { fileURLToPath(url: string): string };
}
interface EsbuildApi {
  build(options: Record<string, unknown>): Promise<{ outputFiles: Array<{ text: string }> }>;
}
const load = (id: string): Promise<unknown> => import(/* @vite-ignore */ id);
const { dirname, resolve } = (await load('node:path')) as NodeApis['path'];
const { fileURLToPath } = (await load('node:url')) as NodeApis['url'];
const esbuild = (await load('esbuild')) as EsbuildApi;

const coreDist = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/index.js');

/** The public schema constants that have a getter (`IncidentSchema` ↔ `incidentSchema`). */
const PAIRS = Object.keys(core)
  .filter((name) => /^[A-Z]\w*Schema$/.test(name))
  .map((name) => [name, `${name[0]?.toLowerCase()}${name.slice(1)}`] as const)
  .filter(([, getter]) => typeof (core as Record<string, unknown>)[getter] === 'function');

/** An application bundle of `@incidents/core` whose entry uses `code` (tree-shaken, as a bundler does). */
async function bundle(code: string): Promise<string> {
  const result = await esbuild.build({
    stdin: { contents: code, resolveDir: dirname(coreDist), loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    external: ['zod'],
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

/** Whether a bundle still declares the public constant `name` (esbuild may suffix it: `IncidentSchema2`). */
const declares = (text: string, name: string) => new RegExp(`\\b${name}\\d* = `).test(text);

describe('lazy', () => {
  it('builds its value on the first call only, and returns that same value after', () => {
    let builds = 0;
    const get = lazy(() => {
      builds++;
      return { built: builds };
    });
    expect(builds).toBe(0);
    const first = get();
    expect(get()).toBe(first);
    expect(builds).toBe(1);
  });

  it('remembers a value that is undefined or null too', () => {
    let builds = 0;
    const get = lazy(() => {
      builds++;
      return undefined;
    });
    get();
    get();
    expect(builds).toBe(1);
  });
});

describe('the model schemas, built on first use', () => {
  it('has a getter for every composite schema, and the public constant is its value (same object)', () => {
    const names = PAIRS.map(([name]) => name);
    for (const expected of ['IncidentSchema', 'InteractionSchema', 'UserSchema', 'CreateIncidentInputSchema']) {
      expect(names).toContain(expected);
    }
    for (const [name, getter] of PAIRS) {
      const value = (core as Record<string, unknown>)[name];
      expect((core as unknown as Record<string, () => unknown>)[getter]?.(), `${getter}() is ${name}`).toBe(value);
    }
  });

  it('the schemas still validate and fill defaults through either name', () => {
    const input = { title: 'Checkout down' };
    expect(core.createIncidentInputSchema().parse(input)).toEqual(core.CreateIncidentInputSchema.parse(input));
    expect(core.CreateIncidentInputSchema.parse(input).severity).toBe('MEDIUM');
    expect(core.incidentQuerySchema().safeParse({ by: 'status', status: 'NOPE' }).success).toBe(false);
  });

  it('a bundle that uses only the service keeps no public schema constant (they are built on first call)', async () => {
    const text = await bundle(
      "import { createIncidentService } from './index.js'; export const make = (store) => createIncidentService({ store });",
    );
    expect(text).toContain('createIncidentService');
    expect(text).toMatch(/\bincidentQuerySchema\d* = lazy\(/);
    const kept = PAIRS.map(([name]) => name).filter((name) => declares(text, name));
    expect(kept).toEqual([]);
  });

  it('a bundle that imports a public constant keeps that one (the check above can see a kept constant)', async () => {
    const text = await bundle("export { IncidentSchema } from './index.js';");
    expect(declares(text, 'IncidentSchema')).toBe(true);
    expect(declares(text, 'CreateIncidentInputSchema')).toBe(false);
  });
});

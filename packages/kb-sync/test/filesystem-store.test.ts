import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@incidents/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFilesystemObjectStore, type ObjectStore } from '../src/index.js';

describe('filesystem object store', () => {
  let dir: string;
  let store: ObjectStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-fs-'));
    store = createFilesystemObjectStore({ dir });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes, reads, replaces and deletes objects as files', async () => {
    await store.put('incidents/closed/A.json', '{"a":1}', { contentType: 'application/json' });
    expect(await readFile(join(dir, 'incidents/closed/A.json'), 'utf8')).toBe('{"a":1}');
    const first = await store.get('incidents/closed/A.json');
    expect(new TextDecoder().decode(first?.body)).toBe('{"a":1}');
    expect(first?.contentType).toBe('application/json');
    await store.put('incidents/closed/A.json', '{"a":22}', { contentType: 'application/json' });
    const second = await store.get('incidents/closed/A.json');
    expect(second?.etag).not.toBe(first?.etag);
    expect(second?.size).toBe(8);
    await store.delete('incidents/closed/A.json');
    await store.delete('incidents/closed/A.json'); // idempotent
    expect(await store.get('incidents/closed/A.json')).toBeNull();
    // No temporary files are left behind.
    expect(await readdir(join(dir, 'incidents/closed'))).toEqual([]);
  });

  it('lists every key under a prefix in key order across pages', async () => {
    const keys = ['p/a.json', 'p/a-b.json', 'p/a/x.json', 'p/b.json', 'p/c/d/e.json', 'q/z.json', 'p.json'];
    for (const k of keys) await store.put(k, k, { contentType: 'application/json' });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await store.list({ prefix: 'p/', limit: 2, cursor });
      seen.push(...page.items.map((i) => i.key));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    const expected = keys.filter((k) => k.startsWith('p/')).sort();
    expect(seen).toEqual(expected);
    expect(pages).toBe(3);
    expect((await store.list({ prefix: 'p' })).items.map((i) => i.key)).toEqual([...expected, 'p.json'].sort());
    expect((await store.list({ prefix: 'nothing/' })).items).toEqual([]);
  });

  it('refuses keys that escape the folder', async () => {
    for (const key of ['../x.json', 'a/../../x', '', '/abs', 'a//b']) {
      await expect(store.put(key, 'x', { contentType: 'text/plain' })).rejects.toBeInstanceOf(ValidationError);
    }
    expect(() => createFilesystemObjectStore({ dir: '' })).toThrow(ValidationError);
  });

  it('names objects with file URIs', () => {
    expect(store.uri('incidents/closed/A.json')).toBe(`file://${join(dir, 'incidents/closed/A.json')}`);
  });
});

/**
 * The filesystem object store: one file per key under a root folder (the local default).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { rename as renameCallback, writeFile as writeFileCallback } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ValidationError } from '@incidents/core';
import { KbError } from '../errors.js';
import type { ObjectInfo, ObjectPage, ObjectStore, PutObjectOptions, StoredObject } from '../ports.js';

/** Options of {@link createFilesystemObjectStore}. */
export interface FilesystemObjectStoreOptions {
  /** Root folder; created on the first write. */
  dir: string;
}

const TMP_PREFIX = '.kbtmp-';
// The callback API: no FileHandle object per write (a put is two file operations on the hot path).
const writeFile = promisify(writeFileCallback);
const rename = promisify(renameCallback);

function contentTypeOf(key: string): string {
  if (key.endsWith('.json')) return 'application/json';
  if (key.endsWith('.md')) return 'text/markdown';
  if (key.endsWith('.txt')) return 'text/plain';
  return 'application/octet-stream';
}

/** Rejects keys that could escape the root or that the filesystem cannot hold. */
function checkKey(key: string): string[] {
  const segments = key.split('/');
  const bad =
    typeof key !== 'string' ||
    key.length === 0 ||
    key.includes('\\') ||
    key.includes('\0') ||
    segments.some((s) => s === '' || s === '.' || s === '..' || s.startsWith(TMP_PREFIX));
  if (bad)
    throw new ValidationError([{ path: 'key', message: `invalid object key ${JSON.stringify(key)}` }], {
      context: 'object key',
    });
  return segments;
}

interface DirEntry {
  /** Sort key: the name, plus `/` for directories (so that the walk follows key order). */
  sortName: string;
  name: string;
  isDir: boolean;
}

/**
 * Creates an {@link ObjectStore} over a local folder. Writes are atomic (temporary file + rename);
 * the change token (`etag`) is the size and nanosecond modification time. Content types are derived
 * from the key's extension and user metadata is not kept (S3 keeps both).
 *
 * @example
 * ```ts
 * const objects = createFilesystemObjectStore({ dir: '.incidents/kb/documents' });
 * await objects.put('incidents/closed/INC-1.json', '{}', { contentType: 'application/json' });
 * ```
 */
export function createFilesystemObjectStore(options: FilesystemObjectStoreOptions): ObjectStore {
  if (!options || typeof options.dir !== 'string' || options.dir.length === 0) {
    throw new ValidationError([{ path: 'dir', message: 'dir is required' }], {
      context: 'filesystem object store options',
    });
  }
  const root = resolve(options.dir);
  const dirCache = new Map<string, { mtime: bigint; entries: DirEntry[] }>();
  /** Folders this store has created or seen; a vanished one is recreated on ENOENT. */
  const madeDirs = new Set<string>();
  // Temporary names: random per store object, then a counter (no random bytes per write).
  const tmpBase = `${TMP_PREFIX}${randomBytes(6).toString('hex')}-`;
  let tmpSeq = 0;

  const pathOf = (key: string) => join(root, ...checkKey(key));

  async function entriesOf(dirAbs: string): Promise<DirEntry[]> {
    let st: Awaited<ReturnType<typeof stat>> & { mtimeNs?: bigint };
    try {
      st = (await stat(dirAbs, { bigint: true })) as typeof st;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
        return [];
      throw err;
    }
    const mtime = st.mtimeNs as bigint;
    const cached = dirCache.get(dirAbs);
    if (cached && cached.mtime === mtime) return cached.entries;
    const dirents = await readdir(dirAbs, { withFileTypes: true });
    const entries: DirEntry[] = [];
    for (const d of dirents) {
      if (d.name.startsWith(TMP_PREFIX)) continue;
      if (d.isDirectory()) entries.push({ name: d.name, isDir: true, sortName: `${d.name}/` });
      else if (d.isFile()) entries.push({ name: d.name, isDir: false, sortName: d.name });
    }
    entries.sort((a, b) => (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : 0));
    dirCache.set(dirAbs, { mtime, entries });
    return entries;
  }

  /** Yields keys under `base` (a key prefix ending in `/` or empty) in key order, strictly after `after`. */
  async function* walk(dirAbs: string, base: string, prefix: string, after: string | null): AsyncGenerator<string> {
    for (const entry of await entriesOf(dirAbs)) {
      const key = base + entry.sortName;
      if (entry.isDir) {
        // Skip subtrees entirely before the cursor or outside the prefix.
        if (after !== null && key < after && !after.startsWith(key)) continue;
        if (!(key.startsWith(prefix) || prefix.startsWith(key))) continue;
        yield* walk(join(dirAbs, entry.name), key, prefix, after);
      } else {
        if (after !== null && key <= after) continue;
        if (!key.startsWith(prefix)) continue;
        yield key;
      }
    }
  }

  async function info(key: string): Promise<ObjectInfo | null> {
    try {
      const st = await stat(pathOf(key), { bigint: true });
      return {
        key,
        size: Number(st.size),
        etag: `${st.size}-${st.mtimeNs}`,
        lastModified: new Date(Number(st.mtimeMs)),
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  const wrap = async <T>(op: string, key: string | undefined, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ValidationError) throw err;
      throw new KbError(
        'kb.object_store',
        `filesystem ${op}${key ? ` ${key}` : ''} failed: ${(err as Error).message}`,
        {
          details: { store: 'filesystem', op, ...(key ? { key } : {}) },
          cause: err,
        },
      );
    }
  };

  return {
    name: 'filesystem',

    async put(key: string, body: string | Uint8Array, _opts: PutObjectOptions) {
      const file = pathOf(key);
      return wrap('put', key, async () => {
        const dir = dirname(file);
        if (!madeDirs.has(dir)) {
          await mkdir(dir, { recursive: true });
          madeDirs.add(dir);
        }
        const tmp = join(dir, `${tmpBase}${(++tmpSeq).toString(36)}`);
        try {
          try {
            await writeFile(tmp, body);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
            await mkdir(dir, { recursive: true }); // removed behind our back
            await writeFile(tmp, body);
          }
          await rename(tmp, file);
        } catch (err) {
          await rm(tmp, { force: true });
          throw err;
        }
      });
    },

    async get(key: string): Promise<StoredObject | null> {
      const file = pathOf(key);
      return wrap('get', key, async () => {
        const meta = await info(key);
        if (!meta) return null;
        let body: Buffer;
        try {
          body = await readFile(file);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
          throw err;
        }
        return {
          ...meta,
          body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
          contentType: contentTypeOf(key),
          metadata: {},
        };
      });
    },

    async delete(key: string) {
      const file = pathOf(key);
      return wrap('delete', key, () => rm(file, { force: true }));
    },

    async list(opts = {}): Promise<ObjectPage> {
      const prefix = opts.prefix ?? '';
      const limit = Math.max(1, Math.min(opts.limit ?? 1000, 10_000));
      return wrap('list', prefix || undefined, async () => {
        // Start at the deepest folder the prefix names completely.
        const slash = prefix.lastIndexOf('/');
        const base = slash >= 0 ? prefix.slice(0, slash + 1) : '';
        const startDir = base ? join(root, ...base.slice(0, -1).split('/')) : root;
        if (!startDir.startsWith(root + sep) && startDir !== root) {
          throw new ValidationError([{ path: 'prefix', message: 'prefix escapes the root folder' }]);
        }
        const items: ObjectInfo[] = [];
        let more = false;
        for await (const key of walk(startDir, base, prefix, opts.cursor ?? null)) {
          if (items.length === limit) {
            more = true;
            break;
          }
          const meta = await info(key);
          if (meta) items.push(meta);
        }
        return { items, cursor: more ? (items[items.length - 1]?.key ?? null) : null };
      });
    },

    uri(key: string) {
      return pathToFileURL(pathOf(key)).href;
    },
  };
}

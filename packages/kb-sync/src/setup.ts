/**
 * The local default of the CLI: documents in a folder, a libSQL index beside them.
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ValidationError } from '@incidents/core';
import { createLocalKnowledgeBase, type LocalKnowledgeBase } from './knowledge-bases/local.js';
import { createFilesystemObjectStore } from './object-stores/filesystem.js';
import type { Embedder, ObjectStore } from './ports.js';

/** Options of {@link createDefaultKbSetup}. */
export interface DefaultKbSetupOptions {
  /** The data folder (the CLI's `.incidents`): documents go to `<dir>/kb/documents`, the index to `<dir>/kb/index.db`. */
  dir: string;
  /** Key prefix; default `incidents/`. */
  prefix?: string;
  /** Optional embedder for hybrid retrieval. */
  embedder?: Embedder;
}

/** The pieces of the local default, ready for `runKbSync` and `createIncidentService({ knowledgeBase })`. */
export interface DefaultKbSetup {
  objectStore: ObjectStore;
  knowledgeBase: LocalKnowledgeBase;
  /** `<dir>/kb/documents` */
  documentsDir: string;
  /** `file:<dir>/kb/index.db` */
  indexUrl: string;
  /** Closes the index. */
  close(): Promise<void>;
}

/**
 * Creates the local default: a filesystem object store under `<dir>/kb/documents` and a local
 * knowledge base at `file:<dir>/kb/index.db`.
 *
 * @example
 * ```ts
 * const kb = await createDefaultKbSetup({ dir: '.incidents' });
 * await runKbSync({ store, objectStore: kb.objectStore, knowledgeBase: kb.knowledgeBase });
 * const service = createIncidentService({ store, knowledgeBase: kb.knowledgeBase });
 * ```
 */
export async function createDefaultKbSetup(options: DefaultKbSetupOptions): Promise<DefaultKbSetup> {
  if (!options || typeof options.dir !== 'string' || !options.dir) {
    throw new ValidationError([{ path: 'dir', message: 'dir is required' }], { context: 'kb setup options' });
  }
  const kbDir = resolve(options.dir, 'kb');
  const documentsDir = join(kbDir, 'documents');
  await mkdir(documentsDir, { recursive: true });
  const indexUrl = `file:${join(kbDir, 'index.db')}`;
  const objectStore = createFilesystemObjectStore({ dir: documentsDir });
  const knowledgeBase = await createLocalKnowledgeBase({
    url: indexUrl,
    objectStore,
    ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
    ...(options.embedder ? { embedder: options.embedder } : {}),
  });
  return { objectStore, knowledgeBase, documentsDir, indexUrl, close: () => knowledgeBase.close() };
}

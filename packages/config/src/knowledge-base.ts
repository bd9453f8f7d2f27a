/**
 * Opens the configured knowledge base (`loadKbConfig` of `@incidents/config`): by default the local
 * one of `@incidents/kb-sync` (`createDefaultKbSetup`: documents in `<home>/kb/documents`, a libSQL
 * index in `<home>/kb/index.db`); optionally an S3 bucket and/or Amazon Bedrock.
 *
 * `@incidents/kb-sync` is loaded on first use, so commands that never touch the knowledge base do not
 * pay for it; its S3 and Bedrock adapters (`@incidents/kb-sync/s3`, `/bedrock`, which load the AWS
 * SDK) only when the configuration names them.
 *
 * @module
 */
import { isLocalEndpoint } from './endpoints.js';
import type { KbConfig } from './kb-config.js';
import type { KnowledgeBase, LocalKnowledgeBase, ObjectStore } from '@incidents/kb-sync';

/** The opened knowledge base of one invocation. */
export interface OpenedKnowledgeBase {
  config: KbConfig;
  /** Where documents are written. */
  objectStore: ObjectStore;
  /** What ingests and searches them; absent with `INCIDENTS_KB_MODE=none`. */
  knowledgeBase: KnowledgeBase | undefined;
  /** The local index, when that is the knowledge base (document count, ingestion jobs). */
  local: LocalKnowledgeBase | undefined;
  /** One line saying where documents and index are, for people (never a secret). */
  describe: { documents: string; index: string };
  /** Closes the index (waits for a running local ingestion). */
  close(): Promise<void>;
}

/** Opens the knowledge base described by `config`. */
export async function openKnowledgeBase(config: KbConfig): Promise<OpenedKnowledgeBase> {
  const kb = await import('@incidents/kb-sync');
  const { documents, index, prefix } = config;

  if (documents.kind === 'filesystem' && index.kind === 'local' && index.isDefault) {
    const setup = await kb.createDefaultKbSetup({ dir: config.home, prefix });
    return {
      config,
      objectStore: setup.objectStore,
      knowledgeBase: setup.knowledgeBase,
      local: setup.knowledgeBase,
      describe: { documents: setup.documentsDir, index: setup.indexUrl.replace(/^file:/, '') },
      close: () => setup.close(),
    };
  }

  let objectStore: ObjectStore;
  let documentsAt: string;
  if (documents.kind === 's3') {
    const endpoint = documents.endpoint;
    const region = documents.region ?? (endpoint ? 'us-east-1' : undefined);
    const { createS3ObjectStore } = await import('@incidents/kb-sync/s3');
    objectStore = createS3ObjectStore({
      bucket: documents.bucket,
      clientConfig: {
        ...(region ? { region } : {}),
        ...(endpoint
          ? {
              endpoint,
              forcePathStyle: true,
              requestChecksumCalculation: 'WHEN_REQUIRED' as const,
              responseChecksumValidation: 'WHEN_REQUIRED' as const,
            }
          : {}),
        // s3rver and other local S3 engines accept any credentials.
        ...(isLocalEndpoint(endpoint) ? { credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } } : {}),
      },
    });
    documentsAt = `s3://${documents.bucket}/${prefix}${endpoint ? ` at ${endpoint}` : ''}`;
  } else {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(documents.dir, { recursive: true });
    objectStore = kb.createFilesystemObjectStore({ dir: documents.dir });
    documentsAt = documents.dir;
  }

  if (index.kind === 'local') {
    if (index.url.startsWith('file:')) {
      const { mkdir } = await import('node:fs/promises');
      const { dirname } = await import('node:path');
      await mkdir(dirname(index.url.slice(5)), { recursive: true });
    }
    const local = await kb.createLocalKnowledgeBase({ url: index.url, objectStore, prefix });
    return {
      config,
      objectStore,
      knowledgeBase: local,
      local,
      describe: { documents: documentsAt, index: index.url.replace(/^file:/, '').replace(/\?.*$/, '') },
      close: () => local.close(),
    };
  }
  if (index.kind === 'bedrock') {
    const { createBedrockKnowledgeBase } = await import('@incidents/kb-sync/bedrock');
    const knowledgeBase = createBedrockKnowledgeBase({
      knowledgeBaseId: index.knowledgeBaseId,
      dataSourceId: index.dataSourceId,
      ...(index.region ? { clientConfig: { region: index.region } } : {}),
    });
    return {
      config,
      objectStore,
      knowledgeBase,
      local: undefined,
      describe: {
        documents: documentsAt,
        index: `Amazon Bedrock knowledge base ${index.knowledgeBaseId} (data source ${index.dataSourceId})`,
      },
      close: async () => {},
    };
  }
  return {
    config,
    objectStore,
    knowledgeBase: undefined,
    local: undefined,
    describe: { documents: documentsAt, index: 'none (INCIDENTS_KB_MODE=none: documents only)' },
    close: async () => {},
  };
}

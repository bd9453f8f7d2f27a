/**
 * The default knowledge base of the stdio server: the local one of `@incidents/kb-sync` (documents in
 * `<INCIDENTS_HOME>/kb/documents`, a libSQL search index in `<INCIDENTS_HOME>/kb/index.db`).
 *
 * `@incidents/kb-sync` (and the AWS SDK clients it bundles) loads on first use, so the server starts
 * fast and sessions that never touch the knowledge base never pay for it.
 *
 * @module
 */
import type { IncidentsConfig } from '@incidents/config';
import type { IncidentStore, KnowledgeBaseRetriever } from '@incidents/core';
import type { KbIngestion, KbSyncRunSummary, KbWorkflow } from './kb.js';
import type { Logger } from './logger.js';
import type { KnowledgeBaseSetup } from './main.js';

type KbSync = typeof import('@incidents/kb-sync');
type DefaultKbSetup = Awaited<ReturnType<KbSync['createDefaultKbSetup']>>;

/** Builds the local knowledge base under the configured home folder (`INCIDENTS_HOME`), opened lazily. */
export async function createLocalKnowledgeBaseSetup(
  config: IncidentsConfig,
  store: IncidentStore,
  logger: Logger,
): Promise<KnowledgeBaseSetup> {
  let opening: Promise<{ kb: KbSync; setup: DefaultKbSetup }> | null = null;
  const open = () => {
    opening ??= (async () => {
      const kb = await import('@incidents/kb-sync');
      const setup = await kb.createDefaultKbSetup({ dir: config.home });
      logger.log('info', 'local knowledge base opened', { documents: setup.documentsDir, index: setup.indexUrl });
      return { kb, setup };
    })();
    // A failed open is retried on the next call.
    opening.catch(() => {
      opening = null;
    });
    return opening;
  };
  // stdout carries the protocol: the job logs to our stderr logger and emits no metric lines.
  const kbLogger = {
    info: (message: string, data?: Record<string, unknown>) => logger.log('info', message, data),
    warn: (message: string, data?: Record<string, unknown>) => logger.log('warn', message, data),
    error: (message: string, data?: Record<string, unknown>) => logger.log('error', message, data),
  };
  const knowledgeBase: KbIngestion = {
    async startIngestion(options) {
      return (await open()).setup.knowledgeBase.startIngestion(options);
    },
    async getIngestionJob(jobId) {
      return (await open()).setup.knowledgeBase.getIngestionJob(jobId);
    },
  };
  const retriever: KnowledgeBaseRetriever = {
    async retrieve(request) {
      return (await open()).setup.knowledgeBase.retrieve(request);
    },
  };
  const workflow: KbWorkflow = {
    describe: `the local knowledge base in ${config.home}`,
    knowledgeBase,
    async runSync(): Promise<KbSyncRunSummary> {
      const { kb, setup } = await open();
      const result = await kb.runKbSync({
        store,
        objectStore: setup.objectStore,
        ingestion: false,
        metrics: false,
        logger: kbLogger,
      });
      return {
        successfully_synced: result.synced + result.withdrawn,
        failed: result.failed,
        total_processed: result.found,
        withdrawn: result.withdrawn,
        skipped: result.changed,
      };
    },
  };
  return {
    workflow,
    retriever,
    async close() {
      if (opening) await (await opening).setup.close();
    },
  };
}

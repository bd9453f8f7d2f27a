/**
 * The knowledge base of the stdio server, configured like the CLI's (`loadKbConfig` of
 * `@incidents/config`): by default the local one of `@incidents/kb-sync` (documents in
 * `<INCIDENTS_HOME>/kb/documents`, a libSQL search index in `<INCIDENTS_HOME>/kb/index.db`); with
 * `INCIDENTS_KB_BUCKET` / `INCIDENTS_KB_MODE=bedrock` … an S3 bucket and Amazon Bedrock.
 *
 * `@incidents/kb-sync` (and the AWS SDK clients it bundles) loads on first use, so the server starts
 * fast and sessions that never touch the knowledge base never pay for it.
 *
 * @module
 */
import { type IncidentsConfig, loadKbConfig, type OpenedKnowledgeBase, openKnowledgeBase } from '@incidents/config';
import { IncidentsError, type IncidentStore, type KnowledgeBaseRetriever } from '@incidents/core';
import type { KbIngestion, KbSyncRunSummary, KbWorkflow } from './kb.js';
import type { Logger } from './logger.js';
import type { KnowledgeBaseSetup } from './main.js';

type KbSync = typeof import('@incidents/kb-sync');

/** Builds the configured knowledge base (local under `INCIDENTS_HOME` by default), opened lazily. */
export async function createLocalKnowledgeBaseSetup(
  config: IncidentsConfig,
  store: IncidentStore,
  logger: Logger,
): Promise<KnowledgeBaseSetup> {
  const kbConfig = loadKbConfig({ home: config.home });
  let opening: Promise<{ kb: KbSync; setup: OpenedKnowledgeBase }> | null = null;
  const open = () => {
    opening ??= (async () => {
      const kb = await import('@incidents/kb-sync');
      const setup = await openKnowledgeBase(kbConfig);
      logger.log('info', 'knowledge base opened', setup.describe);
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
  const indexed = async () => {
    const { setup } = await open();
    if (!setup.knowledgeBase) {
      throw new IncidentsError('config', 'No knowledge base is configured (INCIDENTS_KB_MODE=none): documents only');
    }
    return setup.knowledgeBase;
  };
  const knowledgeBase: KbIngestion = {
    async startIngestion(options) {
      return (await indexed()).startIngestion(options);
    },
    async getIngestionJob(jobId) {
      return (await indexed()).getIngestionJob(jobId);
    },
  };
  const retriever: KnowledgeBaseRetriever = {
    async retrieve(request) {
      return (await indexed()).retrieve(request);
    },
  };
  const workflow: KbWorkflow = {
    describe:
      kbConfig.index.kind === 'local' && kbConfig.documents.kind === 'filesystem'
        ? `the local knowledge base in ${config.home}`
        : kbConfig.documents.kind === 's3'
          ? `s3://${kbConfig.documents.bucket}/${kbConfig.prefix}`
          : `documents in ${kbConfig.documents.dir}`,
    ...(kbConfig.index.kind === 'none' ? {} : { knowledgeBase }),
    async runSync(): Promise<KbSyncRunSummary> {
      const { kb, setup } = await open();
      const result = await kb.runKbSync({
        store,
        objectStore: setup.objectStore,
        prefix: kbConfig.prefix,
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

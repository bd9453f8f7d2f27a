/**
 * `@incidents/kb-sync` — closed incidents as a searchable knowledge base.
 *
 * - {@link runKbSync}: the batch job (R-KB-1…5) — every closed, unsynced incident becomes a JSON
 *   document plus a Bedrock `.metadata.json` sidecar, withdrawn incidents lose theirs, one ingestion
 *   job makes it searchable, CloudWatch EMF metrics and alerts report on it.
 * - Object stores: {@link createFilesystemObjectStore} (default); Amazon S3 is
 *   `createS3ObjectStore` from `@incidents/kb-sync/s3`.
 * - Knowledge bases: {@link createLocalKnowledgeBase} (libSQL FTS5/BM25, optional vectors); Amazon
 *   Bedrock is `createBedrockKnowledgeBase` from `@incidents/kb-sync/bedrock`. Both are core
 *   `KnowledgeBaseRetriever`s for `createIncidentService({ knowledgeBase })`.
 * - Alerts: {@link createLogAlertSink} (default); Amazon SNS is `createSnsAlertSink` from
 *   `@incidents/kb-sync/sns`.
 *
 * The root entry loads no AWS SDK client: the AWS adapters live behind those subpaths, whose SDK
 * clients are optional peer dependencies.
 * - {@link createDefaultKbSetup}: the CLI's local default.
 *
 * @packageDocumentation
 */

export { createLogAlertSink } from './alerts/index.js';
export {
  DEFAULT_KB_PREFIX,
  documentKey,
  KB_DOCUMENT_VERSION,
  type KbDocument,
  type KbMetadataAttributes,
  type KbMetadataSidecar,
  METADATA_SUFFIX,
  metadataKey,
  renderDocumentText,
  serializeJson,
  toKbDocument,
  toMetadataSidecar,
} from './document.js';
export { errorMessage, IngestionConflictError, isKbError, KbError, type KbErrorCode } from './errors.js';
export {
  type KbIngestionOptions,
  type KbIngestionResult,
  type KbSyncError,
  type KbSyncProgress,
  type KbSyncResult,
  type RunKbSyncOptions,
  runKbSync,
} from './job/run-kb-sync.js';
export { type FilterClause, parseFilters } from './knowledge-bases/filters.js';
export {
  createLocalKnowledgeBase,
  type LocalKnowledgeBase,
  type LocalKnowledgeBaseOptions,
  toFtsQuery,
} from './knowledge-bases/local.js';
export {
  DEFAULT_METRICS_NAMESPACE,
  emfMetricsRecorder,
  type KbMetric,
  type KbMetricsContext,
  type KbMetricsOption,
  type KbMetricsRecorder,
  type MetricsSink,
  stdoutMetricsSink,
  toEmfLine,
} from './metrics/emf.js';
export { createFilesystemObjectStore, type FilesystemObjectStoreOptions } from './object-stores/filesystem.js';
export type {
  AlertSink,
  Embedder,
  IngestionJob,
  IngestionJobStatistics,
  IngestionJobStatus,
  KbAlert,
  KbLogger,
  KnowledgeBase,
  ObjectInfo,
  ObjectPage,
  ObjectStore,
  PutObjectOptions,
  StoredObject,
} from './ports.js';
export { createDefaultKbSetup, type DefaultKbSetup, type DefaultKbSetupOptions } from './setup.js';

/**
 * `@incidents/store-dynamo` — the DynamoDB store of the incidents SDK: an ElectroDB single-table
 * design implementing the whole `IncidentStore` port of `@incidents/core`, the table definition
 * (CreateTable input for IaC and local bootstrap), metric rollups and the outbound sync queue.
 *
 * @packageDocumentation
 */
export {
  createDynamoStore,
  type DynamoIncidentStore,
  type DynamoStoreOptions,
  type IncidentCollection,
  type SourceRecordQuery,
} from './store/dynamo-store.js';
export {
  DEFAULT_TABLE_NAME,
  type EnsureTableOptions,
  type EnsureTableResult,
  ensureTable,
  type IncidentsTableDefinition,
  incidentsTableDefinition,
  type TableDefinitionOptions,
} from './table/table-definition.js';
export { INDEXES, type IndexName, TTL_ATTRIBUTE } from './table/keys.js';
export {
  METRICS_TTL_SECONDS,
  type MetricsRollup,
  periodRange,
  type ReadMetricsRollupOptions,
  readMetricsRollup,
  type RollupMetricsOptions,
  type RollupTarget,
  rollupMetrics,
} from './metrics/rollup.js';
export {
  createSyncQueue,
  type EnqueueSyncInput,
  EnqueueSyncInputSchema,
  SYNC_QUEUE_STATUSES,
  SYNC_QUEUE_TTL_SECONDS,
  type SyncQueue,
  type SyncQueueItem,
  type SyncQueueStatus,
} from './sync-queue/sync-queue.js';

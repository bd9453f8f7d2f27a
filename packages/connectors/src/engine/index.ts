/**
 * The two-way sync engine.
 * @module
 */
export { createSyncEngine, DEFAULT_LEASE_MS, DEFAULT_LOOKBACK_MS, DEFAULT_SYNC_ACTOR } from './engine.js';
export type {
  BackoffOption,
  ConflictResolution,
  ConflictSide,
  ConnectorRunSummary,
  IncidentConflicts,
  PullRunOptions,
  ResolveConflictInput,
  SyncEngine,
  SyncEngineOptions,
  SyncEngineStatus,
  SyncProgressEvent,
  SyncRunSummary,
  SyncTotals,
} from './options.js';
export { REMOTE_FIELDS, type RemoteField } from './reconcile.js';

/**
 * What the knowledge-base tools (`force_kb_sync`, `sync_and_ingest`) need, as a small port so the
 * server can be composed with the local knowledge base of `@incidents/kb-sync` (the default) or with
 * S3 + Amazon Bedrock.
 *
 * @module
 */

/** Counters of one batch export, named as in the export report of R-KB-8. */
export interface KbSyncRunSummary {
  /** Documents written (or withdrawn) successfully. */
  successfully_synced: number;
  /** Incidents whose document failed (they stay pending and are retried). */
  failed: number;
  /** Incidents looked at. */
  total_processed: number;
  /** Documents withdrawn because their incident was reopened or cancelled (part of `successfully_synced`). */
  withdrawn?: number;
  /** Incidents skipped (changed while exporting; they stay pending). */
  skipped?: number;
}

/** Status of an ingestion job (Amazon Bedrock's vocabulary). */
export type KbIngestionStatus = 'STARTING' | 'IN_PROGRESS' | 'COMPLETE' | 'FAILED' | 'STOPPING' | 'STOPPED';

/** An ingestion job, as a knowledge base reports it. */
export interface KbIngestionJob {
  jobId: string;
  status: KbIngestionStatus;
  /** Counters with Bedrock's names (`numberOfDocumentsScanned`, `numberOfNewDocumentsIndexed`, …). */
  statistics: Record<string, number> | object;
  failureReasons?: string[];
}

/** The ingestion side of a knowledge base (structurally `KnowledgeBase` of `@incidents/kb-sync`). */
export interface KbIngestion {
  startIngestion(options?: { description?: string }): Promise<KbIngestionJob>;
  getIngestionJob(jobId: string): Promise<KbIngestionJob>;
}

/** The knowledge-base workflow the server drives. */
export interface KbWorkflow {
  /** One run of the batch export: closed incidents → documents in the object store. */
  runSync(): Promise<KbSyncRunSummary>;
  /** What indexes the documents; without it `sync_and_ingest` reports that no knowledge base is configured. */
  knowledgeBase?: KbIngestion;
  /** Where the documents go, for messages (`file:///…/kb`, `s3://bucket/prefix`). Never a secret. */
  describe?: string;
}

/** Final ingestion statuses. */
export const FINAL_INGESTION_STATUSES: readonly KbIngestionStatus[] = ['COMPLETE', 'FAILED', 'STOPPED'];

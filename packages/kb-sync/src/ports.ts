/**
 * The ports of the knowledge-base workflow: where documents are written ({@link ObjectStore}), what
 * indexes them ({@link KnowledgeBase}, the ingestion side; retrieval is core's
 * `KnowledgeBaseRetriever`), and where alerts and metrics go.
 *
 * These interfaces live here until the lead moves them to `@incidents/core`.
 *
 * @module
 */
import type { KnowledgeBaseRetriever } from '@incidents/core';

/** What {@link ObjectStore.put} writes besides the body. */
export interface PutObjectOptions {
  /** MIME type of the body (`application/json` for documents and sidecars). */
  contentType: string;
  /** User metadata (S3 `x-amz-meta-*`). Keys lower-case, values ASCII. */
  metadata?: Record<string, string>;
}

/** One object as listed: enough to detect changes without reading the body. */
export interface ObjectInfo {
  key: string;
  size: number;
  /**
   * A token that changes whenever the object is rewritten (the S3 ETag; size + nanosecond mtime on
   * the filesystem). Equal tokens mean "unchanged"; different tokens mean "maybe changed".
   */
  etag: string;
  lastModified: Date;
}

/** An object read back with {@link ObjectStore.get}. */
export interface StoredObject extends ObjectInfo {
  body: Uint8Array;
  contentType?: string;
  metadata: Record<string, string>;
}

/** A page of {@link ObjectStore.list}. `cursor` is `null` after the last page. */
export interface ObjectPage {
  items: ObjectInfo[];
  cursor: string | null;
}

/**
 * A flat key/value object store: Amazon S3 (`createS3ObjectStore`) or a local folder
 * (`createFilesystemObjectStore`, the default).
 *
 * Guarantees: `put` replaces the whole object atomically (a reader never sees half a document);
 * `delete` of a missing key succeeds; `list` returns every key under a prefix in lexicographic
 * order, completely paginated.
 */
export interface ObjectStore {
  /** Short name for logs (`s3`, `filesystem`). */
  readonly name: string;
  /** Writes (or replaces) an object. */
  put(key: string, body: string | Uint8Array, options: PutObjectOptions): Promise<void>;
  /** Reads an object, or `null` when it does not exist. */
  get(key: string): Promise<StoredObject | null>;
  /** Removes an object; succeeds when it does not exist. */
  delete(key: string): Promise<void>;
  /** Keys under `prefix` in lexicographic order, `limit` (default 1000) per page. */
  list(options?: { prefix?: string; cursor?: string | null; limit?: number }): Promise<ObjectPage>;
  /** A URI naming the object for people and for retrieval results (`s3://bucket/key`, `file:///…`). */
  uri(key: string): string;
}

/** Status of an ingestion job (Bedrock's `IngestionJobStatus`). */
export type IngestionJobStatus = 'STARTING' | 'IN_PROGRESS' | 'COMPLETE' | 'FAILED' | 'STOPPING' | 'STOPPED';

/** Counters of an ingestion job, with the names of Bedrock's `IngestionJobStatistics`. */
export interface IngestionJobStatistics {
  numberOfDocumentsScanned: number;
  numberOfMetadataDocumentsScanned: number;
  numberOfNewDocumentsIndexed: number;
  numberOfModifiedDocumentsIndexed: number;
  numberOfMetadataDocumentsModified: number;
  numberOfDocumentsDeleted: number;
  numberOfDocumentsFailed: number;
}

/** An ingestion job as reported by a {@link KnowledgeBase}. */
export interface IngestionJob {
  jobId: string;
  status: IngestionJobStatus;
  statistics: IngestionJobStatistics;
  /** Why the job (or some documents) failed. */
  failureReasons: string[];
  description?: string;
  startedAt?: string;
  updatedAt?: string;
  /** Who runs the job, when the knowledge base records it (the local index: `process <pid> on <host>`). */
  owner?: string;
  /**
   * Jobs of runs that died (left `IN_PROGRESS` by a killed process, or silent past the heartbeat
   * window) that this job's start marked `FAILED` so it could run, with the reason.
   */
  tookOver?: Array<{ jobId: string; reason: string }>;
}

/**
 * A knowledge base that indexes the documents of an {@link ObjectStore} (the ingestion side) and
 * retrieves them (core's `KnowledgeBaseRetriever`, so it can be passed to `createIncidentService`).
 *
 * Ingestion follows Amazon Bedrock's model: documents written to the object store are not
 * searchable until an ingestion job has run; a job indexes new and changed documents and removes
 * deleted ones. At most one job runs per data source: {@link KnowledgeBase.startIngestion} throws
 * an {@link IngestionConflictError} (code `kb.ingestion_conflict`) while another one is running.
 */
export interface KnowledgeBase extends KnowledgeBaseRetriever {
  /** Short name for logs (`bedrock`, `local`). */
  readonly name: string;
  /** Starts an ingestion job and returns at once (status `STARTING` or `IN_PROGRESS`, or already final). */
  startIngestion(options?: { description?: string; clientToken?: string }): Promise<IngestionJob>;
  /** The current state of a job. */
  getIngestionJob(jobId: string): Promise<IngestionJob>;
  /** How often `runKbSync` should poll a job of this knowledge base (ms); 5 s when absent. */
  readonly pollIntervalMs?: number;
}

/** A problem worth a person's attention (an incident whose document keeps failing). */
export interface KbAlert {
  /** Short subject line (SNS `Subject`, ≤ 100 characters). */
  subject: string;
  /** The full message. */
  message: string;
  incident_id: string;
  attempts: number;
  last_error: string;
}

/** Where alerts go: the log by default (`createLogAlertSink`), Amazon SNS (`createSnsAlertSink`). */
export interface AlertSink {
  /** Delivers one alert. */
  send(alert: KbAlert): Promise<void>;
}

/** Minimal logger; `console` fits. Messages never contain secrets. */
export interface KbLogger {
  /** Progress: what the run does and did. */
  info(message: string, data?: Record<string, unknown>): void;
  /** Something skipped or retried; the run goes on. */
  warn(message: string, data?: Record<string, unknown>): void;
  /** A failure (of one incident or of the run). */
  error(message: string, data?: Record<string, unknown>): void;
}

/**
 * Turns texts into vectors for the local knowledge base's optional vector search. Every vector has
 * {@link Embedder.dimensions} numbers; the same text always gives the same vector.
 */
export interface Embedder {
  readonly dimensions: number;
  /** One vector per text, in the order of `texts`. */
  embed(texts: string[]): Promise<Array<Float32Array | number[]>>;
}

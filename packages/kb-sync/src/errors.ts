/**
 * Errors of `@incidents/kb-sync`: {@link IncidentsError}s with `kb.*` codes.
 * @module
 */
import { IncidentsError, isIncidentsError } from '@incidents/core';

/**
 * An ingestion job is already running for this data source (Bedrock's `ConflictException`).
 * Code `kb.ingestion_conflict`. Wait and retry, or report.
 */
export class IngestionConflictError extends IncidentsError<{ knowledgeBase: string; runningJobId?: string }> {
  constructor(knowledgeBase: string, message: string, options: { runningJobId?: string; cause?: unknown } = {}) {
    super('kb.ingestion_conflict', message, {
      details: { knowledgeBase, ...(options.runningJobId ? { runningJobId: options.runningJobId } : {}) },
      cause: options.cause,
      userError: false,
    });
    this.name = 'IngestionConflictError';
  }
}

/**
 * Codes of {@link KbError} (meanings in `ERROR_CODES` of `@incidents/core`):
 * - `kb.object_store` — the document store (S3 or a folder) failed;
 * - `kb.bedrock` — Amazon Bedrock failed (ingestion job or retrieval);
 * - `kb.index` — the local index failed;
 * - `kb.document` — a document (or its `.metadata.json` sidecar) of the data source cannot be read:
 *   the ingestion job counts it as failed, records why, and goes on;
 * - `kb.embedder` — the embedder answered with another number of vectors than texts, or vectors of
 *   another dimension than it declares;
 * - `kb.alert` — sending the failure alert (SNS) failed.
 *
 * `kb.ingestion_conflict` is {@link IngestionConflictError}; `kb.sync_failed` is thrown by the apps
 * when an export run does not complete.
 */
export type KbErrorCode = 'kb.object_store' | 'kb.bedrock' | 'kb.index' | 'kb.document' | 'kb.embedder' | 'kb.alert';

/** A failure of an object store, a knowledge base or the alert, with the driver error as `cause`. */
export class KbError extends IncidentsError<Record<string, unknown>> {
  constructor(
    code: KbErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown; userError?: boolean } = {},
  ) {
    super(code, message, {
      details: options.details ?? {},
      cause: options.cause,
      userError: options.userError ?? false,
    });
    this.name = 'KbError';
  }
}

/** Whether `err` is a `kb.*` error of this package (also across package copies: brand and code, not `instanceof`). */
export function isKbError(err: unknown): err is KbError | IngestionConflictError {
  return isIncidentsError(err) && typeof err.code === 'string' && err.code.startsWith('kb.');
}

/** The message of any thrown value, for logs and `last_sync_error` (one line, bounded). */
export function errorMessage(err: unknown): string {
  const text =
    err instanceof Error ? `${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}` : String(err);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}

/**
 * Errors of `@incidents/kb-sync`: {@link IncidentsError}s with `kb.*` codes.
 * @module
 */
import { IncidentsError } from '@incidents/core';

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
 * A failure of an object store or knowledge base (`kb.object_store`, `kb.bedrock`, `kb.index`,
 * `kb.ingestion_timeout`), with the driver error as `cause`.
 */
export class KbError extends IncidentsError<Record<string, unknown>> {
  constructor(
    code: `kb.${string}`,
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

/** The message of any thrown value, for logs and `last_sync_error` (one line, bounded). */
export function errorMessage(err: unknown): string {
  const text =
    err instanceof Error ? `${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}` : String(err);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}

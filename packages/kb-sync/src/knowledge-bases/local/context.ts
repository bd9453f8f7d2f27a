/**
 * The shared context of the local knowledge base's modules (jobs, ingestion, search): the client,
 * the resolved options, this process's job owner, the jobs running here, and the error wrapping of
 * driver failures.
 *
 * @module
 */
import { NotFoundError, ValidationError } from '@incidents/core';
import type { Client } from '@libsql/client';
import { errorMessage, IngestionConflictError, KbError } from '../../errors.js';
import type { IngestionJob } from '../../ports.js';
import type { JobOwner } from './jobs.js';
import type { ResolvedLocalOptions } from './options.js';

/** What every module of the local knowledge base shares. */
export interface LocalKbContext extends ResolvedLocalOptions {
  readonly client: Client;
  /** Who runs this object's jobs: stored with each job so that another process can tell a crash. */
  readonly owner: JobOwner;
  /** The jobs this object runs now, by id. */
  readonly running: Map<string, Promise<IngestionJob>>;
  /** The clock's time as ISO. */
  nowIso(): string;
}

/** Errors of this package pass as they are; a driver failure becomes `KbError` `kb.index` naming the operation. */
export function dbFail(op: string, err: unknown): unknown {
  return err instanceof KbError ||
    err instanceof ValidationError ||
    err instanceof NotFoundError ||
    err instanceof IngestionConflictError
    ? err
    : new KbError('kb.index', `local knowledge base ${op} failed: ${errorMessage(err)}`, {
        details: { op },
        cause: err,
      });
}

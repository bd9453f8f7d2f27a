/**
 * Driver errors → {@link IncidentsError}s, and the reasons of a cancelled transaction.
 * @module
 */
import { IncidentsError } from '@incidents/core';

/** Wraps an unexpected driver error in `IncidentsError('store')`, keeping it as `cause`. */
export function storeError(what: string, err: unknown): IncidentsError {
  if (err instanceof IncidentsError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new IncidentsError('store', `DynamoDB ${what} failed: ${message}`, { cause: err, userError: false });
}

/** Runs a driver call, wrapping unexpected errors. */
export async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw storeError(what, err);
  }
}

/** One entry of ElectroDB's `{ canceled: true, data }` transaction result. */
export interface CancellationEntry {
  rejected: boolean;
  code: string;
  message?: string;
}

/** Whether an error is a failed condition (single-item write). */
export function isConditionFailure(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    if ((e as { name?: string }).name === 'ConditionalCheckFailedException') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Small random backoff before retrying a transaction that lost a `TransactionConflict`. */
export function backoff(attempt: number): Promise<void> {
  const ms = Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}

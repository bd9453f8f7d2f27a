import { isIncidentsError } from '@incidents/core';

/** The HTTP status of an SDK error code (API routes); anything unexpected is a 500 without details. */
export function statusOf(code: string): number {
  if (code === 'validation') return 400;
  if (code === 'unauthenticated') return 401;
  if (code === 'permission_denied') return 403;
  if (code === 'not_found') return 404;
  if (code === 'conflict' || code === 'invalid_transition') return 409;
  if (code === 'rate_limited') return 429;
  return 500;
}

/** A user-facing error: the SDK's code and message for the caller's faults, a generic one otherwise. */
export interface PublicError {
  code: string;
  message: string;
  status: number;
  fieldErrors?: Record<string, string>;
}

/** Turns any thrown value into a {@link PublicError}; never a stack trace or a driver message. */
export function toPublicError(err: unknown): PublicError {
  if (isIncidentsError(err) && err.userError) {
    const status = statusOf(err.code);
    const issues = (err.details as { issues?: Array<{ path: string; message: string }> }).issues;
    const fieldErrors = issues ? Object.fromEntries(issues.map((i) => [i.path || 'form', i.message])) : undefined;
    // A customer asking for someone else's ticket gets the same answer as for a missing one.
    if (status === 403 && err.details && (err.details as { incidentId?: string }).incidentId) {
      return { code: 'not_found', message: 'Not found', status: 404 };
    }
    return { code: err.code, message: err.message, status, ...(fieldErrors ? { fieldErrors } : {}) };
  }
  console.error('[web] unexpected error', err instanceof Error ? err.name : typeof err);
  return { code: 'internal', message: 'Something went wrong', status: 500 };
}

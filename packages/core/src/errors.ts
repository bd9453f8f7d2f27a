/**
 * Errors of the incidents SDK.
 *
 * Every error thrown on purpose by an `@incidents/*` package is an {@link IncidentsError} with a
 * namespaced {@link IncidentsError.code | code} (`validation`, `not_found`, `conflict`,
 * `invalid_transition`, `permission_denied`, `connector.rate_limited`…), typed `details` and the
 * original `cause`. Apps turn them into one clear line and an exit code (CLI) or an `isError` result
 * (MCP): never a stack trace for user error.
 *
 * @module
 */

import type { IncidentsErrorCode } from './error-codes.js';

export type { IncidentsErrorCode } from './error-codes.js';

/**
 * Brand set on every {@link IncidentsError}: a registered symbol, so that a guard recognises errors
 * thrown by another copy of `@incidents/core` (two versions in one `node_modules`, ESM and CJS).
 */
const BRAND: unique symbol = Symbol.for('@incidents/core/IncidentsError') as never;

/** One problem found while validating input: the dotted path of the field and what is wrong with it. */
export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `solution.steps.0`; empty for the whole input. */
  path: string;
  message: string;
}

/** Base class of every error the SDK throws on purpose. Check `err instanceof IncidentsError` or {@link isIncidentsError}. */
export class IncidentsError<D extends object = Record<string, unknown>> extends Error {
  /** Namespaced machine-readable code, stable across versions. */
  readonly code: IncidentsErrorCode;
  /** Typed details for programs (never secrets). */
  readonly details: D;
  /** Whether the error is the caller's fault (bad input, missing record, stale revision) rather than a fault of the system. */
  readonly userError: boolean;

  constructor(
    code: IncidentsErrorCode,
    message: string,
    options: { details?: D; cause?: unknown; userError?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IncidentsError';
    this.code = code;
    this.details = (options.details ?? {}) as D;
    this.userError = options.userError ?? true;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** A plain object for logs and JSON output. */
  toJSON(): { name: string; code: string; message: string; details: D } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** Input did not match its schema. `issues` names every offending field path. */
export class ValidationError extends IncidentsError<{ issues: FieldIssue[] }> {
  constructor(issues: FieldIssue[], options: { cause?: unknown; context?: string } = {}) {
    const summary = issues
      .slice(0, 5)
      .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
      .join('; ');
    const more = issues.length > 5 ? ` (+${issues.length - 5} more)` : '';
    super('validation', `Invalid ${options.context ?? 'input'}: ${summary}${more}`, {
      details: { issues },
      cause: options.cause,
    });
    this.name = 'ValidationError';
  }
}

/** The record does not exist (or the actor may not know it exists). */
export class NotFoundError extends IncidentsError<{ entity: string; id: string }> {
  constructor(entity: string, id: string, options: { cause?: unknown } = {}) {
    super('not_found', `${entity} ${id} not found`, { details: { entity, id }, cause: options.cause });
    this.name = 'NotFoundError';
  }
}

/** Details of a {@link ConflictError}. */
export interface ConflictDetails {
  entity: string;
  id: string;
  /** The revision the caller expected, when the conflict is a stale write. */
  expectedRevision?: number;
  /** The revision found, when known. */
  actualRevision?: number;
  /** The current assignee, when a claim lost. */
  assignedTo?: string;
  reason?: 'stale_revision' | 'already_assigned' | 'already_exists' | 'duplicate_source' | (string & {});
}

/** A concurrent change won: a stale revision, a lost claim, a duplicate key. Re-read and retry if it still makes sense. */
export class ConflictError extends IncidentsError<ConflictDetails> {
  constructor(message: string, details: ConflictDetails, options: { cause?: unknown } = {}) {
    super('conflict', message, { details, cause: options.cause });
    this.name = 'ConflictError';
  }

  /**
   * The one stale-revision conflict (`reason: 'stale_revision'`), with one message for every store
   * and the service: "Incident X changed: you read revision 3, it is now at revision 4; re-read it and
   * try again". `expectedRevision`/`actualRevision` are left out of message and details when unknown.
   *
   * @example
   * ```ts
   * if (current.revision !== expected) throw ConflictError.staleRevision({ id, expectedRevision: expected, actualRevision: current.revision });
   * ```
   */
  static staleRevision(options: {
    id: string;
    /** Default `Incident`. */
    entity?: string;
    expectedRevision?: number;
    actualRevision?: number;
    cause?: unknown;
  }): ConflictError {
    const { id, expectedRevision: expected, actualRevision: actual } = options;
    const entity = options.entity ?? 'Incident';
    const read = expected !== undefined ? `: you read revision ${expected}` : '';
    const now = actual !== undefined ? `${read ? ',' : ':'} it is now at revision ${actual}` : '';
    return new ConflictError(
      `${entity} ${id} changed${read}${now}; re-read it and try again`,
      {
        entity,
        id,
        ...(expected !== undefined ? { expectedRevision: expected } : {}),
        ...(actual !== undefined ? { actualRevision: actual } : {}),
        reason: 'stale_revision',
      },
      { cause: options.cause },
    );
  }
}

/** The state machine forbids this action from the incident's current status. */
export class InvalidTransitionError extends IncidentsError<{
  incidentId: string;
  action: string;
  from: string;
  allowedFrom: readonly string[];
}> {
  constructor(incidentId: string, action: string, from: string, allowedFrom: readonly string[]) {
    super(
      'invalid_transition',
      `Cannot ${action} incident ${incidentId}: it is ${from}; ${action} is allowed from ${allowedFrom.join(', ') || 'no status'}`,
      { details: { incidentId, action, from, allowedFrom } },
    );
    this.name = 'InvalidTransitionError';
  }
}

/** The actor's roles do not grant the permission, or the rule "operators change only their own incidents" applies. */
export class PermissionDeniedError extends IncidentsError<{
  actor: string;
  permission: string;
  incidentId?: string;
}> {
  constructor(actor: string, permission: string, reason: string, incidentId?: string) {
    super('permission_denied', `Permission denied for ${actor}: ${reason}`, {
      details: { actor, permission, ...(incidentId ? { incidentId } : {}) },
    });
    this.name = 'PermissionDeniedError';
  }
}

/**
 * Type guard that works across package copies: it checks the brand every `IncidentsError` carries
 * (`Symbol.for('@incidents/core/IncidentsError')`), not the prototype — prefer it to `instanceof`.
 *
 * @example
 * ```ts
 * try {
 *   await incidents.claim(id, { actor });
 * } catch (err) {
 *   if (isIncidentsError(err) && err.code === 'conflict') console.error(err.message); // "… already assigned to ana@…"
 *   else throw err;
 * }
 * ```
 */
export function isIncidentsError(err: unknown): err is IncidentsError {
  if (typeof err !== 'object' || err === null) return false;
  if ((err as { [BRAND]?: unknown })[BRAND] === true) return true;
  // Copies older than the brand: the shape every IncidentsError has.
  return (
    err instanceof Error &&
    typeof (err as { code?: unknown }).code === 'string' &&
    typeof (err as { userError?: unknown }).userError === 'boolean'
  );
}

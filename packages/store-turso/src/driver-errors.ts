/**
 * Turns libSQL driver errors into the SDK's errors: UNIQUE violations become {@link ConflictError}s with
 * the port's reasons, everything else an `IncidentsError('store', …)` that keeps the driver error as
 * `cause` and is not the caller's fault.
 *
 * @module
 */
import { ConflictError, IncidentsError, isIncidentsError } from '@incidents/core';

/** What a failed statement was writing, to name it in the error. */
export interface StatementOwner {
  incidentId: string;
  interactionId?: string;
}

function driverCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { extendedCode?: unknown; code?: unknown };
  if (typeof e.extendedCode === 'string') return e.extendedCode;
  return typeof e.code === 'string' ? e.code : undefined;
}

function statementIndex(err: unknown): number | undefined {
  const index = (err as { statementIndex?: unknown } | null)?.statementIndex;
  return typeof index === 'number' ? index : undefined;
}

/**
 * Maps a driver error. `owners[i]` names what statement `i` of a batch wrote (for conflicts in bulk
 * writes); `fallback` names the record otherwise.
 */
export function mapDriverError(
  err: unknown,
  action: string,
  fallback?: StatementOwner,
  owners?: readonly (StatementOwner | undefined)[],
): IncidentsError<object> {
  if (isIncidentsError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  const index = statementIndex(err);
  const owner = (index !== undefined ? owners?.[index] : undefined) ?? fallback;
  const unique = /UNIQUE constraint failed: ([\w.,\s]+)/.exec(message)?.[1]?.replace(/\s+/g, '');
  if (unique) {
    if (unique === 'incidents.incident_id') {
      const id = owner?.incidentId ?? 'unknown';
      return new ConflictError(
        `Incident ${id} already exists`,
        { entity: 'Incident', id, reason: 'already_exists' },
        { cause: err },
      );
    }
    if (unique === 'incidents.source_system,incidents.external_id') {
      const id = owner?.incidentId ?? 'unknown';
      return new ConflictError(
        `Another incident was already imported from the same source record (source_system, external_id) as ${id}`,
        { entity: 'Incident', id, reason: 'duplicate_source' },
        { cause: err },
      );
    }
    // The id's unique index, or the primary key (incident_id, created_at, interaction_id), which SQLite
    // may check first when the same entry is written twice.
    if (
      unique === 'interactions.interaction_id' ||
      unique === 'interactions.incident_id,interactions.created_at,interactions.interaction_id'
    ) {
      const id = owner?.interactionId ?? 'unknown';
      return new ConflictError(
        `Interaction ${id} already exists`,
        { entity: 'Interaction', id, reason: 'already_exists' },
        { cause: err },
      );
    }
    if (unique === 'incident_versions.incident_id,incident_versions.version') {
      const id = owner?.incidentId ?? 'unknown';
      // Another writer took the same history version number: the caller's revision is stale.
      return ConflictError.staleRevision({ id, cause: err });
    }
    if (unique === 'users.email') {
      return new ConflictError(
        `User already exists`,
        { entity: 'User', id: owner?.incidentId ?? 'unknown', reason: 'already_exists' },
        { cause: err },
      );
    }
  }
  const code = driverCode(err);
  return new IncidentsError('store', `libSQL failed to ${action}: ${message}`, {
    cause: err,
    userError: false,
    details: { ...(code ? { driverCode: code } : {}), ...(index !== undefined ? { statementIndex: index } : {}) },
  });
}

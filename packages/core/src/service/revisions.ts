/**
 * Two rules every writer of incidents shares (the service, and the sync engine later): how the next
 * revision of a record is stamped, and how a link tombstone is followed to its target.
 *
 * @module
 */
import type { Incident } from '../model/incident.js';
import type { IncidentStore } from '../ports/incident-store.js';

/** Who and when of a {@link nextRevision} stamp. */
export interface RevisionStamp {
  /** ISO time of the change: the new `updated_at`. */
  now: string;
  /** Id of the actor making the change: the new `metadata.last_modified_by`. */
  actorId: string;
  /** Why (kept as `metadata.version_notes` of the history version). */
  notes?: string | undefined;
}

/**
 * The record after one change: `next` (the changed fields, based on `current`) as version 0 with
 * `revision = current.revision + 1`, `updated_at = now` and the metadata naming the actor and notes.
 * Write it with `updateIncident({ incident, expectedRevision: current.revision })`.
 *
 * @example
 * ```ts
 * const incident = nextRevision(current, { ...current, title: 'New title' }, { now, actorId: actor.id });
 * ```
 */
export function nextRevision(current: Incident, next: Incident, stamp: RevisionStamp): Incident {
  return {
    ...next,
    version: 0,
    revision: current.revision + 1,
    updated_at: stamp.now,
    metadata: { ...next.metadata, last_modified_by: stamp.actorId, version_notes: stamp.notes },
  };
}

/** What {@link followLink} found. */
export interface FollowedIncident {
  /** The target when `found` is a link tombstone whose target exists; otherwise `found`. */
  incident: Incident;
  /** The tombstone's id when the link was followed. */
  redirectedFrom?: string;
}

/**
 * Follows a link tombstone (`merged_into` set) one step to its target. A tombstone whose target is
 * missing is returned as it is (the link is being completed, or the target was deleted by hand).
 */
export async function followLink(
  store: Pick<IncidentStore, 'getIncident'>,
  found: Incident,
): Promise<FollowedIncident> {
  if (!found.merged_into) return { incident: found };
  const target = await store.getIncident(found.merged_into);
  return target ? { incident: target, redirectedFrom: found.incident_id } : { incident: found };
}

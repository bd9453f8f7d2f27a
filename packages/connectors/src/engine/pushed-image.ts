/**
 * The vendor's image of a pushed status. Status tables are lossy: ASSIGNED is pushed to Zendesk as
 * `open`, which reads back as IN_PROGRESS; RESOLVED is pushed to Jira as `Done`, which reads back as
 * CLOSED. Without a record of the push, the next pull sees the status changed on both sides and
 * reports a false conflict.
 *
 * After a successful status push the engine records `pushed_status` in the incident's
 * `sync_metadata.remote_snapshot`; the next pull that finds the local status still equal to it takes
 * the vendor's status as the image of the push: the snapshot moves to the vendor's value, the local
 * status is kept, no conflict. The record is used once (the pull replaces the snapshot), so a later
 * change made in the vendor system applies as usual.
 *
 * @module
 */
import {
  type Actor,
  ConflictError,
  type Incident,
  type IncidentStore,
  nextRevision,
  type Status,
} from '@incidents/core';

/** The snapshot key of the local status whose vendor image the snapshot's `status` is. */
export const STATUS_IMAGE_KEY = 'status_image_of';

/** The snapshot key of the last pushed status. */
export const PUSHED_STATUS_KEY = 'pushed_status';

/** The status last pushed to the source system and not read back yet, if any. */
export function pushedStatusOf(incident: Pick<Incident, 'sync_metadata'>): Status | undefined {
  const pushed = incident.sync_metadata.remote_snapshot?.[PUSHED_STATUS_KEY];
  return pushed && typeof pushed === 'object' && typeof (pushed as { status?: unknown }).status === 'string'
    ? (pushed as { status: Status }).status
    : undefined;
}

/** Records that `status` was written to the incident's source record (a bookkeeping version). */
export async function recordPushedStatus(
  store: IncidentStore,
  actor: Actor,
  connectorName: string,
  incidentId: string,
  status: Status,
  now: () => string,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const current = await store.getIncident(incidentId);
    if (!current) return;
    const at = now();
    const next = nextRevision(
      current,
      {
        ...current,
        sync_metadata: {
          ...current.sync_metadata,
          remote_snapshot: { ...(current.sync_metadata.remote_snapshot ?? {}), [PUSHED_STATUS_KEY]: { status, at } },
        },
      },
      { now: at, actorId: actor.id, notes: `status ${status} pushed to ${connectorName}` },
    );
    try {
      await store.updateIncident({ keepKbSyncStatus: true, incident: next, expectedRevision: current.revision });
      return;
    } catch (err) {
      if (err instanceof ConflictError && err.details.reason === 'stale_revision' && attempt < 5) continue;
      throw err;
    }
  }
}

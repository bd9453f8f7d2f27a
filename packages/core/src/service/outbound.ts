/**
 * Which local changes go back to the source system: the outbound items the service writes with a
 * change (transactional outbox, see `ports/sync-store.ts`).
 *
 * - Only incidents imported from another system (`source_system` other than `MANUAL`).
 * - Never changes made by the `sync` role: those came from the source system (no echo).
 * - A comment without an `external_id` (imported comments have one) becomes a `COMMENT` item,
 *   PUBLIC or INTERNAL (the engine skips INTERNAL ones for systems without internal notes).
 * - A status change becomes a `STATUS_CHANGE` item with the resolution, when there is one.
 *
 * @module
 */
import type { IdGenerator } from '../ids.js';
import type { Incident } from '../model/incident.js';
import type { Interaction } from '../model/interaction.js';
import type { Actor } from '../model/user.js';
import { DEFAULT_OUTBOUND_MAX_ATTEMPTS, type OutboundItem } from '../ports/sync-store.js';

/** Whether changes by `actor` on `incident` are pushed back to the source system. */
export function sendsOutbound(incident: Incident, actor: Actor): boolean {
  return incident.source_system !== 'MANUAL' && !actor.roles.includes('sync');
}

/** The outbound items of one change (empty when nothing goes back). */
export function outboundFor(
  before: Incident,
  after: Incident,
  interactions: readonly Interaction[],
  actor: Actor,
  now: string,
  ids: IdGenerator,
  maxAttempts = DEFAULT_OUTBOUND_MAX_ATTEMPTS,
): OutboundItem[] {
  if (!sendsOutbound(after, actor)) return [];
  const base = {
    incident_id: after.incident_id,
    source_system: after.source_system,
    external_id: after.external_id,
    connector: after.source_system.toLowerCase(),
    sync_direction: 'TO_EXTERNAL' as const,
    status: 'PENDING' as const,
    attempts: 0,
    max_attempts: maxAttempts,
    created_at: now,
    next_attempt_at: now,
  };
  const items: OutboundItem[] = [];
  if (before.status !== after.status) {
    items.push({
      ...base,
      sync_id: `OUT-${ids.interactionId()}`,
      sync_type: 'STATUS_CHANGE',
      payload: {
        from: before.status,
        to: after.status,
        ...(after.resolution && (after.status === 'RESOLVED' || after.status === 'CLOSED')
          ? {
              resolution: {
                type: after.resolution.resolution_type,
                description: after.resolution.resolution_description,
              },
            }
          : {}),
      },
    });
  }
  for (const row of interactions) {
    if (row.type !== 'comment' || row.external_id) continue;
    items.push({
      ...base,
      sync_id: `OUT-${ids.interactionId()}`,
      sync_type: 'COMMENT',
      payload: {
        interaction_id: row.interaction_id,
        created_at: row.created_at,
        text: row.text,
        visibility: row.visibility,
        author: row.author,
      },
    });
  }
  return items;
}

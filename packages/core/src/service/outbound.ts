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
import type { Status } from '../model/enums.js';
import type { Incident } from '../model/incident.js';
import type { Interaction } from '../model/interaction.js';
import type { Actor } from '../model/user.js';
import { DEFAULT_OUTBOUND_MAX_ATTEMPTS, type OutboundItem } from '../ports/sync-store.js';

/** Whether changes by `actor` on `incident` are pushed back to the source system. */
export function sendsOutbound(incident: Incident, actor: Actor): boolean {
  return incident.source_system !== 'MANUAL' && !actor.roles.includes('sync');
}

/** Fields every outbound item of `incident` starts with. */
function outboundBase(incident: Incident, now: string, maxAttempts: number, connector: string) {
  return {
    incident_id: incident.incident_id,
    source_system: incident.source_system,
    external_id: incident.external_id,
    connector,
    sync_direction: 'TO_EXTERNAL' as const,
    status: 'PENDING' as const,
    attempts: 0,
    max_attempts: maxAttempts,
    created_at: now,
    next_attempt_at: now,
  };
}

/**
 * The `STATUS_CHANGE` item that moves the source system from `from` to `incident`'s status (with the
 * resolution, when the incident is resolved or closed). `connector` defaults to the source system's
 * name in lower case.
 */
export function statusChangeOutbound(
  incident: Incident,
  from: Status,
  now: string,
  ids: Pick<IdGenerator, 'interactionId'>,
  maxAttempts = DEFAULT_OUTBOUND_MAX_ATTEMPTS,
  connector = incident.source_system.toLowerCase(),
): OutboundItem {
  return {
    ...outboundBase(incident, now, maxAttempts, connector),
    sync_id: `OUT-${ids.interactionId()}`,
    sync_type: 'STATUS_CHANGE',
    payload: {
      from,
      to: incident.status,
      ...(incident.resolution && (incident.status === 'RESOLVED' || incident.status === 'CLOSED')
        ? {
            resolution: {
              type: incident.resolution.resolution_type,
              description: incident.resolution.resolution_description,
            },
          }
        : {}),
    },
  };
}

/** The outbound items of one change (empty when nothing goes back). */
export function outboundFor(
  before: Incident,
  after: Incident,
  interactions: readonly Interaction[],
  actor: Actor,
  now: string,
  ids: Pick<IdGenerator, 'interactionId'>,
  maxAttempts = DEFAULT_OUTBOUND_MAX_ATTEMPTS,
): OutboundItem[] {
  if (!sendsOutbound(after, actor)) return [];
  const items: OutboundItem[] = [];
  if (before.status !== after.status) items.push(statusChangeOutbound(after, before.status, now, ids, maxAttempts));
  const base = outboundBase(after, now, maxAttempts, after.source_system.toLowerCase());
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

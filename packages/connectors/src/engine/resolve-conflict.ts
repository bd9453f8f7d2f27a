/**
 * Conflict resolution: a person keeps the local or the remote value of a field that changed on both
 * sides. The new version marks the field's conflicts resolved; keeping a local status queues it to be
 * pushed to the source system.
 *
 * @module
 */
import {
  DEFAULT_OUTBOUND_MAX_ATTEMPTS,
  type Interaction,
  type InteractionSource,
  NotFoundError,
  nextRevision,
  type OutboundItem,
  type SourceSystem,
  type Status,
  statusChangeOutbound,
  type SyncConflict,
  ValidationError,
} from '@incidents/core';
import { cloneJson } from '@incidents/core/store-kit';
import type { Connector } from '../connector.js';
import { type EngineContext, isStale, KEEP_KB, UPSERT_RETRIES } from './context.js';
import type { ConflictResolution, ResolveConflictInput } from './options.js';
import { applyRemoteStatus, remoteStatusInteraction } from './reconcile.js';

/** The connector that pushes to `system`: the configured one, else core's default name. */
function connectorNameFor(ctx: EngineContext, system: SourceSystem): string {
  const matching = ctx.options.connectors.filter((c) => c.sourceSystem === system);
  return matching.length === 1 ? (matching[0] as Connector).name : system.toLowerCase();
}

function checkResolveInput(input: ResolveConflictInput): void {
  const issues: Array<{ path: string; message: string }> = [];
  if (!input || typeof input !== 'object') {
    throw new ValidationError([{ path: 'input', message: 'expected { incident_id, field, keep }' }], {
      context: 'conflict resolution',
    });
  }
  if (typeof input.incident_id !== 'string' || input.incident_id.trim() === '') {
    issues.push({ path: 'incident_id', message: 'expected an incident id' });
  }
  if (typeof input.field !== 'string' || input.field.trim() === '') {
    issues.push({ path: 'field', message: 'expected a field name' });
  }
  if (input.keep !== 'local' && input.keep !== 'remote') {
    issues.push({ path: 'keep', message: 'expected "local" or "remote"' });
  }
  if (issues.length) throw new ValidationError(issues, { context: 'conflict resolution' });
}

async function resolveOnce(ctx: EngineContext, input: ResolveConflictInput): Promise<ConflictResolution> {
  const { incident_id: id, field, keep } = input;
  const by = input.actor ?? ctx.actor;
  const current = await ctx.store.getIncident(id);
  if (!current) throw new NotFoundError('Incident', id);
  const all = current.sync_metadata.conflicts ?? [];
  const open = all.filter((c) => !c.resolved && c.field === field);
  if (open.length === 0) {
    const others = [...new Set(all.filter((c) => !c.resolved).map((c) => c.field))];
    throw new ValidationError(
      [
        {
          path: 'field',
          message: `incident ${id} has no unresolved conflict on ${field}${others.length ? `; open conflicts: ${others.join(', ')}` : ''}`,
        },
      ],
      { context: 'conflict resolution' },
    );
  }
  const now = ctx.nowIso();
  // The revision `nextRevision` gives the record below; the timeline entries are written under it.
  const revision = current.revision + 1;
  const next = cloneJson(current);
  const snapshot = current.sync_metadata.remote_snapshot;
  const interactions: Interaction[] = [];
  const outbound: OutboundItem[] = [];
  const source = current.source_system as InteractionSource;
  if (keep === 'remote') {
    // The source system's current value: the last pull's snapshot, else the latest conflict's.
    const remote =
      snapshot && Object.hasOwn(snapshot, field)
        ? snapshot[field]
        : (open[open.length - 1] as SyncConflict).remote_value;
    if (field === 'status') {
      const to = remote as Status;
      if (to !== current.status) {
        applyRemoteStatus(next, current.status, to, now);
        interactions.push(
          remoteStatusInteraction(
            id,
            current.status,
            to,
            typeof snapshot?.remote_status === 'string' ? snapshot.remote_status : to,
            source,
            by.id,
            now,
            revision,
            ctx.ids.interactionId(),
          ),
        );
      }
    } else {
      (next as Record<string, unknown>)[field] = cloneJson(remote);
    }
  } else if (field === 'status' && current.source_system !== 'MANUAL' && snapshot?.status !== current.status) {
    // Local wins: the source system is moved to the local status by the next push.
    const from = (snapshot?.status ?? open[open.length - 1]?.remote_value) as Status;
    outbound.push(
      statusChangeOutbound(
        current,
        from,
        now,
        ctx.ids,
        ctx.options.maxAttempts ?? DEFAULT_OUTBOUND_MAX_ATTEMPTS,
        connectorNameFor(ctx, current.source_system),
      ),
    );
  }
  const resolved: SyncConflict[] = [];
  next.sync_metadata = {
    ...next.sync_metadata,
    conflicts: all.map((c) => {
      if (c.resolved || c.field !== field) return c;
      const done: SyncConflict = { ...c, resolved: true, resolved_at: now };
      resolved.push(done);
      return done;
    }),
  };
  const record = nextRevision(current, next, {
    now,
    actorId: by.id,
    notes: `conflict on ${field} resolved: kept the ${keep} value`,
  });
  await ctx.store.updateIncident({
    ...KEEP_KB,
    incident: record,
    expectedRevision: current.revision,
    ...(interactions.length ? { interactions } : {}),
    ...(outbound.length ? { outbound } : {}),
  });
  return {
    incident_id: id,
    field,
    keep,
    value: (record as Record<string, unknown>)[field],
    resolved_at: now,
    resolved,
    revision,
    queued: outbound.length > 0,
  };
}

/**
 * Resolves the unresolved conflicts on one field of an incident (see `SyncEngine.resolveConflict`):
 * a concurrent write is re-read and retried, then surfaced as `ConflictError`.
 */
export async function resolveConflict(ctx: EngineContext, input: ResolveConflictInput): Promise<ConflictResolution> {
  checkResolveInput(input);
  for (let attempt = 0; ; attempt++) {
    try {
      return await resolveOnce(ctx, input);
    } catch (err) {
      // Someone wrote the incident meanwhile: re-read (the conflict may be gone) and redo.
      if (isStale(err) && attempt < UPSERT_RETRIES) continue;
      throw err;
    }
  }
}

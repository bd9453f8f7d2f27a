import {
  collectAll,
  hasPermission,
  isIncidentsError,
  type IncidentService,
  type UseCaseContext,
} from '@incidents/core';
import { type DrainReport, drainQueue } from '@incidents/redis';
import { NextResponse } from 'next/server';
import { jsonError, withActor } from '@/lib/api';
import { desk } from '@/lib/dal';
import { redis } from '@/lib/redis';

export const dynamic = 'force-dynamic';

/** Closes RESOLVED tickets untouched for `days` through core's `close` use case, at most `max`. */
async function closeInactiveResolved(
  service: IncidentService,
  ctx: UseCaseContext,
  days: number,
  max: number,
): Promise<{ closed: string[]; conflicts: string[] }> {
  const cutoff = Date.now() - days * 86_400_000;
  const resolved = await collectAll((cursor) =>
    service.query({ by: 'status', status: 'RESOLVED' }, { limit: 100, cursor }, ctx),
  );
  const closed: string[] = [];
  const conflicts: string[] = [];
  for (const incident of resolved) {
    if (closed.length >= max) break;
    if (Date.parse(incident.updated_at) > cutoff) continue;
    try {
      await service.close(
        {
          incident_id: incident.incident_id,
          expected_revision: incident.revision,
          reason: `inactive for ${days} days`,
        },
        ctx,
      );
      closed.push(incident.incident_id);
    } catch (err) {
      // Someone changed it meanwhile: it is no longer "inactive"; the next run looks again.
      if ((err as { code?: string }).code === 'conflict') conflicts.push(incident.incident_id);
      else throw err;
    }
  }
  return { closed, conflicts };
}

/**
 * POST /api/batch — `{ close_resolved_after_days?: number, max?: number }` (batch_worker or admin):
 * closes RESOLVED tickets with no change for N days (default 7), at most `max` (default 100) per
 * call; then, when Redis is configured, drains the task queue of `@incidents/redis` for at most 20 s:
 * `closeInactiveResolved` tasks run here; `notify`, `kbSync` and `connectorSync` have no handler in the
 * desk and are put back for their workers (the CLI's `incidents queue drain`, the Lambda). The answer
 * is `{ closed, conflicts, queue }` — `queue` is the drain report, `{ error }` when Redis does not
 * answer, or `null` without Redis.
 */
export function POST(request: Request) {
  return withActor(request, async (actor) => {
    if (!hasPermission(actor, 'procedures.execute')) {
      return jsonError('permission_denied', 'batch jobs need the batch_worker role', 403);
    }
    const body = (await request.json().catch(() => ({}))) as { close_resolved_after_days?: unknown; max?: unknown };
    const days = typeof body.close_resolved_after_days === 'number' ? body.close_resolved_after_days : 7;
    const max = typeof body.max === 'number' ? Math.min(Math.max(1, body.max), 500) : 100;
    const { service } = await desk();
    const ctx: UseCaseContext = { actor, notes: 'closed by the batch job' };
    const { closed, conflicts } = await closeInactiveResolved(service, ctx, days, max);
    const parts = await redis();
    let queue: DrainReport | { error: string } | null = null;
    if (parts) {
      queue = await drainQueue({
        queue: parts.queue,
        maxTasks: 100,
        deadlineMs: 20_000,
        handlers: {
          closeInactiveResolved: async ({ inactive_days, limit }) => {
            const r = await closeInactiveResolved(service, ctx, inactive_days, limit);
            closed.push(...r.closed);
            conflicts.push(...r.conflicts);
          },
        },
      }).catch((err: unknown) => {
        // Redis down: the closing above is done; the queue waits for the next run.
        if (isIncidentsError(err) && err.code === 'unavailable') return { error: 'Redis is unavailable' };
        throw err;
      });
    }
    return NextResponse.json({ closed, conflicts, queue });
  });
}

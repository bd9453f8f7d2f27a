import { hasPermission } from '@incidents/core';
import { NextResponse } from 'next/server';
import { jsonError, withActor } from '@/lib/api';
import { desk } from '@/lib/dal';

export const dynamic = 'force-dynamic';

/**
 * POST /api/batch — `{ close_resolved_after_days?: number, max?: number }` (batch_worker or admin):
 * closes RESOLVED tickets with no change for N days (default 7) through core's `close` use case,
 * at most `max` (default 100) per call. The Redis task queue (notifications, KB sync) drains here
 * once `@incidents/redis` is wired (lib/redis.ts).
 */
export function POST(request: Request) {
  return withActor(request, async (actor) => {
    if (!hasPermission(actor, 'procedures.execute')) {
      return jsonError('permission_denied', 'batch jobs need the batch_worker role', 403);
    }
    const body = (await request.json().catch(() => ({}))) as { close_resolved_after_days?: unknown; max?: unknown };
    const days = typeof body.close_resolved_after_days === 'number' ? body.close_resolved_after_days : 7;
    const max = typeof body.max === 'number' ? Math.min(Math.max(1, body.max), 500) : 100;
    const cutoff = Date.now() - days * 86_400_000;
    const { service } = await desk();
    const page = await service.query({ by: 'status', status: 'RESOLVED' }, { limit: 500 }, { actor });
    const closed: string[] = [];
    const conflicts: string[] = [];
    for (const incident of page.items) {
      if (closed.length >= max) break;
      if (Date.parse(incident.updated_at) > cutoff) continue;
      try {
        await service.close(
          {
            incident_id: incident.incident_id,
            expected_revision: incident.revision,
            reason: `inactive for ${days} days`,
          },
          { actor, notes: 'closed by the batch job' },
        );
        closed.push(incident.incident_id);
      } catch (err) {
        if ((err as { code?: string }).code === 'conflict') conflicts.push(incident.incident_id);
        else throw err;
      }
    }
    return NextResponse.json({ closed, conflicts });
  });
}

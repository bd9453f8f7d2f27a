import { ValidationError } from '@incidents/core';
import { NextResponse } from 'next/server';
import { readJson, withActor } from '@/lib/api';
import { desk } from '@/lib/dal';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

/** GET /api/tickets/:id — the ticket with its timeline (INTERNAL entries only for those allowed). */
export function GET(request: Request, { params }: Ctx) {
  return withActor(request, async (actor) => {
    const { id } = await params;
    const { service } = await desk();
    const incident = await service.get(id, { actor });
    const timeline = await service.timeline(incident.incident_id, { limit: 50 }, { actor });
    return NextResponse.json({ ...incident, timeline: timeline.items });
  });
}

const ACTIONS = ['claim', 'assign', 'start', 'pending', 'resolve', 'close', 'reopen', 'cancel', 'comment'] as const;

/**
 * PATCH /api/tickets/:id — `{ action, expected_revision, ...fields }`: one use case per action
 * (`claim`, `assign` + assignee, `start`, `pending` + reason, `resolve` + solution/steps, `close`,
 * `reopen`, `cancel`, `comment` + text/visibility). A stale revision is a 409.
 */
export function PATCH(request: Request, { params }: Ctx) {
  return withActor(request, async (actor) => {
    const { id } = await params;
    const body = await readJson(request);
    const action = body.action;
    if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
      throw new ValidationError([{ path: 'action', message: `one of ${ACTIONS.join(', ')}` }]);
    }
    const { action: _a, ...rest } = body;
    const input = { ...rest, incident_id: id } as never;
    const ctx = { actor };
    const { service } = await desk();
    const result =
      action === 'claim'
        ? await service.claim(input, ctx)
        : action === 'assign'
          ? await service.assign(input, ctx)
          : action === 'start'
            ? await service.startWork(input, ctx)
            : action === 'pending'
              ? await service.setPending(input, ctx)
              : action === 'resolve'
                ? await service.resolve(input, ctx)
                : action === 'close'
                  ? await service.close(input, ctx)
                  : action === 'reopen'
                    ? await service.reopen(input, ctx)
                    : action === 'cancel'
                      ? await service.cancel(input, ctx)
                      : await service.addComment(input, ctx);
    return NextResponse.json(result);
  });
}

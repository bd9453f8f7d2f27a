import { incidentQuerySchema, STATUSES } from '@incidents/core';
import { NextResponse } from 'next/server';
import { readJson, withActor } from '@/lib/api';
import { desk } from '@/lib/dal';

export const dynamic = 'force-dynamic';

/**
 * GET /api/tickets?status=&priority=&assigned_to=&team=&category=&q=&limit=&cursor= — one page, scoped by
 * core. `q` is core's text filter (id, title, description); it does not combine with `category`.
 */
export function GET(request: Request) {
  return withActor(request, async (actor) => {
    const url = new URL(request.url);
    const p = url.searchParams;
    const status = p.get('status') ? p.get('status')?.split(',') : [...STATUSES];
    const text = p.get('q') ? { text: p.get('q') } : {};
    const query = p.get('assigned_to')
      ? { by: 'assignee', assigned_to: p.get('assigned_to'), status, ...text }
      : p.get('team')
        ? { by: 'team', team: p.get('team'), status, ...text }
        : p.get('category')
          ? { by: 'category', category: p.get('category') }
          : { by: 'status', status, ...(p.get('priority') ? { priority: p.get('priority') } : {}), ...text };
    const { service } = await desk();
    const page = await service.query(
      incidentQuerySchema().parse(query),
      { limit: Number(p.get('limit') ?? 50), cursor: p.get('cursor') },
      { actor },
    );
    return NextResponse.json(page);
  });
}

/** POST /api/tickets — body: core's CreateIncidentInput. 201 with the incident. */
export function POST(request: Request) {
  return withActor(request, async (actor) => {
    const body = await readJson(request);
    const { service } = await desk();
    const incident = await service.create(body as never, { actor });
    return NextResponse.json(incident, { status: 201 });
  });
}

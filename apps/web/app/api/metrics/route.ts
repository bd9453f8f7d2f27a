import { NextResponse } from 'next/server';
import { withActor } from '@/lib/api';
import { desk } from '@/lib/dal';
import { redisStats } from '@/lib/redis';

export const dynamic = 'force-dynamic';

/** GET /api/metrics — core's metrics report, the store's DB statistics (when it has them) and Redis. */
export function GET(request: Request) {
  return withActor(request, async (actor) => {
    const { service, store } = await desk();
    const report = await service.metrics({}, { actor });
    const withStats = store as typeof store & { stats?: () => Promise<unknown> };
    const database = withStats.stats ? await withStats.stats() : null;
    return NextResponse.json({ metrics: report, database, redis: await redisStats() });
  });
}

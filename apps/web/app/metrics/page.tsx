import { PRIORITIES, STATUSES } from '@incidents/core';
import { getTranslations } from 'next-intl/server';
import { notFound } from 'next/navigation';
import { databaseStats, metricsOverview, requireActor } from '@/lib/dal';
import { redisStats } from '@/lib/redis';
import { AutoRefresh } from './auto-refresh';
import { BarPanel, DailyPanel, TeamPanel } from './charts';

interface DbStats {
  queries: { count: number; avgMs: number; slow: Array<{ sql: string; ms: number }> };
  tables: Array<{ name: string; rows: number }>;
  indexUsage: Array<{ query: string; usesIndex: boolean; index?: string }>;
}

const mb = (v: number | null) => (v === null ? '—' : `${(v / (1024 * 1024)).toFixed(1)} MB`);
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)} %`);

export default async function MetricsPage() {
  const actor = await requireActor();
  if (!actor.roles.some((r) => r === 'admin' || r === 'operator')) notFound();
  const [{ overall, byTeam }, db, redis] = await Promise.all([metricsOverview(), databaseStats(), redisStats()]);
  const t = await getTranslations('metrics');
  const ts = await getTranslations('status');
  const tp = await getTranslations('priority');
  const stats = db as DbStats | null;
  const statusData = STATUSES.map((s) => ({ name: ts(s), value: overall.by_status[s] ?? 0 }));
  const priorityData = PRIORITIES.map((p) => ({ name: `${p} ${tp(p)}`, value: overall.by_priority[p] ?? 0 }));
  const categoryData = Object.entries(overall.by_category).map(([name, value]) => ({ name, value }));
  const teamData = byTeam.map(({ team, report }) => ({
    name: team,
    mttr: report.avg_resolution_time_minutes ?? 0,
    sla: report.sla_compliance_rate === null ? 0 : Math.round(report.sla_compliance_rate * 100),
  }));
  // The last 30 days that had activity (core reports only days with creations or resolutions).
  const dailyData = overall.daily.slice(-30).map((d) => ({ ...d, date: d.date.slice(5) }));
  const card = 'rounded-lg bg-white p-4 shadow';
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <AutoRefresh label={t('refresh')} stamp={overall.last_calculated_at} />
      </div>
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4">
        {[
          [t('total'), overall.total_incidents],
          [t('open'), overall.open_incidents],
          [
            t('avgResolution'),
            overall.avg_resolution_time_minutes === null
              ? '—'
              : `${Math.round(overall.avg_resolution_time_minutes)} min`,
          ],
          [
            t('slaRate'),
            overall.sla_compliance_rate === null ? '—' : `${Math.round(overall.sla_compliance_rate * 100)} %`,
          ],
        ].map(([k, v]) => (
          <div key={String(k)} className={card}>
            <dt className="text-xs text-slate-600">{k}</dt>
            <dd className="text-2xl font-semibold">{v}</dd>
          </div>
        ))}
      </dl>
      <div className="grid gap-4 lg:grid-cols-2">
        <section className={card} aria-labelledby="by-status">
          <h2 id="by-status" className="mb-2 font-semibold">
            {t('byStatus')}
          </h2>
          <BarPanel data={statusData} label={t('count')} color="#1d4ed8" />
        </section>
        <section className={card} aria-labelledby="by-priority">
          <h2 id="by-priority" className="mb-2 font-semibold">
            {t('byPriority')}
          </h2>
          <BarPanel data={priorityData} label={t('count')} color="#b45309" />
        </section>
        <section className={card} aria-labelledby="by-category">
          <h2 id="by-category" className="mb-2 font-semibold">
            {t('byCategory')}
          </h2>
          <BarPanel data={categoryData} label={t('count')} color="#047857" />
        </section>
        <section className={card} aria-labelledby="by-team">
          <h2 id="by-team" className="mb-2 font-semibold">
            {t('byTeam')}
          </h2>
          <TeamPanel data={teamData} mttrLabel={t('mttr')} slaLabel={t('sla')} />
        </section>
        <section className={`${card} lg:col-span-2`} aria-labelledby="daily">
          <h2 id="daily" className="mb-2 font-semibold">
            {t('daily')}
          </h2>
          <DailyPanel data={dailyData} createdLabel={t('created')} resolvedLabel={t('resolved')} />
        </section>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <section className={card} aria-labelledby="db" data-testid="db-panel">
          <h2 id="db" className="mb-2 font-semibold">
            {t('db')}
          </h2>
          {stats ? (
            <div className="flex flex-col gap-2 text-sm">
              <p>
                {t('queries')}: <strong>{stats.queries.count}</strong> · {t('avgMs')}:{' '}
                <strong>{stats.queries.avgMs.toFixed(2)}</strong> · {t('slow')}:{' '}
                <strong>{stats.queries.slow.length}</strong>
              </p>
              <h3 className="font-medium">{t('tables')}</h3>
              <ul className="grid grid-cols-2 gap-x-4 text-xs">
                {stats.tables.map((tb) => (
                  <li key={tb.name}>
                    {tb.name}: {tb.rows} {t('rows')}
                  </li>
                ))}
              </ul>
              <h3 className="font-medium">{t('indexUsage')}</h3>
              <p className="text-xs">
                {stats.indexUsage.filter((i) => i.usesIndex).length} / {stats.indexUsage.length}
              </p>
            </div>
          ) : (
            <p className="text-sm text-slate-600">—</p>
          )}
        </section>
        <section className={card} aria-labelledby="redis" data-testid="redis-panel">
          <h2 id="redis" className="mb-2 font-semibold">
            {t('redis')}
          </h2>
          {redis ? (
            redis.available ? (
              <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm" data-testid="redis-stats">
                <dt>{t('redisMemory')}</dt>
                <dd>
                  {mb(redis.memory.used_bytes)}
                  {redis.memory.maxmemory_bytes ? ` / ${mb(redis.memory.maxmemory_bytes)}` : ''}
                </dd>
                <dt>{t('redisHitRate')}</dt>
                <dd>{pct(redis.cache?.shared?.hit_rate ?? redis.cache?.process?.hitRate ?? redis.stats.hit_rate)}</dd>
                <dt>{t('redisClients')}</dt>
                <dd>{redis.clients.connected ?? '—'}</dd>
                <dt>{t('redisQueue')}</dt>
                <dd data-testid="redis-queue">
                  {redis.queue
                    ? t('redisQueueLengths', {
                        pending: redis.queue.pending,
                        processing: redis.queue.processing,
                        dead: redis.queue.dead,
                      })
                    : '—'}
                </dd>
                <dt>{t('redisLatency')}</dt>
                <dd>{redis.latency_ms === null ? '—' : `${redis.latency_ms} ms`}</dd>
                <dt>{t('redisDegraded')}</dt>
                <dd>{redis.degraded ? t('yes') : t('no')}</dd>
              </dl>
            ) : (
              <p className="text-sm text-amber-800" data-testid="redis-down">
                {t('redisDown')}
              </p>
            )
          ) : (
            <p className="text-sm text-slate-600">{t('redisOff')}</p>
          )}
        </section>
      </div>
    </div>
  );
}

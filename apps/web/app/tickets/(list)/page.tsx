import { PRIORITIES, type Priority, STATUSES, type Status } from '@incidents/core';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { ClientMessages } from '@/components/client-messages';
import { shortDateTime } from '@/lib/format';
import { listTickets, requireActor, type TicketFilters } from '@/lib/dal';
import { type TableRow, TicketsTable } from './tickets-table';

type Search = Record<string, string | undefined>;

export default async function TicketsPage({ searchParams }: { searchParams: Promise<Search> }) {
  await requireActor();
  const sp = await searchParams;
  const t = await getTranslations('tickets');
  const ts = await getTranslations('status');
  const tp = await getTranslations('priority');
  const dateTime = await shortDateTime();
  const status = sp.status && ([...STATUSES, 'open', 'all'] as string[]).includes(sp.status) ? sp.status : undefined;
  const priority = sp.priority && (PRIORITIES as readonly string[]).includes(sp.priority) ? sp.priority : undefined;
  const filters: TicketFilters = {
    ...(status ? { status: status as Status | 'open' | 'all' } : {}),
    ...(priority ? { priority: priority as Priority } : {}),
    ...(sp.team ? { team: sp.team } : {}),
    ...(sp.category ? { category: sp.category } : {}),
    ...(sp.assignee ? { assignee: sp.assignee } : {}),
    ...(sp.q ? { text: sp.q } : {}),
    ...(sp.cursor ? { cursor: sp.cursor } : {}),
  };
  const page = await listTickets(filters);
  // Only the fields the table shows or sorts on cross to the browser (they travel in the RSC payload).
  const rows: TableRow[] = page.items.map((r) => ({
    incident_id: r.incident_id,
    title: r.title,
    status: r.status,
    priority: r.priority,
    assigned_to: r.assigned_to,
    sla: r.sla,
    updated_at: r.updated_at,
    updated_label: dateTime(r.updated_at),
  }));
  const qs = (changes: Search) => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...sp, ...changes })) if (v) next.set(k, v);
    return `/tickets?${next.toString()}`;
  };
  const input = 'rounded border border-slate-400 px-2 py-1.5 text-sm';
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      <form
        method="get"
        action="/tickets"
        className="grid grid-cols-2 gap-2 rounded-lg bg-white p-3 shadow sm:grid-cols-4 lg:grid-cols-7"
        aria-label={t('filters')}
      >
        <label className="flex flex-col text-xs font-medium">
          {t('status')}
          <select name="status" defaultValue={status ?? 'open'} className={input}>
            {(['open', 'all', ...STATUSES] as const).map((s) => (
              <option key={s} value={s}>
                {ts(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-xs font-medium">
          {t('priority')}
          <select name="priority" defaultValue={priority ?? ''} className={input}>
            <option value="">{t('any')}</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p} · {tp(p)}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-xs font-medium">
          {t('team')}
          <input name="team" defaultValue={sp.team ?? ''} className={input} />
        </label>
        <label className="flex flex-col text-xs font-medium">
          {t('category')}
          <input name="category" defaultValue={sp.category ?? ''} className={input} />
        </label>
        <label className="flex flex-col text-xs font-medium">
          {t('assignee')}
          <input name="assignee" type="email" defaultValue={sp.assignee ?? ''} className={input} />
        </label>
        <label className="flex flex-col text-xs font-medium">
          {t('text')}
          <input name="q" type="search" defaultValue={sp.q ?? ''} className={input} />
        </label>
        <div className="flex items-end">
          <button type="submit" className="w-full rounded bg-blue-700 px-3 py-1.5 text-sm font-medium text-white">
            {t('apply')}
          </button>
        </div>
      </form>
      {rows.length === 0 ? (
        <p className="rounded-lg bg-white p-6 text-center text-slate-700 shadow" data-testid="empty">
          {t('empty')}
        </p>
      ) : (
        <ClientMessages namespaces={['tickets', 'status', 'priority', 'sla']}>
          <TicketsTable rows={rows} />
        </ClientMessages>
      )}
      <nav className="flex gap-3 text-sm" aria-label="pagination">
        {sp.cursor ? (
          <Link className="text-blue-800 underline" href={qs({ cursor: undefined })}>
            {t('first')}
          </Link>
        ) : null}
        {page.cursor ? (
          <Link className="text-blue-800 underline" href={qs({ cursor: page.cursor })}>
            {t('next')}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}

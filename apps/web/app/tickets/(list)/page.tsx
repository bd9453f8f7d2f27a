import { PRIORITIES, type Priority, STATUSES, type Status } from '@incidents/core';
import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import { PriorityBadge, SlaBadge, StatusBadge } from '@/components/badges';
import { listTickets, requireActor, type TicketFilters, type TicketRow } from '@/lib/dal';

type Search = Record<string, string | undefined>;
const SORTABLE = ['incident_id', 'title', 'status', 'priority', 'sla', 'updated_at'] as const;
type SortKey = (typeof SORTABLE)[number];
const SLA_ORDER = { overdue: 0, due_soon: 1, ok: 2, none: 3 } as const;

function sortRows(rows: TicketRow[], key: SortKey, dir: 'asc' | 'desc'): TicketRow[] {
  const value = (r: TicketRow): string | number => (key === 'sla' ? SLA_ORDER[r.sla] : (r[key] ?? ''));
  const sorted = [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    return x < y ? -1 : x > y ? 1 : a.incident_id.localeCompare(b.incident_id);
  });
  return dir === 'desc' ? sorted.reverse() : sorted;
}

export default async function TicketsPage({ searchParams }: { searchParams: Promise<Search> }) {
  await requireActor();
  const sp = await searchParams;
  const t = await getTranslations('tickets');
  const ts = await getTranslations('status');
  const tp = await getTranslations('priority');
  const format = await getFormatter();
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
  const sortKey = (SORTABLE as readonly string[]).includes(sp.sort ?? '') ? (sp.sort as SortKey) : 'updated_at';
  const dir = sp.dir === 'asc' ? 'asc' : 'desc';
  const rows = sortRows(page.items, sortKey, dir);
  const qs = (changes: Search) => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...sp, ...changes })) if (v) next.set(k, v);
    return `/tickets?${next.toString()}`;
  };
  const header = (key: SortKey, label: string) => {
    const active = sortKey === key;
    const nextDir = active && dir === 'asc' ? 'desc' : 'asc';
    return (
      <th
        scope="col"
        className="px-2 py-2 text-left"
        aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      >
        <Link
          href={qs({ sort: key, dir: nextDir })}
          className="underline-offset-2 hover:underline"
          aria-label={t('sortBy', { column: label })}
        >
          {label}
          {active ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
        </Link>
      </th>
    );
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
        <div className="overflow-x-auto rounded-lg bg-white shadow">
          <table className="w-full min-w-[640px] text-sm" data-testid="tickets">
            <thead className="border-b bg-slate-100">
              <tr>
                {header('incident_id', t('id'))}
                {header('title', t('ticketTitle'))}
                {header('status', t('status'))}
                {header('priority', t('priority'))}
                <th scope="col" className="px-2 py-2 text-left">
                  {t('assignee')}
                </th>
                {header('sla', t('sla'))}
                {header('updated_at', t('updated'))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.incident_id} className="border-b last:border-0 hover:bg-slate-50">
                  <td className="px-2 py-2 font-mono text-xs">
                    <Link href={`/tickets/${encodeURIComponent(r.incident_id)}`} className="text-blue-800 underline">
                      {r.incident_id}
                    </Link>
                  </td>
                  <td className="px-2 py-2">{r.title}</td>
                  <td className="px-2 py-2">
                    <StatusBadge status={r.status} />
                  </td>
                  <td className="px-2 py-2">
                    <PriorityBadge priority={r.priority} />
                  </td>
                  <td className="px-2 py-2 text-xs">{r.assigned_to ?? t('unassigned')}</td>
                  <td className="px-2 py-2">
                    <SlaBadge sla={r.sla} />
                  </td>
                  <td className="px-2 py-2 text-xs">
                    {format.dateTime(new Date(r.updated_at), { dateStyle: 'short', timeStyle: 'short' })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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

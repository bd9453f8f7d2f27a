import { allowedActions } from '@incidents/core';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { PriorityBadge, SlaBadge, StatusBadge } from '@/components/badges';
import { ClientMessages } from '@/components/client-messages';
import { shortDateTime } from '@/lib/format';
import { getTicket, requireActor, similarIncidents } from '@/lib/dal';
import { TicketActions } from './ticket-actions';

export default async function TicketPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor();
  const { id } = await params;
  const detail = await getTicket(decodeURIComponent(id));
  if (!detail) notFound();
  const { ticket, timeline, history } = detail;
  // Core decides who may search past incidents (not customers); `null` hides the panel.
  const similar = await similarIncidents(ticket.incident_id);
  const t = await getTranslations('detail');
  const ti = await getTranslations('interaction');
  const ts = await getTranslations('status');
  const dateTime = await shortDateTime();
  const role = actor.roles[0];
  const isStaff = role !== 'customer';
  // Which buttons to offer: the state machine's allowed actions; core still decides on submit.
  const actions = isStaff ? allowedActions(ticket.status) : [];
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <section className="flex flex-col gap-3 lg:col-span-2">
        <div className="rounded-lg bg-white p-4 shadow">
          <p className="font-mono text-xs text-slate-600">{ticket.incident_id}</p>
          <h1 className="text-2xl font-semibold" data-testid="ticket-title">
            {ticket.title}
          </h1>
          <div className="mt-2 flex flex-wrap gap-2" data-testid="ticket-status" data-status={ticket.status}>
            <StatusBadge status={ticket.status} />
            <PriorityBadge priority={ticket.priority} />
            <SlaBadge sla={ticket.sla} />
          </div>
          <p className="mt-2 text-sm text-slate-700">
            {t('createdBy', { who: ticket.created_by })}
            {ticket.assigned_to ? ` · ${t('assignedTo', { who: ticket.assigned_to })}` : ''}
          </p>
          <h2 className="mt-4 text-lg font-semibold">{t('description')}</h2>
          <p className="whitespace-pre-wrap">{ticket.description || '—'}</p>
          {ticket.resolution ? (
            <>
              <h2 className="mt-4 text-lg font-semibold">{t('resolution')}</h2>
              <p className="whitespace-pre-wrap">{ticket.resolution}</p>
              {ticket.steps.length > 0 ? (
                <ol className="ml-5 list-decimal">
                  {ticket.steps.map((s) => (
                    <li key={s}>{s}</li>
                  ))}
                </ol>
              ) : null}
            </>
          ) : null}
        </div>
        <div className="rounded-lg bg-white p-4 shadow">
          <h2 className="mb-2 text-lg font-semibold">{t('timeline')}</h2>
          {timeline.length === 0 ? <p className="text-slate-600">{t('empty')}</p> : null}
          <ol className="flex flex-col gap-2" data-testid="timeline">
            {timeline.map((e) => (
              <li
                key={e.id}
                className={`rounded border p-2 ${e.internal ? 'border-amber-400 bg-amber-50' : 'border-slate-200'}`}
                data-visibility={e.internal ? 'INTERNAL' : 'PUBLIC'}
              >
                <div className="flex flex-wrap items-center gap-2 text-xs text-slate-700">
                  {e.internal ? (
                    <span className="rounded bg-amber-700 px-1.5 py-0.5 font-semibold text-white">{t('internal')}</span>
                  ) : null}
                  <span data-testid="interaction-type" data-type={e.type}>
                    {ti(e.type)}
                  </span>
                  <span>{t('by', { who: e.author })}</span>
                  <time dateTime={e.created_at}>{dateTime(e.created_at)}</time>
                </div>
                <p className="whitespace-pre-wrap text-sm">{e.text}</p>
              </li>
            ))}
          </ol>
        </div>
      </section>
      <aside className="flex flex-col gap-3">
        <ClientMessages namespaces={['detail']}>
          <TicketActions
            incidentId={ticket.incident_id}
            revision={ticket.revision}
            actions={actions}
            canComment
            canInternal={isStaff}
            canAssign={role === 'admin'}
          />
        </ClientMessages>
        {similar ? (
          <div className="rounded-lg bg-white p-4 shadow" data-testid="similar">
            <h2 className="mb-2 text-lg font-semibold">{t('similar')}</h2>
            {similar.items.length === 0 ? (
              <p className="text-sm text-slate-600">
                {similar.unavailable ? t('similarUnavailable') : t('similarNone')}
              </p>
            ) : (
              <ol className="flex flex-col gap-2 text-sm">
                {similar.items.map((s) => (
                  <li key={s.incident_id} className="border-b pb-1 last:border-0">
                    <a href={`/tickets/${encodeURIComponent(s.incident_id)}`} className="text-blue-800 underline">
                      {s.title ?? s.incident_id}
                    </a>
                    <span className="block text-xs text-slate-600">{s.excerpt}</span>
                  </li>
                ))}
              </ol>
            )}
          </div>
        ) : null}
        {history ? (
          <div className="rounded-lg bg-white p-4 shadow">
            <h2 className="mb-2 text-lg font-semibold">{t('history')}</h2>
            <ol className="flex flex-col gap-1 text-xs" data-testid="history">
              {history.map((v) => (
                <li key={v.version} className="border-b pb-1 last:border-0">
                  <span className="font-semibold">{t('version', { n: v.version })}</span> · {ts(v.status)}
                  {v.assigned_to ? ` · ${v.assigned_to}` : ''} · {t('by', { who: v.by })}
                  {v.notes ? <span className="block text-slate-600">{v.notes}</span> : null}
                </li>
              ))}
            </ol>
          </div>
        ) : null}
      </aside>
    </div>
  );
}

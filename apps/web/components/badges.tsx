import { getTranslations } from 'next-intl/server';
import type { TicketRow } from '@/lib/dal';

const STATUS_STYLE: Record<string, string> = {
  NEW: 'bg-sky-100 text-sky-900',
  ASSIGNED: 'bg-indigo-100 text-indigo-900',
  IN_PROGRESS: 'bg-amber-100 text-amber-900',
  PENDING: 'bg-orange-100 text-orange-900',
  RESOLVED: 'bg-emerald-100 text-emerald-900',
  CLOSED: 'bg-slate-200 text-slate-900',
  CANCELLED: 'bg-slate-200 text-slate-700',
};
const SLA_STYLE: Record<TicketRow['sla'], string> = {
  overdue: 'bg-red-700 text-white',
  due_soon: 'bg-amber-200 text-amber-950',
  ok: 'bg-emerald-100 text-emerald-900',
  none: 'text-slate-600',
};

export async function StatusBadge({ status }: { status: TicketRow['status'] }) {
  const t = await getTranslations('status');
  return (
    <span className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${STATUS_STYLE[status] ?? ''}`}>
      {t(status)}
    </span>
  );
}

export async function PriorityBadge({ priority }: { priority: TicketRow['priority'] }) {
  const t = await getTranslations('priority');
  return (
    <span className="inline-block rounded border border-slate-400 px-2 py-0.5 text-xs">
      {priority} · {t(priority)}
    </span>
  );
}

export async function SlaBadge({ sla }: { sla: TicketRow['sla'] }) {
  const t = await getTranslations('sla');
  return <span className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${SLA_STYLE[sla]}`}>{t(sla)}</span>;
}

import { getTranslations } from 'next-intl/server';
import type { TicketRow } from '@/lib/dal';
import { SLA_STYLE, STATUS_STYLE } from './badge-styles';

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

import type { TicketRow } from '@/lib/dal';

/** Tailwind classes of a status badge (server and client components). */
export const STATUS_STYLE: Record<string, string> = {
  NEW: 'bg-sky-100 text-sky-900',
  ASSIGNED: 'bg-indigo-100 text-indigo-900',
  IN_PROGRESS: 'bg-amber-100 text-amber-900',
  PENDING: 'bg-orange-100 text-orange-900',
  RESOLVED: 'bg-emerald-100 text-emerald-900',
  CLOSED: 'bg-slate-200 text-slate-900',
  CANCELLED: 'bg-slate-200 text-slate-700',
};
/** Tailwind classes of an SLA badge. */
export const SLA_STYLE: Record<TicketRow['sla'], string> = {
  overdue: 'bg-red-700 text-white',
  due_soon: 'bg-amber-200 text-amber-950',
  ok: 'bg-emerald-100 text-emerald-900',
  none: 'text-slate-600',
};

'use client';
import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  type SortingState,
  useReactTable,
} from '@tanstack/react-table';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { SLA_STYLE, STATUS_STYLE } from '@/components/badge-styles';
import type { TicketRow } from '@/lib/dal';

/**
 * A row of the table: the DAL row's fields the table shows or sorts on, plus the date already
 * formatted by the server (one time zone).
 */
export type TableRow = Pick<
  TicketRow,
  'incident_id' | 'title' | 'status' | 'priority' | 'assigned_to' | 'sla' | 'updated_at'
> & { updated_label: string };

const SLA_ORDER = { overdue: 0, due_soon: 1, ok: 2, none: 3 } as const;
const STATUS_ORDER = ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'PENDING', 'RESOLVED', 'CLOSED', 'CANCELLED'];

/**
 * The ticket list (TanStack Table): columns sort on click or Enter/Space, within the page the server
 * returned (the server decides which tickets — filters, text search and the customer's scope).
 */
export function TicketsTable({ rows }: { rows: TableRow[] }) {
  const t = useTranslations('tickets');
  const ts = useTranslations('status');
  const tp = useTranslations('priority');
  const tsla = useTranslations('sla');
  const [sorting, setSorting] = useState<SortingState>([{ id: 'updated_at', desc: true }]);

  const columns: ColumnDef<TableRow>[] = [
    {
      accessorKey: 'incident_id',
      header: t('id'),
      cell: ({ row }) => (
        <Link
          href={`/tickets/${encodeURIComponent(row.original.incident_id)}`}
          className="font-mono text-xs text-blue-800 underline"
        >
          {row.original.incident_id}
        </Link>
      ),
    },
    {
      accessorKey: 'title',
      header: t('ticketTitle'),
      sortingFn: (a, b) => a.original.title.localeCompare(b.original.title),
    },
    {
      accessorKey: 'status',
      header: t('status'),
      sortingFn: (a, b) => STATUS_ORDER.indexOf(a.original.status) - STATUS_ORDER.indexOf(b.original.status),
      cell: ({ row }) => (
        <span
          className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${STATUS_STYLE[row.original.status] ?? ''}`}
        >
          {ts(row.original.status)}
        </span>
      ),
    },
    {
      accessorKey: 'priority',
      header: t('priority'),
      cell: ({ row }) => (
        <span className="inline-block rounded border border-slate-400 px-2 py-0.5 text-xs">
          {row.original.priority} · {tp(row.original.priority)}
        </span>
      ),
    },
    {
      accessorKey: 'assigned_to',
      header: t('assignee'),
      sortUndefined: 'last',
      cell: ({ row }) => <span className="text-xs">{row.original.assigned_to ?? t('unassigned')}</span>,
    },
    {
      id: 'sla',
      accessorFn: (r) => SLA_ORDER[r.sla],
      header: t('sla'),
      cell: ({ row }) => (
        <span className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${SLA_STYLE[row.original.sla]}`}>
          {tsla(row.original.sla)}
        </span>
      ),
    },
    {
      accessorKey: 'updated_at',
      header: t('updated'),
      // ISO-8601 timestamps order as plain strings; TanStack's default for strings (alphanumeric,
      // splitting on digit runs with a regular expression) was a visible share of the page's CPU.
      sortingFn: 'basic',
      cell: ({ row }) => <span className="text-xs">{row.original.updated_label}</span>,
    },
  ];

  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (r) => r.incident_id,
  });

  return (
    <div className="overflow-x-auto rounded-lg bg-white shadow">
      <table className="w-full min-w-[640px] text-sm" data-testid="tickets">
        <thead className="border-b bg-slate-100">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                const label = String(header.column.columnDef.header);
                return (
                  <th
                    key={header.id}
                    scope="col"
                    className="px-2 py-2 text-left"
                    aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                  >
                    <button
                      type="button"
                      onClick={header.column.getToggleSortingHandler()}
                      className="font-semibold underline-offset-2 hover:underline"
                      aria-label={t('sortBy', { column: label })}
                      data-column={header.column.id}
                    >
                      {flexRender(header.column.columnDef.header, header.getContext())}
                      {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}
                    </button>
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className="border-b last:border-0 hover:bg-slate-50" data-id={row.id}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className="px-2 py-2">
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

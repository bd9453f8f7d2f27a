/**
 * Human renderings of the connector sync commands: the run summary, `sync status`, the conflicts
 * list and a conflict resolution.
 *
 * @module
 */
import type {
  ConflictResolution,
  ConnectorRunSummary,
  IncidentConflicts,
  SyncEngineStatus,
  SyncRunSummary,
} from '@incidents/connectors';
import { formatTime } from './format.js';
import { formatDuration } from './kb-format.js';
import type { Colors } from './printer.js';
import { renderFields, renderTable, type TableColumn } from './table.js';

/** One row of the summary table: a connector, or the totals. */
type SummaryRow = Omit<ConnectorRunSummary, 'pullMs' | 'pushMs' | 'pages' | 'commentsImported' | 'skipped'> & {
  total?: boolean;
};

const COUNTS = ['records', 'created', 'updated', 'unchanged', 'conflicts', 'pushed', 'failed', 'dead'] as const;

/** The human result of `incidents sync`. */
export function syncSummaryText(summary: SyncRunSummary, c: Colors, width?: number): string {
  const failed = summary.errors.length > 0;
  const duration = formatDuration(summary.durationMs);
  const head = failed
    ? `${c.red('✖')} Sync finished with errors in ${duration}`
    : summary.dryRun
      ? `${c.green('✔')} Dry run finished in ${duration} ${c.dim('(nothing was written: the counts say what a sync would do)')}`
      : `${c.green('✔')} Sync finished in ${duration}`;
  const rows: SummaryRow[] = [
    ...summary.connectors,
    { connector: 'TOTAL', ok: !failed, total: true, ...summary.totals },
  ];
  const count = (key: (typeof COUNTS)[number]): TableColumn<SummaryRow> => ({
    header: key.toUpperCase(),
    value: (r) => String(r[key]),
    align: 'right',
    style: (text, r) =>
      (key === 'conflicts' || key === 'failed' || key === 'dead') && r[key] > 0 ? c.yellow(text) : text,
  });
  const columns: TableColumn<SummaryRow>[] = [
    { header: 'CONNECTOR', value: (r) => r.connector, style: (t, r) => (r.total ? c.bold(t) : t) },
    {
      header: 'RESULT',
      value: (r) => (r.total ? '' : r.ok ? 'ok' : 'failed'),
      style: (t) => (t === 'failed' ? c.red(t) : t === 'ok' ? c.green(t) : t),
    },
    ...COUNTS.map(count),
  ];
  const out = [head, '', renderTable(columns, rows, { width, headerStyle: c.dim }).trimEnd()];
  for (const e of summary.errors) out.push(`${c.red('✖')} ${e.connector}: ${e.code} — ${e.message}`);
  // What a connector worked around (an expired resume cursor…): said once, in the run that did it.
  for (const s of summary.connectors)
    for (const w of s.warnings ?? []) out.push(`${c.yellow('!')} ${s.connector}: ${w}`);
  const notes: string[] = [];
  const n = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
  const t = summary.totals;
  if (t.conflicts > 0) notes.push(`${n(t.conflicts, 'new conflict')}: incidents conflicts`);
  if (t.dead > 0) notes.push(`${n(t.dead, 'outbound item')} gave up (DEAD): incidents sync status`);
  if (t.failed > 0) notes.push(`${n(t.failed, 'outbound item')} failed and will be retried by a later sync`);
  if (notes.length) out.push('', ...notes.map((note) => c.dim(note)));
  return `${out.join('\n')}\n`;
}

/** The human result of `incidents sync status`. */
export function syncStatusText(status: SyncEngineStatus, c: Colors, width?: number): string {
  const out: string[] = [c.bold('Cursors')];
  if (status.cursors.length === 0) out.push(c.dim('No sync has run yet: incidents sync all'));
  else {
    out.push(
      renderTable(
        [
          { header: 'CONNECTOR', value: (r) => r.connector },
          { header: 'HIGH WATERMARK', value: (r) => formatTime(r.high_watermark) || '—' },
          { header: 'LAST RUN', value: (r) => formatTime(r.last_pull_started_at) },
          { header: 'COMPLETED', value: (r) => formatTime(r.last_pull_completed_at) },
          {
            header: 'STATE',
            value: (r) => (r.last_error ? `failed: ${r.last_error}` : r.resume_cursor ? 'interrupted (resumes)' : 'ok'),
            style: (t) => (t.startsWith('failed') ? c.red(t) : t === 'ok' ? t : c.yellow(t)),
            flex: true,
          },
        ],
        status.cursors,
        { width, headerStyle: c.dim },
      ).trimEnd(),
    );
  }
  const queue = Object.entries(status.queue)
    .map(([k, n]) => `${k} ${n > 0 && (k === 'DEAD' || k === 'FAILED') ? c.yellow(String(n)) : n}`)
    .join(' · ');
  out.push('', renderFields([['Outbound queue', queue]], c.bold).trimEnd());
  if (status.dead.length) {
    out.push(
      '',
      c.bold('Dead items'),
      renderTable(
        [
          { header: 'ID', value: (r) => r.sync_id },
          { header: 'INCIDENT', value: (r) => r.incident_id },
          { header: 'KIND', value: (r) => r.sync_type },
          { header: 'CONNECTOR', value: (r) => r.connector },
          { header: 'ATTEMPTS', value: (r) => String(r.attempts), align: 'right' },
          { header: 'LAST ERROR', value: (r) => r.error_message ?? '', flex: true },
        ],
        status.dead,
        { width, headerStyle: c.dim },
      ).trimEnd(),
    );
  }
  out.push(
    '',
    renderFields(
      [
        [
          'Open conflicts',
          status.conflicts > 0 ? `${c.yellow(String(status.conflicts))} (list them: incidents conflicts)` : '0',
        ],
      ],
      c.bold,
    ).trimEnd(),
  );
  return `${out.join('\n')}\n`;
}

/** One unresolved conflict, as `incidents conflicts --json` lists it. */
export interface ConflictRow {
  incident_id: string;
  source_system: string;
  external_id: string;
  field: string;
  local_value: unknown;
  remote_value: unknown;
  detected_at: string;
}

/** Flattens the engine's conflicts to one row per field. */
export function conflictRows(items: readonly IncidentConflicts[]): ConflictRow[] {
  return items.flatMap((i) =>
    i.conflicts.map((c) => ({
      incident_id: i.incident_id,
      source_system: i.source_system,
      external_id: i.external_id,
      field: c.field,
      local_value: c.local_value,
      remote_value: c.remote_value,
      detected_at: c.detected_at,
    })),
  );
}

/** A field value for a table cell. */
export function showValue(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The human result of `incidents conflicts`. */
export function conflictsText(rows: readonly ConflictRow[], c: Colors, width?: number): string {
  if (rows.length === 0) return c.dim('No unresolved sync conflicts.');
  const table = renderTable(
    [
      { header: 'INCIDENT', value: (r) => r.incident_id },
      { header: 'SOURCE', value: (r) => r.source_system },
      { header: 'EXTERNAL ID', value: (r) => r.external_id, max: 30 },
      { header: 'FIELD', value: (r) => r.field },
      { header: 'LOCAL', value: (r) => showValue(r.local_value), max: 40, flex: true },
      { header: 'REMOTE', value: (r) => showValue(r.remote_value), max: 40 },
      { header: 'DETECTED', value: (r) => formatTime(r.detected_at) },
    ],
    rows,
    { width, headerStyle: c.dim },
  );
  const noun = rows.length === 1 ? 'conflict' : 'conflicts';
  return `${table}${c.dim(`${rows.length} ${noun}. Resolve one: incidents conflicts resolve <incident_id> <field> --keep local|remote`)}`;
}

/** The human result of `incidents conflicts resolve`. */
export function resolutionText(r: ConflictResolution, c: Colors): string {
  const lines = [
    `${c.green('✔')} Resolved the conflict on ${c.bold(r.field)} of ${c.bold(r.incident_id)}: kept the ${r.keep} value ${showValue(r.value)}`,
  ];
  if (r.queued) lines.push(c.dim('The source system is moved to this status by the next sync (incidents sync).'));
  return lines.join('\n');
}

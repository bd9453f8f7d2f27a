/**
 * Human renderings of incidents, versions, timelines, metrics and users.
 *
 * @module
 */
import type {
  Incident,
  IncidentDetails,
  IncidentVersion,
  Interaction,
  MetricsReport,
  Severity,
  Status,
  User,
} from '@incidents/core';
import type { Colors } from './printer.js';
import { renderFields, renderTable, type TableColumn } from './table.js';

/** `2026-01-05T09:00:00.000Z` → `2026-01-05 09:00` (UTC); empty for undefined. */
export function formatTime(iso: string | undefined | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

/** Minutes as `45m`, `3h 20m`, `2d 4h`. */
export function formatMinutes(minutes: number | undefined | null): string {
  if (minutes === undefined || minutes === null) return '';
  const m = Math.round(minutes);
  if (m < 60) return `${m}m`;
  if (m < 24 * 60) return `${Math.floor(m / 60)}h${m % 60 ? ` ${m % 60}m` : ''}`;
  const h = Math.floor(m / 60);
  return `${Math.floor(h / 24)}d${h % 24 ? ` ${h % 24}h` : ''}`;
}

/** Colours for statuses and severities. */
export function statusStyle(c: Colors): (status: string) => string {
  return (status) => {
    switch (status as Status) {
      case 'NEW':
        return c.cyan(status);
      case 'ASSIGNED':
        return c.blue(status);
      case 'IN_PROGRESS':
        return c.yellow(status);
      case 'PENDING':
        return c.magenta(status);
      case 'RESOLVED':
        return c.green(status);
      case 'CLOSED':
      case 'CANCELLED':
        return c.dim(status);
      default:
        return status;
    }
  };
}

/** Colours for severities. */
export function severityStyle(c: Colors): (severity: string) => string {
  return (severity) => {
    switch (severity as Severity) {
      case 'CRITICAL':
        return c.bold(c.red(severity));
      case 'HIGH':
        return c.red(severity);
      case 'MEDIUM':
        return c.yellow(severity);
      default:
        return c.dim(severity);
    }
  };
}

/** The incident list table: stable columns ID, PRI, SEV, STATUS, ASSIGNEE, TEAM, DUE, TITLE. */
export function incidentTable(items: readonly Incident[], c: Colors, width?: number): string {
  const columns: TableColumn<Incident>[] = [
    { header: 'ID', value: (i) => i.incident_id, style: (t) => c.bold(t) },
    { header: 'PRI', value: (i) => i.priority },
    { header: 'SEV', value: (i) => i.severity, style: (t) => severityStyle(c)(t) },
    { header: 'STATUS', value: (i) => i.status, style: (t) => statusStyle(c)(t) },
    { header: 'ASSIGNEE', value: (i) => i.assigned_to ?? '-', max: 28 },
    { header: 'TEAM', value: (i) => i.team ?? '-', max: 16 },
    {
      header: 'DUE',
      value: (i) => formatTime(i.due_date) || '-',
      style: (t, i) => (i.metrics.sla_breached ? c.red(t) : t),
    },
    { header: 'TITLE', value: (i) => i.title, max: 60, flex: true },
  ];
  return renderTable(columns, items, { headerStyle: c.bold, ...(width ? { width } : {}) });
}

/** One line describing an incident after a change. */
export function incidentLine(i: Incident, c: Colors): string {
  const who = i.assigned_to ? ` · ${i.assigned_to}` : '';
  return `${c.bold(i.incident_id)}  ${statusStyle(c)(i.status)}  ${i.priority}/${severityStyle(c)(i.severity)}${who}  ${i.title}  ${c.dim(`(revision ${i.revision})`)}`;
}

/** The `show` view of an incident; `full` adds technical details, notes, sessions and diffs. */
export function incidentDetails(d: IncidentDetails, c: Colors, full: boolean): string {
  const out: string[] = [];
  out.push(`${c.bold(d.incident_id)}  ${c.bold(d.title)}`);
  if (d.redirected_from) out.push(c.yellow(`redirected from ${d.redirected_from} (it was linked into this incident)`));
  out.push('');
  out.push(
    renderFields(
      [
        ['Status', statusStyle(c)(d.status)],
        ['Priority', d.priority],
        ['Severity', severityStyle(c)(d.severity)],
        ['Category', d.subcategory ? `${d.category} / ${d.subcategory}` : d.category],
        ['Team', d.team],
        ['Assignee', d.assigned_to ? `${d.assigned_to} (since ${formatTime(d.assigned_at)})` : '-'],
        ['Environment', d.environment],
        ['Source', d.source_system === 'MANUAL' ? 'MANUAL' : `${d.source_system} ${d.external_id}`],
        ['Source URL', d.source_url],
        ['Created', `${formatTime(d.created_at)} by ${d.metadata.created_by}`],
        ['Updated', `${formatTime(d.updated_at)} by ${d.metadata.last_modified_by}`],
        [
          'Due',
          d.due_date ? `${formatTime(d.due_date)}${d.metrics.sla_breached ? c.red(' (SLA breached)') : ''}` : undefined,
        ],
        ['Resolved', formatTime(d.resolved_at)],
        ['Closed', formatTime(d.closed_at)],
        ['Systems', d.affected_systems.join(', ')],
        ['Services', d.affected_services.join(', ')],
        ['Tags', d.tags.join(', ')],
        ['Labels', d.labels.join(', ')],
        ['Revision', String(d.revision)],
        ['Knowledge base', d.kb_sync_status.state === 'NOT_APPLICABLE' ? undefined : d.kb_sync_status.state],
      ],
      c.dim,
    ),
  );
  if (d.description) out.push(section('Description', c), d.description, '');

  const work = d.cline_work;
  if (work) {
    out.push(section('Work', c));
    out.push(
      renderFields(
        [
          ['Developer', work.developer],
          ['Started', formatTime(work.started_at)],
          [
            'Time spent',
            work.time_tracking.total_minutes ? formatMinutes(work.time_tracking.total_minutes) : undefined,
          ],
          ['Root cause', work.analysis?.root_cause],
          ['Diagnosis', work.analysis?.diagnosis],
          [
            'Similar found',
            work.analysis?.similar_incidents_found !== undefined
              ? String(work.analysis.similar_incidents_found)
              : undefined,
          ],
        ],
        c.dim,
      ),
    );
    const notes = work.progress_notes ?? [];
    if (notes.length) {
      const shown = full ? notes : notes.slice(-3);
      out.push(
        c.dim(`Progress notes${full || notes.length <= 3 ? '' : ` (last 3 of ${notes.length}; --full for all)`}:`),
      );
      for (const n of shown) out.push(`  ${formatTime(n.at)}  ${n.by}  ${n.text}`);
      out.push('');
    }
    if (work.solution) {
      out.push(section('Solution', c), work.solution.description);
      for (const [idx, s] of work.solution.steps.entries()) out.push(`  ${idx + 1}. ${s}`);
      if (work.solution.commands_executed?.length) {
        out.push(c.dim('Commands:'));
        for (const cmd of work.solution.commands_executed) out.push(`  $ ${cmd}`);
      }
      if (work.solution.tests_performed?.length) {
        out.push(c.dim('Tests:'));
        for (const t of work.solution.tests_performed) out.push(`  ✓ ${t}`);
      }
      if (work.solution.code_changes?.length) {
        out.push(c.dim('Code changes:'));
        for (const ch of work.solution.code_changes) {
          out.push(`  ${ch.file}${ch.description ? ` — ${ch.description}` : ''}`);
          if (ch.diff && full)
            out.push(
              ...ch.diff
                .replace(/\n$/, '')
                .split('\n')
                .map((l) => `    ${colorDiffLine(l, c)}`),
            );
          else if (ch.diff) out.push(c.dim(`    (diff of ${ch.diff.split('\n').length} lines; --full to show)`));
        }
      }
      out.push('');
    }
    if (full && work.time_tracking.sessions.length) {
      out.push(c.dim('Sessions:'));
      for (const s of work.time_tracking.sessions) {
        out.push(
          `  ${s.session_id}  ${formatTime(s.started_at)} → ${formatTime(s.ended_at)}  ${formatMinutes(s.duration_minutes)}`,
        );
      }
      out.push('');
    }
  }
  if (d.resolution) {
    out.push(section('Resolution', c));
    out.push(
      renderFields(
        [
          ['Type', d.resolution.resolution_type],
          ['By', `${d.resolution.resolved_by} at ${formatTime(d.resolution.resolved_at)}`],
          ['Root cause', d.resolution.root_cause],
          ['Description', d.resolution.resolution_description],
          ['Preventive', d.resolution.preventive_actions?.join('; ')],
        ],
        c.dim,
      ),
    );
  }
  if (full) {
    const td = d.technical_details;
    const pairs: Array<[string, string | undefined]> = [
      ['Errors', td.error_messages?.join('\n')],
      ['Stack traces', td.stack_traces?.join('\n')],
      ['Logs', td.log_references?.join('\n')],
      ['Components', td.affected_components?.join(', ')],
      ['Related', td.related_incidents?.join(', ')],
    ];
    if (pairs.some(([, v]) => v)) out.push(section('Technical details', c), renderFields(pairs, c.dim));
    out.push(
      section('Metrics', c),
      renderFields(
        [
          ['Response time', formatMinutes(d.metrics.response_time_minutes)],
          ['Resolution time', formatMinutes(d.metrics.resolution_time_minutes)],
          ['Reopened', String(d.metrics.reopened_count)],
          ['Escalated', d.metrics.escalated ? 'yes' : 'no'],
          ['SLA breached', d.metrics.sla_breached ? 'yes' : 'no'],
        ],
        c.dim,
      ),
    );
  }
  out.push(section(`Comments (${d.comments.length})`, c));
  if (d.comments.length === 0) out.push(c.dim('  none'), '');
  for (const cm of d.comments) {
    const tag = cm.visibility === 'INTERNAL' ? c.yellow(' [internal]') : '';
    out.push(`  ${c.dim(formatTime(cm.timestamp))}  ${c.bold(cm.author)}${tag}`);
    out.push(...cm.text.split('\n').map((l) => `    ${l}`));
  }
  if (d.comments.length) out.push('');
  if (d.source_records.length) {
    out.push(section(`Source records (${d.source_records.length})`, c));
    out.push(
      renderTable(
        [
          { header: 'SYSTEM', value: (r) => r.source_system },
          { header: 'RECORD', value: (r) => r.record_id },
          { header: 'STATUS', value: (r) => r.status ?? '-' },
          { header: 'UPDATED', value: (r) => formatTime(r.updated_at) },
          { header: 'URL', value: (r) => r.url ?? r.title ?? '' },
        ],
        d.source_records,
      ),
    );
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\n+$/, '')}\n`;
}

function section(title: string, c: Colors): string {
  return c.bold(c.underline(title));
}

function colorDiffLine(line: string, c: Colors): string {
  if (line.startsWith('+++') || line.startsWith('---')) return c.bold(line);
  if (line.startsWith('+')) return c.green(line);
  if (line.startsWith('-')) return c.red(line);
  if (line.startsWith('@@')) return c.cyan(line);
  return line;
}

/** The `history` table: one row per version. */
export function historyTable(versions: readonly IncidentVersion[], c: Colors, width?: number): string {
  return renderTable(
    [
      { header: 'VERSION', value: (v) => String(v.version), align: 'right' },
      { header: 'WHEN', value: (v) => formatTime(v.updated_at) },
      { header: 'WHO', value: (v) => v.metadata.last_modified_by, max: 32 },
      { header: 'STATUS', value: (v) => v.status, style: (t) => statusStyle(c)(t) },
      { header: 'ASSIGNEE', value: (v) => v.assigned_to ?? '-', max: 28 },
      { header: 'NOTES', value: (v) => v.metadata.version_notes ?? '', max: 70, flex: true },
    ],
    versions,
    { headerStyle: c.bold, ...(width ? { width } : {}) },
  );
}

/** The `timeline` table: newest first. */
export function timelineTable(items: readonly Interaction[], c: Colors, width?: number): string {
  return renderTable(
    [
      { header: 'WHEN', value: (i) => formatTime(i.created_at) },
      { header: 'TYPE', value: (i) => i.type },
      { header: 'AUTHOR', value: (i) => i.author, max: 32 },
      { header: 'VISIBILITY', value: (i) => i.visibility, style: (t) => (t === 'INTERNAL' ? c.yellow(t) : t) },
      { header: 'TEXT', value: (i) => i.text, max: 80, flex: true },
    ],
    items,
    { headerStyle: c.bold, ...(width ? { width } : {}) },
  );
}

/** The `users list` table. */
export function usersTable(users: readonly User[], c: Colors): string {
  return renderTable(
    [
      { header: 'EMAIL', value: (u) => u.email },
      { header: 'NAME', value: (u) => u.name, max: 32 },
      { header: 'ROLE', value: (u) => u.role },
      { header: 'TEAM', value: (u) => u.team ?? '-' },
      { header: 'ACTIVE', value: (u) => (u.active ? 'yes' : 'no') },
    ],
    users,
    { headerStyle: c.bold },
  );
}

/** The `metrics` summary. */
export function metricsSummary(r: MetricsReport, c: Colors): string {
  const scope = [
    r.scope.team ? `team ${r.scope.team}` : '',
    r.scope.assigned_to ? `assignee ${r.scope.assigned_to}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const period =
    r.period_start || r.period_end ? ` from ${r.period_start ?? 'the start'} to ${r.period_end ?? 'now'}` : '';
  const pct = (n: number | null) => (n === null ? '-' : `${Math.round(n * 1000) / 10}%`);
  const out: string[] = [c.bold(`Metrics for ${scope || 'all incidents'}${period}`), ''];
  out.push(
    renderFields(
      [
        ['Incidents', String(r.total_incidents)],
        ['Open', `${r.open_incidents} (${r.new_incidents} unassigned)`],
        ['Resolved', `${r.resolved_incidents} (${r.closed_incidents} closed)`],
        ['Cancelled', String(r.cancelled_incidents)],
        ['Reopened', String(r.reopened)],
        ['MTTR (mean)', formatMinutes(r.avg_resolution_time_minutes) || '-'],
        ['Median', formatMinutes(r.median_resolution_time_minutes) || '-'],
        ['P90', formatMinutes(r.p90_resolution_time_minutes) || '-'],
        ['SLA compliance', pct(r.sla_compliance_rate)],
      ],
      c.dim,
    ),
  );
  out.push(
    renderTable(
      [
        { header: 'STATUS', value: (e: [string, number]) => e[0], style: (t) => statusStyle(c)(t) },
        { header: 'COUNT', value: (e: [string, number]) => String(e[1]), align: 'right' },
      ],
      Object.entries(r.by_status).filter(([, n]) => n > 0),
      { headerStyle: c.bold },
    ),
  );
  const sev = r.by_severity;
  out.push(`By severity: critical ${sev.critical} · high ${sev.high} · medium ${sev.medium} · low ${sev.low}`);
  if (r.most_common_issues.length) {
    out.push(`Top categories: ${r.most_common_issues.map((m) => `${m.category} (${m.count})`).join(', ')}`);
  }
  return out.join('\n');
}

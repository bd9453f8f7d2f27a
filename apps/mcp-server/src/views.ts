/**
 * What the tools show of an incident: a compact summary for lists, a compact detail view by default
 * (long texts shortened, the latest comments and notes) and the full record on request — plus the
 * short text renderings a model reads first.
 *
 * @module
 */
import {
  type Comment,
  type Incident,
  type IncidentDetails,
  PrioritySchema,
  SeveritySchema,
  StatusSchema,
} from '@incidents/core';
import * as z from 'zod';

/** Longest text kept in the compact detail view. */
export const COMPACT_TEXT_LIMIT = 2_000;
/** Comments and progress notes kept in the compact detail view (the most recent). */
export const COMPACT_RECENT_ITEMS = 10;

/** One incident in a list. */
export const IncidentSummarySchema = z.object({
  incident_id: z.string(),
  title: z.string(),
  status: StatusSchema,
  priority: PrioritySchema,
  severity: SeveritySchema,
  category: z.string(),
  assigned_to: z.string().optional(),
  team: z.string().optional(),
  created_at: z.string(),
  updated_at: z.string(),
  due_date: z.string().optional(),
  sla_breached: z.boolean(),
  revision: z.number().int(),
});
/** One incident in a list. */
export type IncidentSummary = z.infer<typeof IncidentSummarySchema>;

/** The summary of an incident. */
export function summarize(incident: Incident): IncidentSummary {
  return {
    incident_id: incident.incident_id,
    title: incident.title,
    status: incident.status,
    priority: incident.priority,
    severity: incident.severity,
    category: incident.category,
    ...(incident.assigned_to ? { assigned_to: incident.assigned_to } : {}),
    ...(incident.team ? { team: incident.team } : {}),
    created_at: incident.created_at,
    updated_at: incident.updated_at,
    ...(incident.due_date ? { due_date: incident.due_date } : {}),
    sla_breached: incident.metrics.sla_breached,
    revision: incident.revision,
  };
}

function shorten(text: string, limit = COMPACT_TEXT_LIMIT): string {
  return text.length <= limit
    ? text
    : `${text.slice(0, limit)}… [${text.length - limit} more characters; use full=true]`;
}

/** The compact detail view: every field a developer needs, long texts shortened, recent entries only. */
export function compactDetails(details: IncidentDetails): Record<string, unknown> {
  const td = details.technical_details;
  const work = details.cline_work;
  const comments = details.comments;
  return {
    ...summarize(details),
    description: shorten(details.description),
    source_system: details.source_system,
    external_id: details.external_id,
    ...(details.source_url ? { source_url: details.source_url } : {}),
    ...(details.subcategory ? { subcategory: details.subcategory } : {}),
    environment: details.environment,
    affected_systems: details.affected_systems,
    affected_services: details.affected_services,
    technical_details: {
      ...(td.error_messages ? { error_messages: td.error_messages.slice(0, 10).map((m) => shorten(m, 500)) } : {}),
      ...(td.stack_traces ? { stack_traces: td.stack_traces.slice(0, 3).map((m) => shorten(m, 1_000)) } : {}),
      ...(td.log_references ? { log_references: td.log_references.slice(0, 10) } : {}),
      ...(td.affected_components ? { affected_components: td.affected_components } : {}),
      ...(td.related_incidents ? { related_incidents: td.related_incidents } : {}),
    },
    ...(details.assigned_at ? { assigned_at: details.assigned_at } : {}),
    ...(details.resolved_at ? { resolved_at: details.resolved_at } : {}),
    ...(details.closed_at ? { closed_at: details.closed_at } : {}),
    ...(work
      ? {
          cline_work: {
            developer: work.developer,
            started_at: work.started_at,
            last_updated: work.last_updated,
            ...(work.analysis ? { analysis: work.analysis } : {}),
            progress_notes: work.progress_notes
              .slice(-COMPACT_RECENT_ITEMS)
              .map((n) => ({ ...n, text: shorten(n.text, 1_000) })),
            progress_notes_total: work.progress_notes.length,
            ...(work.solution ? { solution: work.solution } : {}),
            total_minutes: work.time_tracking.total_minutes,
          },
        }
      : {}),
    ...(details.resolution ? { resolution: details.resolution } : {}),
    comments: comments.slice(-COMPACT_RECENT_ITEMS).map((c) => ({ ...c, text: shorten(c.text, 1_000) })),
    comments_total: comments.length,
    tags: details.tags,
    labels: details.labels,
    kb_sync_state: details.kb_sync_status.state,
    ...(details.redirected_from ? { redirected_from: details.redirected_from } : {}),
  };
}

/** One line for an incident in a list. */
export function summaryLine(i: IncidentSummary): string {
  const who = i.assigned_to ? `assigned to ${i.assigned_to}` : 'unassigned';
  const due = i.due_date ? `, due ${i.due_date}${i.sla_breached ? ' (SLA breached)' : ''}` : '';
  return `- ${i.incident_id} [${i.priority}/${i.severity}] ${i.status} — ${i.title} (${who}${due})`;
}

/** Text of a list page, ending with how to get more. */
export function renderList(heading: string, items: IncidentSummary[], cursor: string | null): string {
  const lines = [`${heading}: ${items.length} shown`];
  if (items.length === 0) lines.push('(none)');
  lines.push(...items.map(summaryLine));
  if (cursor) lines.push(`More results exist: call again with cursor="${cursor}".`);
  return lines.join('\n');
}

/** Text of an incident: header, description and the work recorded so far. */
export function renderDetails(details: IncidentDetails, full: boolean): string {
  const lines = [
    `${details.incident_id} — ${details.title}`,
    `Status ${details.status}, priority ${details.priority}, severity ${details.severity}, category ${details.category}` +
      `${details.assigned_to ? `, assigned to ${details.assigned_to}` : ', unassigned'} (revision ${details.revision})`,
  ];
  if (details.redirected_from) lines.push(`(${details.redirected_from} was linked into this incident)`);
  if (details.description) lines.push('', full ? details.description : shorten(details.description, 500));
  const errors = details.technical_details.error_messages ?? [];
  if (errors.length) lines.push('', 'Errors:', ...errors.slice(0, 5).map((e) => `- ${shorten(e, 300)}`));
  const work = details.cline_work;
  if (work?.analysis?.root_cause) lines.push('', `Root cause: ${work.analysis.root_cause}`);
  if (work?.analysis?.diagnosis) lines.push(`Diagnosis: ${work.analysis.diagnosis}`);
  if (work?.progress_notes.length)
    lines.push(
      `Progress notes: ${work.progress_notes.length} (latest: ${shorten(work.progress_notes.at(-1)?.text ?? '', 200)})`,
    );
  if (details.resolution)
    lines.push(
      `Resolution: ${details.resolution.resolution_type} — ${shorten(details.resolution.resolution_description, 300)}`,
    );
  lines.push(`Comments: ${details.comments.length}`);
  if (!full) lines.push('(compact view; pass full=true for the whole record)');
  return lines.join('\n');
}

/** A comment as the tools return it. */
export function renderComment(incidentId: string, c: Comment): string {
  return `Comment ${c.comment_id} added to ${incidentId} (${c.visibility}) by ${c.author} at ${c.timestamp}`;
}

/**
 * The read tools: `search_my_incidents`, `list_available_incidents`, `get_incident_details`,
 * `get_incident_history`, `find_similar_incidents`. Exposed in read-only mode too.
 *
 * @module
 */
import {
  type Incident,
  type Priority,
  PrioritySchema,
  type Status,
  StatusSchema,
  ValidationError,
} from '@incidents/core';
import * as z from 'zod';
import { pageThrough } from '../paging.js';
import { okResult } from '../results.js';
import { compactDetails, IncidentSummarySchema, renderDetails, renderList, summarize } from '../views.js';
import { cursorArg, fullArg, guarded, incidentIdArg, limitArg, type ToolRegistrar, useCase } from './context.js';

const READ_ANNOTATIONS = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** Statuses `search_my_incidents` shows by default: the work still to do. */
export const MY_DEFAULT_STATUSES: readonly Status[] = ['ASSIGNED', 'IN_PROGRESS', 'PENDING'];

const statusArg = z
  .union([StatusSchema, z.array(StatusSchema).min(1, 'status list must not be empty')], {
    error: `status must be one of ${StatusSchema.options.join(', ')} or a list of them`,
  })
  .optional()
  .describe(
    `Only incidents in this status (or any of these statuses): ${StatusSchema.options.join(', ')}. Default: ASSIGNED, IN_PROGRESS and PENDING.`,
  );

const priorityArg = z
  .enum(PrioritySchema.options, { error: `priority must be one of ${PrioritySchema.options.join(', ')}` })
  .optional()
  .describe('Only incidents of this priority: P1 (most urgent) … P4.');

const listOutput = {
  items: z.array(IncidentSummarySchema).describe('The incidents of this page.'),
  count: z.number().int().describe('Number of items in this page.'),
  cursor: z.string().nullable().describe('Pass it as `cursor` to get the next page; null when there is no more.'),
  truncated: z.boolean().describe('true when more results exist beyond this page.'),
};

const IncidentViewSchema = z.looseObject({
  incident_id: z.string(),
  title: z.string(),
  status: StatusSchema,
  priority: PrioritySchema,
  revision: z.number().int(),
});

const HistoryEntrySchema = z.object({
  version: z.number().int(),
  status: StatusSchema,
  assigned_to: z.string().optional(),
  updated_at: z.string(),
  modified_by: z.string(),
  notes: z.string().optional(),
  changed_fields: z.array(z.string()).optional(),
  record: z.record(z.string(), z.unknown()).optional(),
});

const SKIP_IN_DIFF = new Set(['version', 'revision', 'updated_at', 'metadata']);

function changedFields(before: Incident, after: Incident): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((k) => !SKIP_IN_DIFF.has(k))
    .filter(
      (k) =>
        JSON.stringify((before as Record<string, unknown>)[k]) !==
        JSON.stringify((after as Record<string, unknown>)[k]),
    )
    .sort();
}

/** Registers the read tools that are enabled. */
export const registerReadTools: ToolRegistrar = (server, ctx, enabled) => {
  if (enabled.has('search_my_incidents')) {
    server.registerTool(
      'search_my_incidents',
      {
        title: 'Search my incidents',
        description:
          'Lists the incidents assigned to you (the configured developer), most urgent first. By default only open work ' +
          '(ASSIGNED, IN_PROGRESS, PENDING). Filter by status and priority; page with limit and cursor.',
        inputSchema: z.strictObject({
          status: statusArg,
          priority: priorityArg,
          limit: limitArg(20, 100),
          cursor: cursorArg,
        }),
        outputSchema: {
          assigned_to: z.string().describe('Whose incidents these are.'),
          statuses: z.array(StatusSchema).describe('The statuses searched.'),
          ...listOutput,
        },
        annotations: READ_ANNOTATIONS,
      },
      guarded('search_my_incidents', ctx, async (args) => {
        const statuses: Status[] = args.status
          ? Array.isArray(args.status)
            ? [...new Set(args.status)]
            : [args.status]
          : [...MY_DEFAULT_STATUSES];
        const priority = args.priority as Priority | undefined;
        const page = await pageThrough({
          fetch: (cursor, limit) =>
            ctx.service.query(
              // The priority is part of the assignee pattern's key (no filtered scan of the pages).
              { by: 'assignee', assigned_to: ctx.actor.id, status: statuses, ...(priority ? { priority } : {}) },
              { limit, cursor },
              useCase(ctx),
            ),
          limit: args.limit,
          cursor: args.cursor,
        });
        const items = page.items.map(summarize);
        return okResult(
          {
            assigned_to: ctx.actor.id,
            statuses,
            items,
            count: items.length,
            cursor: page.cursor,
            truncated: page.truncated,
          },
          renderList(
            `Incidents assigned to ${ctx.actor.id} (${statuses.join(', ')}${priority ? `, ${priority}` : ''})`,
            items,
            page.cursor,
          ),
        );
      }),
    );
  }

  if (enabled.has('list_available_incidents')) {
    server.registerTool(
      'list_available_incidents',
      {
        title: 'List available incidents',
        description:
          'Lists unassigned incidents (status NEW) that anyone may claim, most urgent priority first, then oldest first. ' +
          'Use claim_incident to take one.',
        inputSchema: z.strictObject({ priority: priorityArg, limit: limitArg(20, 100), cursor: cursorArg }),
        outputSchema: listOutput,
        annotations: READ_ANNOTATIONS,
      },
      guarded('list_available_incidents', ctx, async (args) => {
        const priority = args.priority as Priority | undefined;
        const page = await pageThrough({
          fetch: (cursor, limit) =>
            ctx.service.query(
              { by: 'status', status: 'NEW', ...(priority ? { priority } : {}) },
              { limit, cursor },
              useCase(ctx),
            ),
          limit: args.limit,
          cursor: args.cursor,
        });
        const items = page.items.map(summarize);
        return okResult(
          { items, count: items.length, cursor: page.cursor, truncated: page.truncated },
          renderList(`Unassigned incidents${priority ? ` (${priority})` : ''}`, items, page.cursor),
        );
      }),
    );
  }

  if (enabled.has('get_incident_details')) {
    server.registerTool(
      'get_incident_details',
      {
        title: 'Get incident details',
        description:
          'Shows one incident: description, technical details, the analysis, progress notes and solution recorded so far, ' +
          'resolution and comments. Compact by default (long texts shortened, latest 10 comments and notes); full=true returns the whole record.',
        inputSchema: z.strictObject({ incident_id: incidentIdArg, full: fullArg }),
        outputSchema: {
          incident: IncidentViewSchema.describe('The incident (compact view unless full=true).'),
          full: z.boolean().describe('Whether `incident` is the whole record.'),
        },
        annotations: READ_ANNOTATIONS,
      },
      guarded('get_incident_details', ctx, async (args) => {
        const details = await ctx.service.get(args.incident_id, useCase(ctx));
        const incident = args.full ? (details as unknown as Record<string, unknown>) : compactDetails(details);
        return okResult({ incident, full: args.full }, renderDetails(details, args.full));
      }),
    );
  }

  if (enabled.has('get_incident_history')) {
    server.registerTool(
      'get_incident_history',
      {
        title: 'Get incident history',
        description:
          'The audit trail of an incident, oldest change first: one entry per version with its status, assignee, who ' +
          'changed it, the notes and which fields changed. full=true adds the whole record of each version.',
        inputSchema: z.strictObject({
          incident_id: incidentIdArg,
          limit: limitArg(20, 100),
          cursor: cursorArg,
          full: fullArg,
        }),
        outputSchema: {
          incident_id: z.string(),
          entries: z.array(HistoryEntrySchema).describe('History versions, oldest first.'),
          count: z.number().int(),
          cursor: listOutput.cursor,
          truncated: listOutput.truncated,
        },
        annotations: READ_ANNOTATIONS,
      },
      guarded('get_incident_history', ctx, async (args) => {
        const page = await pageThrough({
          fetch: (cursor, limit) => ctx.service.history(args.incident_id, { limit, cursor }, useCase(ctx)),
          limit: args.limit,
          cursor: args.cursor,
        });
        const entries = page.items.map((v, index) => {
          const previous = index > 0 ? page.items[index - 1] : undefined;
          return {
            version: v.version,
            status: v.status,
            ...(v.assigned_to ? { assigned_to: v.assigned_to } : {}),
            updated_at: v.updated_at,
            modified_by: v.metadata.last_modified_by,
            ...(v.metadata.version_notes ? { notes: v.metadata.version_notes } : {}),
            ...(previous ? { changed_fields: changedFields(previous, v) } : {}),
            ...(args.full ? { record: v as unknown as Record<string, unknown> } : {}),
          };
        });
        const text = [
          `History of ${args.incident_id}: ${entries.length} versions shown`,
          ...entries.map(
            (e) =>
              `- v${e.version} ${e.updated_at} ${e.status}${e.assigned_to ? ` (${e.assigned_to})` : ''} by ${e.modified_by}` +
              `${e.notes ? `: ${e.notes}` : ''}${e.changed_fields?.length ? ` [${e.changed_fields.join(', ')}]` : ''}`,
          ),
          ...(page.cursor ? [`More versions exist: call again with cursor="${page.cursor}".`] : []),
        ].join('\n');
        return okResult(
          {
            incident_id: args.incident_id,
            entries,
            count: entries.length,
            cursor: page.cursor,
            truncated: page.truncated,
          },
          text,
        );
      }),
    );
  }

  if (enabled.has('find_similar_incidents')) {
    server.registerTool(
      'find_similar_incidents',
      {
        title: 'Find similar incidents',
        description:
          'Searches the knowledge base of closed incidents for ones similar to an incident (incident_id) or to a text ' +
          '(an error message, a symptom). Returns how they were fixed. Give exactly one of incident_id or text.',
        inputSchema: z.strictObject({
          incident_id: incidentIdArg.optional().describe('Find incidents similar to this one.'),
          text: z
            .string({ error: 'text must be a string' })
            .trim()
            .min(1, 'text must not be empty')
            .max(10_000, 'text is at most 10000 characters')
            .optional()
            .describe('Or: find incidents matching this text (error message, symptom, stack trace line).'),
          limit: limitArg(5, 20),
        }),
        outputSchema: {
          items: z.array(
            z.object({
              incident_id: z.string(),
              score: z.number().describe('Relevance; higher is better.'),
              title: z.string().optional(),
              excerpt: z.string().describe('The matching text, shortened.'),
              location: z.string().optional(),
              metadata: z.record(z.string(), z.unknown()),
            }),
          ),
          count: z.number().int(),
        },
        annotations: READ_ANNOTATIONS,
      },
      guarded('find_similar_incidents', ctx, async (args) => {
        if ((args.incident_id === undefined) === (args.text === undefined)) {
          throw new ValidationError([{ path: 'incident_id', message: 'give exactly one of incident_id or text' }], {
            context: 'find_similar_incidents arguments',
          });
        }
        const query =
          args.incident_id !== undefined ? { incident_id: args.incident_id } : { text: args.text as string };
        const found = await ctx.service.findSimilar(query, { limit: args.limit }, useCase(ctx));
        const items = found.map((r) => {
          const title = typeof r.metadata.title === 'string' ? r.metadata.title : undefined;
          return {
            incident_id: r.incident_id,
            score: r.score,
            ...(title ? { title } : {}),
            excerpt: r.text.length > 800 ? `${r.text.slice(0, 800)}…` : r.text,
            ...(r.location ? { location: r.location } : {}),
            metadata: r.metadata,
          };
        });
        const text = [
          `${items.length} similar incident(s)`,
          ...items.map(
            (i) =>
              `- ${i.incident_id} (score ${i.score.toFixed(3)})${i.title ? ` ${i.title}` : ''}: ${i.excerpt.slice(0, 200).replace(/\s+/g, ' ')}`,
          ),
        ].join('\n');
        return okResult({ items, count: items.length }, text);
      }),
    );
  }
};

/**
 * The tools that change an incident: `claim_incident`, `update_incident_progress`,
 * `resolve_incident`, `add_incident_comment`, `close_incident`. The permission rules of core apply:
 * an operator changes only incidents assigned to them (and may claim unassigned ones).
 *
 * @module
 */
import { type Analysis, isIncidentsError, ResolutionTypeSchema, StatusSchema, VisibilitySchema } from '@incidents/core';
import * as z from 'zod';
import { okResult } from '../results.js';
import { IncidentSummarySchema, renderComment, summarize } from '../views.js';
import { expectedRevisionArg, guarded, incidentIdArg, type ToolRegistrar, useCase } from './context.js';

/** Bounds of list arguments (`steps`, `commands_executed`…), the same as the service's. */
const MAX_LIST_ITEMS = 100;
const MAX_ITEM_LENGTH = 10_000;

const stringList = (field: string, what: string) =>
  z
    .array(
      z
        .string({ error: `${field} items must be strings` })
        .trim()
        .min(1, `${field} items must not be empty`)
        .max(MAX_ITEM_LENGTH, `${field} items are at most ${MAX_ITEM_LENGTH} characters`),
      {
        error: `${field} must be a list of strings`,
      },
    )
    .max(MAX_LIST_ITEMS, `${field} has at most ${MAX_LIST_ITEMS} items`)
    .optional()
    .describe(what);

const minutesArg = z
  .number({ error: 'time_spent_minutes must be a number of minutes' })
  .nonnegative('time_spent_minutes must not be negative')
  .max(24 * 60, 'time_spent_minutes is at most 1440 (one day)')
  .optional()
  .describe('Minutes you worked on it in this session; recorded as a time-tracking session ending now.');

const AnalysisObject = z.strictObject({
  root_cause: z
    .string({ error: 'analysis.root_cause must be a string' })
    .trim()
    .min(1)
    .optional()
    .describe('The root cause found.'),
  diagnosis: z
    .string({ error: 'analysis.diagnosis must be a string' })
    .trim()
    .min(1)
    .optional()
    .describe('What you found and how.'),
  similar_incidents_found: z
    .number({ error: 'analysis.similar_incidents_found must be a whole number' })
    .int()
    .nonnegative()
    .optional()
    .describe('How many similar past incidents you found.'),
});

const analysisArg = z
  .union([z.string().trim().min(1, 'analysis must not be empty'), AnalysisObject], {
    error: 'analysis must be a text or an object { root_cause?, diagnosis?, similar_incidents_found? }',
  })
  .optional()
  .describe(
    'The analysis so far: a text (stored as the diagnosis) or { root_cause, diagnosis, similar_incidents_found }. Merged with earlier analysis.',
  );

const CodeChangeArg = z.strictObject({
  file: z
    .string({ error: 'code_changes[].file is required (the path of the changed file)' })
    .trim()
    .min(1, 'file must not be empty')
    .describe('Path of the changed file.'),
  description: z
    .string({ error: 'code_changes[].description must be a string' })
    .default('')
    .describe('What changed and why.'),
  diff: z.string({ error: 'code_changes[].diff must be a string' }).optional().describe('Unified diff of the change.'),
});

const changedIncident = {
  incident: IncidentSummarySchema.describe('The incident after the change.'),
};

/** Registers the write tools that are enabled. */
export const registerWorkTools: ToolRegistrar = (server, ctx, enabled) => {
  if (enabled.has('claim_incident')) {
    server.registerTool(
      'claim_incident',
      {
        title: 'Claim incident',
        description:
          'Assigns an unassigned NEW incident to you so you can work on it. If someone else already has it, the call fails ' +
          'and names the current assignee. Claiming an incident that is already yours succeeds and changes nothing.',
        inputSchema: z.strictObject({ incident_id: incidentIdArg }),
        outputSchema: {
          ...changedIncident,
          already_claimed: z.boolean().describe('true when the incident was already assigned to you.'),
        },
        annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      },
      guarded('claim_incident', ctx, async (args) => {
        try {
          const incident = await ctx.service.claim(args.incident_id, useCase(ctx));
          return okResult(
            { incident: summarize(incident), already_claimed: false },
            `Claimed ${incident.incident_id}: now ${incident.status}, assigned to ${incident.assigned_to}.`,
          );
        } catch (err) {
          // Retrying a claim that already succeeded (e.g. after a timeout) is not an error.
          if (isIncidentsError(err) && err.code === 'invalid_transition') {
            const current = await ctx.service.get(args.incident_id, useCase(ctx), { comments: false });
            if (current.assigned_to === ctx.actor.id) {
              return okResult(
                { incident: summarize(current), already_claimed: true },
                `${current.incident_id} is already assigned to you (status ${current.status}).`,
              );
            }
          }
          throw err;
        }
      }),
    );
  }

  if (enabled.has('update_incident_progress')) {
    server.registerTool(
      'update_incident_progress',
      {
        title: 'Update incident progress',
        description:
          'Records your work on an incident assigned to you: analysis (root cause, diagnosis), progress notes and time spent. ' +
          'Moves it to IN_PROGRESS. Give at least one of analysis, progress_notes or time_spent_minutes.',
        inputSchema: z.strictObject({
          incident_id: incidentIdArg,
          analysis: analysisArg,
          progress_notes: z
            .string({ error: 'progress_notes must be a string' })
            .trim()
            .min(1, 'progress_notes must not be empty')
            .max(100_000, 'progress_notes is at most 100000 characters')
            .optional()
            .describe('What you did or found since the last update (kept in order, visible to staff only).'),
          time_spent_minutes: minutesArg,
          session_id: z
            .string({ error: 'session_id must be a string' })
            .optional()
            .describe('Your assistant session id, if any.'),
          workspace: z
            .string({ error: 'workspace must be a string' })
            .optional()
            .describe('The workspace or repository you work in.'),
          expected_revision: expectedRevisionArg,
        }),
        outputSchema: {
          ...changedIncident,
          analysis: AnalysisObject.optional(),
          progress_notes_total: z.number().int(),
          total_minutes: z.number(),
        },
        annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
      },
      guarded('update_incident_progress', ctx, async (args) => {
        const analysis: Analysis | undefined =
          typeof args.analysis === 'string' ? { diagnosis: args.analysis } : args.analysis;
        const incident = await ctx.service.updateProgress(
          {
            incident_id: args.incident_id,
            ...(analysis ? { analysis } : {}),
            ...(args.progress_notes ? { progress_notes: args.progress_notes } : {}),
            ...(args.time_spent_minutes !== undefined ? { time_spent_minutes: args.time_spent_minutes } : {}),
            ...(args.session_id ? { session_id: args.session_id } : {}),
            ...(args.workspace ? { workspace: args.workspace } : {}),
            ...(args.expected_revision !== undefined ? { expected_revision: args.expected_revision } : {}),
          },
          useCase(ctx),
        );
        const work = incident.cline_work;
        const notes = work?.progress_notes.length ?? 0;
        const minutes = work?.time_tracking.total_minutes ?? 0;
        return okResult(
          {
            incident: summarize(incident),
            ...(work?.analysis ? { analysis: work.analysis } : {}),
            progress_notes_total: notes,
            total_minutes: minutes,
          },
          `Progress recorded on ${incident.incident_id} (${incident.status}, revision ${incident.revision}): ${notes} progress note(s), ${minutes} minute(s) tracked.`,
        );
      }),
    );
  }

  if (enabled.has('resolve_incident')) {
    server.registerTool(
      'resolve_incident',
      {
        title: 'Resolve incident',
        description:
          'Registers the solution of an incident assigned to you and marks it RESOLVED: what was done, the steps, commands ' +
          'run, tests performed, code changes with diffs, the resolution type and the root cause (defaults to the root cause ' +
          'of the recorded analysis). Closing is a separate step (close_incident).',
        inputSchema: z.strictObject({
          incident_id: incidentIdArg,
          solution: z
            .string({ error: 'solution is required: describe what fixed the incident' })
            .trim()
            .min(1, 'solution must not be empty')
            .describe('What fixed it, in a sentence or two.'),
          steps: stringList('steps', 'The steps performed, in order.'),
          commands_executed: stringList('commands_executed', 'Commands you ran (shell, SQL, kubectl…).'),
          tests_performed: stringList('tests_performed', 'Tests you ran to verify the fix.'),
          code_changes: z
            .array(CodeChangeArg, { error: 'code_changes must be a list of { file, description, diff }' })
            .max(MAX_LIST_ITEMS, `code_changes has at most ${MAX_LIST_ITEMS} items`)
            .optional()
            .describe('Code changes: { file, description, diff } each.'),
          resolution_type: z
            .enum(ResolutionTypeSchema.options, {
              error: `resolution_type must be one of ${ResolutionTypeSchema.options.join(', ')}`,
            })
            .default('FIXED')
            .describe(`How it was resolved: ${ResolutionTypeSchema.options.join(', ')} (default FIXED).`),
          root_cause: z
            .string({ error: 'root_cause must be a string' })
            .trim()
            .min(1, 'root_cause must not be empty')
            .optional()
            .describe('The root cause. Required unless update_incident_progress recorded one in the analysis.'),
          preventive_actions: stringList('preventive_actions', 'What would prevent it from happening again.'),
          documentation_updated: z
            .boolean({ error: 'documentation_updated must be true or false' })
            .default(false)
            .describe('Whether documentation was updated.'),
          time_spent_minutes: minutesArg,
          expected_revision: expectedRevisionArg,
        }),
        outputSchema: {
          ...changedIncident,
          resolution: z.looseObject({
            resolution_type: ResolutionTypeSchema,
            root_cause: z.string(),
            resolved_by: z.string(),
            resolved_at: z.string(),
          }),
        },
        annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
      },
      guarded('resolve_incident', ctx, async (args) => {
        const incident = await ctx.service.resolve(
          {
            incident_id: args.incident_id,
            solution: args.solution,
            steps: args.steps ?? [],
            ...(args.commands_executed ? { commands_executed: args.commands_executed } : {}),
            ...(args.tests_performed ? { tests_performed: args.tests_performed } : {}),
            ...(args.code_changes ? { code_changes: args.code_changes } : {}),
            resolution_type: args.resolution_type,
            ...(args.root_cause ? { root_cause: args.root_cause } : {}),
            ...(args.preventive_actions ? { preventive_actions: args.preventive_actions } : {}),
            documentation_updated: args.documentation_updated,
            ...(args.time_spent_minutes !== undefined ? { time_spent_minutes: args.time_spent_minutes } : {}),
            ...(args.expected_revision !== undefined ? { expected_revision: args.expected_revision } : {}),
          },
          useCase(ctx),
        );
        const resolution = incident.resolution as NonNullable<typeof incident.resolution>;
        return okResult(
          { incident: summarize(incident), resolution },
          `Resolved ${incident.incident_id} as ${resolution.resolution_type}: ${resolution.resolution_description}\n` +
            `Root cause: ${resolution.root_cause}\nNext: close_incident once the fix is confirmed.`,
        );
      }),
    );
  }

  if (enabled.has('add_incident_comment')) {
    server.registerTool(
      'add_incident_comment',
      {
        title: 'Add incident comment',
        description:
          'Adds a comment to an incident. visibility INTERNAL (default) is seen by staff only; PUBLIC is also seen by the ' +
          'reporter and may be synced back to the source system (Jira, ServiceNow, Zendesk…).',
        inputSchema: z.strictObject({
          incident_id: incidentIdArg,
          comment: z
            .string({ error: 'comment is required: the text of the comment' })
            .trim()
            .min(1, 'comment must not be empty')
            .max(100_000, 'comment is at most 100000 characters')
            .describe('The text of the comment.'),
          visibility: z
            .enum(VisibilitySchema.options, { error: 'visibility must be INTERNAL or PUBLIC' })
            .default('INTERNAL')
            .describe('INTERNAL (default, staff only) or PUBLIC (visible to the reporter and synced back).'),
        }),
        outputSchema: {
          incident_id: z.string(),
          comment: z.object({
            comment_id: z.string(),
            author: z.string(),
            timestamp: z.string(),
            text: z.string(),
            visibility: VisibilitySchema,
            source: z.string(),
          }),
        },
        annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
      },
      guarded('add_incident_comment', ctx, async (args) => {
        const comment = await ctx.service.addComment(
          { incident_id: args.incident_id, text: args.comment, visibility: args.visibility, source: 'CLINE' },
          useCase(ctx),
        );
        const { comment_id, author, timestamp, text, visibility, source } = comment;
        return okResult(
          { incident_id: args.incident_id, comment: { comment_id, author, timestamp, text, visibility, source } },
          renderComment(args.incident_id, comment),
        );
      }),
    );
  }

  if (enabled.has('close_incident')) {
    server.registerTool(
      'close_incident',
      {
        title: 'Close incident',
        description:
          'Closes a RESOLVED incident assigned to you. A closed incident is queued for the knowledge base so others can find ' +
          'how it was fixed (force_kb_sync publishes it now).',
        inputSchema: z.strictObject({
          incident_id: incidentIdArg,
          reason: z
            .string({ error: 'reason must be a string' })
            .trim()
            .max(10_000, 'reason is at most 10000 characters')
            .optional()
            .describe('Optional note, e.g. "confirmed fixed by the reporter".'),
          expected_revision: expectedRevisionArg,
        }),
        outputSchema: {
          ...changedIncident,
          status: StatusSchema,
          kb_sync_state: z
            .string()
            .describe('PENDING: the knowledge-base document will be published by the next sync.'),
        },
        annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
      },
      guarded('close_incident', ctx, async (args) => {
        const incident = await ctx.service.close(
          {
            incident_id: args.incident_id,
            ...(args.reason ? { reason: args.reason } : {}),
            ...(args.expected_revision !== undefined ? { expected_revision: args.expected_revision } : {}),
          },
          useCase(ctx),
        );
        return okResult(
          { incident: summarize(incident), status: incident.status, kb_sync_state: incident.kb_sync_status.state },
          `Closed ${incident.incident_id}. Knowledge-base document: ${incident.kb_sync_status.state}.`,
        );
      }),
    );
  }
};

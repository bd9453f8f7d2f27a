/**
 * Pure mapper: a Shortcut story (REST API v3, as `GET /api/v3/stories/{id}` or the stories search
 * returns it) → the core incident input.
 *
 * ## Status ({@link SHORTCUT_STATE_MAP}, {@link SHORTCUT_STATE_TYPE_MAP})
 * With the workspace's workflow states (`options.workflowStates`), the state name is looked up
 * first (`Ready for QA` → IN_PROGRESS, `Blocked` → PENDING, `Done`/`Completed` → CLOSED…), then its
 * type (`unstarted` → NEW, `started` → IN_PROGRESS, `done` → CLOSED). Without them, the story's
 * `completed` / `started` flags decide.
 *
 * ## Priority ({@link SHORTCUT_PRIORITY_MAP})
 * Read from a custom-field value (the built-in Priority field: Highest/High/Medium/Low) or a label
 * (`p1`…`p4`, `priority:high`); Highest/Urgent/Critical → P1, High → P2, Medium → P3, Low/Lowest → P4;
 * none → P3.
 *
 * @module
 */
import { PRIORITY_TO_SEVERITY, type Priority, type Status } from '@incidents/core';
import * as z from 'zod';
import type { ImportedComment, MappedIncident } from '../connector.js';
import {
  type BaseMappingOptions,
  finishInput,
  firstText,
  lookup,
  parseVendor,
  vendorTimestamp,
} from '../mapping/common.js';

/** Shortcut workflow-state name → core status. Override with `mapping.statuses`. */
export const SHORTCUT_STATE_MAP: Readonly<Record<string, Status>> = {
  unscheduled: 'NEW',
  backlog: 'NEW',
  'ready for development': 'NEW',
  'to do': 'NEW',
  'in development': 'IN_PROGRESS',
  'in progress': 'IN_PROGRESS',
  'ready for review': 'IN_PROGRESS',
  'in review': 'IN_PROGRESS',
  'ready for qa': 'IN_PROGRESS',
  'in qa': 'IN_PROGRESS',
  blocked: 'PENDING',
  'on hold': 'PENDING',
  'ready for deploy': 'RESOLVED',
  resolved: 'RESOLVED',
  completed: 'CLOSED',
  done: 'CLOSED',
  cancelled: 'CANCELLED',
  canceled: 'CANCELLED',
  "won't do": 'CANCELLED',
};

/** Shortcut workflow-state type → core status, for names missing from the table. */
export const SHORTCUT_STATE_TYPE_MAP: Readonly<Record<string, Status>> = {
  unstarted: 'NEW',
  backlog: 'NEW',
  started: 'IN_PROGRESS',
  done: 'CLOSED',
};

/** Priority value (custom field or label) → core priority. Override with `mapping.priorities`. */
export const SHORTCUT_PRIORITY_MAP: Readonly<Record<string, Priority>> = {
  highest: 'P1',
  urgent: 'P1',
  critical: 'P1',
  p1: 'P1',
  'priority:highest': 'P1',
  'priority:critical': 'P1',
  high: 'P2',
  p2: 'P2',
  'priority:high': 'P2',
  medium: 'P3',
  p3: 'P3',
  'priority:medium': 'P3',
  low: 'P4',
  lowest: 'P4',
  p4: 'P4',
  'priority:low': 'P4',
};

/** A workflow state as `GET /api/v3/workflows` returns it. */
export interface ShortcutWorkflowState {
  id: number;
  name: string;
  type: string;
}

/** Options of {@link mapShortcutStory}. */
export interface ShortcutMappingOptions extends BaseMappingOptions {
  /** Workflow states by id (from `GET /api/v3/workflows`); the connector passes them. */
  workflowStates?: ReadonlyMap<number, ShortcutWorkflowState>;
}

/** A story comment. */
export const ShortcutCommentSchema = z.looseObject({
  id: z.number().int(),
  author_id: z.string().nullish(),
  text: z.string().nullish(),
  created_at: vendorTimestamp,
  deleted: z.boolean().optional(),
});

/** The fields of a story the mapper reads. */
export const ShortcutStorySchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  description: z.string().nullish(),
  story_type: z.string().nullish(),
  app_url: z.string().nullish(),
  workflow_id: z.number().int().nullish(),
  workflow_state_id: z.number().int(),
  started: z.boolean().optional(),
  completed: z.boolean().optional(),
  archived: z.boolean().optional(),
  created_at: vendorTimestamp,
  updated_at: vendorTimestamp,
  deadline: vendorTimestamp.nullish(),
  requested_by_id: z.string().nullish(),
  owner_ids: z.array(z.string()).nullish(),
  labels: z.array(z.looseObject({ name: z.string() })).nullish(),
  custom_fields: z.array(z.looseObject({ value: z.string().nullish() })).nullish(),
  external_links: z.array(z.string()).nullish(),
  comments: z.array(ShortcutCommentSchema).nullish(),
});

/** Maps a story comment (Shortcut is an internal tool: comments are INTERNAL). */
export function mapShortcutComment(c: z.infer<typeof ShortcutCommentSchema>): ImportedComment {
  return {
    external_id: String(c.id),
    author: firstText(c.author_id) ?? 'unknown',
    text: c.text ?? '',
    created_at: c.created_at,
    visibility: 'INTERNAL',
  };
}

/** Core status of a story given its workflow state (see the module tables). */
export function shortcutStatus(
  story: { workflow_state_id: number; completed?: boolean | undefined; started?: boolean | undefined },
  options: ShortcutMappingOptions = {},
): { status: Status; remote: string } {
  const state = options.workflowStates?.get(story.workflow_state_id);
  if (state) {
    return {
      status:
        lookup(state.name, SHORTCUT_STATE_MAP, options.statuses) ??
        lookup(state.type, SHORTCUT_STATE_TYPE_MAP) ??
        'NEW',
      remote: state.name,
    };
  }
  const remote = story.completed ? 'completed' : story.started ? 'started' : 'unstarted';
  return {
    status:
      lookup(remote, SHORTCUT_STATE_TYPE_MAP, options.statuses) ??
      (story.completed ? 'CLOSED' : story.started ? 'IN_PROGRESS' : 'NEW'),
    remote,
  };
}

/**
 * Maps a Shortcut story to a {@link MappedIncident}: `external_id` is the story id, the suggested
 * `incident_id` is `SC-<id>` (R-SOURCE-2). Non-deleted comments in the payload are kept.
 *
 * @example
 * ```ts
 * const mapped = mapShortcutStory(story, { workflowStates });
 * mapped.input.incident_id; // 'SC-56789'
 * ```
 */
export function mapShortcutStory(story: unknown, options: ShortcutMappingOptions = {}): MappedIncident {
  const s = parseVendor('shortcut', ShortcutStorySchema, story, 'Shortcut story');
  const { status, remote } = shortcutStatus(s, options);
  const labels = (s.labels ?? []).map((l) => l.name);
  const candidates = [...(s.custom_fields ?? []).map((f) => f.value ?? ''), ...labels];
  const priority =
    candidates.map((c) => lookup(c, SHORTCUT_PRIORITY_MAP, options.priorities)).find((p) => p !== undefined) ?? 'P3';
  const type = s.story_type ? s.story_type[0]?.toUpperCase() + s.story_type.slice(1) : undefined;
  const input = finishInput('shortcut', 'Shortcut story', {
    incident_id: `SC-${s.id}`,
    external_id: String(s.id),
    source_system: 'SHORTCUT',
    source_url: s.app_url ?? undefined,
    title: s.name,
    description: s.description ?? '',
    category: firstText(type, options.defaultCategory) ?? 'General',
    severity: PRIORITY_TO_SEVERITY[priority],
    priority,
    team: options.team,
    created_at: s.created_at,
    due_date: s.deadline ?? undefined,
    environment: options.environment,
    labels,
  });
  return {
    external_id: String(s.id),
    updated_at: s.updated_at,
    input,
    status,
    remote_status: remote,
    comments: (s.comments ?? []).filter((c) => !c.deleted).map(mapShortcutComment),
    // An archived story is out of the workspace's lists: kept locally with a clear deleted state.
    ...(s.archived ? { deleted: true } : {}),
    sourceRecord: {
      source_system: 'SHORTCUT',
      record_id: String(s.id),
      ...(s.app_url ? { url: s.app_url } : {}),
      title: s.name,
      status: remote,
      ...(s.requested_by_id ? { author: s.requested_by_id } : {}),
      created_at: s.created_at,
      updated_at: s.updated_at,
      data: {
        shortcut_story_id: s.id,
        workflow_state_id: s.workflow_state_id,
        ...(s.workflow_id != null ? { workflow_id: s.workflow_id } : {}),
        ...(s.archived ? { archived: true } : {}),
        ...(s.owner_ids?.length ? { owner_ids: s.owner_ids } : {}),
        ...(s.external_links?.length ? { external_links: s.external_links } : {}),
      },
    },
  };
}

/**
 * The Shortcut connector (REST API v3, plain `fetch`).
 * @module
 */
import type { Status } from '@incidents/core';
import { z } from 'zod';
import type { Connector, PulledIncident, PulledPage, PullOptions } from '../connector.js';
import { ConnectorError } from '../errors.js';
import { headerAuth } from '../http/auth.js';
import { readAhead } from '../http/read-ahead.js';
import { createHttpClient } from '../http/http-client.js';
import { mapEach, maxIso, tableKey } from '../mapping/common.js';
import { decodePullCursor, encodePullCursor, normaliseSince } from '../mapping/cursor.js';
import { shortcutErrorMessage } from './errors.js';
import {
  mapShortcutComment,
  mapShortcutStory,
  SHORTCUT_STATE_MAP,
  ShortcutCommentSchema,
  type ShortcutWorkflowState,
} from './mapper.js';
import type { ShortcutConnectorOptions } from './options.js';

const SearchPageSchema = z.looseObject({
  data: z.array(z.unknown()),
  next: z.string().nullish(),
  total: z.number().optional(),
});
const WorkflowsSchema = z.array(
  z.looseObject({
    id: z.number().int(),
    name: z.string(),
    states: z.array(
      z.looseObject({ id: z.number().int(), name: z.string(), type: z.string(), position: z.number().optional() }),
    ),
  }),
);
const StorySchema = z.looseObject({
  id: z.number().int(),
  workflow_id: z.number().int(),
  comments: z.array(ShortcutCommentSchema).optional(),
});

const TYPE_FOR_STATUS: Readonly<Record<Status, string>> = {
  NEW: 'unstarted',
  ASSIGNED: 'unstarted',
  IN_PROGRESS: 'started',
  PENDING: 'started',
  RESOLVED: 'done',
  CLOSED: 'done',
  CANCELLED: 'done',
};

/**
 * Creates the Shortcut connector: pulls `GET /api/v3/search/stories` (`updated:<date>..*`, `next`
 * paging), maps workflow states through `GET /api/v3/workflows`, pushes comments
 * (`POST /api/v3/stories/{id}/comments`) and workflow-state changes (`PUT /api/v3/stories/{id}`).
 *
 * @example
 * ```ts
 * const sc = createShortcutConnector({ apiToken, query: 'type:bug' });
 * ```
 */
export function createShortcutConnector(options: ShortcutConnectorOptions): Connector {
  const name = 'shortcut';
  const baseUrl = options.baseUrl ?? 'https://api.app.shortcut.com';
  const http = createHttpClient({
    ...options,
    baseUrl,
    connector: name,
    auth: headerAuth('Shortcut-Token', options.apiToken),
    errorMessage: shortcutErrorMessage,
  });
  const pageSize = Math.min(25, Math.max(1, options.pageSize ?? 25));
  let workflows: Promise<z.infer<typeof WorkflowsSchema>> | undefined;

  function loadWorkflows(signal?: AbortSignal) {
    workflows ??= http
      .request({ path: '/api/v3/workflows', schema: WorkflowsSchema, ...(signal ? { signal } : {}) })
      .then((r) => r.body)
      .catch((err: unknown) => {
        workflows = undefined;
        throw err;
      });
    return workflows;
  }

  async function stateMap(signal?: AbortSignal): Promise<Map<number, ShortcutWorkflowState>> {
    const list = await loadWorkflows(signal);
    return new Map(list.flatMap((w) => w.states.map((s) => [s.id, { id: s.id, name: s.name, type: s.type }] as const)));
  }

  async function getStory(id: string, signal?: AbortSignal) {
    return (
      await http.request({
        path: `/api/v3/stories/${encodeURIComponent(id)}`,
        schema: StorySchema,
        ...(signal ? { signal } : {}),
      })
    ).body;
  }

  async function* pull(opts: PullOptions = {}): AsyncGenerator<PulledPage> {
    let since = normaliseSince(opts.since);
    let next: string | null = null;
    if (opts.cursor) {
      const resumed = decodePullCursor<string>(name, opts.cursor);
      since = resumed.since;
      next = resumed.position;
    }
    const workflowStates = await stateMap(opts.signal);
    const mapping = { ...options.mapping, workflowStates };
    const size = opts.pageSize ? Math.min(25, Math.max(1, opts.pageSize)) : pageSize;
    // Shortcut's search has day granularity: the day of `since` is included (the engine skips unchanged records).
    const query =
      [options.query?.trim(), since ? `updated:${since.slice(0, 10)}..*` : undefined].filter(Boolean).join(' ') ||
      'is:story';
    let high: string | null = null;
    const search = async (position: string | null, signal: AbortSignal) =>
      (position
        ? await http.request({ path: position, schema: SearchPageSchema, signal })
        : await http.request({
            path: '/api/v3/search/stories',
            query: { query, page_size: size, detail: 'full' },
            schema: SearchPageSchema,
            signal,
          })
      ).body;
    for await (const { body, next: following } of readAhead(next, search, (b) => b.next ?? null, opts.signal)) {
      const stories = body.data.filter(
        (s) =>
          !(
            since &&
            s &&
            typeof s === 'object' &&
            typeof (s as { updated_at?: unknown }).updated_at === 'string' &&
            Date.parse((s as { updated_at: string }).updated_at) < Date.parse(since)
          ),
      );
      const mapped = mapEach(stories, 'data', (s) => mapShortcutStory(s, mapping));
      const items: PulledIncident[] = await Promise.all(
        mapped.map(async (m, i) => {
          const raw = stories[i] as { comments?: unknown };
          const comments = Array.isArray(raw.comments) ? m.comments : await fetchComments(m.external_id, opts);
          return { ...m, comments, ...(options.includeRaw ? { raw } : {}) };
        }),
      );
      for (const item of items) high = maxIso(high, item.updated_at);
      yield {
        items,
        nextCursor: following ? encodePullCursor(name, { since, position: following }) : null,
        highWatermark: high,
      };
    }
  }

  async function fetchComments(id: string, opts: { signal?: AbortSignal } = {}) {
    const story = await getStory(id, opts.signal);
    return (story.comments ?? []).filter((c) => !c.deleted).map(mapShortcutComment);
  }

  return {
    name,
    sourceSystem: 'SHORTCUT',
    capabilities: { internalComments: true, status: true },
    redact: (text) => http.redact(text),
    pull,
    fetchComments,
    async pushComment(input) {
      const { body } = await http.request({
        method: 'POST',
        path: `/api/v3/stories/${encodeURIComponent(input.externalId)}/comments`,
        json: { text: input.text },
        schema: z.looseObject({ id: z.number().int() }),
        ...(input.signal ? { signal: input.signal } : {}),
      });
      return { externalCommentId: String(body.id) };
    },
    async pushStatus(input) {
      const story = await getStory(input.externalId, input.signal);
      const workflow = (await loadWorkflows(input.signal)).find((w) => w.id === story.workflow_id);
      if (!workflow)
        throw new ConnectorError(
          'connector.invalid_response',
          `workflow ${story.workflow_id} of story ${input.externalId} is unknown`,
          { connector: name },
        );
      const states = [...workflow.states].sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
      const names = (options.stateTargets?.[input.status] ?? []).map(tableKey);
      const target =
        names.map((n) => states.find((s) => tableKey(s.name) === n)).find(Boolean) ??
        states.find(
          (s) =>
            (options.mapping?.statuses ? { ...SHORTCUT_STATE_MAP, ...options.mapping.statuses } : SHORTCUT_STATE_MAP)[
              tableKey(s.name)
            ] === input.status,
        ) ??
        states.find((s) => s.type === TYPE_FOR_STATUS[input.status]);
      if (!target)
        throw new ConnectorError(
          'connector.unsupported',
          `no workflow state of "${workflow.name}" matches ${input.status}`,
          { connector: name },
        );
      await http.request({
        method: 'PUT',
        path: `/api/v3/stories/${encodeURIComponent(input.externalId)}`,
        json: { workflow_state_id: target.id },
        schema: z.looseObject({ id: z.number().int() }),
        ...(input.signal ? { signal: input.signal } : {}),
      });
    },
  };
}

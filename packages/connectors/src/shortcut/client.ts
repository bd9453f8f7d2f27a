/**
 * The Shortcut connector (REST API v3, plain `fetch`).
 * @module
 */
import type { Status } from '@incidents/core';
import * as z from 'zod';
import type {
  Connector,
  DeletedRecord,
  ListDeletedOptions,
  PulledIncident,
  PulledPage,
  PullOptions,
} from '../connector.js';
import { ConnectorError, isConnectorError } from '../errors.js';
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
  type ShortcutMappingOptions,
  type ShortcutWorkflowState,
} from './mapper.js';
import { SHORTCUT_DEFAULT_PAGE_SIZE, SHORTCUT_MAX_PAGE_SIZE, type ShortcutConnectorOptions } from './options.js';

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

/** Where a timestamp-search pull continues: after this story's (updated_at, id). */
interface ShortcutKey {
  updated_at: string;
  id: number;
}

/** A resume position: the operator search's `next` path, a timestamp-search key, or the start. */
type ShortcutPosition = string | ShortcutKey | null;

function shortcutKey(story: unknown): ShortcutKey | null {
  const s = story as { updated_at?: unknown; id?: unknown } | null;
  return s && typeof s.updated_at === 'string' && typeof s.id === 'number' && !Number.isNaN(Date.parse(s.updated_at))
    ? { updated_at: s.updated_at, id: s.id }
    : null;
}

function compareKeys(a: ShortcutKey, b: ShortcutKey): number {
  return Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id;
}

function clampPageSize(n: number): number {
  return Math.min(SHORTCUT_MAX_PAGE_SIZE, Math.max(1, Math.floor(n)));
}

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
 * Creates the Shortcut connector: pulls changes since the watermark with `POST /api/v3/stories/search`
 * (`updated_at_start`, an instant), a first import with `GET /api/v3/search/stories` (`next` paging,
 * up to 250 a page), maps workflow states through `GET /api/v3/workflows`, pushes comments
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
  const pageSize = clampPageSize(options.pageSize ?? SHORTCUT_DEFAULT_PAGE_SIZE);
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

  /** Maps one page of stories, reading the comments of those the page carries none for. */
  async function mapPage(stories: unknown[], mapping: ShortcutMappingOptions, opts: PullOptions) {
    const mapped = mapEach(stories, 'data', (s) => mapShortcutStory(s, mapping));
    return Promise.all(
      mapped.map(async (m, i): Promise<PulledIncident> => {
        const raw = stories[i] as { comments?: unknown };
        const comments = Array.isArray(raw.comments) ? m.comments : await fetchComments(m.external_id, opts);
        return { ...m, comments, ...(options.includeRaw ? { raw } : {}) };
      }),
    );
  }

  /**
   * An incremental pull through "Query Stories" (`POST /api/v3/stories/search`): `updated_at_start`
   * is an instant, so only stories changed since it are read (the operator search's `updated:` is a
   * day, and pages through its first 1000 matches only). The endpoint answers every match in one
   * array; it is sorted by (updated_at, id) and handed out in pages of `size`, the cursor holding the
   * last story handed out.
   */
  async function* pullSince(
    since: string,
    after: ShortcutKey | null,
    size: number,
    mapping: ShortcutMappingOptions,
    opts: PullOptions,
  ): AsyncGenerator<PulledPage> {
    const { body } = await http.request({
      method: 'POST',
      path: '/api/v3/stories/search',
      json: { ...options.filter, updated_at_start: since },
      schema: z.array(z.unknown()),
      // A search: repeating it changes nothing.
      idempotent: true,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const keyed = body
      .map((story) => ({ story, key: shortcutKey(story) }))
      .filter(({ key }) => !key || Date.parse(key.updated_at) >= Date.parse(since))
      .filter(({ key }) => !after || (key !== null && compareKeys(key, after) > 0))
      .sort((a, b) => (a.key && b.key ? compareKeys(a.key, b.key) : 0));
    let high: string | null = null;
    for (let i = 0; i < keyed.length || i === 0; i += size) {
      const chunk = keyed.slice(i, i + size);
      const items = await mapPage(
        chunk.map((c) => c.story),
        mapping,
        opts,
      );
      for (const item of items) high = maxIso(high, item.updated_at);
      const last = chunk.at(-1)?.key ?? null;
      yield {
        items,
        nextCursor:
          i + size < keyed.length && last ? encodePullCursor<ShortcutPosition>(name, { since, position: last }) : null,
        highWatermark: high,
      };
    }
  }

  async function* pull(opts: PullOptions = {}): AsyncGenerator<PulledPage> {
    let since = normaliseSince(opts.since);
    let next: ShortcutPosition = null;
    if (opts.cursor) {
      const resumed = decodePullCursor<ShortcutPosition>(name, opts.cursor);
      since = resumed.since;
      next = resumed.position;
    }
    const workflowStates = await stateMap(opts.signal);
    const mapping = { ...options.mapping, workflowStates };
    const size = opts.pageSize ? clampPageSize(opts.pageSize) : pageSize;
    // The operator query cannot be sent to the timestamp search: with one (and no `filter`) an
    // incremental pull keeps the operator search, at day precision.
    const bySearchOperators = !!options.query?.trim() && !options.filter;
    if (since && !bySearchOperators && (next === null || typeof next === 'object')) {
      yield* pullSince(since, next, size, mapping, opts);
      return;
    }
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
    const start = typeof next === 'string' ? next : null;
    for await (const { body, next: following } of readAhead(start, search, (b) => b.next ?? null, opts.signal)) {
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
      const items = await mapPage(stories, mapping, opts);
      for (const item of items) high = maxIso(high, item.updated_at);
      yield {
        items,
        nextCursor: following ? encodePullCursor<ShortcutPosition>(name, { since, position: following }) : null,
        highWatermark: high,
      };
    }
  }

  async function fetchComments(id: string, opts: { signal?: AbortSignal } = {}) {
    const story = await getStory(id, opts.signal);
    return (story.comments ?? []).filter((c) => !c.deleted).map(mapShortcutComment);
  }

  /**
   * Shortcut has no deletion feed: each known story is read (`GET /api/v3/stories/{id}`, within the
   * connector's concurrency); a 404 means it was deleted. (Archived stories come with the pull.)
   */
  async function* listDeleted(opts: ListDeletedOptions): AsyncIterable<DeletedRecord[]> {
    for await (const ids of opts.known()) {
      const gone = await Promise.all(
        ids.map(async (id) => {
          try {
            await getStory(id, opts.signal);
            return null;
          } catch (err) {
            if (isConnectorError(err) && err.details.status === 404) return id;
            throw err;
          }
        }),
      );
      const deleted = gone.filter((id): id is string => id !== null);
      if (deleted.length) yield deleted.map((external_id) => ({ external_id }));
    }
  }

  return {
    name,
    sourceSystem: 'SHORTCUT',
    ...(options.reconcileDeletions ? { listDeleted } : {}),
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

/**
 * A local Shortcut REST API v3 server: `GET /api/v3/search/stories` (`query` with `updated:<date>..*`,
 * `page_size` 1-250, `next` as a path+query), `POST /api/v3/stories/search` ("Query Stories": a
 * `SearchStories` body with `updated_at_start`… → every matching `StorySlim` in one array, without
 * comments), `GET /api/v3/workflows`, `GET/PUT /api/v3/stories/{id}`,
 * `POST /api/v3/stories/{id}/comments`, `Shortcut-Token` auth. Shapes follow developer.shortcut.com/api/rest/v3.
 *
 * Like the real search, `updated:` has day precision and the search pages through the first
 * `searchCap` matches only (1000 on Shortcut): a busy day's older stories hide newer ones.
 */
import { startVendorServer, type VendorServer } from './vendor-server.js';

export interface ScStory {
  id: number;
  name: string;
  story_type: string;
  workflow_id: number;
  workflow_state_id: number;
  created_at: string;
  updated_at: string;
  labels: Array<{ id: number; name: string }>;
  custom_fields: Array<{ field_id: string; value_id: string; value: string }>;
  comments: Array<{ id: number; author_id: string; text: string; created_at: string; deleted?: boolean }>;
  /** An archived story (Query Stories returns it with `archived: true`). */
  archived?: boolean;
}

export interface ShortcutServer extends VendorServer {
  stories: ScStory[];
  /** How many matches `GET /api/v3/search/stories` pages through. Default 1000 (Shortcut's limit). */
  searchCap: number;
}

export const SC_WORKFLOW = {
  id: 500000001,
  name: 'Engineering',
  states: [
    { id: 500000010, name: 'Unscheduled', type: 'unstarted', position: 1 },
    { id: 500000011, name: 'In Development', type: 'started', position: 2 },
    { id: 500000012, name: 'Ready for QA', type: 'started', position: 3 },
    { id: 500000013, name: 'Done', type: 'done', position: 4 },
  ],
};

export async function startShortcutServer(token: string): Promise<ShortcutServer> {
  const base = await startVendorServer({
    authorize: (req) => req.headers['shortcut-token'] === token,
    unauthorized: { status: 401, body: { message: 'Unauthorized' } },
  });
  const server = base as ShortcutServer;
  server.stories = [];
  server.searchCap = 1000;
  let nextComment = 9000;
  const json = ({ comments, ...s }: ScStory, full = true) => ({
    ...s,
    entity_type: 'story',
    app_url: `https://app.shortcut.com/acme/story/${s.id}`,
    completed: s.workflow_state_id === 500000013,
    started: s.workflow_state_id !== 500000010,
    ...(full ? { comments } : {}),
  });

  base.route('GET', '/api/v3/search/stories', (req) => {
    const query = req.query.get('query') ?? '';
    const since = /updated:(\d{4}-\d{2}-\d{2})\.\.\*/.exec(query)?.[1];
    const size = Number(req.query.get('page_size') ?? 25);
    if (!Number.isInteger(size) || size < 1 || size > 250)
      return { status: 400, body: { message: 'page_size must be between 1 and 250' } };
    const from = Number(req.query.get('next') ?? 0);
    const all = server.stories
      .filter((s) => !since || s.updated_at.slice(0, 10) >= since)
      .sort((a, b) => a.id - b.id)
      .slice(0, server.searchCap);
    const page = all.slice(from, from + size);
    const more = from + size < all.length;
    const params = new URLSearchParams({
      query,
      page_size: String(size),
      detail: req.query.get('detail') ?? 'slim',
      next: String(from + size),
    });
    return {
      body: {
        data: page.map((s) => json(s, from === 0)),
        next: more ? `/api/v3/search/stories?${params}` : null,
        total: all.length,
      },
    };
  });

  base.route('POST', '/api/v3/stories/search', (req) => {
    const body = (req.json ?? {}) as {
      updated_at_start?: string;
      updated_at_end?: string;
      story_type?: string;
      label_name?: string;
      archived?: boolean;
    };
    for (const key of ['updated_at_start', 'updated_at_end'] as const) {
      const value = body[key];
      if (value !== undefined && Number.isNaN(Date.parse(value)))
        return { status: 400, body: { message: `${key} must be a date-time` } };
    }
    const start = body.updated_at_start ? Date.parse(body.updated_at_start) : -Infinity;
    const end = body.updated_at_end ? Date.parse(body.updated_at_end) : Infinity;
    const found = server.stories.filter((s) => {
      const t = Date.parse(s.updated_at);
      return (
        t >= start &&
        t <= end &&
        (!body.story_type || s.story_type === body.story_type) &&
        (!body.label_name || s.labels.some((l) => l.name === body.label_name)) &&
        (body.archived === undefined || Boolean(s.archived) === body.archived)
      );
    });
    // StorySlim: no comments, their ids only.
    return {
      status: 201,
      body: found.map((s) => ({ ...json(s, false), comment_ids: s.comments.map((c) => c.id) })),
    };
  });

  base.route('GET', '/api/v3/workflows', () => ({ body: [SC_WORKFLOW] }));

  base.route('GET', '/api/v3/stories/:id', (_req, { id }) => {
    const story = server.stories.find((s) => String(s.id) === id);
    return story ? { body: json(story) } : { status: 404, body: { message: 'Resource not found.' } };
  });

  base.route('PUT', '/api/v3/stories/:id', (req, { id }) => {
    const story = server.stories.find((s) => String(s.id) === id);
    if (!story) return { status: 404, body: { message: 'Resource not found.' } };
    const update = req.json as { workflow_state_id?: number };
    if (update.workflow_state_id !== undefined) {
      if (!SC_WORKFLOW.states.some((s) => s.id === update.workflow_state_id))
        return { status: 422, body: { message: 'Unprocessable', errors: { workflow_state_id: 'invalid' } } };
      story.workflow_state_id = update.workflow_state_id;
    }
    story.updated_at = new Date().toISOString();
    return { body: json(story) };
  });

  base.route('POST', '/api/v3/stories/:id/comments', (req, { id }) => {
    const story = server.stories.find((s) => String(s.id) === id);
    if (!story) return { status: 404, body: { message: 'Resource not found.' } };
    const comment = {
      id: nextComment++,
      author_id: '12345678-9012-3456-7890-123456789012',
      text: (req.json as { text: string }).text,
      created_at: new Date().toISOString(),
    };
    story.comments.push(comment);
    return { status: 201, body: { ...comment, entity_type: 'story-comment', story_id: story.id } };
  });

  return server;
}

export function makeScStory(id: number, updated: string, extra: Partial<ScStory> = {}): ScStory {
  return {
    id,
    name: `Story ${id}`,
    story_type: 'bug',
    workflow_id: SC_WORKFLOW.id,
    workflow_state_id: 500000011,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: updated,
    labels: [],
    custom_fields: [],
    comments: [],
    ...extra,
  };
}

/**
 * A local Zendesk Support API server: the cursor-based incremental ticket export
 * (`start_time` / `cursor`, `after_cursor`, `end_of_stream`, users+groups sideloads), ticket
 * comments with cursor pagination (`page[size]`, `page[after]`, `meta.has_more`), and
 * `PUT /api/v2/tickets/{id}.json` returning the audit. Shapes follow developer.zendesk.com.
 */
import { startVendorServer, type VendorServer } from './vendor-server.js';

export interface ZdComment {
  id: number;
  type: 'Comment';
  author_id: number;
  body: string;
  plain_body: string;
  public: boolean;
  created_at: string;
}

export interface ZdTicket {
  id: number;
  subject: string;
  description: string;
  status: string;
  priority: string | null;
  assignee_id: number | null;
  requester_id: number;
  group_id: number | null;
  tags: string[];
  created_at: string;
  updated_at: string;
  comments: ZdComment[];
}

export interface ZendeskServer extends VendorServer {
  tickets: ZdTicket[];
  commentPageSize: number;
}

const USERS = [
  { id: 1, name: 'Agent Smith', email: 'agent@example.com' },
  { id: 2, name: 'Customer Jane', email: 'jane@example.com' },
];
const GROUPS = [{ id: 10, name: 'Support L2' }];

export async function startZendeskServer(credentials: { email: string; apiToken: string }): Promise<ZendeskServer> {
  const expected = `Basic ${Buffer.from(`${credentials.email}/token:${credentials.apiToken}`).toString('base64')}`;
  const base = await startVendorServer({
    authorize: (req) => req.headers.authorization === expected,
    unauthorized: { status: 401, body: { error: "Couldn't authenticate you" } },
  });
  const server = base as ZendeskServer;
  server.tickets = [];
  server.commentPageSize = 100;
  let nextCommentId = 1000;

  const ticketJson = ({ comments, ...t }: ZdTicket) => ({
    url: `${base.url}/api/v2/tickets/${t.id}.json`,
    type: 'incident',
    via: { channel: 'web' },
    ...t,
  });

  base.route('GET', '/api/v2/incremental/tickets/cursor.json', (req) => {
    const perPage = Number(req.query.get('per_page') ?? 1000);
    const cursor = req.query.get('cursor');
    const startTime = Number(req.query.get('start_time') ?? 0);
    // Deleted tickets (status `deleted`) are in the export unless `exclude_deleted=true`.
    const excluded = req.query.get('exclude_deleted') === 'true';
    const sorted = [...server.tickets.filter((t) => !(excluded && t.status === 'deleted'))].sort(
      (a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id,
    );
    const offset = cursor
      ? Number(Buffer.from(cursor, 'base64').toString())
      : sorted.findIndex((t) => Date.parse(t.updated_at) / 1000 >= startTime);
    const from = offset < 0 ? sorted.length : offset;
    const page = sorted.slice(from, from + perPage);
    const end = from + perPage >= sorted.length;
    const after = Buffer.from(String(from + page.length)).toString('base64');
    return {
      body: {
        tickets: page.map(ticketJson),
        after_url: `${base.url}/api/v2/incremental/tickets/cursor.json?cursor=${after}`,
        after_cursor: after,
        before_url: null,
        before_cursor: null,
        end_of_stream: end,
        ...(req.query.get('include')?.includes('users') ? { users: USERS } : {}),
        ...(req.query.get('include')?.includes('groups') ? { groups: GROUPS } : {}),
      },
    };
  });

  base.route('GET', '/api/v2/tickets/:id/comments.json', (req, { id }) => {
    const ticket = server.tickets.find((t) => String(t.id) === String(id).replace(/\.json$/, ''));
    if (!ticket) return { status: 404, body: { error: 'RecordNotFound', description: 'Not found' } };
    const size = Math.min(Number(req.query.get('page[size]') ?? 100), server.commentPageSize);
    const after = req.query.get('page[after]');
    const from = after ? Number(after) : 0;
    const page = ticket.comments.slice(from, from + size);
    const more = from + size < ticket.comments.length;
    return {
      body: {
        comments: page,
        users: USERS,
        meta: { has_more: more, after_cursor: more ? String(from + size) : null, before_cursor: null },
        links: {},
      },
    };
  });

  base.route('PUT', '/api/v2/tickets/:id', (req, { id }) => {
    const ticket = server.tickets.find((t) => `${t.id}.json` === id);
    if (!ticket) return { status: 404, body: { error: 'RecordNotFound', description: 'Not found' } };
    // A closed ticket cannot be updated (nor reopened): Zendesk answers 422.
    if (ticket.status === 'closed') {
      return {
        status: 422,
        body: {
          error: 'RecordInvalid',
          description: 'Record validation errors',
          details: { status: [{ description: 'Status: closed prevents ticket update' }] },
        },
      };
    }
    const update = (req.json as { ticket: { status?: string; comment?: { body: string; public?: boolean } } }).ticket;
    const events: Array<Record<string, unknown>> = [];
    if (update.status) {
      events.push({
        id: nextCommentId++,
        type: 'Change',
        field_name: 'status',
        value: update.status,
        previous_value: ticket.status,
      });
      ticket.status = update.status;
    }
    if (update.comment) {
      const comment: ZdComment = {
        id: nextCommentId++,
        type: 'Comment',
        author_id: 1,
        body: update.comment.body,
        plain_body: update.comment.body,
        public: update.comment.public ?? true,
        created_at: new Date().toISOString(),
      };
      ticket.comments.push(comment);
      events.push({ ...comment });
    }
    ticket.updated_at = new Date().toISOString();
    return {
      body: {
        ticket: ticketJson(ticket),
        audit: { id: nextCommentId++, ticket_id: ticket.id, created_at: ticket.updated_at, author_id: 1, events },
      },
    };
  });

  return server;
}

export function makeZdTicket(id: number, updated: string, extra: Partial<ZdTicket> = {}): ZdTicket {
  return {
    id,
    subject: `Ticket ${id}`,
    description: `Description ${id}`,
    status: 'open',
    priority: 'high',
    assignee_id: 1,
    requester_id: 2,
    group_id: 10,
    tags: ['bug'],
    created_at: '2026-01-01T00:00:00Z',
    updated_at: updated,
    comments: [],
    ...extra,
  };
}

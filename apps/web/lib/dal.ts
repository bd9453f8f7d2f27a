import 'server-only';
/**
 * The data access layer: the only module of the web desk that calls the SDK. Every read and every
 * Server Action resolves the session here and passes `{ actor }` to one core use case — permissions,
 * the state machine, INTERNAL/PUBLIC visibility and optimistic concurrency all live in core.
 * Functions return DTOs: only what the signed-in user may see crosses to client components.
 */
import {
  type Actor,
  createIncidentService,
  type Incident,
  type IncidentQuery,
  type IncidentService,
  type IncidentStore,
  type Interaction,
  type KnowledgeBaseRetriever,
  type MetricsReport,
  isIncidentsError,
  type Page,
  type Priority,
  type Status,
  STATUSES,
  type User,
} from '@incidents/core';
import { loadConfig, loadKbConfig, openKnowledgeBase, openStore } from '@incidents/config';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { sessionActor } from './session';

interface Desk {
  store: IncidentStore;
  service: IncidentService;
  /** Whether a knowledge base is configured (`INCIDENTS_KB_MODE` is not `none`; local by default). */
  knowledgeBase: boolean;
}

// One store per server process (a connection pool / libSQL client), opened on first use.
const holder = globalThis as unknown as { __incidentsDesk?: Promise<Desk> };

/** The configured store and the service over it (same loader as the CLI: `@incidents/config`). */
export function desk(): Promise<Desk> {
  holder.__incidentsDesk ??= (async () => {
    const config = loadConfig({ env: process.env });
    const store = await openStore(config);
    const kbConfig = loadKbConfig({ home: config.home, env: process.env });
    const knowledgeBase = kbConfig.index.kind === 'none' ? undefined : lazyKnowledgeBase(kbConfig);
    return {
      store,
      service: createIncidentService({ store, ...(knowledgeBase ? { knowledgeBase } : {}) }),
      knowledgeBase: Boolean(knowledgeBase),
    };
  })().catch((err) => {
    holder.__incidentsDesk = undefined;
    throw err;
  });
  return holder.__incidentsDesk;
}

/**
 * The knowledge base (`@incidents/config`'s `openKnowledgeBase`: the local libSQL index under
 * `<INCIDENTS_HOME>/kb` by default, or Bedrock), opened on the first search so that pages that never
 * search do not load `@incidents/kb-sync`.
 */
function lazyKnowledgeBase(config: ReturnType<typeof loadKbConfig>): KnowledgeBaseRetriever {
  let opened: Promise<KnowledgeBaseRetriever | undefined> | undefined;
  return {
    async retrieve(request) {
      opened ??= openKnowledgeBase(config)
        .then((kb) => kb.knowledgeBase)
        .catch((err) => {
          opened = undefined;
          throw err;
        });
      const kb = await opened;
      return kb ? kb.retrieve(request) : [];
    },
  };
}

/**
 * The actor of this request, re-checked against the store on every request: a deactivated user or a
 * changed role takes effect at once, whatever the cookie says. `null` when signed out.
 *
 * Memoised with React's `cache()` for the duration of ONE server render: the layout's header, the
 * page and the DAL calls it makes share one cookie unseal and one `getUser` read instead of repeating
 * them (three times on `/tickets`). React scopes the memo to the render's request, so nothing is
 * shared between requests or users; outside a render (Server Actions, route handlers) `cache()` does
 * not memoise and every call reads the cookie and the store again.
 */
export const currentActor: () => Promise<(Actor & { name: string }) | null> = cache(async () => {
  const fromCookie = await sessionActor();
  if (!fromCookie) return null;
  const { store } = await desk();
  const user = await store.getUser(fromCookie.id);
  if (!user?.active) return null;
  return { id: user.email, roles: [user.role], name: user.name, ...(user.team ? { team: user.team } : {}) };
});

/** The actor, or a redirect to /login (pages and Server Actions). */
export async function requireActor(): Promise<Actor & { name: string }> {
  const actor = await currentActor();
  if (!actor) redirect('/login');
  return actor;
}

// ---------------------------------------------------------------------------------------------
// DTOs

/** A row of the ticket list. */
export interface TicketRow {
  incident_id: string;
  title: string;
  status: Status;
  priority: Priority;
  category: string;
  team: string | null;
  assigned_to: string | null;
  created_at: string;
  updated_at: string;
  due_date: string | null;
  /** `overdue`, `due_soon` (within 4 h), `ok`, or `none` (no due date / finished). */
  sla: 'overdue' | 'due_soon' | 'ok' | 'none';
}

const FINISHED: readonly Status[] = ['RESOLVED', 'CLOSED', 'CANCELLED'];

function slaOf(incident: Incident, now: number): TicketRow['sla'] {
  if (FINISHED.includes(incident.status) || !incident.due_date) return 'none';
  const due = Date.parse(incident.due_date);
  if (due < now) return 'overdue';
  return due - now < 4 * 3600_000 ? 'due_soon' : 'ok';
}

function toRow(i: Incident, now: number): TicketRow {
  return {
    incident_id: i.incident_id,
    title: i.title,
    status: i.status,
    priority: i.priority,
    category: i.category,
    team: i.team ?? null,
    assigned_to: i.assigned_to ?? null,
    created_at: i.created_at,
    updated_at: i.updated_at,
    due_date: i.due_date ?? null,
    sla: slaOf(i, now),
  };
}

/** Filters of the ticket list (from the URL). */
export interface TicketFilters {
  status?: Status | 'open' | 'all';
  priority?: Priority;
  team?: string;
  category?: string;
  assignee?: string;
  text?: string;
  cursor?: string;
  limit?: number;
}

const OPEN: Status[] = ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'PENDING'];

/**
 * Which of core's access patterns serves the filters (one index each; the text search is core's
 * `text` filter, evaluated by the store; the remaining filters narrow the page).
 */
function queryFor(f: TicketFilters): IncidentQuery {
  const statuses: Status[] =
    f.status === 'all' ? [...STATUSES] : f.status === 'open' || !f.status ? OPEN : [f.status as Status];
  const text = f.text?.trim() ? { text: f.text.trim() } : {};
  if (f.assignee) return { by: 'assignee', assigned_to: f.assignee, status: statuses, ...text };
  if (f.team) return { by: 'team', team: f.team, status: statuses, ...text };
  // The category pattern takes no text: with a text, the status pattern searches and the page is
  // narrowed to the category below.
  if (f.category && !f.text?.trim()) return { by: 'category', category: f.category };
  return { by: 'status', status: statuses, ...(f.priority ? { priority: f.priority } : {}), ...text };
}

/** One page of the list, scoped by core to what the actor may see (customers: their own tickets). */
export async function listTickets(f: TicketFilters): Promise<{ items: TicketRow[]; cursor: string | null }> {
  const actor = await requireActor();
  const { service } = await desk();
  const page: Page<Incident> = await service.query(
    queryFor(f),
    { limit: f.limit ?? 25, ...(f.cursor ? { cursor: f.cursor } : {}) },
    { actor },
  );
  const now = Date.now();
  const items = page.items
    .filter((i) => !f.priority || i.priority === f.priority)
    .filter((i) => !f.category || i.category === f.category)
    .filter((i) => !f.status || f.status === 'all' || f.status === 'open' || i.status === f.status)
    .map((i) => toRow(i, now));
  return { items, cursor: page.cursor };
}

/** A timeline entry as the browser gets it. INTERNAL entries reach only actors allowed by core. */
export interface TimelineEntry {
  id: string;
  type: Interaction['type'];
  author: string;
  created_at: string;
  text: string;
  internal: boolean;
}

/** A history version as the browser gets it. */
export interface VersionEntry {
  version: number;
  status: Status;
  assigned_to: string | null;
  by: string;
  notes: string | null;
  at: string;
}

/** The detail page's data. */
export interface TicketDetail {
  ticket: TicketRow & {
    description: string;
    severity: string;
    revision: number;
    created_by: string;
    resolution: string | null;
    steps: string[];
  };
  timeline: TimelineEntry[];
  history: VersionEntry[] | null;
}

/** One ticket, or `null` when it does not exist or the actor may not see it (both look the same). */
export async function getTicket(id: string): Promise<TicketDetail | null> {
  const actor = await requireActor();
  const { service } = await desk();
  try {
    const incident = await service.get(id, { actor }, { comments: false });
    // The timeline and the history are independent reads: run them together.
    const [timeline, history] = await Promise.all([
      service.timeline(incident.incident_id, { limit: 50 }, { actor }),
      service.history(incident.incident_id, { limit: 100 }, { actor }).then(
        (versions): VersionEntry[] =>
          versions.items.map((v) => ({
            version: v.version ?? v.revision,
            status: v.status,
            assigned_to: v.assigned_to ?? null,
            by: v.metadata.last_modified_by ?? v.metadata.created_by,
            notes: v.metadata.version_notes ?? null,
            at: v.updated_at,
          })),
        () => null, // customers do not see the version history
      ),
    ]);
    return {
      ticket: {
        ...toRow(incident, Date.now()),
        description: incident.description,
        severity: incident.severity,
        revision: incident.revision,
        created_by: incident.metadata.created_by,
        resolution: incident.cline_work?.solution?.description ?? incident.resolution?.resolution_description ?? null,
        steps: incident.cline_work?.solution?.steps ?? [],
      },
      timeline: timeline.items.map((t) => ({
        id: t.interaction_id,
        type: t.type,
        author: t.author,
        created_at: t.created_at,
        text: t.text,
        internal: t.visibility === 'INTERNAL',
      })),
      history,
    };
  } catch (err) {
    // Duck-typed: the store's copy of core may not be the bundled one, so `instanceof` is not reliable.
    if (isIncidentsError(err) && (err.code === 'not_found' || err.code === 'permission_denied')) return null;
    throw err;
  }
}

/** Users for the admin page (core checks `users.select`). */
export async function listUsers(): Promise<User[]> {
  const actor = await requireActor();
  const { service } = await desk();
  const page = await service.listUsers({ limit: 500 }, { actor });
  return page.items;
}

/** Metrics for the dashboard (core checks `metrics.select`), overall and per team. */
export async function metricsOverview(): Promise<{
  overall: MetricsReport;
  byTeam: Array<{ team: string; report: MetricsReport }>;
}> {
  const actor = await requireActor();
  const { service } = await desk();
  const overall = await service.metrics({}, { actor });
  const users = await service.listUsers({ limit: 500 }, { actor }).catch(() => ({ items: [] as User[] }));
  const teams = [...new Set(users.items.map((u) => u.team).filter((t): t is string => Boolean(t)))].sort();
  const byTeam = await Promise.all(
    teams.map(async (team) => ({ team, report: await service.metrics({ team }, { actor }) })),
  );
  return { overall, byTeam };
}

/** The store's own statistics when it has them (store-turso: queries, slow queries, tables, index usage). */
export async function databaseStats(): Promise<unknown | null> {
  const actor = await requireActor();
  if (!actor.roles.some((r) => r === 'admin' || r === 'operator')) return null;
  const { store } = await desk();
  const withStats = store as IncidentStore & { stats?: () => Promise<unknown> };
  return withStats.stats ? withStats.stats() : null;
}

/** A similar past incident as the detail page shows it. */
export interface SimilarEntry {
  incident_id: string;
  title: string | null;
  excerpt: string;
  score: number;
}

/**
 * Past incidents similar to a ticket, from the knowledge base. `null` when there is no knowledge base
 * or the actor may not search it: core refuses customers, because past incidents are other customers'
 * records with internal analysis. An unreachable knowledge base gives `{ items: [], unavailable: true }`
 * — the ticket page still renders.
 */
export async function similarIncidents(id: string): Promise<{ items: SimilarEntry[]; unavailable?: boolean } | null> {
  const actor = await requireActor();
  const { service, knowledgeBase } = await desk();
  if (!knowledgeBase) return null;
  try {
    const found = await service.findSimilar({ incident_id: id }, { limit: 5 }, { actor });
    return {
      items: found.map((r) => ({
        incident_id: r.incident_id,
        title: typeof r.metadata.title === 'string' ? r.metadata.title : null,
        excerpt: r.text.length > 240 ? `${r.text.slice(0, 240)}…` : r.text,
        score: r.score,
      })),
    };
  } catch (err) {
    if (isIncidentsError(err) && (err.code === 'permission_denied' || err.code === 'not_found')) return null;
    console.error('[web] knowledge base search failed', err instanceof Error ? err.name : typeof err);
    return { items: [], unavailable: true };
  }
}

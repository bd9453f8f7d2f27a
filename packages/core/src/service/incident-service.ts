/**
 * The use cases of the incidents SDK, over any {@link IncidentStore}.
 *
 * Every use case validates its input (zod, errors name the field), checks the actor's permissions,
 * applies the state machine, and writes the new version 0, its history version and its timeline
 * entries in one conditional write — a concurrent change makes it fail with `ConflictError` rather
 * than be lost.
 *
 * @module
 */
import { followLink, nextRevision } from './revisions.js';
import { ConflictError, IncidentsError, NotFoundError, PermissionDeniedError, ValidationError } from '../errors.js';
import { type Clock, createIdGenerator, type IdGenerator, systemClock } from '../ids.js';
import { OPEN_STATUSES, SOURCE_SYSTEMS, type InteractionType, type Severity, type Visibility } from '../model/enums.js';
import { type Comment, type Incident, incidentSchema } from '../model/incident.js';
import {
  addCommentInputSchema,
  type AddCommentInput,
  assignInputSchema,
  type AssignInput,
  createIncidentInputSchema,
  type CreateIncidentInput,
  createUserInputSchema,
  type CreateUserInput,
  findSimilarInputSchema,
  type FindSimilarInput,
  incidentQuerySchema,
  incidentRefSchema,
  type IncidentRef,
  linkInputSchema,
  type LinkInput,
  metricsInputSchema,
  type MetricsInput,
  pageInputSchema,
  reasonInputSchema,
  type ReasonInput,
  resolveInputSchema,
  type ResolveInput,
  updateProgressInputSchema,
  type UpdateProgressInput,
  setUserCredentialsInputSchema,
  type SetUserCredentialsInput,
  updateUserInputSchema,
  type UpdateUserInput,
} from '../model/inputs.js';
import type { Interaction, SourceRecord } from '../model/interaction.js';
import type { Actor, UseCaseContext, User } from '../model/user.js';
import { actorSchema, normalActor } from '../model/user.js';
import {
  canSeeInternal,
  hasPermission,
  isCustomerOnly,
  requireCanAssign,
  requireCanRead,
  requireCanUpdate,
  requirePermission,
} from '../permissions.js';
import type { IncidentAccess, IncidentQuery, IncidentStore, Page, PageRequest } from '../ports/incident-store.js';
import type { KnowledgeBaseFilters, KnowledgeBaseRetriever, RetrievedIncident } from '../ports/knowledge-base.js';
import { collectAll } from '../ports/pagination.js';
import { type Action, applyTransition, minutesBetween, updateSla } from '../state-machine.js';
import { cloneJson, sameJson } from '../json.js';
import { markValidated, parseInput } from '../validation.js';
import { SEVERITY_TO_PRIORITY } from '../vocabulary.js';
import { buildMetricsReport, type MetricsReport } from './metrics.js';
import { outboundFor } from './outbound.js';

/** Minutes from creation to due date, per severity, when an incident is created without `due_date`. */
export const DEFAULT_SLA_MINUTES: Readonly<Record<Severity, number>> = {
  CRITICAL: 4 * 60,
  HIGH: 24 * 60,
  MEDIUM: 3 * 24 * 60,
  LOW: 7 * 24 * 60,
};

/** Options of {@link createIncidentService}. */
export interface IncidentServiceOptions {
  /** Where incidents live. */
  store: IncidentStore;
  /** Time source; the system clock by default. */
  clock?: Clock;
  /** Id source; random incident ids and monotonic interaction ids by default. */
  ids?: IdGenerator;
  /** Used by `findSimilar`. */
  knowledgeBase?: KnowledgeBaseRetriever;
  /** SLA per severity in minutes (used for the default `due_date`); `null` disables default due dates. */
  slaMinutes?: Partial<Record<Severity, number>> | null;
  /**
   * `max_attempts` of the outbound sync items written when a person comments on or changes the
   * status of an imported incident (default 5). See `SyncStateStore`.
   */
  outboundMaxAttempts?: number;
}

/** An incident as `get` presents it: the record, its comments (oldest first) and its source records. */
export type IncidentDetails = Incident & {
  comments: Comment[];
  source_records: SourceRecord[];
  /** Set when the requested id was linked into this incident. */
  redirected_from?: string;
};

/** A history entry: the incident as it was after change `version`. */
export type IncidentVersion = Incident;

/** Options of {@link IncidentService.get}. */
export interface GetOptions {
  /** Follow a link tombstone to the incident it was merged into (default `true`). */
  followLinks?: boolean;
  /** Include comments (default `true`). */
  comments?: boolean;
}

/** One similar past incident. */
export interface SimilarIncident extends RetrievedIncident {}

/** The use cases. Every method takes the context `{ actor }` as its last argument. */
export interface IncidentService {
  /** Creates an incident (status NEW, or ASSIGNED when `assigned_to` is given). */
  create(input: CreateIncidentInput, ctx: UseCaseContext): Promise<Incident>;
  /** An incident with its comments; customers see only PUBLIC comments of their own incidents. */
  get(incidentId: string, ctx: UseCaseContext, options?: GetOptions): Promise<IncidentDetails>;
  /** Incidents by access pattern, one page at a time. */
  query(query: IncidentQuery, page: PageRequest | undefined, ctx: UseCaseContext): Promise<Page<Incident>>;
  /** Takes an unassigned NEW incident for the actor. Of N concurrent claims exactly one wins. */
  claim(ref: string | IncidentRef, ctx: UseCaseContext): Promise<Incident>;
  /** Assigns (or reassigns) an incident to someone. */
  assign(input: AssignInput, ctx: UseCaseContext): Promise<Incident>;
  /** Gives an incident back to the queue (status NEW, no assignee). */
  release(ref: string | ReasonInput, ctx: UseCaseContext): Promise<Incident>;
  /** Starts work: ASSIGNED or PENDING → IN_PROGRESS, opens `cline_work`. */
  startWork(ref: string | IncidentRef, ctx: UseCaseContext): Promise<Incident>;
  /** Records analysis, progress notes and time spent; moves the incident to IN_PROGRESS. */
  updateProgress(input: UpdateProgressInput, ctx: UseCaseContext): Promise<Incident>;
  /** Waiting on someone else: → PENDING with a reason. */
  setPending(ref: string | ReasonInput, ctx: UseCaseContext): Promise<Incident>;
  /** Registers the solution and resolution: → RESOLVED. */
  resolve(input: ResolveInput, ctx: UseCaseContext): Promise<Incident>;
  /** RESOLVED → CLOSED; the incident becomes pending for the knowledge base. */
  close(ref: string | ReasonInput, ctx: UseCaseContext): Promise<Incident>;
  /** RESOLVED, CLOSED or CANCELLED → ASSIGNED (or NEW); counts in `metrics.reopened_count`. */
  reopen(ref: string | ReasonInput, ctx: UseCaseContext): Promise<Incident>;
  /** Cancels an open incident. */
  cancel(ref: string | ReasonInput, ctx: UseCaseContext): Promise<Incident>;
  /** Adds a comment (PUBLIC by default). Retries on a concurrent change: comments never conflict. */
  addComment(input: AddCommentInput, ctx: UseCaseContext): Promise<Comment>;
  /** The timeline (interactions), newest first; INTERNAL entries only for those allowed to see them. */
  timeline(incidentId: string, page: PageRequest | undefined, ctx: UseCaseContext): Promise<Page<Interaction>>;
  /** History versions, oldest first: each is the record after one change, with actor and notes. */
  history(incidentId: string, page: PageRequest | undefined, ctx: UseCaseContext): Promise<Page<IncidentVersion>>;
  /** Resolution metrics for a team, a developer or everyone over a period (R-OPS-1). */
  metrics(input: MetricsInput, ctx: UseCaseContext): Promise<MetricsReport>;
  /** Links `from` into `to` (R-SOURCE-4): records, comments and history pointer move; `from` redirects. */
  link(input: LinkInput, ctx: UseCaseContext): Promise<Incident>;
  /** Past incidents similar to an incident or a text, through the configured knowledge base. */
  findSimilar(
    input: FindSimilarInput,
    options: { limit?: number; filters?: KnowledgeBaseFilters } | undefined,
    ctx: UseCaseContext,
  ): Promise<SimilarIncident[]>;
  /** Registers or updates a user (admins and `api_server`). */
  putUser(input: CreateUserInput, ctx: UseCaseContext): Promise<User>;
  /** Users ordered by email. */
  listUsers(page: PageRequest | undefined, ctx: UseCaseContext): Promise<Page<User>>;
  /** One user (`users.select`, or the user themselves); `NotFoundError` when missing. */
  getUser(email: string, ctx: UseCaseContext): Promise<User>;
  /**
   * Changes a user's name, role, team or active flag (`users.update`: admins and `api_server`).
   * Deactivating a user makes {@link IncidentService.authenticate} refuse them. An admin cannot
   * deactivate themselves or drop their own admin role (the desk would lose its last way back in).
   */
  updateUser(email: string, changes: UpdateUserInput, ctx: UseCaseContext): Promise<User>;
  /**
   * Stores a new password hash for a user: `users.update`, or the user themselves. The caller hashes
   * the password (argon2id in the apps); core never sees it. Needs a store with `setUserCredentials`.
   */
  setUserCredentials(email: string, input: SetUserCredentialsInput, ctx: UseCaseContext): Promise<void>;
  /**
   * The login step, before any actor exists: finds the user, refuses inactive users and users without
   * credentials, and calls `verify(password_hash)` (the app's argon2 verify). Returns the user and the
   * actor to put in the session, or `null` — one answer for every failure, so that a caller cannot
   * tell which part was wrong. `verify` is not called when there is nothing to verify against: the
   * caller should spend the same time on a dummy hash then.
   */
  authenticate(
    email: string,
    verify: (passwordHash: string) => Promise<boolean>,
  ): Promise<{ user: User; actor: Actor } | null>;
}

/** A timeline entry before the service gives it an id, a revision and a time. */
type DraftInteraction = Pick<Interaction, 'type' | 'author' | 'text' | 'visibility' | 'source'> &
  Partial<Pick<Interaction, 'created_at' | 'metadata' | 'external_id'>>;

interface Mutation {
  next: Incident;
  interactions?: DraftInteraction[];
  notes: string;
}

/**
 * Creates the incident service.
 *
 * @example
 * ```ts
 * import { type Actor, createIncidentService } from '@incidents/core';
 * import { createTursoStore } from '@incidents/store-turso';
 *
 * const store = await createTursoStore({ url: 'file:incidents.db' });
 * const incidents = createIncidentService({ store });
 * const ana: Actor = { id: 'ana@example.com', roles: ['operator'] };
 *
 * const inc = await incidents.create({ title: 'Checkout returns 502', severity: 'HIGH' }, { actor: ana });
 * await incidents.claim(inc.incident_id, { actor: ana });
 * await incidents.resolve(
 *   { incident_id: inc.incident_id, solution: 'Renewed the TLS certificate', root_cause: 'Expired certificate' },
 *   { actor: ana },
 * );
 * await incidents.close(inc.incident_id, { actor: ana, notes: 'Customer confirmed' });
 * ```
 */
export function createIncidentService(options: IncidentServiceOptions): IncidentService {
  const { store, knowledgeBase } = options;
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? createIdGenerator();
  const sla = options.slaMinutes === null ? null : { ...DEFAULT_SLA_MINUTES, ...(options.slaMinutes ?? {}) };

  const nowIso = () => clock.now().toISOString();

  function actorOf(ctx: UseCaseContext): Actor {
    if (!ctx || typeof ctx !== 'object') {
      throw new ValidationError([{ path: 'ctx.actor', message: 'a context { actor } is required' }], {
        context: 'context',
      });
    }
    // The common already-normal actor is rebuilt without zod (same output); anything else is parsed.
    return normalActor(ctx.actor) ?? parseInput(actorSchema(), ctx.actor, 'actor');
  }

  function toRef<T extends { incident_id: string }>(ref: string | T): T {
    return (typeof ref === 'string' ? { incident_id: ref } : ref) as T;
  }

  async function load(incidentId: string): Promise<Incident> {
    const found = await store.getIncident(incidentId);
    if (!found) throw new NotFoundError('Incident', incidentId);
    return (await followLink(store, found)).incident;
  }

  /**
   * What a read permission check needs of an incident, following a link tombstone one step as
   * {@link load} does: the store's narrow read when it offers one (`getIncidentAccess`), else the
   * whole record. For reads that return something other than the incident itself (the timeline).
   */
  async function loadAccess(incidentId: string): Promise<IncidentAccess> {
    if (!store.getIncidentAccess) return load(incidentId);
    const found = await store.getIncidentAccess(incidentId);
    if (!found) throw new NotFoundError('Incident', incidentId);
    if (!found.merged_into) return found;
    return (await store.getIncidentAccess(found.merged_into)) ?? found;
  }

  /** Customers must not learn that other customers' incidents exist: NotFoundError, as for a missing id. */
  function hideFromOtherCustomers(actor: Actor, incident: IncidentAccess, requestedId: string): void {
    if (isCustomerOnly(actor) && incident.metadata.created_by !== actor.id) {
      throw new NotFoundError('Incident', requestedId);
    }
  }

  /** What a customer sees of an incident: not the internal work record (its progress notes are INTERNAL entries). */
  function customerView<T extends Incident>(actor: Actor, incident: T): T {
    if (!isCustomerOnly(actor) || incident.cline_work === undefined) return incident;
    const { cline_work: _internal, ...visible } = incident;
    return visible as T;
  }

  function buildInteractions(
    incident: Incident,
    revision: number,
    now: string,
    actor: Actor,
    items: DraftInteraction[],
  ): Interaction[] {
    return items.map((item) => ({
      interaction_id: ids.interactionId(),
      incident_id: incident.incident_id,
      revision,
      created_at: item.created_at ?? now,
      metadata: item.metadata ?? {},
      type: item.type,
      author: item.author ?? actor.id,
      text: item.text ?? '',
      visibility: item.visibility,
      source: item.source,
      ...(item.external_id ? { external_id: item.external_id } : {}),
    }));
  }

  /**
   * Reads version 0, lets `change` compute the next state, and writes it conditionally on the revision
   * read (or the caller's `expected_revision`). With `retries`, a concurrent change re-runs `change` on
   * the fresh record (for commutative changes such as comments).
   */
  async function mutate(
    ref: { incident_id: string; expected_revision?: number | undefined },
    ctx: UseCaseContext,
    change: (current: Incident, now: string, actor: Actor) => Mutation | Promise<Mutation>,
    retries = 0,
  ): Promise<{ incident: Incident; interactions: Interaction[] }> {
    const actor = actorOf(ctx);
    for (let attempt = 0; ; attempt++) {
      const current = await load(ref.incident_id);
      hideFromOtherCustomers(actor, current, ref.incident_id);
      if (ref.expected_revision !== undefined && ref.expected_revision !== current.revision) {
        throw ConflictError.staleRevision({
          id: current.incident_id,
          expectedRevision: ref.expected_revision,
          actualRevision: current.revision,
        });
      }
      const now = nowIso();
      const { next, interactions = [], notes } = await change(current, now, actor);
      const record = nextRevision(current, next, { now, actorId: actor.id, notes: ctx.notes ?? notes });
      const revision = record.revision;
      updateSla(record, now);
      const rows = buildInteractions(record, revision, now, actor, interactions);
      const outbound = outboundFor(current, record, rows, actor, now, ids, options.outboundMaxAttempts);
      try {
        // Built here from the validated record read and validated inputs: the store need not re-parse it.
        await store.updateIncident(
          markValidated({
            incident: record,
            expectedRevision: current.revision,
            interactions: rows,
            ...(outbound.length ? { outbound } : {}),
            // A KB mark made after our read must survive a change that is not about the KB.
            ...(sameJson(current.kb_sync_status, record.kb_sync_status) ? { keepKbSyncStatus: true } : {}),
          }),
        );
        return { incident: record, interactions: rows };
      } catch (err) {
        const stale = err instanceof ConflictError && err.details.reason === 'stale_revision';
        if (stale && ref.expected_revision === undefined && attempt < retries) continue;
        throw err;
      }
    }
  }

  function statusEntries(before: Incident, after: Incident, actor: Actor, reason?: string) {
    const entries: DraftInteraction[] = [];
    if (before.assigned_to !== after.assigned_to) {
      entries.push({
        type: 'assignment',
        author: actor.id,
        text: after.assigned_to ? `Assigned to ${after.assigned_to}` : `Unassigned (was ${before.assigned_to})`,
        visibility: 'PUBLIC',
        source: 'MANUAL',
        metadata: { from: before.assigned_to ?? null, to: after.assigned_to ?? null },
      });
    }
    if (before.status !== after.status) {
      entries.push({
        type: after.status === 'CLOSED' ? 'closure' : 'status_change',
        author: actor.id,
        text: `${before.status} → ${after.status}${reason ? `: ${reason}` : ''}`,
        visibility: 'PUBLIC',
        source: 'MANUAL',
        metadata: { from: before.status, to: after.status },
      });
    }
    return entries;
  }

  function ensureClineWork(
    incident: Incident,
    now: string,
    actor: Actor,
    session?: { session_id?: string; workspace?: string },
  ) {
    const work = incident.cline_work ?? {
      started_at: now,
      last_updated: now,
      developer: actor.id,
      progress_notes: [],
      time_tracking: { total_minutes: 0, sessions: [] },
    };
    work.last_updated = now;
    if (session?.session_id) work.session_id = session.session_id;
    if (session?.workspace) work.workspace = session.workspace;
    incident.cline_work = work;
    return work;
  }

  function trackTime(incident: Incident, now: string, actor: Actor, minutes: number | undefined, sessionId?: string) {
    if (minutes === undefined) return;
    const work = ensureClineWork(incident, now, actor);
    const started = new Date(Date.parse(now) - minutes * 60_000).toISOString();
    work.time_tracking.sessions.push({
      session_id: sessionId ?? work.session_id ?? ids.sessionId(),
      started_at: started,
      ended_at: now,
      duration_minutes: minutes,
    });
    work.time_tracking.total_minutes = Math.round((work.time_tracking.total_minutes + minutes) * 100) / 100;
  }

  /** A plain transition use case: permission check, state machine, timeline entries. */
  function transition(action: Action, permission: 'update' | 'assign' | 'claim') {
    return async (refInput: string | ReasonInput, ctx: UseCaseContext): Promise<Incident> => {
      const ref = parseInput(reasonInputSchema(), toRef(refInput));
      const { incident } = await mutate(ref, ctx, (current, now, actor) => {
        if (permission === 'update') requireCanUpdate(actor, current);
        const next = applyTransition(current, action, { now, actorId: actor.id });
        if (action === 'start') ensureClineWork(next, now, actor);
        if (action === 'close' || action === 'reopen' || action === 'cancel') applyKbState(current, next);
        return {
          next,
          interactions: statusEntries(current, next, actor, ref.reason),
          notes: `${action}${ref.reason ? `: ${ref.reason}` : ''}`,
        };
      });
      return incident;
    };
  }

  /** Keeps `kb_sync_status` consistent with the lifecycle (R-KB-6): closing queues the document, reopening withdraws it. */
  function applyKbState(before: Incident, next: Incident) {
    const kb = next.kb_sync_status;
    if (next.status === 'CLOSED') {
      next.kb_sync_status = { state: 'PENDING', synced: false, sync_attempts: 0 };
      if (kb.document_key) next.kb_sync_status.document_key = kb.document_key;
    } else if (
      before.kb_sync_status.synced ||
      before.kb_sync_status.document_key ||
      // A closed incident's document may have been uploaded by a job that crashed before marking it:
      // withdraw it anyway (deleting a missing document is harmless, an orphaned one is not).
      before.status === 'CLOSED'
    ) {
      next.kb_sync_status = { ...kb, state: 'WITHDRAW_PENDING', synced: false };
    } else {
      next.kb_sync_status = { state: 'NOT_APPLICABLE', synced: false, sync_attempts: 0 };
    }
  }

  /**
   * Assignees must be registered, active users (looked up case-insensitively by the store): an
   * incident assigned to a mistyped or made-up address would sit with nobody. Call it only after the
   * permission check, so that people who may not assign do not learn who is registered. Returns the
   * email as the store holds it. The acting actor may always assign to themselves: the app has
   * already vouched for who they are (e.g. the CLI's local admin on a local database).
   */
  async function requireRegisteredAssignee(
    email: string,
    field: 'assignee' | 'assigned_to',
    actor: Actor,
  ): Promise<string> {
    if (email === actor.id) return email;
    const user = await store.getUser(email);
    if (!user) {
      throw new ValidationError([{ path: field, message: `${email} is not a registered user` }], {
        context: 'assignee',
      });
    }
    if (!user.active) {
      throw new ValidationError([{ path: field, message: `${email} is not an active user` }], {
        context: 'assignee',
      });
    }
    return user.email;
  }

  function toComment(i: Interaction): Comment {
    return {
      comment_id: i.interaction_id,
      author: i.author,
      timestamp: i.created_at,
      text: i.text,
      source: i.source,
      visibility: i.visibility,
      ...(i.external_id ? { external_id: i.external_id } : {}),
    };
  }

  const service: IncidentService = {
    async create(input, ctx) {
      const actor = actorOf(ctx);
      requirePermission(actor, 'incidents.insert');
      const data = parseInput(createIncidentInputSchema(), input, 'incident');
      if (data.assigned_to) requirePermission(actor, 'incidents.assign');
      // Binding an incident to a source system's record is an import: a person who could do it would
      // receive that record's content on the next sync and push their comments to it.
      const sourceField = importFieldOf(data);
      if (sourceField) {
        requireImport(actor, sourceField);
      }
      if (data.incident_id && isCustomerOnly(actor)) {
        throw new ValidationError([{ path: 'incident_id', message: 'customers cannot choose incident ids' }]);
      }
      if (data.assigned_to) data.assigned_to = await requireRegisteredAssignee(data.assigned_to, 'assigned_to', actor);
      const now = nowIso();
      const createdAt = data.created_at ?? now;
      const incidentId = data.incident_id ?? ids.incidentId();
      const dueDate =
        data.due_date ??
        (sla ? new Date(Date.parse(createdAt) + (sla[data.severity] ?? 0) * 60_000).toISOString() : undefined);
      const draft: Incident = incidentSchema().parse({
        incident_id: incidentId,
        version: 0,
        revision: 1,
        external_id: data.external_id ?? incidentId,
        source_system: data.source_system,
        ...(data.source_url ? { source_url: data.source_url } : {}),
        title: data.title,
        description: data.description,
        category: data.category,
        ...(data.subcategory ? { subcategory: data.subcategory } : {}),
        severity: data.severity,
        priority: data.priority ?? SEVERITY_TO_PRIORITY[data.severity],
        status: 'NEW',
        ...(data.team ? { team: data.team } : {}),
        created_at: createdAt,
        updated_at: now,
        ...(dueDate ? { due_date: dueDate } : {}),
        affected_systems: data.affected_systems,
        affected_services: data.affected_services,
        environment: data.environment,
        technical_details: data.technical_details,
        attachments: data.attachments,
        tags: data.tags,
        labels: data.labels,
        metadata: { created_by: actor.id, last_modified_by: actor.id, version_notes: ctx.notes ?? 'created' },
      });
      let incident = draft;
      const entries: DraftInteraction[] = [];
      if (data.assigned_to) {
        incident = applyTransition(draft, 'assign', { now, actorId: actor.id, assignee: data.assigned_to });
        entries.push(...statusEntries(draft, incident, actor));
      }
      updateSla(incident, now);
      const interactions = buildInteractions(incident, 1, now, actor, entries);
      try {
        await store.createIncident(markValidated({ incident, interactions }));
      } catch (err) {
        if (err instanceof ConflictError && err.details.reason === 'duplicate_source') {
          // The store names the incident that owns the source record; the caller may not be allowed to see it.
          throw new ConflictError(
            `Another incident is already bound to ${incident.source_system} record ${incident.external_id}`,
            { entity: 'Incident', id: incident.incident_id, reason: 'duplicate_source' },
          );
        }
        throw err;
      }
      return incident;
    },

    async get(incidentId, ctx, opts = {}) {
      const actor = actorOf(ctx);
      const id = parseInput(incidentRefSchema(), { incident_id: incidentId }).incident_id;
      const found = await store.getIncident(id);
      if (!found) throw new NotFoundError('Incident', id);
      const { incident, redirectedFrom } =
        opts.followLinks === false ? { incident: found, redirectedFrom: undefined } : await followLink(store, found);
      try {
        requireCanRead(actor, incident);
      } catch (err) {
        // Customers must not learn that other customers' incidents exist.
        if (isCustomerOnly(actor)) throw new NotFoundError('Incident', id);
        throw err;
      }
      const includeInternal = canSeeInternal(actor);
      const [comments, sourceRecords] = await Promise.all([
        opts.comments === false
          ? Promise.resolve([] as Interaction[])
          : collectAll((cursor) =>
              store.listInteractions(incident.incident_id, {
                order: 'asc',
                includeInternal,
                types: ['comment'],
                limit: 500,
                cursor,
              }),
            ),
        store.listSourceRecords(incident.incident_id),
      ]);
      return {
        ...customerView(actor, incident),
        comments: comments.map(toComment),
        source_records: sourceRecords,
        ...(redirectedFrom ? { redirected_from: redirectedFrom } : {}),
      };
    },

    async query(query, page, ctx) {
      const actor = actorOf(ctx);
      requirePermission(actor, 'incidents.select');
      const q = parseInput(incidentQuerySchema(), query, 'query') as IncidentQuery;
      const p = parseInput(pageInputSchema(), page ?? {}, 'page');
      // `q` is the parsed input: a store may skip parsing it again (markValidated).
      const result = await store.queryIncidents(markValidated(q), p);
      if (isCustomerOnly(actor)) {
        // Customers see only what they reported; the cursor still says whether more pages exist.
        return {
          items: result.items.filter((i) => i.metadata.created_by === actor.id).map((i) => customerView(actor, i)),
          cursor: result.cursor,
        };
      }
      return result;
    },

    async claim(refInput, ctx) {
      const ref = parseInput(incidentRefSchema(), toRef(refInput));
      const claimError = (current: Incident) =>
        new ConflictError(`Incident ${current.incident_id} is already assigned to ${current.assigned_to}`, {
          entity: 'Incident',
          id: current.incident_id,
          assignedTo: current.assigned_to,
          actualRevision: current.revision,
          reason: 'already_assigned',
        });
      try {
        const { incident } = await mutate(ref, ctx, (current, now, actor) => {
          requirePermission(actor, 'incidents.update', current.incident_id);
          if (current.assigned_to && current.assigned_to !== actor.id) throw claimError(current);
          const next = applyTransition(current, 'claim', { now, actorId: actor.id, assignee: actor.id });
          return { next, interactions: statusEntries(current, next, actor), notes: `claimed by ${actor.id}` };
        });
        return incident;
      } catch (err) {
        if (err instanceof ConflictError && err.details.reason === 'stale_revision') {
          const current = await store.getIncident(ref.incident_id);
          if (current?.assigned_to) throw claimError(current);
        }
        throw err;
      }
    },

    async assign(input, ctx) {
      const data = parseInput(assignInputSchema(), input);
      const { incident } = await mutate(data, ctx, async (current, now, actor) => {
        requireCanAssign(actor, current, data.assignee);
        const assignee = await requireRegisteredAssignee(data.assignee, 'assignee', actor);
        const next = applyTransition(current, 'assign', { now, actorId: actor.id, assignee });
        return { next, interactions: statusEntries(current, next, actor), notes: `assigned to ${assignee}` };
      });
      return incident;
    },

    release: transition('release', 'update'),
    startWork: transition('start', 'update'),
    setPending: transition('pending', 'update'),
    close: transition('close', 'update'),
    reopen: transition('reopen', 'update'),
    cancel: transition('cancel', 'update'),

    async updateProgress(input, ctx) {
      const data = parseInput(updateProgressInputSchema(), input, 'progress');
      const { incident } = await mutate(data, ctx, (current, now, actor) => {
        requireCanUpdate(actor, current);
        const next = applyTransition(current, 'progress', { now, actorId: actor.id });
        const work = ensureClineWork(next, now, actor, data);
        if (data.analysis) work.analysis = { ...work.analysis, ...data.analysis };
        const entries = statusEntries(current, next, actor);
        if (data.progress_notes) {
          work.progress_notes.push({ at: now, by: actor.id, text: data.progress_notes });
          entries.push({
            type: 'comment',
            author: actor.id,
            text: data.progress_notes,
            visibility: 'INTERNAL',
            source: data.session_id ? 'CLINE' : 'MANUAL',
            metadata: { kind: 'progress' },
          });
        }
        trackTime(next, now, actor, data.time_spent_minutes, data.session_id);
        return { next, interactions: entries, notes: 'progress updated' };
      });
      return incident;
    },

    async resolve(input, ctx) {
      const data = parseInput(resolveInputSchema(), input, 'resolution');
      const { incident } = await mutate(data, ctx, (current, now, actor) => {
        requireCanUpdate(actor, current);
        const rootCause = data.root_cause ?? current.cline_work?.analysis?.root_cause;
        if (!rootCause) {
          throw new ValidationError([
            { path: 'root_cause', message: 'root_cause is required (no analysis with a root cause was recorded)' },
          ]);
        }
        const next = applyTransition(current, 'resolve', { now, actorId: actor.id });
        const work = ensureClineWork(next, now, actor);
        work.solution = {
          description: data.solution,
          steps: data.steps,
          ...(data.code_changes ? { code_changes: data.code_changes } : {}),
          ...(data.commands_executed ? { commands_executed: data.commands_executed } : {}),
          ...(data.tests_performed ? { tests_performed: data.tests_performed } : {}),
        };
        trackTime(next, now, actor, data.time_spent_minutes);
        next.resolution = {
          resolved_by: actor.id,
          resolved_at: now,
          resolution_type: data.resolution_type,
          resolution_description: data.solution,
          root_cause: rootCause,
          documentation_updated: data.documentation_updated,
          ...(data.preventive_actions ? { preventive_actions: data.preventive_actions } : {}),
        };
        return {
          next,
          interactions: statusEntries(current, next, actor, `${data.resolution_type}: ${data.solution}`),
          notes: `resolved (${data.resolution_type})`,
        };
      });
      return incident;
    },

    async addComment(input, ctx) {
      const data = parseInput(addCommentInputSchema(), input, 'comment');
      const { interactions } = await mutate(
        data,
        ctx,
        (current, now, actor) => {
          requireCanRead(actor, current);
          requirePermission(
            actor,
            data.visibility === 'INTERNAL' ? 'interactions.insert_internal' : 'interactions.insert',
          );
          if ((data.author && data.author !== actor.id) || data.created_at) {
            requirePermission(actor, 'incidents.assign', current.incident_id);
          }
          if (data.external_id !== undefined) requireImport(actor, 'external_id', current.incident_id);
          if ((SOURCE_SYSTEMS as readonly string[]).includes(data.source) && data.source !== 'MANUAL') {
            requireImport(actor, 'source', current.incident_id);
          }
          const next = cloneJson(current);
          const operatorReply =
            data.visibility === 'PUBLIC' && !isCustomerOnly(actor) && actor.id !== current.metadata.created_by;
          if (operatorReply && next.metrics.response_time_minutes === undefined) {
            next.metrics.response_time_minutes = minutesBetween(current.created_at, now);
          }
          return {
            next,
            interactions: [
              {
                type: 'comment' as InteractionType,
                author: data.author ?? actor.id,
                text: data.text,
                visibility: data.visibility as Visibility,
                source: data.source,
                ...(data.external_id ? { external_id: data.external_id } : {}),
                ...(data.created_at ? { created_at: data.created_at } : {}),
              },
            ],
            notes: `${data.visibility.toLowerCase()} comment by ${data.author ?? actor.id}`,
          };
        },
        5,
      );
      const row = interactions[0];
      if (!row) throw new IncidentsError('store', 'comment was not written', { userError: false });
      return toComment(row);
    },

    async timeline(incidentId, page, ctx) {
      const actor = actorOf(ctx);
      const id = parseInput(incidentRefSchema(), { incident_id: incidentId }).incident_id;
      // Only the fields the checks read (id, link target, creator), not the whole record.
      const incident = await loadAccess(id);
      hideFromOtherCustomers(actor, incident, id);
      requireCanRead(actor, incident);
      requirePermission(actor, 'interactions.select', incident.incident_id);
      const p = parseInput(pageInputSchema(), page ?? {}, 'page');
      return store.listInteractions(incident.incident_id, {
        ...p,
        order: 'desc',
        includeInternal: canSeeInternal(actor),
      });
    },

    async history(incidentId, page, ctx) {
      const actor = actorOf(ctx);
      const id = parseInput(incidentRefSchema(), { incident_id: incidentId }).incident_id;
      const incident = await store.getIncident(id);
      if (!incident) throw new NotFoundError('Incident', id);
      hideFromOtherCustomers(actor, incident, id);
      requireCanRead(actor, incident);
      if (isCustomerOnly(actor)) requirePermission(actor, 'interactions.select_internal', id);
      const p = parseInput(pageInputSchema(), page ?? {}, 'page');
      return store.listVersions(id, p);
    },

    async metrics(input, ctx) {
      const actor = actorOf(ctx);
      requirePermission(actor, 'metrics.select');
      const filter = parseInput(metricsInputSchema(), input ?? {}, 'metrics filter');
      const aggregate = await store.aggregateMetrics(filter);
      return buildMetricsReport(aggregate, filter, nowIso());
    },

    async link(input, ctx) {
      const actor = actorOf(ctx);
      const data = parseInput(linkInputSchema(), input, 'link');
      requirePermission(actor, 'incidents.assign');
      if (data.from === data.to) {
        throw new ValidationError([{ path: 'to', message: 'cannot link an incident into itself' }]);
      }
      const [from, to] = await Promise.all([store.getIncident(data.from), store.getIncident(data.to)]);
      if (!from) throw new NotFoundError('Incident', data.from);
      if (!to) throw new NotFoundError('Incident', data.to);
      if (to.merged_into) {
        throw new ValidationError([
          { path: 'to', message: `${to.incident_id} is linked into ${to.merged_into}; link into that one` },
        ]);
      }
      if (from.merged_into) {
        if (from.merged_into === to.incident_id) {
          // Completing an interrupted link: the store moves what is left, without new versions.
          await store.linkIncidents({
            from,
            fromExpectedRevision: from.revision,
            to,
            toExpectedRevision: to.revision,
            resume: true,
          });
          return to;
        }
        throw new ValidationError([
          { path: 'from', message: `${from.incident_id} is already linked into ${from.merged_into}` },
        ]);
      }
      const now = nowIso();
      const notes = ctx.notes ?? `linked ${from.incident_id} into ${to.incident_id}`;
      const stamp = { now, actorId: actor.id, notes };
      const nextFrom = nextRevision(from, { ...from, merged_into: to.incident_id }, stamp);
      const related = new Set([...(to.technical_details.related_incidents ?? []), from.incident_id]);
      const nextTo = nextRevision(
        to,
        {
          ...to,
          tags: [...new Set([...to.tags, ...from.tags])],
          technical_details: { ...to.technical_details, related_incidents: [...related] },
        },
        stamp,
      );
      const interactions = buildInteractions(nextTo, nextTo.revision, now, actor, [
        {
          type: 'status_change',
          author: actor.id,
          text: `Linked ${from.incident_id} (${from.source_system}) into this incident`,
          visibility: 'INTERNAL',
          source: 'MANUAL',
          metadata: { linked_from: from.incident_id },
        },
      ]);
      await store.linkIncidents({
        from: nextFrom,
        fromExpectedRevision: from.revision,
        to: nextTo,
        toExpectedRevision: to.revision,
        interactions,
      });
      return nextTo;
    },

    async findSimilar(input, opts, ctx) {
      const actor = actorOf(ctx);
      requirePermission(actor, 'incidents.select');
      if (isCustomerOnly(actor)) {
        // Past incidents are other customers' records (with internal analysis): staff and services only.
        throw new PermissionDeniedError(actor.id, 'incidents.select', 'customers cannot search other incidents');
      }
      if (!knowledgeBase) {
        throw new IncidentsError(
          'config',
          'No knowledge base is configured: pass knowledgeBase to createIncidentService',
          {
            userError: true,
          },
        );
      }
      const data = parseInput(findSimilarInputSchema(), input, 'similar-incident query');
      let text: string;
      let self: string | undefined;
      if ('incident_id' in data) {
        const incident = await load(data.incident_id);
        requireCanRead(actor, incident);
        self = incident.incident_id;
        text = [incident.title, incident.description, ...(incident.technical_details.error_messages ?? [])].join('\n');
      } else {
        text = data.text;
      }
      const limit = Math.min(Math.max(opts?.limit ?? 5, 1), 50);
      const results = await knowledgeBase.retrieve({
        text,
        limit: limit + (self ? 1 : 0),
        ...(opts?.filters ? { filters: opts.filters } : {}),
      });
      return results.filter((r) => r.incident_id !== self).slice(0, limit);
    },

    async putUser(input, ctx) {
      const actor = actorOf(ctx);
      requirePermission(actor, 'users.insert');
      const data = parseInput(createUserInputSchema(), input, 'user');
      const existing = await store.getUser(data.email);
      const user: User = {
        email: data.email,
        name: data.name ?? existing?.name ?? data.email.split('@')[0] ?? data.email,
        role: data.role,
        active: data.active,
        created_at: existing?.created_at ?? nowIso(),
        ...(data.team ? { team: data.team } : {}),
      };
      await store.putUser(user);
      return user;
    },

    async listUsers(page, ctx) {
      const actor = actorOf(ctx);
      requirePermission(actor, 'users.select');
      return store.listUsers(parseInput(pageInputSchema(), page ?? {}, 'page'));
    },

    async getUser(email, ctx) {
      const actor = actorOf(ctx);
      if (actor.id !== email) requirePermission(actor, 'users.select');
      const user = await store.getUser(email);
      if (!user) throw new NotFoundError('User', email);
      return user;
    },

    async updateUser(email, changes, ctx) {
      const actor = actorOf(ctx);
      requirePermission(actor, 'users.update');
      const data = parseInput(updateUserInputSchema(), changes, 'user');
      const existing = await store.getUser(email);
      if (!existing) throw new NotFoundError('User', email);
      if (existing.email === actor.id && (data.active === false || (data.role && data.role !== existing.role))) {
        throw new ValidationError([
          {
            path: data.active === false ? 'active' : 'role',
            message: 'you cannot deactivate yourself or change your own role',
          },
        ]);
      }
      const { team: _team, ...rest } = existing;
      const team = data.team === null ? undefined : (data.team ?? existing.team);
      const user: User = {
        ...rest,
        ...(data.name !== undefined ? { name: data.name } : {}),
        ...(data.role !== undefined ? { role: data.role } : {}),
        ...(data.active !== undefined ? { active: data.active } : {}),
        ...(team !== undefined ? { team } : {}),
      };
      await store.putUser(user);
      return user;
    },

    async setUserCredentials(email, input, ctx) {
      const actor = actorOf(ctx);
      if (actor.id !== email) requirePermission(actor, 'users.update');
      const data = parseInput(setUserCredentialsInputSchema(), input, 'credentials');
      if (!store.setUserCredentials) {
        throw new IncidentsError('unsupported', 'this store does not keep login credentials', { userError: true });
      }
      const user = await store.getUser(email);
      if (!user) throw new NotFoundError('User', email);
      await store.setUserCredentials(user.email, { password_hash: data.password_hash, updated_at: nowIso() });
    },

    async authenticate(email, verify) {
      if (!store.getUserCredentials) {
        throw new IncidentsError('unsupported', 'this store does not keep login credentials', { userError: true });
      }
      if (typeof email !== 'string' || email.length === 0 || email.length > 320) return null;
      const user = await store.getUser(email);
      if (!user?.active) return null;
      const credentials = await store.getUserCredentials(user.email);
      if (!credentials) return null;
      if (!(await verify(credentials.password_hash))) return null;
      const actor: Actor = { id: user.email, roles: [user.role], ...(user.team ? { team: user.team } : {}) };
      return { user, actor };
    },
  };
  return service;
}

/** The first field of a create input that binds the incident to a source system's record, if any. */
function importFieldOf(data: {
  source_system: string;
  external_id?: string | undefined;
  source_url?: string | undefined;
}): string | undefined {
  if (data.source_system !== 'MANUAL') return 'source_system';
  if (data.external_id !== undefined) return 'external_id';
  if (data.source_url !== undefined) return 'source_url';
  return undefined;
}

/** Throws unless the actor may set `field`, a source-system binding (`incidents.import`: sync and admins). */
function requireImport(actor: Actor, field: string, incidentId?: string): void {
  if (hasPermission(actor, 'incidents.import')) return;
  throw new PermissionDeniedError(
    actor.id,
    'incidents.import',
    `${field} binds to a source system's record; only the sync service and admins import`,
    incidentId,
  );
}

/** Statuses considered "open" (for "my open incidents"). */
export const MY_OPEN_STATUSES = OPEN_STATUSES;

/**
 * # The IncidentStore port — how to write a store
 *
 * A store persists incidents for {@link createIncidentService}. `@incidents/store-turso` (libSQL)
 * and `@incidents/store-dynamo` (DynamoDB, ElectroDB) implement it; any other store must pass the
 * same contract suite, `runIncidentStoreContract` from `@incidents/core/testing`.
 *
 * ## Data model
 * - **Version 0** of an incident is the current record. Every change N (N ≥ 1, starting with the
 *   creation) also writes **history version N**: a full snapshot of the record after that change
 *   (its `version` field is N, its `revision` is N). `revision` of version 0 is therefore the number of
 *   changes so far and equals its latest history version.
 * - **Interactions** (comments, status changes, assignments, closures) and **source records** are
 *   their own rows/items, never embedded in the incident (a DynamoDB item is capped at 400 KB).
 * - (`source_system`, `external_id`) is unique across incidents.
 *
 * ## Guarantees every method must give
 * - **Atomicity**: a write (`createIncident`, `updateIncident`, `linkIncidents`) commits all of its
 *   rows — version 0, history version, interactions, source records — or none of them.
 * - **Optimistic concurrency**: `updateIncident` and `linkIncidents` succeed only if version 0 still
 *   has the revision the caller read; otherwise they throw {@link ConflictError} with
 *   `reason: 'stale_revision'` and write nothing. Of N concurrent writers with the same expected
 *   revision exactly one wins.
 * - **Errors**: only {@link IncidentsError}s for expected outcomes: `ConflictError` (stale revision,
 *   existing id, duplicate source), `NotFoundError` (updating a missing incident). Driver errors are
 *   wrapped in `IncidentsError('store', …)` with the driver error as `cause`. Per method, for an id
 *   that does not exist: `getIncident`, `getVersion`, `findBySource`, `getUser` answer `null`;
 *   `listVersions`, `listInteractions` answer an empty page (`cursor: null`), `listSourceRecords` an
 *   empty array; `updateIncident` throws `NotFoundError` (`not_found`, entity `Incident`);
 *   `createIncident` of an existing id throws `ConflictError` `already_exists`.
 * - **Validation paths**: a bad argument is a `ValidationError` (`validation`) whose issues name the
 *   field from the method's parameter: `write.incident.title`, `write.from.merged_into`,
 *   `write.interactions.0.text`, `write.expectedRevision` for the write methods; nothing is written.
 * - **Link tombstones are not incidents**: once `from` is linked into `to` it redirects there, and
 *   `aggregateMetrics` does not count it (its interactions and records count in `to`).
 * - **Pagination**: every list takes `{ limit, cursor }` and returns `{ items, cursor }`. `cursor` is
 *   `null` only when there is nothing after the last item returned; a page may never silently drop
 *   items that match (no `Limit` + filter tricks). Cursors are opaque strings, valid across
 *   processes, and a page's `items.length` is at most `limit` (default {@link DEFAULT_PAGE_SIZE},
 *   capped at {@link MAX_PAGE_SIZE}). A `limit` below 1 (`0`, negative) asks for the default page
 *   size, never for an empty page (`pageLimit` applies this rule; the service rejects such limits
 *   before they reach a store).
 * - **Ordering**: see {@link IncidentQuery} for each access pattern; records with equal sort keys come
 *   in ascending `incident_id` order, on one page and across pages.
 * - Records come back exactly as written (same fields, no extra `undefined`s) and validated by the
 *   model's schema.
 * - **Sync state** ({@link SyncStateStore}): pull cursors and the outbound queue, whose item changes
 *   are conditional on the status and attempts read.
 *
 * @module
 */
import type { Priority, Severity, SourceSystem, Status } from '../model/enums.js';
import type { Incident } from '../model/incident.js';
import type { Interaction, SourceRecord } from '../model/interaction.js';
import type { InteractionType } from '../model/enums.js';
import type { User, UserCredentials } from '../model/user.js';
import type { KbSyncStore } from './kb-sync-store.js';
import type { OutboundItem, SyncStateStore } from './sync-store.js';

/** Default number of items per page. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest page a store returns; larger `limit`s are clamped. */
export const MAX_PAGE_SIZE = 500;

/**
 * A page request, read the same way by every paged method of every store (`pageLimit` in
 * `@incidents/core/store-kit`; checked by the contract suite).
 */
export interface PageRequest {
  /**
   * Items per page, 1…{@link MAX_PAGE_SIZE}; default {@link DEFAULT_PAGE_SIZE}. Absent, `NaN` or
   * below 1 (0, negative, 0.5) asks for the default — never for an empty page; a fraction is floored
   * (1.9 is 1); above the maximum (Infinity included) is clamped to it; a value that is not a number
   * is a `ValidationError` on `page.limit`. (The service's own inputs are stricter: 1…500.)
   */
  limit?: number;
  /** The `cursor` of the previous page; omit or `null` for the first page. */
  cursor?: string | null;
}

/**
 * A page of results. `cursor` is `null` only when there are no more items; incidents with equal
 * sort keys come in `incident_id` order, on one page and across pages.
 */
export interface Page<T> {
  items: T[];
  cursor: string | null;
}

/**
 * The access patterns R-ACCESS-1…6, one per index of the DynamoDB design. Where `status` takes a list,
 * results come in the canonical status order (`STATUSES`), then by the pattern's sort key.
 *
 * | `by` | partition | order |
 * |---|---|---|
 * | `status` | status (one or many) | priority, created_at |
 * | `assignee` | assigned_to (+ statuses, + priority) | status, priority, created_at |
 * | `team` | team (+ statuses) | status, created_at |
 * | `category` | category (+ severity) | severity (CRITICAL first), created_at |
 * | `source` | source_system (+ external_id) | external_id |
 * | `due` | status (one or many), only incidents with a due date | due_date |
 *
 * `text` (patterns `status`, `assignee`, `team` and `due`) keeps only the incidents whose
 * `incident_id`, `title` or `description` contains it — a substring, case-insensitive for ASCII
 * letters; `%`, `_` and `\` are plain characters. It narrows the pattern's partition (pages stay
 * complete and in the pattern's order); it is not a ranked search (that is the knowledge base's).
 */
export type IncidentQuery =
  | { by: 'status'; status: Status | readonly Status[]; priority?: Priority; text?: string }
  | {
      by: 'assignee';
      assigned_to: string;
      status?: Status | readonly Status[];
      /**
       * Only incidents of this priority. A key condition, not a filter: the assignee index is ordered
       * by status, then priority (libSQL `idx_incidents_assignee`, DynamoDB GSI-2 `status#priority#…`),
       * so a page reads only matching entries whatever the assignee's other incidents.
       */
      priority?: Priority;
      text?: string;
    }
  | { by: 'team'; team: string; status?: Status | readonly Status[]; text?: string }
  | { by: 'category'; category: string; severity?: Severity }
  | { by: 'source'; source_system: SourceSystem; external_id?: string }
  | { by: 'due'; status: Status | readonly Status[]; due_before?: string; text?: string };

/** Options of {@link IncidentStore.listInteractions}. */
export interface ListInteractionsOptions extends PageRequest {
  /** `desc` (newest first, the timeline) by default. */
  order?: 'asc' | 'desc';
  /** Include INTERNAL entries; default `false`. */
  includeInternal?: boolean;
  /** Only these types; default all. */
  types?: readonly InteractionType[];
}

/** What a new incident is written with. */
export interface CreateIncidentWrite {
  /** The new record: `version` 0, `revision` 1. */
  incident: Incident;
  /** Timeline entries written in the same transaction. */
  interactions?: Interaction[];
  /** Source records written in the same transaction. */
  sourceRecords?: SourceRecord[];
}

/**
 * What a read permission check needs of an incident (R-SEC-1: customers see only what they reported;
 * a link tombstone redirects to its target): a subset of {@link Incident}, so a whole record is one.
 */
export interface IncidentAccess {
  /** The incident's id. */
  incident_id: string;
  /** Set on a link tombstone: the id of the incident it was linked into. */
  merged_into?: string;
  /** Who created the incident (`metadata.created_by`). */
  metadata: Pick<Incident['metadata'], 'created_by'>;
}

/** A change to an existing incident. */
export interface UpdateIncidentWrite {
  /** The record after the change: `version` 0 and `revision === expectedRevision + 1`. */
  incident: Incident;
  /** The revision the caller read; the write fails with `ConflictError` if version 0 has another. */
  expectedRevision: number;
  interactions?: Interaction[];
  /** Source records to insert or replace (keyed by incident, source system and record id). */
  sourceRecords?: SourceRecord[];
  /**
   * Outbound sync items (transactional outbox) inserted in the same transaction: written only if the
   * update is. See {@link SyncStateStore}.
   */
  outbound?: OutboundItem[];
  /**
   * `true` when the change did not touch `kb_sync_status`: the store then keeps the stored value
   * instead of the record's. The knowledge-base job's marks (`markKbSynced`, `markKbSyncFailed`)
   * change it without a new revision, so a write computed from a read taken before a mark would
   * otherwise undo the mark (the document would be exported again and failed attempts forgotten).
   * The history version written with the change carries the kept value too.
   */
  keepKbSyncStatus?: boolean;
}

/** Linking `from` into `to` (R-SOURCE-4): both records change, `from` becomes a tombstone. */
export interface LinkIncidentsWrite {
  /** `from` after the change: `merged_into` set to `to`'s id, revision bumped. */
  from: Incident;
  fromExpectedRevision: number;
  /** `to` after the change, revision bumped. */
  to: Incident;
  toExpectedRevision: number;
  /** Entries recorded on `to` about the link. */
  interactions?: Interaction[];
  /**
   * `true` when completing an interrupted link: `from` already carries `merged_into` (and `from`/`to`
   * are passed as currently stored, revisions unchanged). The store then writes no record or
   * version — it only moves the interactions and source records still left under `from`.
   */
  resume?: boolean;
}

/** Filter for {@link IncidentStore.aggregateMetrics}: incidents created in [`from`, `to`). */
export interface MetricsFilter {
  team?: string;
  assigned_to?: string;
  /** Inclusive lower bound on `created_at` (ISO). */
  from?: string;
  /** Exclusive upper bound on `created_at` (ISO). */
  to?: string;
}

/** Raw aggregates a store computes; the service derives means, medians and rates from them. */
export interface MetricsAggregate {
  total: number;
  by_status: Partial<Record<Status, number>>;
  by_severity: Partial<Record<Severity, number>>;
  by_priority: Partial<Record<Priority, number>>;
  by_category: Record<string, number>;
  /** `metrics.resolution_time_minutes` of every resolved or closed incident in the set. */
  resolution_minutes: number[];
  /** Incidents with a due date that are resolved/closed, split by whether the SLA was breached. */
  sla_met: number;
  sla_breached: number;
  /** Sum of `metrics.reopened_count`. */
  reopened: number;
  /** Incidents of the set created per UTC day (`YYYY-MM-DD` → count). Stores of this SDK always fill it. */
  created_per_day?: Record<string, number>;
  /**
   * Incidents of the set now RESOLVED or CLOSED, per UTC day of `resolved_at` (else `closed_at`).
   * Stores of this SDK always fill it.
   */
  resolved_per_day?: Record<string, number>;
}

/** The storage port of the incidents SDK. See the module documentation for the guarantees. */
export interface IncidentStore extends KbSyncStore, SyncStateStore {
  /** Short name for logs (`turso`, `dynamo`). */
  readonly name: string;

  /**
   * Writes version 0 and history version 1 of a new incident with its interactions and source
   * records, atomically.
   * @throws ConflictError `already_exists` if the id exists, `duplicate_source` if another incident
   * has the same (`source_system`, `external_id`).
   */
  createIncident(write: CreateIncidentWrite): Promise<void>;

  /**
   * Optional bulk form of {@link IncidentStore.createIncident} for imports and seeding: creates every
   * write (version 0, history version 1, interactions, source records) in one transaction — all of
   * them or none. The sync engine uses it for a page of records seen for the first time when the
   * store offers it, and creates them one by one otherwise.
   *
   * A store that implements it must keep every rule of `createIncident` for each write, and fail the
   * whole call (writing nothing) on the first offending write: a taken id or an id given twice throws
   * `ConflictError` `already_exists`, a taken or repeated (`source_system`, `external_id`) throws
   * `duplicate_source`. An empty array writes nothing.
   */
  createIncidents?(writes: readonly CreateIncidentWrite[]): Promise<void>;

  /** Version 0 of an incident, or `null`. Does not follow `merged_into` (the service does). */
  getIncident(incidentId: string): Promise<Incident | null>;

  /**
   * Optional: the fields of version 0 that a read permission check needs ({@link IncidentAccess}: the
   * id, the link tombstone's target, the creator), or `null` when the incident does not exist — the
   * same answer as `getIncident` restricted to those fields, read without building the whole record.
   * Does not follow `merged_into`. The service uses it where it reads an incident only to decide
   * whether the actor may see something else (the timeline, R-ACCESS-1); a store that leaves it
   * undefined is read with `getIncident` instead. One that offers it is checked by the contract suite.
   */
  getIncidentAccess?(incidentId: string): Promise<IncidentAccess | null>;

  /**
   * Replaces version 0 and writes history version `incident.revision`, plus interactions and source
   * records, in one transaction — only if version 0's revision is still `expectedRevision`.
   * @throws NotFoundError if the incident does not exist; ConflictError `stale_revision` otherwise.
   */
  updateIncident(write: UpdateIncidentWrite): Promise<void>;

  /**
   * Links `from` into `to` in one transaction (or a restartable sequence of transactions where the
   * engine limits their size): writes both records and their history versions, moves `from`'s
   * interactions and source records to `to`. Re-running an interrupted link completes it.
   * @throws ConflictError `stale_revision` if either revision changed.
   */
  linkIncidents(write: LinkIncidentsWrite): Promise<void>;

  /** History version `version` (≥ 1) of an incident, or `null`. */
  getVersion(incidentId: string, version: number): Promise<Incident | null>;

  /** History versions in ascending order (version 1 first). */
  listVersions(incidentId: string, page?: PageRequest): Promise<Page<Incident>>;

  /** The timeline of an incident; newest first by default. */
  listInteractions(incidentId: string, options?: ListInteractionsOptions): Promise<Page<Interaction>>;

  /** Source records of an incident, ordered by `source_system`, then `record_id`. */
  listSourceRecords(incidentId: string): Promise<SourceRecord[]>;

  /** Version 0 of the incident imported from (`source_system`, `external_id`), or `null`. */
  findBySource(sourceSystem: SourceSystem, externalId: string): Promise<Incident | null>;

  /** Version 0 records matching an access pattern, in the pattern's order. */
  queryIncidents(query: IncidentQuery, page?: PageRequest): Promise<Page<Incident>>;

  /** Aggregates over version 0 records for metrics; link tombstones (`merged_into` set) are not counted. */
  aggregateMetrics(filter: MetricsFilter): Promise<MetricsAggregate>;

  /** Inserts or replaces a user (keyed by email). */
  putUser(user: User): Promise<void>;
  /** The user with this (normalised) email, or `null`; never the credentials. */
  getUser(email: string): Promise<User | null>;
  /** Users ordered by email. */
  listUsers(page?: PageRequest): Promise<Page<User>>;

  /**
   * Stores (inserts or replaces) the login credentials of an existing user, in a row/item of their
   * own: `getUser` and `listUsers` never return them. Optional: a store without it cannot back a
   * login (the service's `setUserCredentials`/`authenticate` fail with `IncidentsError('unsupported')`);
   * store-turso and store-dynamo implement it and the contract suite checks it when present.
   * `email` is the user's email as the store returned it from `getUser`.
   * @throws NotFoundError when no user has this email (nothing is written).
   */
  setUserCredentials?(email: string, credentials: UserCredentials): Promise<void>;

  /** The credentials stored by {@link IncidentStore.setUserCredentials}, or `null`. Optional like it. */
  getUserCredentials?(email: string): Promise<UserCredentials | null>;

  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}

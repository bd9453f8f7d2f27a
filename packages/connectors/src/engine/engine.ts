/**
 * `createSyncEngine` — the two-way sync engine: pull (cursor + look-back → map → upsert by
 * `(source_system, external_id)` with change detection), push (drain the outbound queue with
 * retries, backoff and dead items), status and conflicts.
 *
 * @module
 */
import {
  ConflictError,
  collectAll,
  createIdGenerator,
  DEFAULT_OUTBOUND_MAX_ATTEMPTS,
  hasPermission,
  type Actor,
  type CreateIncidentWrite,
  type Incident,
  type IncidentStore,
  IncidentsError,
  type Interaction,
  type InteractionSource,
  isIncidentsError,
  NotFoundError,
  type OutboundItem,
  SOURCE_SYSTEMS,
  type SourceSystem,
  type Status,
  statusChangeOutbound,
  type SyncConflict,
  type SyncCursor,
  systemClock,
  ValidationError,
} from '@incidents/core';
import { markValidated } from '@incidents/core/store-kit';
import type { Connector, PulledIncident, PulledPage, PullOptions } from '../connector.js';
import { createLimiter } from '../http/limiter.js';
import { type DeletionContext, isDeletedAtSource, knownExternalIds, markDeleted } from './deletions.js';
import { recordPushedStatus } from './pushed-image.js';
import { capText, redactCredentialPatterns } from '../http/redact.js';
import { maxIso } from '../mapping/common.js';
import type {
  BackoffOption,
  ConflictResolution,
  ConnectorRunSummary,
  IncidentConflicts,
  PullRunOptions,
  ResolveConflictInput,
  SyncEngine,
  SyncEngineOptions,
  SyncEngineStatus,
  SyncProgressEvent,
  SyncRunSummary,
  SyncTotals,
} from './options.js';
import {
  applyRemoteStatus,
  commentInteractions,
  newIncident,
  reconcile,
  remoteStatusInteraction,
  sourceRecordOf,
  unchangedSince,
} from './reconcile.js';

/** Default look-back window of a pull: 5 minutes. */
export const DEFAULT_LOOKBACK_MS = 5 * 60_000;
/** Default lease of a claimed outbound item: 5 minutes. */
export const DEFAULT_LEASE_MS = 5 * 60_000;
/** The actor the engine writes as by default. */
export const DEFAULT_SYNC_ACTOR: Actor = { id: 'sync@incidents', roles: ['sync'] };

/** Comments written per transaction (DynamoDB caps a transaction at 100 items). */
const COMMENTS_PER_WRITE = 50;
/** The engine never changes the KB bookkeeping: its writes keep a mark made since their read. */
const KEEP_KB = { keepKbSyncStatus: true } as const;
/** Attempts of one record upsert when a concurrent writer changed the incident meanwhile. */
const UPSERT_RETRIES = 5;

type Outcome = 'created' | 'updated' | 'unchanged';
interface UpsertResult {
  outcome: Outcome;
  conflicts: number;
  comments: number;
}

/** Bulk create offered by some stores (`TursoStore.createIncidents`): one transaction per page. */
type BulkStore = IncidentStore & { createIncidents(writes: readonly CreateIncidentWrite[]): Promise<void> };
const hasBulkCreate = (store: IncidentStore): store is BulkStore =>
  typeof (store as Partial<BulkStore>).createIncidents === 'function';

const TOTAL_KEYS = [
  'pages',
  'records',
  'created',
  'updated',
  'unchanged',
  'conflicts',
  'commentsImported',
  'pushed',
  'skipped',
  'failed',
  'dead',
  'deleted',
  'pullMs',
  'pushMs',
] as const satisfies ReadonlyArray<keyof SyncTotals>;

function emptySummary(connector: string): ConnectorRunSummary {
  return {
    connector,
    ok: true,
    pages: 0,
    records: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    conflicts: 0,
    commentsImported: 0,
    pushed: 0,
    skipped: 0,
    failed: 0,
    dead: 0,
    deleted: 0,
    pullMs: 0,
    pushMs: 0,
  };
}

/**
 * The code and message of an error as the engine stores and reports it: without the connector's
 * secrets nor anything credential-shaped, and capped (a vendor's error page can be long).
 */
function errorInfo(err: unknown, connector?: Connector): { code: string; message: string } {
  const raw = isIncidentsError(err) ? err.message : err instanceof Error ? err.message : String(err);
  const code = isIncidentsError(err) ? String(err.code) : 'internal';
  let message = raw;
  try {
    message = connector?.redact ? connector.redact(raw) : raw;
  } catch {
    message = raw;
  }
  return { code, message: capText(redactCredentialPatterns(message)) };
}

function backoffFn(option: BackoffOption | undefined): (attempt: number) => number {
  if (typeof option === 'function') return option;
  const base = option?.baseMs ?? 30_000;
  const factor = option?.factor ?? 2;
  const max = option?.maxMs ?? 3_600_000;
  return (attempt) => Math.min(max, base * factor ** Math.max(0, attempt - 1));
}

/** Version 0 after a change: the next revision, written now by `by`, with its history note. */
function nextVersion(next: Incident, revision: number, now: string, by: string, notes: string): Incident {
  return {
    ...next,
    version: 0,
    revision,
    updated_at: now,
    metadata: { ...next.metadata, last_modified_by: by, version_notes: notes },
  };
}

/** The HTTP status a connector error carries, if any. */
const statusOf = (err: unknown): number | undefined =>
  isIncidentsError(err) ? ((err.details as { status?: number } | undefined)?.status ?? undefined) : undefined;

/** A vendor's refusal of a position it handed out (an expired or unknown page token). */
const isRefusedCursor = (err: unknown) =>
  isIncidentsError(err) &&
  err.code === 'connector.http' &&
  [400, 404, 410, 422].includes(Number((err.details as { status?: unknown } | undefined)?.status));

const isStale = (err: unknown) => err instanceof ConflictError && err.details.reason === 'stale_revision';

/**
 * Creates the two-way sync engine over a store and a set of connectors.
 *
 * - **Pull**: from the saved cursor (minus `lookbackMs`), page by page; every record is upserted by
 *   `(source_system, external_id)`; an unchanged record writes nothing; the cursor is saved only
 *   after its page is persisted, so a crash re-reads and never skips.
 * - **Change detection**: remote-owned fields are applied when the local copy did not change them;
 *   locally owned fields are never overwritten; a field changed on both sides is recorded as a
 *   conflict in `sync_metadata.conflicts` with both values.
 * - **Push**: comments and status changes made locally (the outbound queue) are written back, with
 *   retries and backoff; an item that keeps failing becomes `DEAD` and is listed by `status()`.
 *
 * @example
 * ```ts
 * import { createJiraConnector, createSyncEngine } from '@incidents/connectors';
 * import { createTursoStore } from '@incidents/store-turso';
 *
 * const store = await createTursoStore({ url: 'file:incidents.db' });
 * const jira = createJiraConnector({ baseUrl: 'https://acme.atlassian.net', auth: { email, apiToken }, jql: 'project = OPS' });
 * const engine = createSyncEngine({ store, connectors: [jira] });
 * const summary = await engine.run('all');
 * console.log(summary.totals.created, summary.totals.updated, summary.errors);
 * ```
 */
export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  if (!options || typeof options !== 'object' || !options.store) {
    throw new ValidationError([{ path: 'store', message: 'a store is required' }], { context: 'sync engine options' });
  }
  if (!Array.isArray(options.connectors)) {
    throw new ValidationError([{ path: 'connectors', message: 'expected an array of connectors' }], {
      context: 'sync engine options',
    });
  }
  const names = new Set<string>();
  options.connectors.forEach((c, i) => {
    if (!c || typeof c.pull !== 'function' || typeof c.name !== 'string') {
      throw new ValidationError([{ path: `connectors.${i}`, message: 'not a connector (needs name and pull)' }], {
        context: 'sync engine options',
      });
    }
    if (names.has(c.name)) {
      throw new ValidationError([{ path: `connectors.${i}.name`, message: `two connectors are named ${c.name}` }], {
        context: 'sync engine options',
      });
    }
    names.add(c.name);
  });
  const numberOption = (path: string, value: number | undefined, min: number) => {
    if (value !== undefined && (!Number.isFinite(value) || value < min)) {
      throw new ValidationError([{ path, message: `expected a number ≥ ${min}` }], { context: 'sync engine options' });
    }
  };
  if (typeof options.lookbackMs === 'object' && options.lookbackMs !== null) {
    for (const [name, value] of Object.entries(options.lookbackMs)) numberOption(`lookbackMs.${name}`, value, 0);
  } else numberOption('lookbackMs', options.lookbackMs, 0);
  numberOption('maxAttempts', options.maxAttempts, 1);
  numberOption('concurrency', options.concurrency, 1);
  numberOption('leaseMs', options.leaseMs, 1);

  const { store } = options;
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? createIdGenerator();
  const actor = options.actor ?? DEFAULT_SYNC_ACTOR;
  /** The look-back of one connector: its own entry, the common number, or the default. */
  const lookbackOf = (connector: Connector): number =>
    typeof options.lookbackMs === 'number'
      ? options.lookbackMs
      : (options.lookbackMs?.[connector.name] ?? DEFAULT_LOOKBACK_MS);
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const concurrency = Math.floor(options.concurrency ?? 4);
  const backoff = backoffFn(options.backoff);
  const nowIso = () => clock.now().toISOString();
  const deletionContext: DeletionContext = { store, actor, now: nowIso };

  function progress(event: SyncProgressEvent) {
    try {
      options.onProgress?.(event);
    } catch {
      // A progress callback never breaks a sync.
    }
  }

  function select(target: string): Connector[] {
    if (target === 'all') return [...options.connectors];
    const found = options.connectors.find((c) => c.name === target);
    if (!found) {
      throw new ValidationError(
        [{ path: 'connector', message: `unknown connector ${target}; configured: ${[...names].join(', ') || 'none'}` }],
        { context: 'sync target' },
      );
    }
    return [found];
  }

  // -----------------------------------------------------------------------------------------------
  // pull

  /** Every external id of the comments already on an incident (imported or pushed). */
  async function knownCommentIds(incidentId: string): Promise<Set<string>> {
    const rows = await collectAll((cursor) =>
      store.listInteractions(incidentId, {
        types: ['comment'],
        includeInternal: true,
        order: 'asc',
        limit: 500,
        cursor,
      }),
    );
    return new Set(rows.flatMap((r) => (r.external_id ? [r.external_id] : [])));
  }

  /** Writes `interactions` beyond the first chunk as follow-up updates (transaction size limits). */
  async function writeRemainingComments(
    incident: Incident,
    pending: PulledIncident['comments'],
    source: InteractionSource,
  ) {
    let current = incident;
    for (let i = 0; i < pending.length; i += COMMENTS_PER_WRITE) {
      const chunk = pending.slice(i, i + COMMENTS_PER_WRITE);
      const revision = current.revision + 1;
      const now = nowIso();
      const next: Incident = {
        ...current,
        revision,
        updated_at: now,
        metadata: {
          ...current.metadata,
          last_modified_by: actor.id,
          version_notes: `imported ${chunk.length} comments`,
        },
      };
      await store.updateIncident({
        ...KEEP_KB,
        incident: next,
        expectedRevision: current.revision,
        interactions: commentInteractions(current.incident_id, chunk, source, revision, ids.interactionId),
      });
      current = next;
    }
  }

  /** The create write of a record seen for the first time, plus the comments left for later writes. */
  function createWrite(connector: Connector, item: PulledIncident, incidentId: string, now: string) {
    const incident = newIncident(item, incidentId, connector.sourceSystem, actor.id, connector.name, now);
    const source = connector.sourceSystem as InteractionSource;
    const first = item.comments.slice(0, COMMENTS_PER_WRITE);
    // Built from the connector's validated mapping (`newIncident` applies the schema's defaults): the
    // store need not parse it again.
    const write: CreateIncidentWrite = markValidated({
      incident,
      interactions: commentInteractions(incidentId, first, source, 1, ids.interactionId),
      sourceRecords: [sourceRecordOf(item, incidentId)],
    });
    return { write, rest: item.comments.slice(COMMENTS_PER_WRITE) };
  }

  async function createOne(connector: Connector, item: PulledIncident, dryRun: boolean): Promise<UpsertResult> {
    const suggested = item.input.incident_id ?? `${connector.sourceSystem}-${item.external_id}`;
    const candidates = [suggested, `${connector.sourceSystem}-${item.external_id}`, ids.incidentId()];
    if (dryRun) return { outcome: 'created', conflicts: 0, comments: item.comments.length };
    for (const incidentId of [...new Set(candidates)]) {
      const { write, rest } = createWrite(connector, item, incidentId, nowIso());
      try {
        await store.createIncident(write);
        if (rest.length)
          await writeRemainingComments(write.incident, rest, connector.sourceSystem as InteractionSource);
        return { outcome: 'created', conflicts: 0, comments: item.comments.length };
      } catch (err) {
        // The id is taken by another record: try the next candidate. A duplicate source means a
        // concurrent import won: the caller retries as an update.
        if (
          err instanceof ConflictError &&
          err.details.reason === 'already_exists' &&
          err.details.entity === 'Incident'
        )
          continue;
        throw err;
      }
    }
    throw new IncidentsError(
      'sync.id_exhausted',
      `no free incident id for ${connector.name} record ${item.external_id}`,
      {
        userError: false,
      },
    );
  }

  /** Update of an incident imported from this record (its own source). */
  async function updateOwn(
    connector: Connector,
    current: Incident,
    item: PulledIncident,
    dryRun: boolean,
  ): Promise<UpsertResult> {
    if (unchangedSince(current, item)) return { outcome: 'unchanged', conflicts: 0, comments: 0 };
    const now = nowIso();
    const source = connector.sourceSystem as InteractionSource;
    const { next, applied, conflicts } = reconcile(current, item, now);
    const known = item.comments.length ? await knownCommentIds(current.incident_id) : new Set<string>();
    const fresh = item.comments.filter((c) => !known.has(c.external_id));
    if (dryRun) return { outcome: 'updated', conflicts: conflicts.length, comments: fresh.length };
    const revision = current.revision + 1;
    const record = nextVersion(
      next,
      revision,
      now,
      actor.id,
      [
        `synced from ${connector.name}`,
        applied.length ? `applied ${applied.join(', ')}` : '',
        conflicts.length ? `conflicts on ${conflicts.map((c) => c.field).join(', ')}` : '',
        fresh.length ? `${fresh.length} comments` : '',
      ]
        .filter(Boolean)
        .join('; '),
    );
    const interactions: Interaction[] = [];
    if (applied.includes('status')) {
      interactions.push(
        remoteStatusInteraction(
          current.incident_id,
          current.status,
          record.status as Status,
          item.remote_status,
          source,
          actor.id,
          now,
          revision,
          ids.interactionId(),
        ),
      );
    }
    interactions.push(
      ...commentInteractions(
        current.incident_id,
        fresh.slice(0, COMMENTS_PER_WRITE),
        source,
        revision,
        ids.interactionId,
      ),
    );
    await store.updateIncident({
      ...KEEP_KB,
      incident: record,
      expectedRevision: current.revision,
      interactions,
      sourceRecords: [sourceRecordOf(item, current.incident_id)],
    });
    const rest = fresh.slice(COMMENTS_PER_WRITE);
    if (rest.length) await writeRemainingComments(record, rest, source);
    return { outcome: 'updated', conflicts: conflicts.length, comments: fresh.length };
  }

  /**
   * A record that belongs to another incident (R-SOURCE-4): a Slack report naming `ticketId=ZD-…`, or
   * a record whose own incident was linked into another one. Its source record and new comments are
   * kept under that incident; the incident's own fields are not touched.
   */
  async function updateAttached(
    connector: Connector,
    target: Incident,
    item: PulledIncident,
    dryRun: boolean,
  ): Promise<UpsertResult> {
    const records = await store.listSourceRecords(target.incident_id);
    const stored = records.find(
      (r) => r.source_system === item.sourceRecord.source_system && r.record_id === item.sourceRecord.record_id,
    );
    const known = item.comments.length ? await knownCommentIds(target.incident_id) : new Set<string>();
    const fresh = item.comments.filter((c) => !known.has(c.external_id));
    if (stored && stored.updated_at === item.sourceRecord.updated_at && fresh.length === 0) {
      return { outcome: 'unchanged', conflicts: 0, comments: 0 };
    }
    if (dryRun) return { outcome: 'updated', conflicts: 0, comments: fresh.length };
    const now = nowIso();
    const revision = target.revision + 1;
    const record: Incident = {
      ...target,
      revision,
      updated_at: now,
      metadata: {
        ...target.metadata,
        last_modified_by: actor.id,
        version_notes: `${connector.name} record ${item.external_id} attached`,
      },
    };
    const source = connector.sourceSystem as InteractionSource;
    await store.updateIncident({
      ...KEEP_KB,
      incident: record,
      expectedRevision: target.revision,
      interactions: commentInteractions(
        target.incident_id,
        fresh.slice(0, COMMENTS_PER_WRITE),
        source,
        revision,
        ids.interactionId,
      ),
      sourceRecords: [sourceRecordOf(item, target.incident_id)],
    });
    const rest = fresh.slice(COMMENTS_PER_WRITE);
    if (rest.length) await writeRemainingComments(record, rest, source);
    return { outcome: 'updated', conflicts: 0, comments: fresh.length };
  }

  /** The incident `id` resolves to (following a link tombstone), or `null`. */
  async function resolve(id: string): Promise<Incident | null> {
    const found = await store.getIncident(id);
    if (found?.merged_into) return (await store.getIncident(found.merged_into)) ?? found;
    return found;
  }

  /** Whether each creator may bind incidents to source records (`incidents.import`), by creator id. */
  const importers = new Map<string, Promise<boolean>>();

  /**
   * Whether `incident`'s binding to a source record was made by an importer: this engine (or the
   * default sync actor), or a registered, active user whose role holds `incidents.import`. An incident
   * bound by anyone else (e.g. a customer, before the service refused it) is never merged with the
   * vendor's record nor pushed to it.
   */
  function boundByImporter(incident: Incident): Promise<boolean> {
    const creator = incident.metadata.created_by;
    if (creator === actor.id || creator === DEFAULT_SYNC_ACTOR.id) return Promise.resolve(true);
    let known = importers.get(creator);
    if (!known) {
      known = store
        .getUser(creator)
        .then((user) => !!user && user.active !== false && hasPermission({ roles: [user.role] }, 'incidents.import'));
      importers.set(creator, known);
    }
    return known;
  }

  async function upsertOnce(connector: Connector, item: PulledIncident, dryRun: boolean): Promise<UpsertResult> {
    const existing = await store.findBySource(connector.sourceSystem, item.external_id);
    if (existing && !(await boundByImporter(existing))) {
      // Someone without the right to import bound an incident to this record: do not merge the vendor's
      // content into it (counted as a conflict; an admin re-links or cancels the incident).
      return { outcome: 'unchanged', conflicts: 1, comments: 0 };
    }
    if (existing?.merged_into) {
      const target = await resolve(existing.merged_into);
      if (target) return updateAttached(connector, target, item, dryRun);
    }
    // Still deleted at the vendor and already marked: nothing to write (a restored record updates as usual).
    if (existing && item.deleted && isDeletedAtSource(existing))
      return { outcome: 'unchanged', conflicts: 0, comments: 0 };
    if (existing) return updateOwn(connector, existing, item, dryRun);
    if (item.ticketRef) {
      const target = await resolve(item.ticketRef);
      if (target && !(target.source_system === connector.sourceSystem && target.external_id === item.external_id)) {
        return updateAttached(connector, target, item, dryRun);
      }
    }
    return createOne(connector, item, dryRun);
  }

  async function upsert(connector: Connector, item: PulledIncident, dryRun: boolean): Promise<UpsertResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await upsertOnce(connector, item, dryRun);
      } catch (err) {
        // Someone wrote the incident meanwhile (a person, or a concurrent import): re-read and redo.
        const raced = isStale(err) || (err instanceof ConflictError && err.details.reason === 'duplicate_source');
        if (raced && attempt < UPSERT_RETRIES) continue;
        throw err;
      }
    }
  }

  function count(summary: ConnectorRunSummary, result: UpsertResult) {
    summary[result.outcome] += 1;
    summary.conflicts += result.conflicts;
    summary.commentsImported += result.comments;
  }

  /**
   * Persists one page. New records go in one bulk transaction where the store offers it (and one by
   * one if that fails); the others are upserted with the per-connector concurrency limit.
   */
  async function persistPage(connector: Connector, page: PulledPage, summary: ConnectorRunSummary, dryRun: boolean) {
    const limiter = createLimiter(concurrency);
    const items = page.items;
    if (!dryRun && hasBulkCreate(store) && items.length > 1) {
      // First import of a page: when neither its first nor its last record is known, try the whole
      // page as one bulk create; any collision (a known record, a taken id) rolls it back and the
      // records go one by one below.
      const edges = [items[0], items[items.length - 1]] as PulledIncident[];
      const known = await Promise.all(
        edges.map((item) => store.findBySource(connector.sourceSystem, item.external_id)),
      );
      const bulk =
        known.every((k) => k === null) &&
        items.every(
          (item, i) =>
            !item.ticketRef &&
            item.comments.length <= COMMENTS_PER_WRITE &&
            items.findIndex((o) => o.external_id === item.external_id) === i,
        );
      if (bulk) {
        const now = nowIso();
        try {
          await store.createIncidents(
            items.map(
              (item) =>
                createWrite(
                  connector,
                  item,
                  item.input.incident_id ?? `${connector.sourceSystem}-${item.external_id}`,
                  now,
                ).write,
            ),
          );
          for (const item of items)
            count(summary, { outcome: 'created', conflicts: 0, comments: item.comments.length });
          return;
        } catch (err) {
          if (!(err instanceof ConflictError)) throw err;
        }
      }
    }
    const results = await Promise.all(items.map((item) => limiter.run(() => upsert(connector, item, dryRun))));
    for (const result of results) count(summary, result);
    if (!dryRun) {
      for (const item of items) {
        if (item.deleted && (await markDeleted(deletionContext, connector, item.external_id, item.updated_at))) {
          summary.deleted = (summary.deleted ?? 0) + 1;
        }
      }
    }
  }

  async function pullConnector(connector: Connector, opts: PullRunOptions, summary: ConnectorRunSummary) {
    const started = performance.now();
    const dryRun = opts.dryRun === true;
    const saved = await store.getSyncCursor(connector.name);
    let state: SyncCursor = saved ?? { connector: connector.name, updated_at: nowIso() };
    const save = async (changes: Partial<SyncCursor>, drop: Array<keyof SyncCursor> = []) => {
      const next: SyncCursor = { ...state, ...changes, connector: connector.name, updated_at: nowIso() };
      for (const key of drop) delete next[key];
      state = next;
      if (!dryRun) await store.saveSyncCursor(next);
    };
    const baseOptions: PullOptions = options.pageSize ? { pageSize: options.pageSize } : {};
    const fromWatermark = (): PullOptions =>
      state.high_watermark
        ? {
            ...baseOptions,
            since: new Date(Date.parse(state.high_watermark) - lookbackOf(connector)).toISOString(),
          }
        : { ...baseOptions };
    let pullOptions: PullOptions;
    let pending: string | null = null;
    if (opts.since !== undefined) pullOptions = { ...baseOptions, since: opts.since };
    else if (state.resume_cursor) {
      pullOptions = { ...baseOptions, cursor: state.resume_cursor };
      pending = state.pending_high_watermark ?? null;
    } else pullOptions = fromWatermark();

    await save({ last_pull_started_at: nowIso() }, ['last_error']);
    try {
      let iterator = connector.pull(pullOptions)[Symbol.asyncIterator]();
      let next: Promise<IteratorResult<PulledPage>>;
      try {
        next = iterator.next();
        await next;
      } catch (err) {
        // A resume cursor the vendor no longer accepts (malformed, or expired: Jira refuses a
        // nextPageToken older than 7 days with 400): start again from the watermark minus the
        // look-back, and say so once in the run's summary.
        if (!pullOptions.cursor || !(err instanceof ValidationError || isRefusedCursor(err))) throw err;
        summary.warnings = [
          ...(summary.warnings ?? []),
          `the saved resume cursor was refused (${errorInfo(err, connector).message}); pulled again from the watermark minus the look-back`,
        ];
        pending = null;
        iterator = connector.pull(fromWatermark())[Symbol.asyncIterator]();
        next = iterator.next();
      }
      for (;;) {
        const result = await next;
        if (result.done) break;
        const page = result.value;
        // Fetch the next page while this one is persisted; the cursor moves only after both.
        next = page.nextCursor ? iterator.next() : Promise.resolve({ done: true, value: undefined });
        next.catch(() => undefined);
        await persistPage(connector, page, summary, dryRun);
        summary.pages += 1;
        summary.records += page.items.length;
        pending = maxIso(pending, page.highWatermark);
        if (page.nextCursor) {
          await save({
            resume_cursor: page.nextCursor,
            ...(pending ? { pending_high_watermark: pending } : {}),
          });
        }
        progress({ type: 'page', connector: connector.name, items: page.items.length, summary: { ...summary } });
        if (!page.nextCursor) {
          await iterator.return?.();
          break;
        }
      }
      // Records deleted at the vendor since the pull's start (or among the known ones).
      if (connector.listDeleted && !dryRun) {
        const since = typeof pullOptions.since === 'string' ? pullOptions.since : pullOptions.since?.toISOString();
        for await (const batch of connector.listDeleted({
          ...(since ? { since } : {}),
          known: () => knownExternalIds(store, connector),
        })) {
          for (const gone of batch) {
            if (await markDeleted(deletionContext, connector, gone.external_id, gone.deleted_at)) {
              summary.deleted = (summary.deleted ?? 0) + 1;
            }
          }
        }
      }
      const high = maxIso(state.high_watermark ?? null, pending);
      await save({ last_pull_completed_at: nowIso(), ...(high ? { high_watermark: high } : {}) }, [
        'resume_cursor',
        'pending_high_watermark',
      ]);
    } catch (err) {
      const info = errorInfo(err, connector);
      summary.ok = false;
      summary.error = info;
      await save({ last_error: info.message }).catch(() => undefined);
    } finally {
      summary.pullMs += Math.round(performance.now() - started);
      progress({ type: 'done', connector: connector.name, phase: 'pull', summary: { ...summary } });
    }
  }

  // -----------------------------------------------------------------------------------------------
  // push

  /**
   * The vendor id of a comment an earlier attempt of `item` already wrote: one with the same text
   * (whitespace and HTML entities normalised) that no local comment is linked to yet.
   */
  async function findPushedComment(
    connector: Connector,
    item: OutboundItem,
    text: string,
  ): Promise<string | undefined> {
    const norm = (t: string) =>
      t
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
        .replace(/\s+/g, ' ')
        .trim();
    const wanted = norm(text);
    const [remote, local] = await Promise.all([
      connector.fetchComments(item.external_id),
      collectAll((cursor) =>
        store.listInteractions(item.incident_id, {
          types: ['comment'],
          includeInternal: true,
          order: 'asc',
          limit: 500,
          cursor,
        }),
      ),
    ]);
    const linked = new Map(local.flatMap((r) => (r.external_id ? [[r.external_id, r] as const] : [])));
    const since = Date.parse(item.created_at) - lookbackOf(connector);
    return remote.find((c) => {
      if (norm(c.text) !== wanted) return false;
      const mine = linked.get(c.external_id);
      // Unknown here, or imported by a pull since the item was queued (the landed write, read back).
      return !mine || (mine.metadata?.imported === true && Date.parse(mine.created_at) >= since);
    })?.external_id;
  }

  /** Sends one claimed item; returns what happened. */
  async function send(
    connector: Connector,
    item: OutboundItem,
  ): Promise<{ external_ref?: string; skipped_reason?: string }> {
    const payload = item.payload as Record<string, unknown>;
    const incident = await store.getIncident(item.incident_id);
    if (incident && !(await boundByImporter(incident))) {
      return { skipped_reason: `incident ${item.incident_id} was not bound to ${item.external_id} by an importer` };
    }
    if (incident && isDeletedAtSource(incident)) {
      return { skipped_reason: `${connector.name} record ${item.external_id} was deleted in the source system` };
    }
    if (item.sync_type === 'COMMENT') {
      const visibility = payload.visibility === 'INTERNAL' ? 'INTERNAL' : 'PUBLIC';
      if (visibility === 'INTERNAL' && !connector.capabilities.internalComments) {
        return { skipped_reason: `${connector.name} has no internal comments` };
      }
      if (
        visibility === 'INTERNAL' &&
        connector.capabilities.internalCommentsFor &&
        !(await connector.capabilities.internalCommentsFor(item.external_id))
      ) {
        return {
          skipped_reason: `${connector.name} record ${item.external_id} has no internal comments (its project has none)`,
        };
      }
      const text = typeof payload.text === 'string' ? payload.text : '';
      // A retry: an earlier attempt may have been applied (a timeout, a 5xx, a crash after the
      // write). Look for the comment in the vendor record before posting it again.
      let externalCommentId = item.attempts > 1 ? await findPushedComment(connector, item, text) : undefined;
      if (externalCommentId === undefined) {
        try {
          ({ externalCommentId } = await connector.pushComment({ externalId: item.external_id, text, visibility }));
        } catch (err) {
          // The vendor may have applied it: look at once, before a pull imports it as theirs.
          const unknown = isIncidentsError(err) && (err.details as { outcomeUnknown?: unknown })?.outcomeUnknown;
          if (!unknown) throw err;
          externalCommentId = await findPushedComment(connector, item, text).catch(() => undefined);
          if (externalCommentId === undefined) throw err;
        }
      }
      if (typeof payload.interaction_id === 'string' && typeof payload.created_at === 'string') {
        await store.setInteractionExternalId({
          interaction: {
            incident_id: item.incident_id,
            interaction_id: payload.interaction_id,
            created_at: payload.created_at,
          },
          external_id: externalCommentId,
        });
      }
      return { external_ref: externalCommentId };
    }
    if (item.sync_type === 'STATUS_CHANGE') {
      if (!connector.capabilities.status) return { skipped_reason: `${connector.name} has no status to change` };
      const resolution = payload.resolution as { type?: string; description?: string } | undefined;
      await connector.pushStatus({
        externalId: item.external_id,
        status: payload.to as Status,
        ...(resolution?.type
          ? {
              resolution: {
                type: resolution.type as NonNullable<Parameters<Connector['pushStatus']>[0]['resolution']>['type'],
                ...(resolution.description ? { description: resolution.description } : {}),
              },
            }
          : {}),
      });
      // What the vendor reads back may differ (a lossy status table): remember what was pushed.
      await recordPushedStatus(store, actor, connector.name, item.incident_id, payload.to as Status, nowIso);
      return {};
    }
    return { skipped_reason: `sync_type ${item.sync_type} is not pushed by the engine` };
  }

  async function pushConnector(connector: Connector, summary: ConnectorRunSummary) {
    const started = performance.now();
    const limiter = createLimiter(concurrency);
    const attempted = new Set<string>();
    let stopped: unknown;
    try {
      for (;;) {
        if (stopped) break;
        const due = (await store.listDueOutbound({ now: nowIso(), limit: 100, connector: connector.name })).filter(
          (i) => !attempted.has(i.sync_id),
        );
        if (due.length === 0) break;
        await Promise.all(
          due.map((read) =>
            limiter.run(async () => {
              attempted.add(read.sync_id);
              if (stopped) return;
              const now = nowIso();
              const claimed = await store.updateOutbound({
                item: read,
                changes: {
                  status: 'IN_PROGRESS',
                  attempts: read.attempts + 1,
                  last_attempt_at: now,
                  next_attempt_at: new Date(Date.parse(now) + leaseMs).toISOString(),
                },
              });
              if (!claimed) return; // another worker has it
              try {
                const result = await send(connector, claimed);
                const done = nowIso();
                await store.updateOutbound({
                  item: claimed,
                  changes: { status: 'COMPLETED', completed_at: done, next_attempt_at: done, ...result },
                });
                if (result.skipped_reason) summary.skipped += 1;
                else summary.pushed += 1;
                progress({
                  type: 'pushed',
                  connector: connector.name,
                  item: claimed,
                  outcome: result.skipped_reason ? 'skipped' : 'completed',
                });
              } catch (err) {
                const info = errorInfo(err, connector);
                const at = nowIso();
                // 401: the credentials are refused, stop the connector. A 403 concerns this record
                // (no permission on it): the item fails, the connector goes on.
                if (info.code === 'connector.auth' && statusOf(err) !== 403) {
                  // Not the item's fault: give the attempt back and stop this connector.
                  stopped = err;
                  await store.updateOutbound({
                    item: claimed,
                    changes: {
                      status: read.status === 'IN_PROGRESS' ? 'FAILED' : read.status,
                      attempts: read.attempts,
                      error_message: info.message,
                      next_attempt_at: at,
                    },
                  });
                  return;
                }
                const max = options.maxAttempts ?? claimed.max_attempts;
                // The vendor refused this write as invalid (422) or cannot do it: retrying will not help.
                const permanent = info.code === 'connector.unsupported' || statusOf(err) === 422;
                const dead = permanent || claimed.attempts >= max;
                await store.updateOutbound({
                  item: claimed,
                  changes: dead
                    ? { status: 'DEAD', error_message: info.message, next_attempt_at: at }
                    : {
                        status: 'FAILED',
                        error_message: info.message,
                        next_attempt_at: new Date(Date.parse(at) + backoff(claimed.attempts)).toISOString(),
                      },
                });
                if (dead) summary.dead += 1;
                else summary.failed += 1;
                progress({
                  type: 'pushed',
                  connector: connector.name,
                  item: claimed,
                  outcome: dead ? 'dead' : 'failed',
                });
              }
            }),
          ),
        );
      }
      if (stopped) throw stopped;
    } catch (err) {
      summary.ok = false;
      summary.error = errorInfo(err, connector);
    } finally {
      summary.pushMs += Math.round(performance.now() - started);
      progress({ type: 'done', connector: connector.name, phase: 'push', summary: { ...summary } });
    }
  }

  // -----------------------------------------------------------------------------------------------
  // runs

  async function execute(
    target: string,
    opts: PullRunOptions,
    phases: { pull: boolean; push: boolean },
  ): Promise<SyncRunSummary> {
    const selected = select(target);
    if (opts.since !== undefined && Number.isNaN(new Date(opts.since).getTime())) {
      throw new ValidationError([{ path: 'since', message: 'expected an ISO date-time' }], { context: 'pull options' });
    }
    const startedAt = nowIso();
    const t0 = performance.now();
    const summaries = selected.map((c) => emptySummary(c.name));
    await Promise.all(
      selected.map(async (connector, i) => {
        const summary = summaries[i] as ConnectorRunSummary;
        if (phases.pull) await pullConnector(connector, opts, summary);
        // A connector whose credentials were refused is not pushed in the same run.
        if (phases.push && opts.dryRun !== true && summary.error?.code !== 'connector.auth') {
          await pushConnector(connector, summary);
        }
      }),
    );
    const totals = Object.fromEntries(TOTAL_KEYS.map((k) => [k, 0])) as SyncTotals;
    for (const s of summaries) for (const key of TOTAL_KEYS) totals[key] = (totals[key] ?? 0) + (s[key] ?? 0);
    return {
      startedAt,
      finishedAt: nowIso(),
      durationMs: Math.round(performance.now() - t0),
      dryRun: opts.dryRun === true,
      connectors: summaries,
      totals,
      errors: summaries.flatMap((s) => (s.error ? [{ connector: s.connector, ...s.error }] : [])),
    };
  }

  async function conflicts(): Promise<IncidentConflicts[]> {
    // Without connectors (a read-only engine), every system incidents are imported from.
    const systems: SourceSystem[] = options.connectors.length
      ? [...new Set(options.connectors.map((c) => c.sourceSystem))]
      : SOURCE_SYSTEMS.filter((s) => s !== 'MANUAL');
    const out: IncidentConflicts[] = [];
    for (const source_system of systems) {
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<IncidentStore['queryIncidents']>> = await store.queryIncidents(
          { by: 'source', source_system },
          { limit: 500, cursor },
        );
        for (const incident of page.items) {
          const open = (incident.sync_metadata.conflicts ?? []).filter((c) => !c.resolved);
          if (open.length) {
            out.push({
              incident_id: incident.incident_id,
              source_system: incident.source_system,
              external_id: incident.external_id,
              conflicts: open,
            });
          }
        }
        cursor = page.cursor;
      } while (cursor);
    }
    return out;
  }

  // -----------------------------------------------------------------------------------------------
  // conflict resolution

  /** The connector that pushes to `system`: the configured one, else core's default name. */
  function connectorNameFor(system: SourceSystem): string {
    const matching = options.connectors.filter((c) => c.sourceSystem === system);
    return matching.length === 1 ? (matching[0] as Connector).name : system.toLowerCase();
  }

  function checkResolveInput(input: ResolveConflictInput): void {
    const issues: Array<{ path: string; message: string }> = [];
    if (!input || typeof input !== 'object') {
      throw new ValidationError([{ path: 'input', message: 'expected { incident_id, field, keep }' }], {
        context: 'conflict resolution',
      });
    }
    if (typeof input.incident_id !== 'string' || input.incident_id.trim() === '') {
      issues.push({ path: 'incident_id', message: 'expected an incident id' });
    }
    if (typeof input.field !== 'string' || input.field.trim() === '') {
      issues.push({ path: 'field', message: 'expected a field name' });
    }
    if (input.keep !== 'local' && input.keep !== 'remote') {
      issues.push({ path: 'keep', message: 'expected "local" or "remote"' });
    }
    if (issues.length) throw new ValidationError(issues, { context: 'conflict resolution' });
  }

  async function resolveOnce(input: ResolveConflictInput): Promise<ConflictResolution> {
    const { incident_id: id, field, keep } = input;
    const by = input.actor ?? actor;
    const current = await store.getIncident(id);
    if (!current) throw new NotFoundError('Incident', id);
    const all = current.sync_metadata.conflicts ?? [];
    const open = all.filter((c) => !c.resolved && c.field === field);
    if (open.length === 0) {
      const others = [...new Set(all.filter((c) => !c.resolved).map((c) => c.field))];
      throw new ValidationError(
        [
          {
            path: 'field',
            message: `incident ${id} has no unresolved conflict on ${field}${others.length ? `; open conflicts: ${others.join(', ')}` : ''}`,
          },
        ],
        { context: 'conflict resolution' },
      );
    }
    const now = nowIso();
    const revision = current.revision + 1;
    const next = structuredClone(current);
    const snapshot = current.sync_metadata.remote_snapshot;
    const interactions: Interaction[] = [];
    const outbound: OutboundItem[] = [];
    const source = current.source_system as InteractionSource;
    if (keep === 'remote') {
      // The source system's current value: the last pull's snapshot, else the latest conflict's.
      const remote =
        snapshot && Object.hasOwn(snapshot, field)
          ? snapshot[field]
          : (open[open.length - 1] as SyncConflict).remote_value;
      if (field === 'status') {
        const to = remote as Status;
        if (to !== current.status) {
          applyRemoteStatus(next, current.status, to, now);
          interactions.push(
            remoteStatusInteraction(
              id,
              current.status,
              to,
              typeof snapshot?.remote_status === 'string' ? snapshot.remote_status : to,
              source,
              by.id,
              now,
              revision,
              ids.interactionId(),
            ),
          );
        }
      } else {
        (next as Record<string, unknown>)[field] = structuredClone(remote);
      }
    } else if (field === 'status' && current.source_system !== 'MANUAL' && snapshot?.status !== current.status) {
      // Local wins: the source system is moved to the local status by the next push.
      const from = (snapshot?.status ?? open[open.length - 1]?.remote_value) as Status;
      outbound.push(
        statusChangeOutbound(
          current,
          from,
          now,
          ids,
          options.maxAttempts ?? DEFAULT_OUTBOUND_MAX_ATTEMPTS,
          connectorNameFor(current.source_system),
        ),
      );
    }
    const resolved: SyncConflict[] = [];
    next.sync_metadata = {
      ...next.sync_metadata,
      conflicts: all.map((c) => {
        if (c.resolved || c.field !== field) return c;
        const done: SyncConflict = { ...c, resolved: true, resolved_at: now };
        resolved.push(done);
        return done;
      }),
    };
    const record = nextVersion(next, revision, now, by.id, `conflict on ${field} resolved: kept the ${keep} value`);
    await store.updateIncident({
      ...KEEP_KB,
      incident: record,
      expectedRevision: current.revision,
      ...(interactions.length ? { interactions } : {}),
      ...(outbound.length ? { outbound } : {}),
    });
    return {
      incident_id: id,
      field,
      keep,
      value: (record as Record<string, unknown>)[field],
      resolved_at: now,
      resolved,
      revision,
      queued: outbound.length > 0,
    };
  }

  async function resolveConflict(input: ResolveConflictInput): Promise<ConflictResolution> {
    checkResolveInput(input);
    for (let attempt = 0; ; attempt++) {
      try {
        return await resolveOnce(input);
      } catch (err) {
        // Someone wrote the incident meanwhile: re-read (the conflict may be gone) and redo.
        if (isStale(err) && attempt < UPSERT_RETRIES) continue;
        throw err;
      }
    }
  }

  return {
    pull: (target, opts = {}) => execute(target, opts, { pull: true, push: false }),
    push: (target) => execute(target, {}, { pull: false, push: true }),
    run: (target, opts = {}) => execute(target, opts, { pull: true, push: true }),
    async status(): Promise<SyncEngineStatus> {
      const [cursors, queue, dead, open] = await Promise.all([
        store.listSyncCursors(),
        store.countOutbound(),
        store.listOutbound({ status: 'DEAD' }, { limit: 100 }),
        conflicts(),
      ]);
      // Texts stored by an older version (or another writer) are cleaned on the way out too.
      const clean = (name: string, text: string) =>
        errorInfo(
          new Error(text),
          options.connectors.find((c) => c.name === name),
        ).message;
      return {
        cursors: cursors.map((c) => (c.last_error ? { ...c, last_error: clean(c.connector, c.last_error) } : c)),
        queue,
        dead: dead.items.map((i) =>
          i.error_message ? { ...i, error_message: clean(i.connector, i.error_message) } : i,
        ),
        conflicts: open.reduce((n, i) => n + i.conflicts.length, 0),
      };
    },
    conflicts,
    resolveConflict,
  };
}

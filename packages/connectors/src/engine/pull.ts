/**
 * The pull pipeline: from the saved cursor (minus the look-back), page by page; every record is
 * upserted by `(source_system, external_id)`; an unchanged record writes nothing; the cursor is saved
 * only after its page is persisted, so a crash re-reads and never skips.
 *
 * @module
 */
import {
  ConflictError,
  collectAll,
  followLink,
  type Incident,
  IncidentsError,
  type Interaction,
  type InteractionSource,
  isIncidentsError,
  nextRevision,
  type Status,
  type SyncCursor,
  ValidationError,
} from '@incidents/core';
import type { Connector, PulledIncident, PulledPage, PullOptions } from '../connector.js';
import { createLimiter } from '../http/limiter.js';
import { maxIso } from '../mapping/common.js';
import { createWrite, tryBulkCreate } from './bulk-write.js';
import { COMMENTS_PER_WRITE, type EngineContext, errorInfo, isStale, KEEP_KB, UPSERT_RETRIES } from './context.js';
import { isDeletedAtSource, knownExternalIds, markDeleted } from './deletions.js';
import type { ConnectorRunSummary, PullRunOptions } from './options.js';
import {
  commentInteractions,
  reconcile,
  remoteStatusInteraction,
  sourceRecordOf,
  unchangedSince,
} from './reconcile.js';

type Outcome = 'created' | 'updated' | 'unchanged';
interface UpsertResult {
  outcome: Outcome;
  conflicts: number;
  comments: number;
}

/** A vendor's refusal of a position it handed out (an expired or unknown page token). */
const isRefusedCursor = (err: unknown) =>
  isIncidentsError(err) &&
  err.code === 'connector.http' &&
  [400, 404, 410, 422].includes(Number((err.details as { status?: unknown } | undefined)?.status));

/** Every external id of the comments already on an incident (imported or pushed). */
async function knownCommentIds(ctx: EngineContext, incidentId: string): Promise<Set<string>> {
  const rows = await collectAll((cursor) =>
    ctx.store.listInteractions(incidentId, {
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
  ctx: EngineContext,
  incident: Incident,
  pending: PulledIncident['comments'],
  source: InteractionSource,
) {
  let current = incident;
  for (let i = 0; i < pending.length; i += COMMENTS_PER_WRITE) {
    const chunk = pending.slice(i, i + COMMENTS_PER_WRITE);
    const next = nextRevision(current, current, {
      now: ctx.nowIso(),
      actorId: ctx.actor.id,
      notes: `imported ${chunk.length} comments`,
    });
    await ctx.store.updateIncident({
      ...KEEP_KB,
      incident: next,
      expectedRevision: current.revision,
      interactions: commentInteractions(current.incident_id, chunk, source, next.revision, ctx.ids.interactionId),
    });
    current = next;
  }
}

async function createOne(
  ctx: EngineContext,
  connector: Connector,
  item: PulledIncident,
  dryRun: boolean,
): Promise<UpsertResult> {
  const suggested = item.input.incident_id ?? `${connector.sourceSystem}-${item.external_id}`;
  const candidates = [suggested, `${connector.sourceSystem}-${item.external_id}`, ctx.ids.incidentId()];
  if (dryRun) return { outcome: 'created', conflicts: 0, comments: item.comments.length };
  for (const incidentId of [...new Set(candidates)]) {
    const { write, rest } = createWrite(ctx, connector, item, incidentId, ctx.nowIso());
    try {
      await ctx.store.createIncident(write);
      if (rest.length)
        await writeRemainingComments(ctx, write.incident, rest, connector.sourceSystem as InteractionSource);
      return { outcome: 'created', conflicts: 0, comments: item.comments.length };
    } catch (err) {
      // The id is taken by another record: try the next candidate. A duplicate source means a
      // concurrent import won: the caller retries as an update.
      if (err instanceof ConflictError && err.details.reason === 'already_exists' && err.details.entity === 'Incident')
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
  ctx: EngineContext,
  connector: Connector,
  current: Incident,
  item: PulledIncident,
  dryRun: boolean,
): Promise<UpsertResult> {
  if (unchangedSince(current, item)) return { outcome: 'unchanged', conflicts: 0, comments: 0 };
  const now = ctx.nowIso();
  const source = connector.sourceSystem as InteractionSource;
  const { next, applied, conflicts } = reconcile(current, item, now);
  const known = item.comments.length ? await knownCommentIds(ctx, current.incident_id) : new Set<string>();
  const fresh = item.comments.filter((c) => !known.has(c.external_id));
  if (dryRun) return { outcome: 'updated', conflicts: conflicts.length, comments: fresh.length };
  const record = nextRevision(current, next, {
    now,
    actorId: ctx.actor.id,
    notes: [
      `synced from ${connector.name}`,
      applied.length ? `applied ${applied.join(', ')}` : '',
      conflicts.length ? `conflicts on ${conflicts.map((c) => c.field).join(', ')}` : '',
      fresh.length ? `${fresh.length} comments` : '',
    ]
      .filter(Boolean)
      .join('; '),
  });
  const revision = record.revision;
  const interactions: Interaction[] = [];
  if (applied.includes('status')) {
    interactions.push(
      remoteStatusInteraction(
        current.incident_id,
        current.status,
        record.status as Status,
        item.remote_status,
        source,
        ctx.actor.id,
        now,
        revision,
        ctx.ids.interactionId(),
      ),
    );
  }
  interactions.push(
    ...commentInteractions(
      current.incident_id,
      fresh.slice(0, COMMENTS_PER_WRITE),
      source,
      revision,
      ctx.ids.interactionId,
    ),
  );
  await ctx.store.updateIncident({
    ...KEEP_KB,
    incident: record,
    expectedRevision: current.revision,
    interactions,
    sourceRecords: [sourceRecordOf(item, current.incident_id)],
  });
  const rest = fresh.slice(COMMENTS_PER_WRITE);
  if (rest.length) await writeRemainingComments(ctx, record, rest, source);
  return { outcome: 'updated', conflicts: conflicts.length, comments: fresh.length };
}

/**
 * A record that belongs to another incident (R-SOURCE-4): a Slack report naming `ticketId=ZD-…`, or
 * a record whose own incident was linked into another one. Its source record and new comments are
 * kept under that incident; the incident's own fields are not touched.
 */
async function updateAttached(
  ctx: EngineContext,
  connector: Connector,
  target: Incident,
  item: PulledIncident,
  dryRun: boolean,
): Promise<UpsertResult> {
  const records = await ctx.store.listSourceRecords(target.incident_id);
  const stored = records.find(
    (r) => r.source_system === item.sourceRecord.source_system && r.record_id === item.sourceRecord.record_id,
  );
  const known = item.comments.length ? await knownCommentIds(ctx, target.incident_id) : new Set<string>();
  const fresh = item.comments.filter((c) => !known.has(c.external_id));
  if (stored && stored.updated_at === item.sourceRecord.updated_at && fresh.length === 0) {
    return { outcome: 'unchanged', conflicts: 0, comments: 0 };
  }
  if (dryRun) return { outcome: 'updated', conflicts: 0, comments: fresh.length };
  const record = nextRevision(target, target, {
    now: ctx.nowIso(),
    actorId: ctx.actor.id,
    notes: `${connector.name} record ${item.external_id} attached`,
  });
  const source = connector.sourceSystem as InteractionSource;
  await ctx.store.updateIncident({
    ...KEEP_KB,
    incident: record,
    expectedRevision: target.revision,
    interactions: commentInteractions(
      target.incident_id,
      fresh.slice(0, COMMENTS_PER_WRITE),
      source,
      record.revision,
      ctx.ids.interactionId,
    ),
    sourceRecords: [sourceRecordOf(item, target.incident_id)],
  });
  const rest = fresh.slice(COMMENTS_PER_WRITE);
  if (rest.length) await writeRemainingComments(ctx, record, rest, source);
  return { outcome: 'updated', conflicts: 0, comments: fresh.length };
}

/** The incident `id` resolves to (core's `followLink`: one step through a link tombstone), or `null`. */
async function resolve(ctx: EngineContext, id: string): Promise<Incident | null> {
  const found = await ctx.store.getIncident(id);
  return found ? (await followLink(ctx.store, found)).incident : null;
}

async function upsertOnce(
  ctx: EngineContext,
  connector: Connector,
  item: PulledIncident,
  dryRun: boolean,
): Promise<UpsertResult> {
  const existing = await ctx.store.findBySource(connector.sourceSystem, item.external_id);
  if (existing && !(await ctx.boundByImporter(existing))) {
    // Someone without the right to import bound an incident to this record: do not merge the vendor's
    // content into it (counted as a conflict; an admin re-links or cancels the incident).
    return { outcome: 'unchanged', conflicts: 1, comments: 0 };
  }
  if (existing?.merged_into) {
    const target = await resolve(ctx, existing.merged_into);
    if (target) return updateAttached(ctx, connector, target, item, dryRun);
  }
  // Still deleted at the vendor and already marked: nothing to write (a restored record updates as usual).
  if (existing && item.deleted && isDeletedAtSource(existing))
    return { outcome: 'unchanged', conflicts: 0, comments: 0 };
  if (existing) return updateOwn(ctx, connector, existing, item, dryRun);
  if (item.ticketRef) {
    const target = await resolve(ctx, item.ticketRef);
    if (target && !(target.source_system === connector.sourceSystem && target.external_id === item.external_id)) {
      return updateAttached(ctx, connector, target, item, dryRun);
    }
  }
  return createOne(ctx, connector, item, dryRun);
}

async function upsert(
  ctx: EngineContext,
  connector: Connector,
  item: PulledIncident,
  dryRun: boolean,
): Promise<UpsertResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await upsertOnce(ctx, connector, item, dryRun);
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
async function persistPage(
  ctx: EngineContext,
  connector: Connector,
  page: PulledPage,
  summary: ConnectorRunSummary,
  dryRun: boolean,
) {
  const items = page.items;
  if (!dryRun && (await tryBulkCreate(ctx, connector, items, summary))) return;
  const limiter = createLimiter(ctx.concurrency);
  const results = await Promise.all(items.map((item) => limiter.run(() => upsert(ctx, connector, item, dryRun))));
  for (const result of results) count(summary, result);
  if (!dryRun) {
    for (const item of items) {
      if (item.deleted && (await markDeleted(ctx.deletionContext, connector, item.external_id, item.updated_at))) {
        summary.deleted = (summary.deleted ?? 0) + 1;
      }
    }
  }
}

/** Pulls one connector into `summary`; an error stops this connector only (recorded in `summary.error`). */
export async function pullConnector(
  ctx: EngineContext,
  connector: Connector,
  opts: PullRunOptions,
  summary: ConnectorRunSummary,
): Promise<void> {
  const { store, options, nowIso } = ctx;
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
          since: new Date(Date.parse(state.high_watermark) - ctx.lookbackOf(connector)).toISOString(),
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
      await persistPage(ctx, connector, page, summary, dryRun);
      summary.pages += 1;
      summary.records += page.items.length;
      pending = maxIso(pending, page.highWatermark);
      if (page.nextCursor) {
        await save({
          resume_cursor: page.nextCursor,
          ...(pending ? { pending_high_watermark: pending } : {}),
        });
      }
      ctx.progress({ type: 'page', connector: connector.name, items: page.items.length, summary: { ...summary } });
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
          if (await markDeleted(ctx.deletionContext, connector, gone.external_id, gone.deleted_at)) {
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
    ctx.progress({ type: 'done', connector: connector.name, phase: 'pull', summary: { ...summary } });
  }
}

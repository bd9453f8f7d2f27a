/**
 * The push worker: drains the outbound queue (comments and status changes made locally) into the
 * source systems, with a lease per claimed item, retries with backoff, and `DEAD` items after the
 * last attempt. A retried comment is first looked for at the vendor, so a write that landed is not
 * posted twice.
 *
 * @module
 */
import { collectAll, isIncidentsError, type OutboundItem, type Status } from '@incidents/core';
import type { Connector } from '../connector.js';
import { createLimiter } from '../http/limiter.js';
import { type EngineContext, errorInfo, statusOf } from './context.js';
import { isDeletedAtSource } from './deletions.js';
import type { ConnectorRunSummary } from './options.js';
import { recordPushedStatus } from './pushed-image.js';

/**
 * The vendor id of a comment an earlier attempt of `item` already wrote: one with the same text
 * (whitespace and HTML entities normalised) that no local comment is linked to yet.
 */
async function findPushedComment(
  ctx: EngineContext,
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
      ctx.store.listInteractions(item.incident_id, {
        types: ['comment'],
        includeInternal: true,
        order: 'asc',
        limit: 500,
        cursor,
      }),
    ),
  ]);
  const linked = new Map(local.flatMap((r) => (r.external_id ? [[r.external_id, r] as const] : [])));
  const since = Date.parse(item.created_at) - ctx.lookbackOf(connector);
  return remote.find((c) => {
    if (norm(c.text) !== wanted) return false;
    const mine = linked.get(c.external_id);
    // Unknown here, or imported by a pull since the item was queued (the landed write, read back).
    return !mine || (mine.metadata?.imported === true && Date.parse(mine.created_at) >= since);
  })?.external_id;
}

/** Sends one claimed item; returns what happened. */
async function send(
  ctx: EngineContext,
  connector: Connector,
  item: OutboundItem,
): Promise<{ external_ref?: string; skipped_reason?: string }> {
  const payload = item.payload as Record<string, unknown>;
  const incident = await ctx.store.getIncident(item.incident_id);
  if (incident && !(await ctx.boundByImporter(incident))) {
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
    let externalCommentId = item.attempts > 1 ? await findPushedComment(ctx, connector, item, text) : undefined;
    if (externalCommentId === undefined) {
      try {
        ({ externalCommentId } = await connector.pushComment({ externalId: item.external_id, text, visibility }));
      } catch (err) {
        // The vendor may have applied it: look at once, before a pull imports it as theirs.
        const unknown = isIncidentsError(err) && (err.details as { outcomeUnknown?: unknown })?.outcomeUnknown;
        if (!unknown) throw err;
        externalCommentId = await findPushedComment(ctx, connector, item, text).catch(() => undefined);
        if (externalCommentId === undefined) throw err;
      }
    }
    if (typeof payload.interaction_id === 'string' && typeof payload.created_at === 'string') {
      await ctx.store.setInteractionExternalId({
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
    await recordPushedStatus(ctx.store, ctx.actor, connector.name, item.incident_id, payload.to as Status, ctx.nowIso);
    return {};
  }
  return { skipped_reason: `sync_type ${item.sync_type} is not pushed by the engine` };
}

/** Drains the due outbound items of one connector into `summary` (an auth failure stops this connector). */
export async function pushConnector(
  ctx: EngineContext,
  connector: Connector,
  summary: ConnectorRunSummary,
): Promise<void> {
  const started = performance.now();
  const limiter = createLimiter(ctx.concurrency);
  const attempted = new Set<string>();
  let stopped: unknown;
  try {
    for (;;) {
      if (stopped) break;
      const due = (
        await ctx.store.listDueOutbound({ now: ctx.nowIso(), limit: 100, connector: connector.name })
      ).filter((i) => !attempted.has(i.sync_id));
      if (due.length === 0) break;
      await Promise.all(
        due.map((read) =>
          limiter.run(async () => {
            attempted.add(read.sync_id);
            if (stopped) return;
            const now = ctx.nowIso();
            const claimed = await ctx.store.updateOutbound({
              item: read,
              changes: {
                status: 'IN_PROGRESS',
                attempts: read.attempts + 1,
                last_attempt_at: now,
                next_attempt_at: new Date(Date.parse(now) + ctx.leaseMs).toISOString(),
              },
            });
            if (!claimed) return; // another worker has it
            try {
              const result = await send(ctx, connector, claimed);
              const done = ctx.nowIso();
              await ctx.store.updateOutbound({
                item: claimed,
                changes: { status: 'COMPLETED', completed_at: done, next_attempt_at: done, ...result },
              });
              if (result.skipped_reason) summary.skipped += 1;
              else summary.pushed += 1;
              ctx.progress({
                type: 'pushed',
                connector: connector.name,
                item: claimed,
                outcome: result.skipped_reason ? 'skipped' : 'completed',
              });
            } catch (err) {
              const info = errorInfo(err, connector);
              const at = ctx.nowIso();
              // 401: the credentials are refused, stop the connector. A 403 concerns this record
              // (no permission on it): the item fails, the connector goes on.
              if (info.code === 'connector.auth' && statusOf(err) !== 403) {
                // Not the item's fault: give the attempt back and stop this connector.
                stopped = err;
                await ctx.store.updateOutbound({
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
              const max = ctx.options.maxAttempts ?? claimed.max_attempts;
              // The vendor refused this write as invalid (422) or cannot do it: retrying will not help.
              const permanent = info.code === 'connector.unsupported' || statusOf(err) === 422;
              const dead = permanent || claimed.attempts >= max;
              await ctx.store.updateOutbound({
                item: claimed,
                changes: dead
                  ? { status: 'DEAD', error_message: info.message, next_attempt_at: at }
                  : {
                      status: 'FAILED',
                      error_message: info.message,
                      next_attempt_at: new Date(Date.parse(at) + ctx.backoff(claimed.attempts)).toISOString(),
                    },
              });
              if (dead) summary.dead += 1;
              else summary.failed += 1;
              ctx.progress({
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
    ctx.progress({ type: 'done', connector: connector.name, phase: 'push', summary: { ...summary } });
  }
}

/**
 * `createSyncEngine` — the two-way sync engine: pull (cursor + look-back → map → upsert by
 * `(source_system, external_id)` with change detection), push (drain the outbound queue with
 * retries, backoff and dead items), status and conflicts.
 *
 * This module only composes the engine's parts over one shared context (`context.ts`): the option
 * checks (`options.ts`), the pull pipeline (`pull.ts`) with its bulk write path (`bulk-write.ts`),
 * the push worker (`push.ts`), conflict listing (`conflicts.ts`) and conflict resolution
 * (`resolve-conflict.ts`).
 *
 * @module
 */
import { ValidationError } from '@incidents/core';
import type { Connector } from '../connector.js';
import { listConflicts } from './conflicts.js';
import { createEngineContext, errorInfo } from './context.js';
import {
  checkSyncEngineOptions,
  type ConnectorRunSummary,
  type PullRunOptions,
  type SyncEngine,
  type SyncEngineOptions,
  type SyncEngineStatus,
  type SyncRunSummary,
  type SyncTotals,
} from './options.js';
import { pullConnector } from './pull.js';
import { pushConnector } from './push.js';
import { resolveConflict } from './resolve-conflict.js';

export { DEFAULT_LEASE_MS, DEFAULT_LOOKBACK_MS, DEFAULT_SYNC_ACTOR } from './context.js';

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
  checkSyncEngineOptions(options);
  const ctx = createEngineContext(options);
  const { store } = ctx;

  function select(target: string): Connector[] {
    if (target === 'all') return [...options.connectors];
    const found = options.connectors.find((c) => c.name === target);
    if (!found) {
      const names = options.connectors.map((c) => c.name);
      throw new ValidationError(
        [{ path: 'connector', message: `unknown connector ${target}; configured: ${names.join(', ') || 'none'}` }],
        { context: 'sync target' },
      );
    }
    return [found];
  }

  async function execute(
    target: string,
    opts: PullRunOptions,
    phases: { pull: boolean; push: boolean },
  ): Promise<SyncRunSummary> {
    const selected = select(target);
    if (opts.since !== undefined && Number.isNaN(new Date(opts.since).getTime())) {
      throw new ValidationError([{ path: 'since', message: 'expected an ISO date-time' }], { context: 'pull options' });
    }
    const startedAt = ctx.nowIso();
    const t0 = performance.now();
    const summaries = selected.map((c) => emptySummary(c.name));
    await Promise.all(
      selected.map(async (connector, i) => {
        const summary = summaries[i] as ConnectorRunSummary;
        if (phases.pull) await pullConnector(ctx, connector, opts, summary);
        // A connector whose credentials were refused is not pushed in the same run.
        if (phases.push && opts.dryRun !== true && summary.error?.code !== 'connector.auth') {
          await pushConnector(ctx, connector, summary);
        }
      }),
    );
    const totals = Object.fromEntries(TOTAL_KEYS.map((k) => [k, 0])) as SyncTotals;
    for (const s of summaries) for (const key of TOTAL_KEYS) totals[key] = (totals[key] ?? 0) + (s[key] ?? 0);
    return {
      startedAt,
      finishedAt: ctx.nowIso(),
      durationMs: Math.round(performance.now() - t0),
      dryRun: opts.dryRun === true,
      connectors: summaries,
      totals,
      errors: summaries.flatMap((s) => (s.error ? [{ connector: s.connector, ...s.error }] : [])),
    };
  }

  const conflicts = () => listConflicts(ctx);

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
    resolveConflict: (input) => resolveConflict(ctx, input),
  };
}

/**
 * `incidents kb sync|status|search`: closed incidents become knowledge-base documents (a local
 * folder and libSQL index by default; S3 and Amazon Bedrock when configured), and past incidents
 * similar to a text come back with their resolution.
 *
 * @module
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  hasPermission,
  IncidentsError,
  type Incident,
  isCustomerOnly,
  type KnowledgeBaseFilters,
  MAX_PAGE_SIZE,
  PermissionDeniedError,
  SEVERITIES,
  SOURCE_SYSTEMS,
} from '@incidents/core';
import type { KbSyncResult, ObjectStore } from '@incidents/kb-sync';
import { UsageError } from '../errors.js';
import type { OpenedKnowledgeBase } from '@incidents/config';
import { collectList, integer } from '../options.js';
import {
  type KbFailedEntry,
  type KbStatusReport,
  kbStatusSummary,
  kbSyncSummary,
  type SimilarRow,
  similarTable,
  snippetOf,
  titleOf,
} from '../output/kb-format.js';
import { createProgressReporter } from '../output/progress.js';
import type { Runtime } from '../runtime.js';

/** Metadata sidecars end with this (`@incidents/kb-sync`'s `METADATA_SUFFIX`). */
const METADATA_SUFFIX = '.metadata.json';

/** Registers the `kb` group. */
export function registerKbCommands(program: Command, rt: Runtime): void {
  const kb = program
    .command('kb')
    .description('knowledge base of closed incidents: export and ingest them, check the state, search similar ones');
  registerSync(kb, rt);
  registerStatus(kb, rt);
  registerSearch(kb, rt);
}

/** A comma-separated / repeatable list of enum values, upper-cased and checked (exit 2 when unknown). */
function enumList(name: string, allowed: readonly string[]) {
  return (value: string, previous: string[] | undefined): string[] => {
    const values = collectList(value.toUpperCase(), previous);
    const bad = values.find((v) => !allowed.includes(v));
    if (bad !== undefined)
      throw new InvalidArgumentError(`unknown ${name} "${bad}"; expected one of ${allowed.join(', ')}.`);
    return values;
  };
}

/** The actor may run the knowledge-base job (`kb.sync`: admins and the `kb_sync` service). */
async function requireKbSync(rt: Runtime): Promise<void> {
  const actor = await rt.actor();
  if (!hasPermission(actor, 'kb.sync')) {
    throw new PermissionDeniedError(actor.id, 'kb.sync', `role ${actor.roles.join('+')} lacks kb.sync`);
  }
}

/** A one-line summary of why a run failed. */
export function syncFailureSummary(r: KbSyncResult): string {
  const parts: string[] = [];
  if (r.failed) {
    const shown = r.errors
      .slice(0, 3)
      .map((e) => `${e.incident_id}: ${e.error}`)
      .join('; ');
    parts.push(
      `${r.failed} incident${r.failed === 1 ? '' : 's'} failed (${shown}${r.errors.length > 3 ? '; …' : ''}); they stay pending`,
    );
  }
  const i = r.ingestion;
  if (r.status === 'ingestion_failed') {
    parts.push(
      `the ingestion ${i.started ? `job ${i.jobId ?? ''} ended ${i.status ?? 'FAILED'}` : 'could not be started'}${i.failureReasons.length ? `: ${i.failureReasons[0]}` : ''}`,
    );
  } else if (r.status === 'ingestion_timeout') {
    parts.push(`the ingestion job ${i.jobId ?? ''} had not finished when the wait timed out (--timeout)`);
  } else if (r.status === 'ingestion_conflict') {
    parts.push('another ingestion job was running; the documents are written but not yet ingested');
  }
  return `kb sync ${r.status.replace(/_/g, ' ')}: ${parts.join('; ') || 'see the result above'}`;
}

interface SyncOptions {
  ingest?: boolean;
  wait?: boolean;
  timeout?: number;
}

function registerSync(kb: Command, rt: Runtime): void {
  kb.command('sync')
    .description('export closed incidents as documents (withdraw reopened ones); --ingest makes them searchable')
    .option('--ingest', 'run an ingestion job after the export (incremental), also when nothing new was exported')
    .option('--wait', 'with --ingest: wait until the ingestion job has finished (the local index always does)')
    .addOption(
      new Option(
        '--timeout <seconds>',
        'with --ingest: give up waiting for the ingestion after this long (default 900)',
      ).argParser(integer(1, 24 * 60 * 60)),
    )
    .action(async (o: SyncOptions) => {
      if (!o.ingest && (o.wait || o.timeout !== undefined)) {
        throw new UsageError(`${o.wait ? '--wait' : '--timeout'} applies to the ingestion; add --ingest`);
      }
      await requireKbSync(rt);
      const store = await rt.store();
      const opened = await rt.knowledgeBase();
      if (o.ingest && !opened.knowledgeBase) {
        throw new UsageError(
          'no knowledge base to ingest into: INCIDENTS_KB_MODE is none (documents only); drop --ingest or unset it',
        );
      }
      const { runKbSync } = await import('@incidents/kb-sync');
      const p = rt.printer();
      const progress = createProgressReporter({ stream: rt.deps.stderr, enabled: !p.json });
      const debug = rt.deps.env.INCIDENTS_DEBUG === '1' || rt.deps.env.INCIDENTS_DEBUG === 'true';
      const log = (level: string) => (message: string, data?: Record<string, unknown>) => {
        // Per-incident failures are in the result; the job's log lines only with INCIDENTS_DEBUG.
        if (debug) rt.deps.stderr.write(`${level}: ${message}${data ? ` ${JSON.stringify(data)}` : ''}\n`);
      };
      let result: KbSyncResult;
      try {
        result = await runKbSync({
          store,
          objectStore: opened.objectStore,
          ...(opened.knowledgeBase ? { knowledgeBase: opened.knowledgeBase } : {}),
          prefix: opened.config.prefix,
          ingestion: o.ingest
            ? {
                // The local index runs inside this process: it always finishes before the command ends.
                wait: Boolean(o.wait) || opened.local !== undefined,
                timeoutMs: (o.timeout ?? 900) * 1000,
                force: true,
              }
            : false,
          metrics: false,
          logger: { info: log('info'), warn: log('warn'), error: log('error') },
          ...(rt.deps.clock ? { clock: rt.deps.clock } : {}),
          onProgress: (update) => {
            // What the job is doing while it is not counting (waiting for another run, taking over a
            // dead one's job) is said on stderr, also without a TTY: a silent wait looks like a hang.
            if (update.note && !p.json) rt.deps.stderr.write(`${update.note}\n`);
            progress.update(update);
          },
        });
      } finally {
        progress.stop();
      }
      p.result(result, () => kbSyncSummary(result, opened.describe, p.colors, p.width));
      if (result.status !== 'completed') {
        throw new IncidentsError('kb.sync_failed', syncFailureSummary(result), { details: { status: result.status } });
      }
    });
}

/** Counts the documents (not the metadata sidecars) under `<prefix>closed/`. */
async function countDocuments(objects: ObjectStore, prefix: string): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const page = await objects.list({ prefix: `${prefix}closed/`, cursor, limit: 1000 });
    n += page.items.filter((i) => !i.key.endsWith(METADATA_SUFFIX)).length;
    cursor = page.cursor;
  } while (cursor);
  return n;
}

/** Builds the `kb status` report. */
async function kbStatus(rt: Runtime, opened: OpenedKnowledgeBase): Promise<KbStatusReport> {
  const store = await rt.store();
  const pending: Incident[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listPendingKbSync({ limit: MAX_PAGE_SIZE, cursor });
    pending.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  const by_state = { PENDING: 0, WITHDRAW_PENDING: 0, FAILED: 0 };
  for (const i of pending) {
    const state = i.kb_sync_status.state as keyof typeof by_state;
    if (state in by_state) by_state[state]++;
  }
  const failed: KbFailedEntry[] = pending
    .filter((i) => i.kb_sync_status.state === 'FAILED' || (i.kb_sync_status.sync_attempts ?? 0) > 0)
    .map((i) => ({
      incident_id: i.incident_id,
      title: i.title,
      state: i.kb_sync_status.state,
      attempts: i.kb_sync_status.sync_attempts ?? 0,
      last_attempt: i.kb_sync_status.last_sync_attempt ?? null,
      last_error: i.kb_sync_status.last_sync_error ?? null,
    }));
  let documents_error: string | undefined;
  const [documents_exported, documents_indexed, ingestion_jobs] = await Promise.all([
    // The status is what one reads to diagnose failures: an unreadable object store is reported, not fatal.
    countDocuments(opened.objectStore, opened.config.prefix).catch((err: unknown) => {
      documents_error = err instanceof Error ? err.message : String(err);
      return null;
    }),
    opened.local ? opened.local.count() : Promise.resolve(null),
    opened.local ? opened.local.listIngestionJobs(5) : Promise.resolve(opened.knowledgeBase ? null : []),
  ]);
  return {
    documents_location: opened.describe.documents,
    index_location: opened.describe.index,
    pending: pending.length,
    by_state,
    failed,
    documents_exported,
    ...(documents_error ? { documents_error } : {}),
    documents_indexed,
    ingestion_jobs,
  };
}

function registerStatus(kb: Command, rt: Runtime): void {
  kb.command('status')
    .description('pending and failed incidents, exported and indexed documents, the last ingestion jobs')
    .action(async () => {
      const actor = await rt.actor();
      if (isCustomerOnly(actor)) {
        throw new PermissionDeniedError(actor.id, 'incidents.select', 'customers cannot see the knowledge-base state');
      }
      const opened = await rt.knowledgeBase();
      const report = await kbStatus(rt, opened);
      const p = rt.printer();
      p.result(report, () => kbStatusSummary(report, p.colors, p.width));
    });
}

interface SearchOptions {
  category?: string[];
  severity?: string[];
  source?: string[];
  team?: string[];
  limit: number;
}

/** The metadata filters of `kb search` (attributes of the documents' `.metadata.json` sidecars). */
export function searchFilters(o: Omit<SearchOptions, 'limit'>): KnowledgeBaseFilters | undefined {
  const filters: KnowledgeBaseFilters = {};
  const put = (key: string, values: string[] | undefined) => {
    if (!values?.length) return;
    const unique = [...new Set(values)];
    filters[key] = unique.length === 1 ? (unique[0] as string) : unique;
  };
  put('category', o.category);
  put('severity', o.severity);
  put('source_system', o.source);
  put('team', o.team);
  return Object.keys(filters).length ? filters : undefined;
}

function registerSearch(kb: Command, rt: Runtime): void {
  kb.command('search')
    .description('past incidents similar to a text, with how they were resolved')
    .argument('<text>', 'what is happening, e.g. "checkout returns 502 after deploy"')
    .option('--category <category>', 'only this category (comma-separated or repeated)', collectList)
    .option(
      '--severity <level>',
      'only these severities: CRITICAL, HIGH, MEDIUM, LOW',
      enumList('severity', SEVERITIES),
    )
    .option(
      '--source <system>',
      `only from these systems: ${SOURCE_SYSTEMS.join(', ')}`,
      enumList('source', SOURCE_SYSTEMS),
    )
    .option('--team <team>', 'only this team (comma-separated or repeated)', collectList)
    .addOption(new Option('--limit <n>', 'how many results (1-50)').argParser(integer(1, 50)).default(5))
    .action(async (text: string, o: SearchOptions) => {
      const service = await rt.service();
      const ctx = await rt.ctx();
      const filters = searchFilters(o);
      const hits = await service.findSimilar({ text }, { limit: o.limit, ...(filters ? { filters } : {}) }, ctx);
      const store = await rt.store();
      const items = await Promise.all(
        hits.map(async (h) => {
          // Bedrock returns chunks: the title may not be in the text; the store has it.
          const title = titleOf(h.text, h.incident_id) ?? (await store.getIncident(h.incident_id))?.title ?? null;
          return { ...h, title };
        }),
      );
      const p = rt.printer();
      p.result({ items }, () => {
        const filterText = filters
          ? ` (${Object.entries(filters)
              .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('|') : String(v)}`)
              .join(', ')})`
          : '';
        if (items.length === 0) {
          return p.colors.dim(
            `No similar incidents${filterText}. Closed incidents become searchable after: incidents kb sync --ingest`,
          );
        }
        const rows: SimilarRow[] = items.map((i) => ({
          incident_id: i.incident_id,
          score: i.score,
          title: i.title,
          resolution_type: typeof i.metadata.resolution_type === 'string' ? i.metadata.resolution_type : null,
          resolved_at: typeof i.metadata.resolved_at === 'string' ? i.metadata.resolved_at : null,
          snippet: snippetOf(i.text, text, i.incident_id),
        }));
        const noun = items.length === 1 ? 'similar incident' : 'similar incidents';
        return `${similarTable(rows, p.colors, p.width)}${p.colors.dim(`${items.length} ${noun}${filterText}, best first. Details: incidents show <id>`)}`;
      });
    });
}

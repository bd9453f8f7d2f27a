/**
 * Human renderings of the knowledge-base commands: the result of a sync run, the status report and
 * the similar-incident search table.
 *
 * @module
 */
import type { IngestionJob, IngestionJobStatistics, KbSyncResult } from '@incidents/kb-sync';
import { formatTime } from './format.js';
import type { Colors } from './printer.js';
import { renderFields, renderTable } from './table.js';
import { STOPWORDS } from '@incidents/internals';

/** Milliseconds as `85 ms`, `1.2 s`, `3m 05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** `3 new, 1 modified, 0 deleted, 0 failed of 4 scanned`. */
export function formatStatistics(s: IngestionJobStatistics): string {
  const modified = s.numberOfModifiedDocumentsIndexed + s.numberOfMetadataDocumentsModified;
  return `${s.numberOfNewDocumentsIndexed} new, ${modified} modified, ${s.numberOfDocumentsDeleted} deleted, ${s.numberOfDocumentsFailed} failed of ${s.numberOfDocumentsScanned} scanned`;
}

const INGESTION_REASON: Record<string, string> = {
  nothing_changed: 'not needed (nothing changed)',
  no_knowledge_base: 'not run (no knowledge base: INCIDENTS_KB_MODE=none)',
  disabled: 'not run (pass --ingest to index the documents)',
  conflict: 'not started: another ingestion job is running',
  error: 'could not be started',
};

/** The ingestion line of a sync result. */
export function ingestionLine(r: KbSyncResult, c: Colors): string {
  const i = r.ingestion;
  if (!i.started) {
    const reason = INGESTION_REASON[i.reason ?? ''] ?? 'not run';
    return i.failureReasons.length ? `${reason}: ${i.failureReasons.join('; ')}` : reason;
  }
  const status = i.status ?? 'UNKNOWN';
  const styled = status === 'COMPLETE' ? c.green(status) : status === 'FAILED' ? c.red(status) : c.yellow(status);
  const parts = [`${styled} (job ${i.jobId ?? '?'})`];
  if (i.statistics) parts.push(formatStatistics(i.statistics));
  if (i.reason === 'timeout') parts.push(c.yellow('still running when the wait timed out'));
  return parts.join(' · ');
}

/** The human result of `kb sync`. */
export function kbSyncSummary(
  r: KbSyncResult,
  where: { documents: string; index: string },
  c: Colors,
  width?: number,
): string {
  const ok = r.status === 'completed';
  const head = ok
    ? `${c.green('✔')} Knowledge-base sync completed`
    : `${c.red('✖')} Knowledge-base sync ${r.status.replace(/_/g, ' ')}`;
  const out: string[] = [head, ''];
  out.push(
    renderFields(
      [
        ['Documents', where.documents],
        ['Index', where.index],
        ['Found', String(r.found)],
        ['Synced', String(r.synced)],
        ['Withdrawn', String(r.withdrawn)],
        ['Failed', r.failed ? c.red(String(r.failed)) : '0'],
        ['Changed', r.changed ? `${r.changed} (changed while exported; exported by the next run)` : undefined],
        ['Alerted', r.alerted.length ? r.alerted.join(', ') : undefined],
        ['Ingestion', ingestionLine(r, c)],
        [
          'Durations',
          `sync ${formatDuration(r.durations.syncMs)} · ingestion ${formatDuration(r.durations.ingestionMs)} · total ${formatDuration(r.durations.totalMs)}`,
        ],
      ],
      c.dim,
    ),
  );
  if (r.errors.length) {
    out.push(c.bold(`Errors (${r.errors.length})`));
    out.push(
      renderTable(
        [
          { header: 'INCIDENT', value: (e: KbSyncResult['errors'][number]) => e.incident_id },
          {
            header: 'ATTEMPTS',
            value: (e: KbSyncResult['errors'][number]) => (e.attempts === null ? '?' : String(e.attempts)),
            align: 'right',
          },
          { header: 'ERROR', value: (e: KbSyncResult['errors'][number]) => e.error, max: 100, flex: true },
        ],
        r.errors,
        { headerStyle: c.bold, ...(width ? { width } : {}) },
      ),
    );
  }
  if (r.ingestion.started && r.ingestion.failureReasons.length) {
    out.push(c.bold('Ingestion failure reasons'));
    for (const reason of r.ingestion.failureReasons.slice(0, 10)) out.push(`  ${reason}`);
  }
  return out.join('\n').replace(/\n+$/, '');
}

/** The failed incidents of `kb status`. */
export interface KbFailedEntry {
  incident_id: string;
  title: string;
  state: string;
  attempts: number;
  last_attempt: string | null;
  last_error: string | null;
}

/** The report of `kb status` (also its `--json` output). */
export interface KbStatusReport {
  documents_location: string;
  index_location: string;
  /** Incidents waiting for the job (to export, to withdraw, or failed before). */
  pending: number;
  by_state: { PENDING: number; WITHDRAW_PENDING: number; FAILED: number };
  failed: KbFailedEntry[];
  /** Documents in the object store (without the metadata sidecars); `null` when it could not be listed. */
  documents_exported: number | null;
  /** Why the object store could not be listed. */
  documents_error?: string;
  /** Documents in the local index; `null` for Amazon Bedrock or without an index. */
  documents_indexed: number | null;
  /** The most recent ingestion jobs, newest first; `null` when the knowledge base cannot list them (Bedrock). */
  ingestion_jobs: IngestionJob[] | null;
}

/** The human `kb status`. */
export function kbStatusSummary(s: KbStatusReport, c: Colors, width?: number): string {
  const out: string[] = [c.bold('Knowledge base'), ''];
  out.push(
    renderFields(
      [
        [
          'Documents',
          s.documents_exported === null
            ? `${s.documents_location} ${c.red(`(cannot be listed: ${s.documents_error ?? 'unknown error'})`)}`
            : `${s.documents_location} (${s.documents_exported} exported)`,
        ],
        [
          'Index',
          s.documents_indexed === null ? s.index_location : `${s.index_location} (${s.documents_indexed} indexed)`,
        ],
        [
          'Pending',
          `${s.pending} (${s.by_state.PENDING} to export, ${s.by_state.WITHDRAW_PENDING} to withdraw, ${s.by_state.FAILED} failed)`,
        ],
      ],
      c.dim,
    ),
  );
  if (s.failed.length) {
    out.push(c.bold(`Failed (${s.failed.length})`));
    out.push(
      renderTable(
        [
          { header: 'INCIDENT', value: (f: KbFailedEntry) => f.incident_id },
          { header: 'ATTEMPTS', value: (f: KbFailedEntry) => String(f.attempts), align: 'right' },
          { header: 'LAST ATTEMPT', value: (f: KbFailedEntry) => formatTime(f.last_attempt) || '-' },
          { header: 'LAST ERROR', value: (f: KbFailedEntry) => f.last_error ?? '-', max: 100, flex: true },
        ],
        s.failed,
        { headerStyle: c.bold, ...(width ? { width } : {}) },
      ),
    );
  }
  if (s.ingestion_jobs === null) {
    out.push(c.dim('Ingestion jobs: see the knowledge base in the Amazon Bedrock console.'));
  } else if (s.ingestion_jobs.length === 0) {
    out.push(c.dim('No ingestion job yet: run incidents kb sync --ingest'));
  } else {
    out.push(c.bold('Last ingestion jobs'));
    out.push(
      renderTable(
        [
          { header: 'STARTED', value: (j: IngestionJob) => formatTime(j.startedAt) },
          {
            header: 'STATUS',
            value: (j: IngestionJob) => j.status,
            style: (t) => (t === 'COMPLETE' ? c.green(t) : t === 'FAILED' ? c.red(t) : c.yellow(t)),
          },
          {
            header: 'SCANNED',
            value: (j: IngestionJob) => String(j.statistics.numberOfDocumentsScanned),
            align: 'right',
          },
          {
            header: 'NEW',
            value: (j: IngestionJob) => String(j.statistics.numberOfNewDocumentsIndexed),
            align: 'right',
          },
          {
            header: 'MODIFIED',
            value: (j: IngestionJob) =>
              String(j.statistics.numberOfModifiedDocumentsIndexed + j.statistics.numberOfMetadataDocumentsModified),
            align: 'right',
          },
          {
            header: 'DELETED',
            value: (j: IngestionJob) => String(j.statistics.numberOfDocumentsDeleted),
            align: 'right',
          },
          {
            header: 'FAILED',
            value: (j: IngestionJob) => String(j.statistics.numberOfDocumentsFailed),
            align: 'right',
          },
          { header: 'JOB', value: (j: IngestionJob) => j.jobId, max: 36 },
        ],
        s.ingestion_jobs,
        { headerStyle: c.bold },
      ),
    );
  }
  return out.join('\n').replace(/\n+$/, '');
}

/** One search hit as the CLI shows it. */
export interface SimilarRow {
  incident_id: string;
  score: number;
  title: string | null;
  resolution_type: string | null;
  resolved_at: string | null;
  snippet: string;
}

/** The `kb search` table: score, incident, title, resolution type, resolved at, snippet. */
export function similarTable(rows: readonly SimilarRow[], c: Colors, width?: number): string {
  return renderTable(
    [
      { header: 'SCORE', value: (r: SimilarRow) => formatScore(r.score), align: 'right' },
      { header: 'INCIDENT', value: (r: SimilarRow) => r.incident_id, style: (t) => c.bold(t) },
      { header: 'TITLE', value: (r: SimilarRow) => r.title ?? '-', max: 48 },
      { header: 'RESOLUTION', value: (r: SimilarRow) => r.resolution_type ?? '-' },
      { header: 'RESOLVED', value: (r: SimilarRow) => formatTime(r.resolved_at) || '-' },
      { header: 'SNIPPET', value: (r: SimilarRow) => r.snippet, max: 80, flex: true },
    ],
    rows,
    { headerStyle: c.bold, ...(width ? { width } : {}) },
  );
}

/**
 * Scores with three significant digits. Scales differ between knowledge bases (BM25 of the local
 * index is tiny when it holds few documents; Bedrock's is 0-1), so only the order is comparable.
 */
export function formatScore(score: number): string {
  if (!Number.isFinite(score)) return String(score);
  if (score === 0) return '0';
  const abs = Math.abs(score);
  if (abs >= 1000) return score.toFixed(0);
  if (abs < 0.001) return score.toExponential(1);
  return String(Number(score.toPrecision(3)));
}

/** The words of a query worth matching in a snippet. */
function queryTerms(text: string): string[] {
  return [
    ...new Set(
      text
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter((t) => t.length >= 2 && !STOPWORDS.has(t)),
    ),
  ];
}

/**
 * The most relevant line of a retrieved document for `query` (the one sharing most words with it,
 * the title line excluded), falling back to its resolution line.
 */
export function snippetOf(text: string, query: string, incidentId: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .filter((l, i) => !(i === 0 && l.startsWith(`${incidentId}: `)));
  const terms = queryTerms(query);
  let best = '';
  let bestHits = 0;
  for (const line of lines) {
    const words = new Set(queryTerms(line));
    const hits = terms.filter((t) => words.has(t)).length;
    if (hits > bestHits) {
      best = line;
      bestHits = hits;
    }
  }
  return best || lines.find((l) => l.startsWith('Resolution')) || lines[0] || '';
}

/** The title of a retrieved document: its first line is `<incident_id>: <title>` (R-KB-1). */
export function titleOf(text: string, incidentId: string): string | null {
  const first = text.split('\n', 1)[0] ?? '';
  return first.startsWith(`${incidentId}: `) ? first.slice(incidentId.length + 2).trim() : null;
}

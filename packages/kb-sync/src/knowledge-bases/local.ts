/**
 * The local knowledge base: a libSQL index (FTS5 + BM25, optional vectors) over the documents of an
 * object store, ingested incrementally the way Amazon Bedrock ingests an S3 data source.
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Client, createClient, type InStatement, type InValue } from '@libsql/client';
import { type KnowledgeBaseFilters, NotFoundError, type RetrievedIncident, ValidationError } from '@incidents/core';
import { forEachLimit } from '../concurrency.js';
import { DEFAULT_KB_PREFIX, type KbDocument, METADATA_SUFFIX, renderDocumentText } from '../document.js';
import { errorMessage, IngestionConflictError, KbError } from '../errors.js';
import type {
  Embedder,
  IngestionJob,
  IngestionJobStatistics,
  IngestionJobStatus,
  KnowledgeBase,
  ObjectInfo,
  ObjectStore,
} from '../ports.js';
import { type FilterClause, parseFilters } from './filters.js';
import { STOPWORDS } from '@incidents/internals';

/** The process that runs an ingestion job, as stored with the job. */
interface JobOwner {
  host: string;
  pid: number;
  /** One per knowledge-base object: tells this object's jobs from another's in the same process. */
  instance: string;
}

function parseOwner(value: unknown): JobOwner | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const o = JSON.parse(value) as Partial<JobOwner>;
    return typeof o.host === 'string' && typeof o.pid === 'number' && typeof o.instance === 'string'
      ? (o as JobOwner)
      : undefined;
  } catch {
    return undefined;
  }
}

const describeOwner = (o: JobOwner) => `process ${o.pid} on ${o.host}`;

/** Whether a process of this machine exists (`EPERM`: it exists, owned by another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Options of {@link createLocalKnowledgeBase}. Give `url` or `client`. */
export interface LocalKnowledgeBaseOptions {
  /** libSQL URL of the index: `file:kb/index.db`, `:memory:`, or a Turso `libsql://` URL. */
  url?: string;
  /** Turso auth token for a remote `url`. */
  authToken?: string;
  /** An existing client (not closed by {@link LocalKnowledgeBase.close}). */
  client?: Client;
  /** Where the documents are (the data source). */
  objectStore: ObjectStore;
  /** Only keys under this prefix are ingested (Bedrock's inclusion prefix); default `incidents/`. */
  prefix?: string;
  /** Enables hybrid retrieval (BM25 + vector similarity, fused by reciprocal rank). */
  embedder?: Embedder;
  /** Documents fetched in parallel during ingestion (default 16). */
  concurrency?: number;
  /**
   * A running job whose heartbeat is older than this is considered abandoned and taken over by the
   * next job (default 60 seconds). A job owned by a process of this machine that no longer exists is
   * taken over at once, whatever its heartbeat.
   */
  staleJobMs?: number;
  /** How often a running job refreshes its heartbeat (default 10 seconds, at most `staleJobMs / 3`). */
  heartbeatMs?: number;
  /**
   * Query terms found in more documents than this are too common to rank by (default 2,000): BM25
   * scores every matching document and counts every occurrence of a term for its IDF, so one word
   * present in most of 100,000 documents costs a full scan while telling little about relevance.
   * Such terms are left out of ranked queries (see {@link LocalKnowledgeBase.retrieve}).
   */
  maxScoredDocuments?: number;
  /**
   * Relevance floor of ranked (BM25) results, relative to the best one (default 0.05; 0 keeps all):
   * a document scoring less than this fraction of the top match is left out. BM25 weighs each
   * matched term by its rarity, and FTS5 gives a term found in more than half of the documents a
   * weight of 1e-6, so such a document shares with the query only words that most documents have —
   * an unrelated incident, not a "similar" one. The floor is relative because BM25 scores have no
   * fixed scale (they grow with the query's length and the corpus).
   */
  minRelativeScore?: number;
}

/** The local knowledge base: core's retriever, the ingestion side, and a few local conveniences. */
export interface LocalKnowledgeBase extends KnowledgeBase {
  /** Starts an ingestion job and waits for it; returns the finished job. */
  ingest(options?: { description?: string }): Promise<IngestionJob>;
  /** Number of indexed documents. */
  count(): Promise<number>;
  /** The most recent jobs, newest first. */
  listIngestionJobs(limit?: number): Promise<IngestionJob[]>;
  /** Waits for running jobs and releases the connection (unless the client was given). */
  close(): Promise<void>;
}

const ACTIVE: IngestionJobStatus[] = ['STARTING', 'IN_PROGRESS'];
const WRITE_BATCH = 250;
/** Version of the index layout (kept in `kb_settings`). */
const SCHEMA_VERSION = 2;
/** Default of {@link LocalKnowledgeBaseOptions.maxScoredDocuments}. */
const MAX_SCORED_DOCUMENTS = 2000;
/** Units in up to this many times `maxScoredDocuments` documents still narrow the AND step. */
const AND_FACTOR = 5;
/** The AND step uses the rarest few units: BM25 counts every occurrence of each unit for its IDF. */
const MAX_AND_UNITS = 4;

const JOB_TABLES = [
  `CREATE TABLE IF NOT EXISTS kb_ingestion_jobs (
    job_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    description TEXT,
    statistics_json TEXT NOT NULL,
    failure_reasons_json TEXT NOT NULL,
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    owner_json TEXT
  )`,
  'CREATE INDEX IF NOT EXISTS kb_ingestion_jobs_started ON kb_ingestion_jobs (started_at)',
  'CREATE TABLE IF NOT EXISTS kb_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)',
];

const DROP_SCHEMA_1 = [
  'DROP TABLE IF EXISTS kb_fts',
  'DROP TABLE IF EXISTS kb_vectors',
  'DROP TABLE IF EXISTS kb_document_attributes',
  'DROP TABLE IF EXISTS kb_documents',
  `DELETE FROM kb_settings WHERE name IN ('vector_dimensions', 'generation')`,
];

/** Scalar attributes of a sidecar, and the elements of list attributes, as (name, value) rows. */
const ATTRIBUTES_OF_NEW = `INSERT OR IGNORE INTO kb_document_attributes (document_id, name, value)
    SELECT new.id, j.key, j.value FROM json_each(new.metadata_json) AS j
      WHERE j.type IN ('text', 'integer', 'real', 'true', 'false')
    UNION ALL
    SELECT new.id, j.key, e.value FROM json_each(new.metadata_json) AS j, json_each(j.value) AS e
      WHERE j.type = 'array' AND e.type IN ('text', 'integer', 'real', 'true', 'false');`;

/**
 * Schema 2. The text is stored once, in `kb_documents`; `kb_fts` is an external-content FTS5 index
 * over it (porter stemming over unicode61 words: "timeouts" finds "timeout"; identifiers such as
 * `ERR_CONN_RESET` or `billing-api` are matched as phrases of their words), ranked by BM25 with
 * the title weighted 4×. Sidecar attributes are rows of `kb_document_attributes` keyed by
 * (`document_id, name, value`): a filter is a primary-key probe per candidate, evaluated in rank
 * order, so it never scans (and the key costs one append per attribute at ingestion). Triggers keep
 * the FTS index and the attributes in step with `kb_documents`.
 */
const INDEX_TABLES = [
  `CREATE TABLE IF NOT EXISTS kb_documents (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    incident_id TEXT NOT NULL,
    etag TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    metadata_etag TEXT,
    metadata_hash TEXT,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    metadata_json TEXT NOT NULL,
    indexed_at TEXT NOT NULL
  )`,
  'CREATE INDEX IF NOT EXISTS kb_documents_incident ON kb_documents (incident_id)',
  `CREATE VIRTUAL TABLE IF NOT EXISTS kb_fts USING fts5(title, text, content = 'kb_documents', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2')`,
  `INSERT INTO kb_fts (kb_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)')`,
  `CREATE TABLE IF NOT EXISTS kb_document_attributes (
    document_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    value NOT NULL,
    PRIMARY KEY (document_id, name, value)
  ) WITHOUT ROWID`,
  `CREATE TRIGGER IF NOT EXISTS kb_documents_ai AFTER INSERT ON kb_documents BEGIN
    INSERT INTO kb_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
    ${ATTRIBUTES_OF_NEW}
  END`,
  `CREATE TRIGGER IF NOT EXISTS kb_documents_ad AFTER DELETE ON kb_documents BEGIN
    INSERT INTO kb_fts (kb_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    DELETE FROM kb_document_attributes WHERE document_id = old.id;
  END`,
  `CREATE TRIGGER IF NOT EXISTS kb_documents_au_text AFTER UPDATE OF title, text ON kb_documents
    WHEN old.title IS NOT new.title OR old.text IS NOT new.text BEGIN
    INSERT INTO kb_fts (kb_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO kb_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
  END`,
  `CREATE TRIGGER IF NOT EXISTS kb_documents_au_metadata AFTER UPDATE OF metadata_json ON kb_documents
    WHEN old.metadata_json IS NOT new.metadata_json BEGIN
    DELETE FROM kb_document_attributes WHERE document_id = old.id;
    ${ATTRIBUTES_OF_NEW}
  END`,
];

/** Bumped by every write to the index: cached term statistics are dropped when it moves. */
const BUMP_GENERATION = `INSERT INTO kb_settings (name, value) VALUES ('generation', '1')
  ON CONFLICT (name) DO UPDATE SET value = CAST(value AS INTEGER) + 1`;
function zeroStats(): IngestionJobStatistics {
  return {
    numberOfDocumentsScanned: 0,
    numberOfMetadataDocumentsScanned: 0,
    numberOfNewDocumentsIndexed: 0,
    numberOfModifiedDocumentsIndexed: 0,
    numberOfMetadataDocumentsModified: 0,
    numberOfDocumentsDeleted: 0,
    numberOfDocumentsFailed: 0,
  };
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const decoder = new TextDecoder();

/** Turns free text into an FTS5 query: distinct terms, OR-ed, quoted (no FTS syntax injection). */
export function toFtsQuery(text: string, maxTerms = 32): string | null {
  const terms: string[] = [];
  const seen = new Set<string>();
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}_]+/gu)) {
    const t = m[0];
    if (t.length < 2 || STOPWORDS.has(t) || seen.has(t)) continue;
    seen.add(t);
    terms.push(`"${t}"`);
    if (terms.length >= maxTerms) break;
  }
  return terms.length ? terms.join(' OR ') : null;
}

/**
 * The units of a query: distinct words, and identifiers (`ERR_CONN_RESET`, `billing-api`,
 * `com.acme.Billing.export`) as phrases of their tokens — the way the index tokenizes them — so an
 * identifier matches as a whole. Stop words and one-character words are dropped.
 */
function queryUnits(text: string, maxUnits = 32): string[] {
  const units: string[] = [];
  const seen = new Set<string>();
  for (const chunk of text.toLowerCase().split(/\s+/)) {
    const tokens = chunk.match(/[\p{L}\p{N}]+/gu);
    if (!tokens) continue;
    const candidates =
      tokens.length === 1 || tokens.length > 8
        ? tokens.filter((t) => t.length >= 2 && !STOPWORDS.has(t))
        : [tokens.join(' ')];
    for (const unit of candidates) {
      if (seen.has(unit)) continue;
      seen.add(unit);
      units.push(unit);
      if (units.length >= maxUnits) return units;
    }
  }
  return units;
}

const phrase = (unit: string) => `"${unit}"`;

interface Extracted {
  incidentId: string;
  title: string;
  text: string;
  metadata: Record<string, unknown>;
}

/** Reads a stored document (+ sidecar) into what the index keeps. */
function extract(key: string, body: Uint8Array, sidecar: Uint8Array | null): Extracted {
  const raw = decoder.decode(body);
  let metadata: Record<string, unknown> = {};
  if (sidecar) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoder.decode(sidecar));
    } catch (err) {
      throw new Error(`metadata file ${key}${METADATA_SUFFIX} is not valid JSON: ${errorMessage(err)}`);
    }
    const attrs = (parsed as { metadataAttributes?: unknown })?.metadataAttributes;
    if (!attrs || typeof attrs !== 'object' || Array.isArray(attrs)) {
      throw new Error(`metadata file ${key}${METADATA_SUFFIX} has no metadataAttributes object`);
    }
    metadata = attrs as Record<string, unknown>;
  }
  const base = decodeURIComponent(key.slice(key.lastIndexOf('/') + 1).replace(/\.[^.]*$/, ''));
  let doc: Partial<KbDocument> | null = null;
  if (key.endsWith('.json')) {
    try {
      doc = JSON.parse(raw) as Partial<KbDocument>;
    } catch (err) {
      throw new Error(`document ${key} is not valid JSON: ${errorMessage(err)}`);
    }
  }
  const incidentId =
    (typeof metadata.incident_id === 'string' && metadata.incident_id) ||
    (typeof doc?.incident_id === 'string' && doc.incident_id) ||
    base;
  if (doc && typeof doc.title === 'string' && typeof doc.incident_id === 'string') {
    const defaults: Partial<KbDocument> = {
      affected_systems: [],
      affected_services: [],
      error_messages: [],
      affected_components: [],
      resolution_steps: [],
      commands_executed: [],
      preventive_actions: [],
      code_changes: [],
      tags: [],
      labels: [],
    };
    const full = { ...defaults, ...doc } as KbDocument;
    const text = renderDocumentText(full);
    return { incidentId, title: full.title, text, metadata };
  }
  return { incidentId, title: base, text: raw, metadata };
}

/**
 * Creates the local knowledge base. Ingestion lists the object store under `prefix`, indexes new
 * and changed documents (with their `.metadata.json` sidecars), removes deleted ones, and reports
 * Bedrock's `IngestionJobStatistics`; retrieval ranks with BM25 (plus vectors with an `embedder`)
 * and applies metadata filters. Pass it to `createIncidentService({ knowledgeBase })`.
 *
 * @example
 * ```ts
 * const objectStore = createFilesystemObjectStore({ dir: '.incidents/kb/documents' });
 * const kb = await createLocalKnowledgeBase({ url: 'file:.incidents/kb/index.db', objectStore });
 * await kb.ingest();
 * const hits = await kb.retrieve({ text: 'checkout 502 after deploy', limit: 5, filters: { severity: 'HIGH' } });
 * ```
 */
export async function createLocalKnowledgeBase(options: LocalKnowledgeBaseOptions): Promise<LocalKnowledgeBase> {
  if (!options || typeof options !== 'object') {
    throw new ValidationError([{ path: '', message: 'options are required' }], {
      context: 'local knowledge base options',
    });
  }
  if (!options.objectStore) {
    throw new ValidationError([{ path: 'objectStore', message: 'objectStore is required' }], {
      context: 'local knowledge base options',
    });
  }
  if (!options.client && (typeof options.url !== 'string' || !options.url)) {
    throw new ValidationError([{ path: 'url', message: 'give url (file:…, :memory:, libsql://…) or client' }], {
      context: 'local knowledge base options',
    });
  }
  const prefix = options.prefix ?? DEFAULT_KB_PREFIX;
  const objects = options.objectStore;
  const embedder = options.embedder;
  const concurrency = options.concurrency ?? 16;
  const staleJobMs = options.staleJobMs ?? 60_000;
  const heartbeatMs = Math.max(10, Math.min(options.heartbeatMs ?? 10_000, Math.floor(staleJobMs / 3) || 10));
  /** Who runs this process's jobs: stored with each job so that another process can tell a crash. */
  const owner: JobOwner = { host: hostname(), pid: process.pid, instance: randomUUID() };
  const maxScored = options.maxScoredDocuments ?? MAX_SCORED_DOCUMENTS;
  const minRelativeScore = options.minRelativeScore ?? 0.05;
  if (!(minRelativeScore >= 0 && minRelativeScore <= 1)) {
    throw new ValidationError([{ path: 'minRelativeScore', message: 'minRelativeScore must be between 0 and 1' }], {
      context: 'local knowledge base options',
    });
  }
  if (!Number.isInteger(maxScored) || maxScored < 1) {
    throw new ValidationError(
      [{ path: 'maxScoredDocuments', message: 'maxScoredDocuments must be a positive integer' }],
      {
        context: 'local knowledge base options',
      },
    );
  }
  const ownsClient = !options.client;
  const client =
    options.client ??
    createClient({
      url: options.url as string,
      ...(options.authToken ? { authToken: options.authToken } : {}),
      // Another process may write the same index file (a second run, a job's heartbeat): wait for
      // its lock instead of failing with SQLITE_BUSY.
      ...(/^file:/i.test(options.url as string) ? { timeout: 5_000 } : {}),
    });
  const running = new Map<string, Promise<IngestionJob>>();

  const dbFail = (op: string, err: unknown) =>
    err instanceof KbError ||
    err instanceof ValidationError ||
    err instanceof NotFoundError ||
    err instanceof IngestionConflictError
      ? err
      : new KbError('kb.index', `local knowledge base ${op} failed: ${errorMessage(err)}`, {
          details: { op },
          cause: err,
        });

  async function schemaVersion(): Promise<number | null> {
    const r = await client.execute(`SELECT value FROM kb_settings WHERE name = 'schema_version'`);
    if (r.rows[0]) return Number(r.rows[0].value);
    // Schema 1 had no version row; its tables may exist.
    const old = await client.execute(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kb_documents'`);
    return old.rows.length ? 1 : null;
  }

  // Schema.
  try {
    await client.batch([...JOB_TABLES], 'write');
    await addOwnerColumn();
    const version = await schemaVersion();
    if (version !== null && version > SCHEMA_VERSION) {
      throw new KbError(
        'kb.index',
        `the index was written by a newer version of @incidents/kb-sync (schema ${version}); upgrade, or use a new index`,
        { userError: true },
      );
    }
    if (version !== SCHEMA_VERSION) {
      // A new index, or one of schema 1 (text stored twice, JSON filters): rebuilt from the object
      // store by the next ingestion (every document is then "new"). The plain INSERT of the version
      // makes a concurrent migration by another process fail as a whole (and roll back) instead of
      // dropping what the first one built.
      try {
        await client.batch(
          [
            {
              sql: `INSERT INTO kb_settings (name, value) VALUES ('schema_version', ?)`,
              args: [String(SCHEMA_VERSION)],
            },
            ...(version === null ? [] : DROP_SCHEMA_1),
            ...INDEX_TABLES,
          ],
          'write',
        );
      } catch (err) {
        if ((await schemaVersion()) !== SCHEMA_VERSION) throw err;
      }
    }
    if (embedder) {
      const dims = embedder.dimensions;
      if (!Number.isInteger(dims) || dims < 1 || dims > 65_536) {
        throw new ValidationError([{ path: 'embedder.dimensions', message: 'dimensions must be a positive integer' }]);
      }
      const found = await client.execute({
        sql: `SELECT value FROM kb_settings WHERE name = 'vector_dimensions'`,
        args: [],
      });
      const stored = found.rows[0]?.value;
      if (stored !== undefined && Number(stored) !== dims) {
        throw new KbError(
          'kb.index',
          `the index was built with ${stored}-dimension vectors; the embedder gives ${dims}. Use a new index.`,
          {
            userError: true,
          },
        );
      }
      await client.batch(
        [
          `CREATE TABLE IF NOT EXISTS kb_vectors (id INTEGER PRIMARY KEY, embedding F32_BLOB(${dims}) NOT NULL)`,
          `CREATE INDEX IF NOT EXISTS kb_vectors_idx ON kb_vectors (libsql_vector_idx(embedding, 'metric=cosine'))`,
          {
            sql: `INSERT OR IGNORE INTO kb_settings (name, value) VALUES ('vector_dimensions', ?)`,
            args: [String(dims)],
          },
        ],
        'write',
      );
    }
  } catch (err) {
    if (ownsClient) client.close();
    throw dbFail('schema setup', err);
  }

  /** Indexes created before jobs recorded their owner get the column (idempotent across processes). */
  async function addOwnerColumn(): Promise<void> {
    const hasOwner = async () =>
      (await client.execute(`SELECT 1 FROM pragma_table_info('kb_ingestion_jobs') WHERE name = 'owner_json'`)).rows
        .length > 0;
    if (await hasOwner()) return;
    try {
      await client.execute('ALTER TABLE kb_ingestion_jobs ADD COLUMN owner_json TEXT');
    } catch (err) {
      if (!(await hasOwner())) throw err; // another process added it first
    }
  }

  function rowToJob(row: Record<string, unknown>): IngestionJob {
    const jobOwner = parseOwner(row.owner_json);
    return {
      jobId: String(row.job_id),
      status: String(row.status) as IngestionJobStatus,
      statistics: { ...zeroStats(), ...(JSON.parse(String(row.statistics_json)) as Partial<IngestionJobStatistics>) },
      failureReasons: JSON.parse(String(row.failure_reasons_json)) as string[],
      ...(row.description ? { description: String(row.description) } : {}),
      startedAt: String(row.started_at),
      updatedAt: String(row.updated_at),
      ...(jobOwner ? { owner: describeOwner(jobOwner) } : {}),
    };
  }

  /**
   * Why an active job of another run is abandoned, or `undefined` while it may still be alive: its
   * owner is a process of this machine that is gone, or its heartbeat is older than `staleJobMs`.
   */
  function abandonedBecause(row: Record<string, unknown>, now: number): string | undefined {
    const jobOwner = parseOwner(row.owner_json);
    if (jobOwner?.instance === owner.instance && running.has(String(row.job_id))) return undefined;
    if (
      jobOwner &&
      jobOwner.host === owner.host &&
      jobOwner.instance !== owner.instance &&
      !processAlive(jobOwner.pid)
    ) {
      return `abandoned: its process (${describeOwner(jobOwner)}) is gone`;
    }
    const beat = Date.parse(String(row.updated_at));
    if (!Number.isFinite(beat) || now - beat > staleJobMs) {
      return `abandoned: no heartbeat since ${String(row.updated_at)}${jobOwner ? ` (${describeOwner(jobOwner)})` : ''}`;
    }
    return undefined;
  }

  async function saveJob(jobId: string, status: IngestionJobStatus, stats: IngestionJobStatistics, reasons: string[]) {
    await client.execute({
      sql: 'UPDATE kb_ingestion_jobs SET status = ?, statistics_json = ?, failure_reasons_json = ?, updated_at = ? WHERE job_id = ?',
      args: [status, JSON.stringify(stats), JSON.stringify(reasons.slice(0, 50)), new Date().toISOString(), jobId],
    });
  }

  async function embedAll(texts: string[]): Promise<Array<Float32Array | number[]>> {
    if (!embedder || texts.length === 0) return [];
    const out: Array<Float32Array | number[]> = [];
    for (let i = 0; i < texts.length; i += 64) {
      const vectors = await embedder.embed(texts.slice(i, i + 64));
      if (vectors.length !== Math.min(64, texts.length - i))
        throw new Error('the embedder returned a different number of vectors than texts');
      for (const v of vectors) {
        if (v.length !== embedder.dimensions)
          throw new Error(`the embedder returned a ${v.length}-dimension vector; expected ${embedder.dimensions}`);
        out.push(v);
      }
    }
    return out;
  }

  const vectorJson = (v: Float32Array | number[]) => JSON.stringify(Array.from(v));

  /** The ingestion algorithm: list, diff against the index, fetch what changed, write in batches. */
  async function runIngestion(jobId: string): Promise<IngestionJob> {
    const stats = zeroStats();
    const reasons: string[] = [];
    // The heartbeat tells other processes that this job is alive between its progress writes.
    const heartbeat = setInterval(() => {
      client
        .execute({
          sql: `UPDATE kb_ingestion_jobs SET updated_at = ? WHERE job_id = ? AND status IN ('STARTING', 'IN_PROGRESS')`,
          args: [new Date().toISOString(), jobId],
        })
        .catch(() => {
          // A missed beat only makes the job look older; the next progress write refreshes it.
        });
    }, heartbeatMs);
    heartbeat.unref?.();
    try {
      await saveJob(jobId, 'IN_PROGRESS', stats, reasons);
      const docs = new Map<string, ObjectInfo>();
      const sidecars = new Map<string, ObjectInfo>();
      let cursor: string | null = null;
      do {
        const page = await objects.list({ prefix, cursor, limit: 1000 });
        for (const item of page.items) {
          if (item.key.endsWith(METADATA_SUFFIX)) sidecars.set(item.key.slice(0, -METADATA_SUFFIX.length), item);
          else docs.set(item.key, item);
        }
        cursor = page.cursor;
      } while (cursor);

      const indexed = new Map<
        string,
        { etag: string; content_hash: string; metadata_etag: string | null; metadata_hash: string | null }
      >();
      const rows = await client.execute(
        'SELECT key, etag, content_hash, metadata_etag, metadata_hash FROM kb_documents',
      );
      for (const r of rows.rows) {
        indexed.set(String(r.key), {
          etag: String(r.etag),
          content_hash: String(r.content_hash),
          metadata_etag: r.metadata_etag === null ? null : String(r.metadata_etag),
          metadata_hash: r.metadata_hash === null ? null : String(r.metadata_hash),
        });
      }

      const toFetch: Array<{ key: string; info: ObjectInfo; sidecar: ObjectInfo | undefined; isNew: boolean }> = [];
      for (const [key, info] of docs) {
        stats.numberOfDocumentsScanned++;
        const sidecar = sidecars.get(key);
        if (sidecar) stats.numberOfMetadataDocumentsScanned++;
        const prev = indexed.get(key);
        if (!prev) toFetch.push({ key, info, sidecar, isNew: true });
        else if (prev.etag !== info.etag || prev.metadata_etag !== (sidecar?.etag ?? null))
          toFetch.push({ key, info, sidecar, isNew: false });
      }
      const deleted = [...indexed.keys()].filter((k) => !docs.has(k));

      // Deletions first (cheap), in batches.
      for (let i = 0; i < deleted.length; i += WRITE_BATCH) {
        const stmts: InStatement[] = [];
        for (const key of deleted.slice(i, i + WRITE_BATCH)) {
          if (embedder)
            stmts.push({
              sql: 'DELETE FROM kb_vectors WHERE id = (SELECT id FROM kb_documents WHERE key = ?)',
              args: [key],
            });
          // The triggers remove the FTS entry and the attributes.
          stmts.push({ sql: 'DELETE FROM kb_documents WHERE key = ?', args: [key] });
        }
        stmts.push(BUMP_GENERATION);
        await client.batch(stmts, 'write');
        stats.numberOfDocumentsDeleted += Math.min(WRITE_BATCH, deleted.length - i);
      }

      for (let i = 0; i < toFetch.length; i += WRITE_BATCH) {
        const chunk = toFetch.slice(i, i + WRITE_BATCH);
        const ready: Array<{
          key: string;
          info: ObjectInfo;
          sidecar?: ObjectInfo;
          hash: string;
          metaHash: string | null;
          x: Extracted;
          kind: 'new' | 'modified' | 'metadata' | 'touch';
        }> = [];
        await forEachLimit(chunk, concurrency, async (item) => {
          try {
            const [obj, meta] = await Promise.all([
              objects.get(item.key),
              item.sidecar ? objects.get(`${item.key}${METADATA_SUFFIX}`) : null,
            ]);
            if (!obj) return; // deleted while we were listing: the next job removes it
            const hash = sha(obj.body);
            const metaHash = meta ? sha(meta.body) : null;
            const prev = indexed.get(item.key);
            let kind: 'new' | 'modified' | 'metadata' | 'touch' = 'new';
            if (prev) {
              if (prev.content_hash !== hash) kind = 'modified';
              else if (prev.metadata_hash !== metaHash) kind = 'metadata';
              else kind = 'touch';
            }
            const x = extract(item.key, obj.body, meta ? meta.body : null);
            const info: ObjectInfo = { ...item.info, etag: obj.etag || item.info.etag };
            const sidecarInfo = meta
              ? { ...(item.sidecar as ObjectInfo), etag: meta.etag || (item.sidecar as ObjectInfo).etag }
              : undefined;
            ready.push({
              key: item.key,
              info,
              ...(sidecarInfo ? { sidecar: sidecarInfo } : {}),
              hash,
              metaHash,
              x,
              kind,
            });
          } catch (err) {
            stats.numberOfDocumentsFailed++;
            if (reasons.length < 50) reasons.push(`${item.key}: ${errorMessage(err)}`);
          }
        });
        const reindex = ready.filter((r) => r.kind !== 'touch');
        const vectors = await embedAll(reindex.map((r) => r.x.text));
        const now = new Date().toISOString();
        const stmts: InStatement[] = [];
        for (const r of ready) {
          if (r.kind === 'touch') {
            stmts.push({
              sql: 'UPDATE kb_documents SET etag = ?, metadata_etag = ? WHERE key = ?',
              args: [r.info.etag, r.sidecar?.etag ?? null, r.key],
            });
            continue;
          }
          stmts.push({
            // The triggers (re)index the text and the attributes when they changed.
            sql: `INSERT INTO kb_documents (key, incident_id, etag, content_hash, metadata_etag, metadata_hash, title, text, metadata_json, indexed_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                  ON CONFLICT (key) DO UPDATE SET incident_id = excluded.incident_id, etag = excluded.etag,
                    content_hash = excluded.content_hash, metadata_etag = excluded.metadata_etag,
                    metadata_hash = excluded.metadata_hash, title = excluded.title, text = excluded.text,
                    metadata_json = excluded.metadata_json, indexed_at = excluded.indexed_at`,
            args: [
              r.key,
              r.x.incidentId,
              r.info.etag,
              r.hash,
              r.sidecar?.etag ?? null,
              r.metaHash,
              r.x.title,
              r.x.text,
              JSON.stringify(r.x.metadata),
              now,
            ],
          });
          if (embedder) {
            const v = vectors[reindex.indexOf(r)];
            stmts.push({
              sql: 'INSERT OR REPLACE INTO kb_vectors (id, embedding) VALUES ((SELECT id FROM kb_documents WHERE key = ?), vector32(?))',
              args: [r.key, vectorJson(v as number[])],
            });
          }
        }
        if (stmts.length) {
          stmts.push(BUMP_GENERATION);
          await client.batch(stmts, 'write');
        }
        for (const r of ready) {
          if (r.kind === 'new') stats.numberOfNewDocumentsIndexed++;
          else if (r.kind === 'modified') stats.numberOfModifiedDocumentsIndexed++;
          else if (r.kind === 'metadata') stats.numberOfMetadataDocumentsModified++;
        }
        await saveJob(jobId, 'IN_PROGRESS', stats, reasons);
      }
      await saveJob(jobId, 'COMPLETE', stats, reasons);
    } catch (err) {
      reasons.push(errorMessage(err));
      try {
        await saveJob(jobId, 'FAILED', stats, reasons);
      } catch {
        // The index itself is unusable; the next start reports the stale job as abandoned.
      }
    } finally {
      clearInterval(heartbeat);
    }
    return kb.getIngestionJob(jobId);
  }

  async function start(description?: string): Promise<{ job: IngestionJob; done: Promise<IngestionJob> }> {
    const jobId = randomUUID();
    const now = new Date();
    const active = ACTIVE.map((s) => `'${s}'`).join(', ');
    const tookOver: Array<{ jobId: string; reason: string }> = [];
    let inserted: number;
    try {
      // Jobs left active by a run that died: failed (with the reason) so that this one can start.
      // The update is conditional on the heartbeat read here: a job that beats meanwhile is kept.
      const current = await client.execute(
        `SELECT job_id, updated_at, owner_json FROM kb_ingestion_jobs WHERE status IN (${active})`,
      );
      const takeOver: InStatement[] = [];
      for (const row of current.rows as unknown as Array<Record<string, unknown>>) {
        const reason = abandonedBecause(row, now.getTime());
        if (!reason) continue;
        tookOver.push({ jobId: String(row.job_id), reason });
        takeOver.push({
          sql: `UPDATE kb_ingestion_jobs SET status = 'FAILED', failure_reasons_json = ?, updated_at = ?
                WHERE job_id = ? AND status IN (${active}) AND updated_at = ?`,
          args: [JSON.stringify([reason]), now.toISOString(), String(row.job_id), String(row.updated_at)],
        });
      }
      const results = await client.batch(
        [
          ...takeOver,
          {
            sql: `INSERT INTO kb_ingestion_jobs (job_id, status, description, statistics_json, failure_reasons_json, started_at, updated_at, owner_json)
                  SELECT ?, 'STARTING', ?, ?, '[]', ?, ?, ?
                  WHERE NOT EXISTS (SELECT 1 FROM kb_ingestion_jobs WHERE status IN (${active}))`,
            args: [
              jobId,
              description ?? null,
              JSON.stringify(zeroStats()),
              now.toISOString(),
              now.toISOString(),
              JSON.stringify(owner),
            ],
          },
        ],
        'write',
      );
      inserted = results[takeOver.length]?.rowsAffected ?? 0;
    } catch (err) {
      throw dbFail('startIngestion', err);
    }
    if (inserted === 0) {
      const r = await client.execute(
        `SELECT job_id, updated_at, owner_json FROM kb_ingestion_jobs WHERE status IN (${active}) ORDER BY started_at DESC LIMIT 1`,
      );
      const row = r.rows[0] as unknown as Record<string, unknown> | undefined;
      const runningJobId = row ? String(row.job_id) : undefined;
      const jobOwner = row ? parseOwner(row.owner_json) : undefined;
      const who = jobOwner ? `, run by ${describeOwner(jobOwner)}` : '';
      const beat = row ? `, last heartbeat ${String(row.updated_at)}` : '';
      throw new IngestionConflictError(
        'local',
        `An ingestion job is already running for this data source${runningJobId ? ` (${runningJobId}${who}${beat})` : ''}`,
        {
          ...(runningJobId ? { runningJobId } : {}),
        },
      );
    }
    const job = { ...(await kb.getIngestionJob(jobId)), ...(tookOver.length ? { tookOver } : {}) };
    const done = runIngestion(jobId)
      .then((finished) => ({ ...finished, ...(tookOver.length ? { tookOver } : {}) }))
      .finally(() => running.delete(jobId));
    running.set(jobId, done);
    return { job, done };
  }

  /** One `AND EXISTS (…)` per filter clause: a probe of the attribute key for the row `rowid` (no scan). */
  function filterSql(clauses: FilterClause[], rowid: string): { sql: string; args: InValue[] } {
    const parts: string[] = [];
    const args: InValue[] = [];
    for (const c of clauses) {
      parts.push(
        `EXISTS (SELECT 1 FROM kb_document_attributes AS a WHERE a.document_id = ${rowid} AND a.name = ? AND a.value IN (${c.values.map(() => '?').join(', ')}))`,
      );
      args.push(c.key, ...c.values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)));
    }
    return { sql: parts.length ? ` AND ${parts.join(' AND ')}` : '', args };
  }

  function toResult(row: Record<string, unknown>, score: number): RetrievedIncident {
    const key = String(row.key);
    return {
      incident_id: String(row.incident_id),
      score,
      text: String(row.text),
      location: objects.uri(key),
      metadata: JSON.parse(String(row.metadata_json)) as Record<string, unknown>,
    };
  }

  // Documents per query unit, counted up to maxScored + 1, cached until the index changes.
  let countsGeneration: string | null = null;
  const documentsWith = new Map<string, number>();

  async function documentCounts(units: string[]): Promise<number[]> {
    const g = await client.execute(`SELECT value FROM kb_settings WHERE name = 'generation'`);
    const generation = g.rows[0] ? String(g.rows[0].value) : '0';
    if (generation !== countsGeneration || documentsWith.size > 10_000) {
      documentsWith.clear();
      countsGeneration = generation;
    }
    const missing = units.filter((u) => !documentsWith.has(u));
    if (missing.length) {
      // A capped count stops after maxScored + 1 matches: a common word costs no more than a rare one.
      const columns = missing.map(() => '(SELECT count(*) FROM (SELECT 1 FROM kb_fts WHERE kb_fts MATCH ? LIMIT ?))');
      const r = await client.execute({
        sql: `SELECT ${columns.join(', ')}`,
        args: missing.flatMap((u) => [phrase(u), maxScored * AND_FACTOR + 1]),
      });
      const row = r.rows[0];
      missing.forEach((u, i) => {
        documentsWith.set(u, Number(row?.[i] ?? 0));
      });
    }
    return units.map((u) => documentsWith.get(u) as number);
  }

  const round = (x: number) => Math.round(x * 1e6) / 1e6;

  /**
   * The lexical search. BM25 ranking costs work for every matching document, so what is ranked is
   * kept small: the query's *selective* units (found in at most `maxScored` documents) are tried
   * all together first (AND); when that finds fewer than `n`, the rest comes from any of them (OR,
   * rarest first, as many as fit in `maxScored` matching documents). Units too common to rank by
   * are left out. A query made only of common
   * words returns the most recently indexed documents containing all of them (then fewer of them),
   * scored by reciprocal position. Filters are probes of the attribute key, evaluated in rank order.
   */
  async function lexical(
    text: string,
    n: number,
    clauses: FilterClause[],
  ): Promise<Array<{ row: Record<string, unknown>; score: number }>> {
    const units = queryUnits(text);
    if (units.length === 0) return [];
    // A phrase is evaluated by walking the lists of its words: its cost is that of its rarest word,
    // however rare the phrase itself is ("checkout service" costs what "checkout" costs).
    const words = [...new Set(units.flatMap((u) => (u.includes(' ') ? u.split(' ') : [])))].filter(
      (w) => !units.includes(w),
    );
    const counts = await documentCounts([...units, ...words]);
    const countOf = new Map([...units, ...words].map((u, i) => [u, counts[i] as number]));
    const present = units
      .map((unit) => ({
        unit,
        documents: countOf.get(unit) as number,
        work: unit.includes(' ')
          ? Math.min(...unit.split(' ').map((w) => countOf.get(w) as number))
          : (countOf.get(unit) as number),
      }))
      .filter((t) => t.documents > 0)
      .sort((a, b) => a.documents - b.documents);
    if (present.length === 0) return [];
    const f = filterSql(clauses, 'kb_fts.rowid');

    const ranked = async (match: string) => {
      const rows = (
        await client.execute({
          sql: `SELECT d.key, d.incident_id, d.text, d.metadata_json, m.rank AS rank
                FROM (SELECT rowid, rank FROM kb_fts WHERE kb_fts MATCH ?${f.sql} ORDER BY rank LIMIT ?) AS m
                JOIN kb_documents AS d ON d.id = m.rowid ORDER BY m.rank`,
          args: [match, ...f.args, n],
        })
      ).rows as unknown as Array<Record<string, unknown>>;
      return rows.map((row) => ({ row, score: round(-Number(row.rank)) }));
    };

    // The AND step takes the cheapest units, moderately common ones included (intersecting skips
    // through their lists, and they are what tells similar documents apart).
    const narrowing = present
      .filter((t) => t.work <= maxScored * AND_FACTOR)
      .sort((a, b) => a.work - b.work)
      .slice(0, MAX_AND_UNITS);
    // The OR step takes the rarest units within the budget, and at least the rarest affordable one.
    const selective = present.filter((t) => t.work <= maxScored);
    if (selective.length === 0 && narrowing.length > 0) selective.push(narrowing[0] as (typeof narrowing)[number]);
    if (selective.length > 0) {
      const all = narrowing.length > 1 ? await ranked(narrowing.map((t) => phrase(t.unit)).join(' AND ')) : [];
      if (all.length >= n) return all;
      const any: string[] = [];
      let budget = 0;
      for (const t of selective) {
        if (any.length > 0 && budget + t.work > maxScored) break;
        budget += t.work;
        any.push(phrase(t.unit));
      }
      // The documents holding every term stay first; the OR ranking fills the rest, its scores
      // capped so that the list never goes up.
      const out = [...all];
      const seen = new Set(all.map((h) => String(h.row.key)));
      for (const hit of await ranked(any.join(' OR '))) {
        if (out.length >= n) break;
        if (seen.has(String(hit.row.key))) continue;
        const floor = out.at(-1)?.score;
        out.push(floor !== undefined && hit.score > floor ? { ...hit, score: floor } : hit);
      }
      return out;
    }

    const found = new Map<string, Record<string, unknown>>();
    for (const k of present.length > 1 ? [present.length, 1] : [1]) {
      if (found.size >= n) break;
      const rows = (
        await client.execute({
          sql: `SELECT d.key, d.incident_id, d.text, d.metadata_json
                FROM (SELECT rowid FROM kb_fts WHERE kb_fts MATCH ?${f.sql} ORDER BY rowid DESC LIMIT ?) AS m
                JOIN kb_documents AS d ON d.id = m.rowid ORDER BY m.rowid DESC`,
          args: [
            present
              .slice(0, k)
              .map((t) => phrase(t.unit))
              .join(' AND '),
            ...f.args,
            n,
          ],
        })
      ).rows as unknown as Array<Record<string, unknown>>;
      for (const row of rows) if (found.size < n && !found.has(String(row.key))) found.set(String(row.key), row);
    }
    return [...found.values()].map((row, i) => ({ row, score: round(1 / (i + 1)) }));
  }

  const kb: LocalKnowledgeBase = {
    name: 'local',
    pollIntervalMs: 50,

    async retrieve(request: {
      text: string;
      limit: number;
      filters?: KnowledgeBaseFilters;
    }): Promise<RetrievedIncident[]> {
      if (!request || typeof request.text !== 'string') {
        throw new ValidationError([{ path: 'text', message: 'text is required' }], { context: 'retrieve request' });
      }
      const limit = Math.max(1, Math.min(Math.floor(Number(request.limit) || 5), 100));
      const clauses = parseFilters(request.filters);
      try {
        const fetch = embedder ? Math.max(limit * 4, 20) : limit;
        const lexicalHits = await lexical(request.text, fetch, clauses);
        if (!embedder) {
          const floor = (lexicalHits[0]?.score ?? 0) * minRelativeScore;
          return lexicalHits.filter((h) => h.score >= floor).map((h) => toResult(h.row, h.score));
        }

        // Hybrid: reciprocal-rank fusion of the lexical ranking and vector neighbours.
        const f = filterSql(clauses, 'd.id');
        const [qv] = await embedder.embed([request.text]);
        const k = clauses.length ? Math.max(limit * 20, 100) : fetch;
        const semantic = (
          await client.execute({
            sql: `SELECT d.key, d.incident_id, d.text, d.metadata_json
                  FROM vector_top_k('kb_vectors_idx', vector32(?), ?) AS v JOIN kb_documents d ON d.id = v.id
                  WHERE 1 = 1${f.sql}`,
            args: [vectorJson(qv as number[]), k, ...f.args],
          })
        ).rows as unknown as Array<Record<string, unknown>>;
        const fused = new Map<string, { row: Record<string, unknown>; score: number }>();
        const add = (rows: Array<Record<string, unknown>>) =>
          rows.forEach((row, rank) => {
            const key = String(row.key);
            const entry = fused.get(key) ?? { row, score: 0 };
            entry.score += 1 / (60 + rank + 1);
            fused.set(key, entry);
          });
        add(lexicalHits.map((h) => h.row));
        add(semantic.slice(0, fetch));
        return [...fused.values()]
          .sort((a, b) => b.score - a.score)
          .slice(0, limit)
          .map((e) => toResult(e.row, round(e.score)));
      } catch (err) {
        throw dbFail('retrieve', err);
      }
    },

    async startIngestion(opts = {}) {
      return (await start(opts.description)).job;
    },

    async ingest(opts = {}) {
      return (await start(opts.description)).done;
    },

    async getIngestionJob(jobId: string) {
      let row: Record<string, unknown> | undefined;
      try {
        const r = await client.execute({ sql: 'SELECT * FROM kb_ingestion_jobs WHERE job_id = ?', args: [jobId] });
        row = r.rows[0] as Record<string, unknown> | undefined;
      } catch (err) {
        throw dbFail('getIngestionJob', err);
      }
      if (!row) throw new NotFoundError('IngestionJob', jobId);
      return rowToJob(row);
    },

    async listIngestionJobs(limit = 10) {
      const r = await client.execute({
        sql: 'SELECT * FROM kb_ingestion_jobs ORDER BY started_at DESC LIMIT ?',
        args: [limit],
      });
      return r.rows.map((row) => rowToJob(row as unknown as Record<string, unknown>));
    },

    async count() {
      const r = await client.execute('SELECT count(*) AS n FROM kb_documents');
      return Number(r.rows[0]?.n ?? 0);
    },

    async close() {
      await Promise.allSettled([...running.values()]);
      if (ownsClient) client.close();
    },
  };
  return kb;
}

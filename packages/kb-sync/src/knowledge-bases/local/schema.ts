/**
 * The local knowledge base's DDL and migration: the job tables, the index tables of schema 2 (with
 * the triggers that keep the FTS index and the attributes in step), the optional vector table, and
 * the upgrade from schema 1.
 *
 * @module
 */
import type { Client } from '@libsql/client';
import { ValidationError } from '@incidents/core';
import { KbError } from '../../errors.js';
import type { Embedder } from '../../ports.js';

/** Version of the index layout (kept in `kb_settings`). */
export const SCHEMA_VERSION = 2;

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
export const BUMP_GENERATION = `INSERT INTO kb_settings (name, value) VALUES ('generation', '1')
  ON CONFLICT (name) DO UPDATE SET value = CAST(value AS INTEGER) + 1`;

async function schemaVersion(client: Client): Promise<number | null> {
  const r = await client.execute(`SELECT value FROM kb_settings WHERE name = 'schema_version'`);
  if (r.rows[0]) return Number(r.rows[0].value);
  // Schema 1 had no version row; its tables may exist.
  const old = await client.execute(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kb_documents'`);
  return old.rows.length ? 1 : null;
}

/** Indexes created before jobs recorded their owner get the column (idempotent across processes). */
async function addOwnerColumn(client: Client): Promise<void> {
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

/**
 * Creates or upgrades the index's tables (safe to run from several processes at once), and the
 * vector table when an `embedder` is given.
 * @throws KbError `kb.index` (user error) for an index written by a newer version, or built with
 * vectors of another dimension; ValidationError for an embedder without valid `dimensions`.
 */
export async function setUpSchema(client: Client, embedder: Embedder | undefined): Promise<void> {
  await client.batch([...JOB_TABLES], 'write');
  await addOwnerColumn(client);
  const version = await schemaVersion(client);
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
      if ((await schemaVersion(client)) !== SCHEMA_VERSION) throw err;
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
        { userError: true },
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
}

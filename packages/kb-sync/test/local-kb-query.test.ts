import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, createClient } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createFilesystemObjectStore,
  createLocalKnowledgeBase,
  documentKey,
  KbError,
  type LocalKnowledgeBase,
  metadataKey,
  type ObjectStore,
  serializeJson,
  toKbDocument,
  toMetadataSidecar,
} from '../src/index.js';
import { closedIncidentFixture as closedIncident } from '@incidents/core/testing';

const json = { contentType: 'application/json' };
type Overrides = Parameters<typeof closedIncident>[0] extends infer T ? Partial<T> : never;

/**
 * Writes a document + sidecar. Every document shares the defaults of `closedIncident` (root cause
 * "connection pool exhausted", resolution "Raised the pool size…"), so those words are in all of them.
 */
async function publish(objects: ObjectStore, id: string, overrides: Overrides = {}, attributes?: object) {
  const doc = toKbDocument(closedIncident({ incident_id: id, ...overrides }));
  const sidecar = attributes ? { metadataAttributes: { incident_id: id, ...attributes } } : toMetadataSidecar(doc);
  await objects.put(metadataKey(documentKey(id)), serializeJson(sidecar), json);
  await objects.put(documentKey(id), serializeJson(doc), json);
}

const ids = (hits: Array<{ incident_id: string }>) => hits.map((h) => h.incident_id);

describe('local knowledge base: query path', () => {
  let dir: string;
  let objects: ObjectStore;
  let client: Client;
  let kb: LocalKnowledgeBase;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-query-'));
    objects = createFilesystemObjectStore({ dir: join(dir, 'documents') });
    client = createClient({ url: `file:${join(dir, 'index.db')}` });
    // Eight documents; a term in more than 4 of them is "too common to rank by".
    kb = await createLocalKnowledgeBase({ client, objectStore: objects, maxScoredDocuments: 4 });
    await publish(objects, 'Q-1', {
      title: 'Session store outage',
      description: 'redis cluster refused logins during failover',
    });
    await publish(objects, 'Q-2', {
      title: 'Redis eviction storm, redis memory at redis maxmemory',
      description: 'redis evicting session keys',
    });
    await publish(objects, 'Q-3', {
      title: 'Login page slow: login, login',
      description: 'login latency after the CDN change',
    });
    await publish(objects, 'Q-4', {
      title: 'Billing calls failing',
      description: 'ERR_CONN_RESET while calling billing-api from the invoice job',
    });
    await publish(objects, 'Q-5', {
      title: 'Counter drift',
      description: 'reset the conn err counter; api billing totals were off',
    });
    await publish(objects, 'Q-6', { title: 'Kafka lag', description: 'consumer rebalancing loop', severity: 'LOW' });
    await publish(objects, 'Q-7', { title: 'Disk full', description: 'no space left on the batch worker' });
    await publish(objects, 'Q-8', { title: 'TLS expired', description: 'certificate renewal failed' });
    expect((await kb.ingest()).statistics.numberOfNewDocumentsIndexed).toBe(8);
  });
  afterEach(async () => {
    await kb.close();
    client.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('ranks the documents holding every term first (AND), and falls back to any term (OR) to fill the limit', async () => {
    // Ranked by BM25 over "redis OR login", a title repeating one of the words wins…
    const orOnly = await client.execute(
      `SELECT d.incident_id FROM kb_fts JOIN kb_documents d ON d.id = kb_fts.rowid
       WHERE kb_fts MATCH '"redis" OR "login"' ORDER BY rank LIMIT 1`,
    );
    expect(['Q-2', 'Q-3']).toContain(orOnly.rows[0]?.incident_id);
    // …but the only document about both is Q-1, and that is what a limit of 1 returns.
    expect(ids(await kb.retrieve({ text: 'redis login', limit: 1 }))).toEqual(['Q-1']);
    // Fewer AND matches than the limit: the OR ranking fills it, Q-1 still first.
    const filled = await kb.retrieve({ text: 'redis login', limit: 5 });
    expect(ids(filled)[0]).toBe('Q-1');
    expect(ids(filled).sort()).toEqual(['Q-1', 'Q-2', 'Q-3']);
    expect(filled.map((h) => h.score)).toEqual([...filled.map((h) => h.score)].sort((a, b) => b - a));
  });

  it('leaves out ranked hits far below the best one (relevance floor), unless the floor is 0', async () => {
    // "pool" is in all eight documents (FTS5 weighs it 1e-6) and, with maxScoredDocuments 16, is
    // ranked; "drift" names Q-5 only. The other seven share with the query nothing but "pool".
    const ranked = (minRelativeScore?: number) =>
      createLocalKnowledgeBase({
        client,
        objectStore: objects,
        maxScoredDocuments: 16,
        ...(minRelativeScore === undefined ? {} : { minRelativeScore }),
      });
    const strict = await (await ranked()).retrieve({ text: 'drift pool', limit: 8 });
    expect(ids(strict)).toEqual(['Q-5']);
    const loose = await (await ranked(0)).retrieve({ text: 'drift pool', limit: 8 });
    expect(ids(loose)[0]).toBe('Q-5');
    expect(loose).toHaveLength(8);
    expect(loose.at(-1)?.score).toBeLessThan((loose[0]?.score ?? 0) * 0.05);
    await expect(ranked(2)).rejects.toMatchObject({ details: { issues: [{ path: 'minRelativeScore' }] } });
  });

  it('leaves terms found in too many documents out of the ranking', async () => {
    // "pool" is in all eight documents: ranking by it would return all of them.
    expect(ids(await kb.retrieve({ text: 'redis pool', limit: 10 })).sort()).toEqual(['Q-1', 'Q-2']);
    expect(ids(await kb.retrieve({ text: 'kafka exhausted pool', limit: 10 }))).toEqual(['Q-6']);
  });

  it('answers a query of only common words with the most recently indexed documents holding them', async () => {
    // With at most 1 scored document, "pool" and "exhausted" (in all 8) are too common even to narrow.
    const strict = await createLocalKnowledgeBase({ client, objectStore: objects, maxScoredDocuments: 1 });
    const hits = await strict.retrieve({ text: 'pool exhausted', limit: 3 });
    expect(hits).toHaveLength(3);
    expect(hits.map((h) => h.score)).toEqual([1, 0.5, 0.333333]);
    for (const h of hits) expect(h.text.toLowerCase()).toContain('pool exhausted');
    // The newest first: the document with the highest index row id.
    const newest = await client.execute('SELECT incident_id FROM kb_documents ORDER BY id DESC LIMIT 1');
    expect(hits[0]?.incident_id).toBe(newest.rows[0]?.incident_id);
    expect(ids(await strict.retrieve({ text: 'pool exhausted', limit: 3, filters: { severity: 'LOW' } }))).toEqual([
      'Q-6',
    ]);
    // A rare word next to them is ranked by BM25 as usual.
    expect(ids(await strict.retrieve({ text: 'pool exhausted kafka', limit: 3 }))).toEqual(['Q-6']);
    await strict.close();
  });

  it('matches identifiers as a whole (ERR_CONN_RESET, billing-api), not their words anywhere', async () => {
    expect(ids(await kb.retrieve({ text: 'ERR_CONN_RESET on billing-api', limit: 5 }))).toEqual(['Q-4']);
    // The same words typed apart match wherever they are.
    expect(ids(await kb.retrieve({ text: 'err conn reset', limit: 5 })).sort()).toEqual(['Q-4', 'Q-5']);
  });

  it('applies filters on the indexed attributes, including lists, numbers and booleans, and keeps them in step', async () => {
    await publish(
      objects,
      'Q-9',
      { title: 'Redis failover', description: 'sentinel promoted a replica' },
      {
        severity: 'HIGH',
        components: ['sentinel', 'cache'],
        customer_facing: true,
        resolution_time_minutes: 91,
      },
    );
    await kb.ingest();
    expect(ids(await kb.retrieve({ text: 'redis', limit: 5, filters: { components: 'cache' } }))).toEqual(['Q-9']);
    expect(ids(await kb.retrieve({ text: 'redis', limit: 5, filters: { customer_facing: true } }))).toEqual(['Q-9']);
    expect(ids(await kb.retrieve({ text: 'redis', limit: 5, filters: { resolution_time_minutes: 91 } }))).toEqual([
      'Q-9',
    ]);
    expect(
      ids(
        await kb.retrieve({ text: 'redis', limit: 5, filters: { severity: 'HIGH', components: ['db', 'sentinel'] } }),
      ),
    ).toEqual(['Q-9']);
    expect(await kb.retrieve({ text: 'redis', limit: 5, filters: { components: 'db' } })).toEqual([]);

    // A metadata-only change re-keys the attributes.
    await objects.put(
      metadataKey(documentKey('Q-9')),
      serializeJson({ metadataAttributes: { incident_id: 'Q-9', severity: 'LOW', components: ['db'] } }),
      json,
    );
    expect((await kb.ingest()).statistics.numberOfMetadataDocumentsModified).toBe(1);
    expect(await kb.retrieve({ text: 'redis', limit: 5, filters: { components: 'cache' } })).toEqual([]);
    expect(
      ids(await kb.retrieve({ text: 'redis failover', limit: 5, filters: { severity: 'LOW', components: 'db' } })),
    ).toEqual(['Q-9']);

    // A deleted document leaves no attribute and no FTS entry behind.
    await objects.delete(documentKey('Q-9'));
    await objects.delete(metadataKey(documentKey('Q-9')));
    expect((await kb.ingest()).statistics.numberOfDocumentsDeleted).toBe(1);
    const orphans = await client.execute(
      'SELECT count(*) AS n FROM kb_document_attributes WHERE document_id NOT IN (SELECT id FROM kb_documents)',
    );
    expect(Number(orphans.rows[0]?.n)).toBe(0);
    expect(ids(await kb.retrieve({ text: 'sentinel', limit: 5 }))).toEqual([]);
    const check = await client.execute(`INSERT INTO kb_fts (kb_fts, rank) VALUES ('integrity-check', 1)`);
    expect(check.rowsAffected).toBeGreaterThanOrEqual(0); // throws on a corrupt or out-of-step index
  });

  it('stores the text once (external-content FTS) and the attributes as keyed rows', async () => {
    const tables = await client.execute(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'kb_fts%'`);
    expect(tables.rows.map((r) => r.name)).not.toContain('kb_fts_content');
    const attrs = await client.execute(`SELECT count(*) AS n FROM kb_document_attributes WHERE name = 'severity'`);
    expect(Number(attrs.rows[0]?.n)).toBe(8);
  });
});

describe('local knowledge base: schema', () => {
  let dir: string;
  let objects: ObjectStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-schema-'));
    objects = createFilesystemObjectStore({ dir: join(dir, 'documents') });
    await publish(objects, 'M-1', { title: 'Redis refused', description: 'maxclients reached' });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rebuilds an index of schema 1 from the object store, once', async () => {
    const client = createClient({ url: `file:${join(dir, 'old.db')}` });
    // The layout of schema 1: text stored in the table and again in the FTS index.
    await client.batch(
      [
        `CREATE TABLE kb_documents (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, incident_id TEXT NOT NULL,
          etag TEXT NOT NULL, content_hash TEXT NOT NULL, metadata_etag TEXT, metadata_hash TEXT, text TEXT NOT NULL,
          metadata_json TEXT NOT NULL, indexed_at TEXT NOT NULL)`,
        `CREATE VIRTUAL TABLE kb_fts USING fts5(title, body, tokenize = 'porter unicode61')`,
        `CREATE TABLE kb_ingestion_jobs (job_id TEXT PRIMARY KEY, status TEXT NOT NULL, description TEXT,
          statistics_json TEXT NOT NULL, failure_reasons_json TEXT NOT NULL, started_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
        'CREATE TABLE kb_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)',
        `INSERT INTO kb_documents VALUES (1, 'incidents/closed/M-1.json', 'M-1', 'e', 'h', NULL, NULL, 'old', '{}', 'now')`,
        `INSERT INTO kb_fts (rowid, title, body) VALUES (1, 'old', 'old')`,
      ],
      'write',
    );
    const kb = await createLocalKnowledgeBase({ client, objectStore: objects });
    expect(await kb.count()).toBe(0);
    expect((await kb.ingest()).statistics.numberOfNewDocumentsIndexed).toBe(1);
    expect(ids(await kb.retrieve({ text: 'maxclients', limit: 5 }))).toEqual(['M-1']);
    await kb.close();
    // Opening it again keeps what was built.
    const again = await createLocalKnowledgeBase({ client, objectStore: objects });
    expect(await again.count()).toBe(1);
    await again.close();
    client.close();
  });

  it('refuses an index written by a newer version', async () => {
    const client = createClient({ url: `file:${join(dir, 'newer.db')}` });
    await client.batch(
      [
        'CREATE TABLE kb_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)',
        `INSERT INTO kb_settings VALUES ('schema_version', '99')`,
      ],
      'write',
    );
    await expect(createLocalKnowledgeBase({ client, objectStore: objects })).rejects.toBeInstanceOf(KbError);
    await expect(createLocalKnowledgeBase({ client, objectStore: objects, maxScoredDocuments: 0 })).rejects.toThrow(
      /maxScoredDocuments/,
    );
    client.close();
  });
});

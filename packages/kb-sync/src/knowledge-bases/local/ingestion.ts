/**
 * Ingestion into the local knowledge base, the way Amazon Bedrock ingests an S3 data source: list
 * the object store under the prefix, diff against the index (etags, then content hashes), fetch what
 * changed with its `.metadata.json` sidecar, and write in batches; documents gone from the store are
 * removed. A document that cannot be read is counted as failed (its reason recorded) and the job goes on.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { InStatement } from '@libsql/client';
import { forEachLimit } from '../../concurrency.js';
import { type KbDocument, METADATA_SUFFIX, renderDocumentText } from '../../document.js';
import { errorMessage, isKbError, KbError } from '../../errors.js';
import type { IngestionJob, ObjectInfo } from '../../ports.js';
import type { LocalKbContext } from './context.js';
import { embedAll, vectorJson } from './embedding.js';
import { getJob, saveJob, startHeartbeat, zeroStats } from './jobs.js';
import { BUMP_GENERATION } from './schema.js';

/** Statements per write batch. */
const WRITE_BATCH = 250;

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const decoder = new TextDecoder();

/**
 * A failure reason as a job records it. A malformed document or a bad embedder answer is told by its
 * message alone (the text these reasons had before the errors were typed); anything else as
 * `errorMessage` gives it.
 */
const reasonOf = (err: unknown): string =>
  errorMessage(isKbError(err) && (err.code === 'kb.document' || err.code === 'kb.embedder') ? err.message : err);

export interface Extracted {
  incidentId: string;
  title: string;
  text: string;
  metadata: Record<string, unknown>;
}

/** Reads a stored document (+ sidecar) into what the index keeps. */
export function extract(key: string, body: Uint8Array, sidecar: Uint8Array | null): Extracted {
  const raw = decoder.decode(body);
  let metadata: Record<string, unknown> = {};
  if (sidecar) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoder.decode(sidecar));
    } catch (err) {
      throw new KbError(
        'kb.document',
        `metadata file ${key}${METADATA_SUFFIX} is not valid JSON: ${errorMessage(err)}`,
        {
          details: { key: `${key}${METADATA_SUFFIX}` },
          userError: true,
        },
      );
    }
    const attrs = (parsed as { metadataAttributes?: unknown })?.metadataAttributes;
    if (!attrs || typeof attrs !== 'object' || Array.isArray(attrs)) {
      throw new KbError('kb.document', `metadata file ${key}${METADATA_SUFFIX} has no metadataAttributes object`, {
        details: { key: `${key}${METADATA_SUFFIX}` },
        userError: true,
      });
    }
    metadata = attrs as Record<string, unknown>;
  }
  const base = decodeURIComponent(key.slice(key.lastIndexOf('/') + 1).replace(/\.[^.]*$/, ''));
  let doc: Partial<KbDocument> | null = null;
  if (key.endsWith('.json')) {
    try {
      doc = JSON.parse(raw) as Partial<KbDocument>;
    } catch (err) {
      throw new KbError('kb.document', `document ${key} is not valid JSON: ${errorMessage(err)}`, {
        details: { key },
        userError: true,
      });
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

/** The ingestion algorithm: list, diff against the index, fetch what changed, write in batches. */
export async function runIngestion(ctx: LocalKbContext, jobId: string): Promise<IngestionJob> {
  const { client, objects, prefix, embedder, concurrency } = ctx;
  const stats = zeroStats();
  const reasons: string[] = [];
  // The heartbeat tells other processes that this job is alive between its progress writes.
  const stopHeartbeat = startHeartbeat(ctx, jobId);
  try {
    await saveJob(ctx, jobId, 'IN_PROGRESS', stats, reasons);
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
    const rows = await client.execute('SELECT key, etag, content_hash, metadata_etag, metadata_hash FROM kb_documents');
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
          if (reasons.length < 50) reasons.push(`${item.key}: ${reasonOf(err)}`);
        }
      });
      const reindex = ready.filter((r) => r.kind !== 'touch');
      const vectors = await embedAll(
        embedder,
        reindex.map((r) => r.x.text),
      );
      const now = ctx.nowIso();
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
      await saveJob(ctx, jobId, 'IN_PROGRESS', stats, reasons);
    }
    await saveJob(ctx, jobId, 'COMPLETE', stats, reasons);
  } catch (err) {
    reasons.push(reasonOf(err));
    try {
      await saveJob(ctx, jobId, 'FAILED', stats, reasons);
    } catch {
      // The index itself is unusable; the next start reports the stale job as abandoned.
    }
  } finally {
    stopHeartbeat();
  }
  return getJob(ctx, jobId);
}

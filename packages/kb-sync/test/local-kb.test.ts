import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError, ValidationError } from '@incidents/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createFilesystemObjectStore,
  createLocalKnowledgeBase,
  documentKey,
  IngestionConflictError,
  type LocalKnowledgeBase,
  metadataKey,
  type ObjectStore,
  serializeJson,
  toFtsQuery,
  toKbDocument,
  toMetadataSidecar,
} from '../src/index.js';
import { createHashingEmbedder } from './support/hashing-embedder.js';
import { closedIncidentFixture as closedIncident } from '@incidents/core/testing';

const json = { contentType: 'application/json' };

async function publish(
  objects: ObjectStore,
  id: string,
  overrides: Parameters<typeof closedIncident>[0] extends infer T ? Partial<T> : never = {},
) {
  const doc = toKbDocument(closedIncident({ incident_id: id, ...overrides }));
  await objects.put(metadataKey(documentKey(id)), serializeJson(toMetadataSidecar(doc)), json);
  await objects.put(documentKey(id), serializeJson(doc), json);
}

describe('local knowledge base', () => {
  let dir: string;
  let objects: ObjectStore;
  let kb: LocalKnowledgeBase;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-local-'));
    objects = createFilesystemObjectStore({ dir: join(dir, 'documents') });
    kb = await createLocalKnowledgeBase({ url: `file:${join(dir, 'index.db')}`, objectStore: objects });
  });
  afterEach(async () => {
    await kb.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('ingests incrementally with Bedrock statistics: new, unchanged, modified, metadata-only, deleted, failed', async () => {
    await publish(objects, 'A-1', { title: 'Redis timeout on login', description: 'login hangs', tags: ['redis'] });
    await publish(objects, 'A-2', {
      title: 'Disk full on batch node',
      description: 'no space left on device',
      category: 'Infra',
    });
    await publish(objects, 'A-3', { title: 'TLS certificate expired', description: 'handshake failure' });
    const first = await kb.ingest();
    expect(first.status).toBe('COMPLETE');
    expect(first.statistics).toEqual({
      numberOfDocumentsScanned: 3,
      numberOfMetadataDocumentsScanned: 3,
      numberOfNewDocumentsIndexed: 3,
      numberOfModifiedDocumentsIndexed: 0,
      numberOfMetadataDocumentsModified: 0,
      numberOfDocumentsDeleted: 0,
      numberOfDocumentsFailed: 0,
    });
    expect(await kb.count()).toBe(3);

    // Nothing changed: nothing indexed. Rewriting identical bytes is not a modification either.
    await publish(objects, 'A-3', { title: 'TLS certificate expired', description: 'handshake failure' });
    const second = await kb.ingest();
    expect(second.statistics).toMatchObject({
      numberOfDocumentsScanned: 3,
      numberOfNewDocumentsIndexed: 0,
      numberOfModifiedDocumentsIndexed: 0,
      numberOfDocumentsDeleted: 0,
    });

    // A-1 changed, A-2's sidecar changed only, A-3 deleted, a broken document added.
    await publish(objects, 'A-1', { title: 'Redis timeout on login after failover', tags: ['redis'] });
    const a2 = toKbDocument(
      closedIncident({
        incident_id: 'A-2',
        title: 'Disk full on batch node',
        description: 'no space left on device',
        category: 'Infra',
      }),
    );
    await objects.put(
      metadataKey(documentKey('A-2')),
      serializeJson({ metadataAttributes: { ...toMetadataSidecar(a2).metadataAttributes, team: 'storage' } }),
      json,
    );
    await objects.delete(documentKey('A-3'));
    await objects.delete(metadataKey(documentKey('A-3')));
    await objects.put(documentKey('BROKEN'), '{ not json', json);
    const third = await kb.ingest();
    expect(third.statistics).toEqual({
      numberOfDocumentsScanned: 3,
      numberOfMetadataDocumentsScanned: 2,
      numberOfNewDocumentsIndexed: 0,
      numberOfModifiedDocumentsIndexed: 1,
      numberOfMetadataDocumentsModified: 1,
      numberOfDocumentsDeleted: 1,
      numberOfDocumentsFailed: 1,
    });
    expect(third.status).toBe('COMPLETE');
    expect(third.failureReasons[0]).toContain('incidents/closed/BROKEN.json');
    expect((await kb.retrieve({ text: 'certificate handshake', limit: 5 })).map((r) => r.incident_id)).toEqual([]);
    const failover = await kb.retrieve({ text: 'failover', limit: 5 });
    expect(failover.map((r) => r.incident_id)).toEqual(['A-1']);
    const storage = await kb.retrieve({ text: 'disk space', limit: 5, filters: { team: 'storage' } });
    expect(storage.map((r) => r.incident_id)).toEqual(['A-2']);
    // The job history is kept.
    expect((await kb.listIngestionJobs()).map((j) => j.jobId)).toEqual([third.jobId, second.jobId, first.jobId]);
  });

  it('retrieves by BM25 with scores, text, location and metadata filters', async () => {
    await publish(objects, 'R-1', {
      title: 'Redis connection refused',
      description: 'cache down',
      severity: 'CRITICAL',
      priority: 'P1',
      category: 'Cache',
    });
    await publish(objects, 'R-2', {
      title: 'Redis memory eviction storm',
      description: 'maxmemory reached',
      severity: 'LOW',
      priority: 'P4',
      category: 'Cache',
    });
    await publish(objects, 'R-3', { title: 'Payment provider timeout', description: 'stripe 504', category: 'API' });
    await kb.ingest();
    // "redis" is in two of the three documents, so BM25 (FTS5) weighs it 1e-6: R-2, which shares
    // only that word with the query, falls under the relevance floor (minRelativeScore)…
    expect((await kb.retrieve({ text: 'redis refused', limit: 5 })).map((h) => h.incident_id)).toEqual(['R-1']);
    // …and comes back, ranked below R-1, without the floor.
    const all = await createLocalKnowledgeBase({
      url: `file:${join(dir, 'index.db')}`,
      objectStore: objects,
      minRelativeScore: 0,
    });
    const hits = await all.retrieve({ text: 'redis refused', limit: 5 });
    await all.close();
    expect(hits.map((h) => h.incident_id)).toEqual(['R-1', 'R-2']);
    expect(hits[0]?.score).toBeGreaterThan(hits[1]?.score ?? Infinity);
    expect(hits[0]?.text).toContain('R-1: Redis connection refused');
    expect(hits[0]?.location).toBe(objects.uri('incidents/closed/R-1.json'));
    expect(hits[0]?.metadata).toMatchObject({ incident_id: 'R-1', severity: 'CRITICAL', category: 'Cache' });

    expect(
      (await kb.retrieve({ text: 'redis', limit: 5, filters: { severity: 'LOW' } })).map((h) => h.incident_id),
    ).toEqual(['R-2']);
    expect(
      (await kb.retrieve({ text: 'redis timeout', limit: 5, filters: { severity: ['CRITICAL', 'HIGH'] } }))
        .map((h) => h.incident_id)
        .sort(),
    ).toEqual(['R-1', 'R-3']);
    expect(await kb.retrieve({ text: 'redis', limit: 5, filters: { category: 'Cache', severity: 'HIGH' } })).toEqual(
      [],
    );
    expect((await kb.retrieve({ text: 'redis', limit: 1 })).length).toBe(1);
    // FTS syntax in the text is treated as words, not as a query language.
    expect(await kb.retrieve({ text: 'NEAR( "redis" * ) OR AND', limit: 5 })).toHaveLength(2);
    expect(await kb.retrieve({ text: '   ', limit: 5 })).toEqual([]);
    await expect(kb.retrieve({ text: 'redis', limit: 5, filters: { 'bad key;': 'x' } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(kb.retrieve({ text: 'redis', limit: 5, filters: { severity: [] } })).rejects.toThrow(
      /filters.severity/,
    );
  });

  it('allows one ingestion job at a time and reports unknown jobs', async () => {
    await publish(objects, 'C-1');
    const job = await kb.startIngestion({ description: 'first' });
    expect(['STARTING', 'IN_PROGRESS']).toContain(job.status);
    await expect(kb.startIngestion()).rejects.toBeInstanceOf(IngestionConflictError);
    // Another process sharing the index sees the running job too.
    const other = await createLocalKnowledgeBase({ url: `file:${join(dir, 'index.db')}`, objectStore: objects });
    await expect(other.startIngestion()).rejects.toMatchObject({ code: 'kb.ingestion_conflict' });
    let current = job;
    while (current.status !== 'COMPLETE') {
      await new Promise((r) => setTimeout(r, 10));
      current = await kb.getIngestionJob(job.jobId);
    }
    expect(current).toMatchObject({ description: 'first', statistics: { numberOfNewDocumentsIndexed: 1 } });
    expect((await other.ingest()).status).toBe('COMPLETE');
    await other.close();
    await expect(kb.getIngestionJob('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('marks abandoned jobs failed so that a crashed process does not block ingestion forever', async () => {
    const staleKb = await createLocalKnowledgeBase({
      url: `file:${join(dir, 'index.db')}`,
      objectStore: objects,
      staleJobMs: 0,
    });
    await publish(objects, 'S-1');
    await staleKb.ingest();
    expect((await staleKb.ingest()).status).toBe('COMPLETE');
    await staleKb.close();
  });

  it('fuses BM25 with vector similarity when an embedder is given', async () => {
    const vkb = await createLocalKnowledgeBase({
      url: ':memory:',
      objectStore: objects,
      embedder: createHashingEmbedder(64),
    });
    await publish(objects, 'V-1', {
      title: 'Kafka consumer lag',
      description: 'consumer group rebalancing loop',
      category: 'Streaming',
    });
    await publish(objects, 'V-2', {
      title: 'Nginx 413 payload too large',
      description: 'client_max_body_size',
      category: 'Web',
    });
    await publish(objects, 'V-3', {
      title: 'Kafka broker disk full',
      description: 'retention too long',
      category: 'Streaming',
      severity: 'LOW',
    });
    expect((await vkb.ingest()).statistics.numberOfNewDocumentsIndexed).toBe(3);
    const hits = await vkb.retrieve({ text: 'kafka consumer rebalancing', limit: 2 });
    expect(hits[0]?.incident_id).toBe('V-1');
    expect(hits.map((h) => h.incident_id)).not.toContain('V-2');
    expect(
      (await vkb.retrieve({ text: 'kafka', limit: 5, filters: { severity: 'LOW' } })).map((h) => h.incident_id),
    ).toEqual(['V-3']);
    await objects.delete(documentKey('V-1'));
    expect((await vkb.ingest()).statistics.numberOfDocumentsDeleted).toBe(1);
    expect(
      (await vkb.retrieve({ text: 'kafka consumer rebalancing', limit: 5 })).map((h) => h.incident_id),
    ).not.toContain('V-1');
    await vkb.close();
    await expect(
      createLocalKnowledgeBase({
        url: ':memory:',
        objectStore: objects,
        embedder: { dimensions: 0, embed: async () => [] },
      }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('builds safe FTS queries', () => {
    expect(toFtsQuery('The Redis "timeout" (on) login!')).toBe('"redis" OR "timeout" OR "login"');
    expect(toFtsQuery('a the of')).toBeNull();
  });

  it('validates its options', async () => {
    await expect(createLocalKnowledgeBase({ objectStore: objects })).rejects.toThrow(/url/);
    await expect(createLocalKnowledgeBase({ url: ':memory:' } as never)).rejects.toThrow(/objectStore/);
  });
});

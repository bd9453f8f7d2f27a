import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalKnowledgeBase, documentKey, metadataKey, type ObjectStore, runKbSync } from '../src/index.js';
import { createS3ObjectStore } from '../src/s3.js';
import { closeMany, type Desk, openDesk } from './support/desk.js';
import { type S3rverHandle, startS3rver } from '@incidents/test-support/s3rver';

const BUCKET = 'kb-test-bucket';
const quiet = { info() {}, warn() {}, error() {} };

async function listAll(objects: ObjectStore, limit: number) {
  const items: Array<{ key: string; etag: string }> = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await objects.list({ prefix: 'kb/', cursor, limit });
    items.push(...page.items.map((i) => ({ key: i.key, etag: i.etag })));
    cursor = page.cursor;
    pages++;
  } while (cursor);
  return { items, pages };
}

describe('S3 object store against s3rver', () => {
  let s3: S3rverHandle;
  let desk: Desk;
  let objects: ObjectStore;

  beforeAll(async () => {
    s3 = await startS3rver([BUCKET]);
    desk = await openDesk();
    objects = createS3ObjectStore({ bucket: BUCKET, client: s3.client });
  });
  afterAll(async () => {
    await desk.close();
    await s3.stop();
  });

  it('writes documents and sidecars with content type and metadata; re-runs are idempotent', async () => {
    await closeMany(desk.service, 12);
    const result = await runKbSync({
      store: desk.store,
      objectStore: objects,
      prefix: 'kb/',
      logger: quiet,
      metrics: false,
      pageSize: 5,
    });
    expect(result).toMatchObject({ found: 12, synced: 12, failed: 0, ingestion: { reason: 'no_knowledge_base' } });

    const key = documentKey('INC-0003', 'kb/');
    expect(key).toBe('kb/closed/INC-0003.json');
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ContentType).toBe('application/json');
    expect(head.Metadata).toMatchObject({
      'incident-id': 'INC-0003',
      source: 'kb-sync',
      status: 'closed',
      revision: expect.stringMatching(/^\d+$/),
    });
    const body = JSON.parse(
      (await (await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToString()) ??
        '{}',
    );
    expect(body).toMatchObject({ incident_id: 'INC-0003', document_version: 1, root_cause: expect.any(String) });
    const sidecar = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: metadataKey(key) }));
    expect(sidecar.ContentType).toBe('application/json');
    expect(JSON.parse((await sidecar.Body?.transformToString()) ?? '{}')).toEqual({
      metadataAttributes: expect.objectContaining({
        incident_id: 'INC-0003',
        severity: body.severity,
        category: body.category,
        team: body.team,
        resolution_type: 'FIXED',
      }),
    });

    // Truncated listings page through everything (s3rver runs with --openssl-legacy-provider).
    const before = await listAll(objects, 5);
    expect(before.items).toHaveLength(24);
    expect(before.pages).toBe(5);

    // Re-running changes nothing; re-exporting the same revision writes identical bytes (same ETag).
    const again = await runKbSync({
      store: desk.store,
      objectStore: objects,
      prefix: 'kb/',
      logger: quiet,
      metrics: false,
    });
    expect(again).toMatchObject({ found: 0, synced: 0 });
    const incident = await desk.store.getIncident('INC-0003');
    const { toKbDocument, serializeJson } = await import('../src/index.js');
    await objects.put(key, serializeJson(toKbDocument(incident as NonNullable<typeof incident>)), {
      contentType: 'application/json',
    });
    const after = await listAll(objects, 1000);
    expect(after.items).toEqual(before.items);
  });

  it('reads, deletes and treats missing objects as absent', async () => {
    await objects.put('kb/tmp/x.json', '{"x":1}', { contentType: 'application/json', metadata: { a: 'b' } });
    const got = await objects.get('kb/tmp/x.json');
    expect(new TextDecoder().decode(got?.body)).toBe('{"x":1}');
    expect(got).toMatchObject({ contentType: 'application/json', metadata: { a: 'b' }, size: 7 });
    await objects.delete('kb/tmp/x.json');
    await objects.delete('kb/tmp/x.json');
    expect(await objects.get('kb/tmp/x.json')).toBeNull();
    expect(objects.uri('kb/a.json')).toBe(`s3://${BUCKET}/kb/a.json`);
    const missing = createS3ObjectStore({ bucket: 'no-such-bucket', client: s3.client });
    await expect(missing.put('a.json', '{}', { contentType: 'application/json' })).rejects.toMatchObject({
      code: 'kb.object_store',
    });
  });

  it('the local knowledge base ingests from S3 by ETag', async () => {
    const kb = await createLocalKnowledgeBase({ url: ':memory:', objectStore: objects, prefix: 'kb/' });
    const first = await kb.ingest();
    expect(first.statistics).toMatchObject({
      numberOfDocumentsScanned: 12,
      numberOfMetadataDocumentsScanned: 12,
      numberOfNewDocumentsIndexed: 12,
    });
    expect((await kb.ingest()).statistics).toMatchObject({
      numberOfNewDocumentsIndexed: 0,
      numberOfModifiedDocumentsIndexed: 0,
    });
    const hits = await kb.retrieve({ text: 'redis maxclients', limit: 3 });
    expect(hits[0]?.location).toMatch(new RegExp(`^s3://${BUCKET}/kb/closed/INC-\\d+\\.json$`));
    await kb.close();
  });
});

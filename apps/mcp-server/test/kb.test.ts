import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, ANA, call, createTestDb, ok, seed, type Spawned, spawnServer, type TestDb, textOf } from './helpers.js';

let db: TestDb;
let ana: Spawned;
const closedIds: string[] = [];

beforeAll(async () => {
  db = await createTestDb();
  const created = await seed(db, [
    {
      title: 'Payments time out against the card gateway',
      description: 'TLS handshake timeout to gateway.example',
      severity: 'HIGH',
      assigned_to: ANA,
    },
    {
      title: 'Nightly export job runs out of memory',
      description: 'OOMKilled in the export pod',
      severity: 'MEDIUM',
      assigned_to: ANA,
    },
  ]);
  const fixes = [
    {
      root_cause: 'Expired intermediate certificate in the trust store',
      solution: 'Rotated the gateway trust store certificate',
    },
    { root_cause: 'Export loads the whole table into memory', solution: 'Stream the export in batches of 1000 rows' },
  ];
  for (const [i, inc] of created.entries()) {
    const fix = fixes[i] as (typeof fixes)[number];
    await db.service.resolve(
      { incident_id: inc.incident_id, solution: fix.solution, root_cause: fix.root_cause, steps: ['fix'] },
      { actor: ADMIN },
    );
    await db.service.close(inc.incident_id, { actor: ADMIN });
    closedIds.push(inc.incident_id);
  }
  ana = await spawnServer(db, { INCIDENTS_ACTOR: ANA });
});
afterAll(async () => {
  await ana?.close();
  await db.cleanup();
});

describe('knowledge-base tools on the local knowledge base', () => {
  it('force_kb_sync exports closed incidents as documents, not yet searchable', async () => {
    const r = ok(await call(ana, 'force_kb_sync', {}));
    expect(r).toMatchObject({
      status: 'completed',
      sync_results: { successfully_synced: 2, failed: 0, total_processed: 2 },
    });
    for (const id of closedIds)
      expect(existsSync(join(db.dir, 'home', 'kb', 'documents', 'incidents', 'closed', `${id}.json`))).toBe(true);
    const before = ok(await call(ana, 'find_similar_incidents', { text: 'certificate trust store gateway timeout' }));
    expect(before.count).toBe(0);
    const stored = await db.service.get(closedIds[0] as string, { actor: ADMIN }, { comments: false });
    expect(stored.kb_sync_status).toMatchObject({ state: 'SYNCED', synced: true });
  });

  it('sync_and_ingest indexes them; find_similar_incidents then finds how it was fixed', async () => {
    const r = ok(await call(ana, 'sync_and_ingest', { wait_for_sync: true, wait_for_ingestion: true }));
    expect(r).toMatchObject({
      status: 'completed',
      sync_phase: { successfully_synced: 0, total_processed: 0 },
      ingestion_phase: {
        status: 'COMPLETE',
        statistics: { numberOfNewDocumentsIndexed: 2, numberOfDocumentsFailed: 0 },
      },
    });
    expect(textOf(await call(ana, 'sync_and_ingest', {}))).toContain('COMPLETE');
    const found = ok(
      await call(ana, 'find_similar_incidents', { text: 'certificate trust store gateway timeout', limit: 1 }),
    );
    expect(found.items).toHaveLength(1);
    expect(found.items[0]).toMatchObject({ incident_id: closedIds[0] });
    const similar = ok(await call(ana, 'find_similar_incidents', { incident_id: closedIds[1] }));
    expect(similar.items.map((i: { incident_id: string }) => i.incident_id)).not.toContain(closedIds[1]);
  });

  it('force_kb_sync without waiting starts the run in the background', async () => {
    const r = ok(await call(ana, 'force_kb_sync', { wait_for_completion: false }));
    expect(r.status).toBe('started');
    await expect.poll(() => ana.stderr(), { timeout: 5_000 }).toContain('knowledge-base sync finished');
  });
});

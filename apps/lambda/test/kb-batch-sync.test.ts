/**
 * `incident-kb-batch-sync` invoked locally against DynamoDB Local and s3rver; Bedrock (no local
 * engine) through aws-sdk-client-mock, and the local libSQL knowledge base.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockAgentClient, GetIngestionJobCommand, StartIngestionJobCommand } from '@aws-sdk/client-bedrock-agent';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { isIncidentsError } from '@incidents/core';
import { createLocalKnowledgeBase } from '@incidents/kb-sync';
import { createS3ObjectStore } from '@incidents/kb-sync/s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createKbBatchSyncHandler, KbSyncFailedError } from '../src/index.js';
import { captureOutput, closeNewIncident, dynamoEndpoint, freshTable, type LocalTable } from './support/local.js';
import { type S3rverHandle, startS3rver } from '@incidents/test-support/s3rver';

const BUCKET = 'incidents-kb-test';
const KB_ID = 'KBTEST0001';
const DS_ID = 'DSTEST0001';
const context = (id: string) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 300_000 });

let s3: S3rverHandle;
const tables: LocalTable[] = [];

beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
});
afterAll(async () => {
  await s3?.stop();
});
afterEach(async () => {
  while (tables.length) await tables.pop()?.drop();
});

function env(table: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    INCIDENTS_DYNAMO_TABLE: table,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint(),
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    INCIDENTS_KB_BUCKET: BUCKET,
    INCIDENTS_KB_PREFIX: `${table}/`,
    INCIDENTS_KB_ID: KB_ID,
    INCIDENTS_KB_DATA_SOURCE_ID: DS_ID,
    INCIDENTS_KB_POLL_INTERVAL_MS: '10',
    ...extra,
  };
}

function bedrock(finalStatus: 'COMPLETE' | 'FAILED') {
  const client = new BedrockAgentClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const mock = mockClient(client);
  mock.on(StartIngestionJobCommand).resolves({
    ingestionJob: {
      knowledgeBaseId: KB_ID,
      dataSourceId: DS_ID,
      ingestionJobId: 'JOB0000001',
      status: 'STARTING',
      startedAt: new Date(),
      updatedAt: new Date(),
    },
  });
  mock.on(GetIngestionJobCommand).resolves({
    ingestionJob: {
      knowledgeBaseId: KB_ID,
      dataSourceId: DS_ID,
      ingestionJobId: 'JOB0000001',
      status: finalStatus,
      statistics: {
        numberOfDocumentsScanned: 3,
        numberOfNewDocumentsIndexed: finalStatus === 'COMPLETE' ? 3 : 0,
        numberOfDocumentsFailed: finalStatus === 'FAILED' ? 3 : 0,
      },
      ...(finalStatus === 'FAILED' ? { failureReasons: ['Embedding model throttled'] } : {}),
      startedAt: new Date(),
      updatedAt: new Date(),
    },
  });
  return { client, mock };
}

async function readJson(key: string): Promise<Record<string, unknown>> {
  const out = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return JSON.parse(await (out.Body as { transformToString(): Promise<string> }).transformToString()) as Record<
    string,
    unknown
  >;
}

describe('kbBatchSync handler', () => {
  it('a scheduled event exports every closed incident, ingests once and returns the result', async () => {
    const t = await freshTable();
    tables.push(t);
    const closed = [
      await closeNewIncident(t.service, 'Checkout 502'),
      await closeNewIncident(t.service, 'Login timeout'),
      await closeNewIncident(t.service, 'Search slow'),
    ];
    const open = await t.service.create(
      { title: 'Still open', category: 'API' },
      { actor: { id: 'admin@example.com', roles: ['admin'] } },
    );
    const { client, mock } = bedrock('COMPLETE');
    const out = captureOutput();
    // Set by Lambda for an on-demand container; Powertools emits the cold-start metric only then.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    onTestFinished(() => void vi.unstubAllEnvs());
    const handler = createKbBatchSyncHandler({
      env: env(t.tableName),
      clients: { bedrockAgent: client },
    });

    const result = await handler(
      { source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2026-02-01T10:00:00Z' },
      context('req-1'),
    );

    expect(result.status).toBe('completed');
    expect(result.found).toBe(3);
    expect(result.synced).toBe(3);
    expect(result.ingestion).toMatchObject({ started: true, jobId: 'JOB0000001', status: 'COMPLETE' });
    // The documents are in S3 (s3rver), with their Bedrock metadata sidecars.
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${t.tableName}/` }));
    const keys = (listed.Contents ?? []).map((o) => o.Key).sort();
    expect(keys).toEqual(
      closed
        .flatMap((i) => [
          `${t.tableName}/closed/${i.incident_id}.json`,
          `${t.tableName}/closed/${i.incident_id}.json.metadata.json`,
        ])
        .sort(),
    );
    const doc = await readJson(`${t.tableName}/closed/${closed[0]?.incident_id}.json`);
    expect(doc).toMatchObject({
      incident_id: closed[0]?.incident_id,
      title: 'Checkout 502',
      root_cause: 'connection pool exhausted',
    });
    // The store records the sync; the open incident is untouched.
    for (const i of closed) {
      expect((await t.store.getIncident(i.incident_id))?.kb_sync_status).toMatchObject({
        state: 'SYNCED',
        synced: true,
      });
    }
    expect((await t.store.getIncident(open.incident_id))?.kb_sync_status.state).toBe('NOT_APPLICABLE');
    // One ingestion job on the configured knowledge base and data source.
    expect(mock.commandCalls(StartIngestionJobCommand)).toHaveLength(1);
    expect(mock.commandCalls(StartIngestionJobCommand)[0]?.args[0].input).toMatchObject({
      knowledgeBaseId: KB_ID,
      dataSourceId: DS_ID,
    });
    // EMF metrics (R-KB-7 names) and structured logs with the request id.
    const emf = out.metrics.find((m) => 'IncidentsSynced' in m);
    expect(emf).toMatchObject({
      IncidentsSynced: 3,
      SyncErrors: 0,
      IngestionJobsStarted: 1,
      IngestionJobsCompleted: 1,
    });
    expect(out.metrics.find((m) => 'IngestionFailures' in m)).toMatchObject({ IngestionFailures: 0 });
    // Powertools Metrics: one namespace for every blob, and the cold-start metric of the first invocation.
    const namespaces = new Set(
      out.metrics.flatMap((m) =>
        (m._aws as { CloudWatchMetrics: Array<{ Namespace: string }> }).CloudWatchMetrics.map((c) => c.Namespace),
      ),
    );
    expect([...namespaces]).toEqual(['IncidentKBSync']);
    expect(out.metrics.find((m) => 'ColdStart' in m)).toMatchObject({ ColdStart: 1, service: 'incidents' });
    const finished = out.logs.find((l) => l.message === 'kb batch sync finished');
    expect(finished).toMatchObject({
      level: 'INFO',
      function_request_id: 'req-1',
      handler: 'kb-batch-sync',
      synced: 3,
      status: 'completed',
    });

    // A second run finds nothing: no new ingestion job.
    const again = await handler({ source: 'aws.events' }, context('req-2'));
    expect(again).toMatchObject({ status: 'completed', found: 0, synced: 0 });
    expect(again.ingestion.reason).toBe('nothing_changed');
    expect(mock.commandCalls(StartIngestionJobCommand)).toHaveLength(1);
  });

  it('throws (the invocation fails, then goes to the DLQ) when the ingestion job fails', async () => {
    const t = await freshTable();
    tables.push(t);
    const closed = await closeNewIncident(t.service, 'Payments down');
    const { client } = bedrock('FAILED');
    const out = captureOutput();
    const handler = createKbBatchSyncHandler({
      env: env(t.tableName),
      clients: { bedrockAgent: client },
    });
    const error = await handler({ source: 'aws.events' }, context('req-3')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KbSyncFailedError);
    expect((error as KbSyncFailedError).code).toBe('lambda.kb_sync_failed');
    expect((error as KbSyncFailedError).details).toMatchObject({
      status: 'ingestion_failed',
      ingestion: { status: 'FAILED', failureReasons: ['Embedding model throttled'] },
    });
    expect(out.metrics.find((m) => 'IngestionFailures' in m)).toMatchObject({ IngestionFailures: 1 });
    expect(out.logs.find((l) => l.message === 'kb batch sync failed')).toMatchObject({
      level: 'ERROR',
      status: 'ingestion_failed',
    });
    // The document itself was written and marked: the next forced ingestion picks it up.
    expect((await t.store.getIncident(closed.incident_id))?.kb_sync_status.state).toBe('SYNCED');
  });

  it('throws when incidents fail to export, and records the failed attempt on them', async () => {
    const t = await freshTable();
    tables.push(t);
    const closed = await closeNewIncident(t.service, 'Queue stuck');
    const { client, mock } = bedrock('COMPLETE');
    const out = captureOutput();
    const handler = createKbBatchSyncHandler({
      // A bucket that does not exist in s3rver: every PutObject fails.
      env: env(t.tableName, { INCIDENTS_KB_BUCKET: 'no-such-bucket' }),
      clients: { bedrockAgent: client },
    });
    const error = await handler({ source: 'aws.events' }, context('req-4')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KbSyncFailedError);
    expect((error as KbSyncFailedError).details).toMatchObject({
      status: 'completed_with_errors',
      failed: 1,
      synced: 0,
    });
    expect((error as KbSyncFailedError).details.errors[0]?.incident_id).toBe(closed.incident_id);
    expect(out.metrics.find((m) => 'SyncErrors' in m)).toMatchObject({ SyncErrors: 1 });
    expect((await t.store.getIncident(closed.incident_id))?.kb_sync_status).toMatchObject({
      state: 'FAILED',
      sync_attempts: 1,
    });
    expect(mock.commandCalls(StartIngestionJobCommand)).toHaveLength(0);
  });

  it('works with the local knowledge base (libSQL index) instead of Bedrock', async () => {
    const t = await freshTable();
    tables.push(t);
    const closed = await closeNewIncident(t.service, 'Kafka consumer lag');
    const dir = await mkdtemp(join(tmpdir(), 'lambda-local-kb-'));
    try {
      const url = `file:${join(dir, 'index.db')}`;
      captureOutput();
      const handler = createKbBatchSyncHandler({
        env: env(t.tableName, { INCIDENTS_KB_MODE: 'local', INCIDENTS_KB_LOCAL_URL: url, INCIDENTS_KB_ID: '' }),
      });
      const result = await handler({ source: 'aws.events' }, context('req-5'));
      expect(result).toMatchObject({
        status: 'completed',
        synced: 1,
        ingestion: { started: true, status: 'COMPLETE' },
      });
      // The same documents, read back from S3 by a separate local index, are searchable.
      const kb = await createLocalKnowledgeBase({
        url,
        prefix: `${t.tableName}/`,
        objectStore: createS3ObjectStore({ bucket: BUCKET, client: s3.client }),
      });
      try {
        const hits = await kb.retrieve({ text: 'kafka consumer lag', limit: 3 });
        expect(hits[0]?.incident_id).toBe(closed.incident_id);
      } finally {
        await kb.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad environment with an error naming the variable', async () => {
    const handler = createKbBatchSyncHandler({
      env: { INCIDENTS_KB_BUCKET: BUCKET },
    });
    const error = await handler({}, context('req-6')).catch((e: unknown) => e);
    expect(isIncidentsError(error) && error.code).toBe('config');
    expect((error as Error).message).toContain('INCIDENTS_DYNAMO_TABLE');
    const bedrockMissing = createKbBatchSyncHandler({
      env: { INCIDENTS_DYNAMO_TABLE: 'incidents', INCIDENTS_KB_BUCKET: BUCKET, INCIDENTS_KB_MODE: 'bedrock' },
    });
    await expect(bedrockMissing({}, context('req-7'))).rejects.toThrow(
      /INCIDENTS_KB_ID: required when INCIDENTS_KB_MODE is bedrock/,
    );
  });
});

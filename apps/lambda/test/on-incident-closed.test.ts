/**
 * The DynamoDB Streams handler, fed with the real stream of a DynamoDB Local table (read with the
 * DynamoDB Streams API), writing to s3rver; Bedrock through aws-sdk-client-mock.
 */
import { BedrockAgentClient, GetIngestionJobCommand, StartIngestionJobCommand } from '@aws-sdk/client-bedrock-agent';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { closeTransition, createOnIncidentClosedHandler } from '../src/index.js';
import {
  captureOutput,
  closeNewIncident,
  dynamoEndpoint,
  freshIdempotencyTable,
  freshTable,
  type LocalTable,
  readStream,
} from './support/local.js';
import { type S3rverHandle, startS3rver } from '@incidents/test-support/s3rver';

const BUCKET = 'incidents-stream-test';
const KB_ID = 'KBTEST0002';
const DS_ID = 'DSTEST0002';
const context = { awsRequestId: 'stream-req', getRemainingTimeInMillis: () => 120_000 };

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

function config(table: string) {
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
  };
}

/** Bedrock mock whose ingestion jobs end with the given statuses, one per job. */
function bedrock(statuses: Array<'COMPLETE' | 'FAILED'>) {
  const client = new BedrockAgentClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const mock = mockClient(client);
  let job = 0;
  mock.on(StartIngestionJobCommand).callsFake(() => {
    job++;
    return {
      ingestionJob: {
        knowledgeBaseId: KB_ID,
        dataSourceId: DS_ID,
        ingestionJobId: `JOB000000${job}`,
        status: 'STARTING',
      },
    };
  });
  mock.on(GetIngestionJobCommand).callsFake(() => {
    const status = statuses[Math.min(job, statuses.length) - 1] ?? 'COMPLETE';
    return {
      ingestionJob: {
        knowledgeBaseId: KB_ID,
        dataSourceId: DS_ID,
        ingestionJobId: `JOB000000${job}`,
        status,
        ...(status === 'FAILED' ? { failureReasons: ['data source access denied'] } : {}),
      },
    };
  });
  return { client, mock };
}

/** An S3 client for s3rver that fails PutObject for keys containing `failFor` (a transport fault). */
function s3FailingFor(failFor: string): S3Client {
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  client.middlewareStack.add(
    // biome-ignore lint/suspicious/noExplicitAny: smithy middleware signature
    (next: any, ctx: any) => async (args: any) => {
      if (ctx.commandName === 'PutObjectCommand' && String(args.input?.Key).includes(failFor)) {
        const err = new Error('We encountered an internal error. Please try again.');
        err.name = 'InternalError';
        throw err;
      }
      return next(args);
    },
    { step: 'initialize', name: 'faultInjection' },
  );
  return client;
}

/** An S3 client for s3rver that records the key of every PutObject. */
function countingS3(puts: string[]): S3Client {
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  client.middlewareStack.add(
    // biome-ignore lint/suspicious/noExplicitAny: smithy middleware signature
    (next: any, ctx: any) => async (args: any) => {
      if (ctx.commandName === 'PutObjectCommand') puts.push(String(args.input?.Key));
      return next(args);
    },
    { step: 'initialize', name: 'countPuts' },
  );
  return client;
}

async function exists(key: string): Promise<boolean> {
  try {
    await s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return true;
  } catch {
    return false;
  }
}

describe('onIncidentClosed handler', () => {
  it('a stream record of a close syncs that incident at once; other records are ignored', async () => {
    const t = await freshTable({ stream: true });
    tables.push(t);
    const a = await closeNewIncident(t.service, 'Disk full on db-1');
    const b = await closeNewIncident(t.service, 'Cert expired');
    const stillOpen = await t.service.create(
      { title: 'Open one', category: 'API' },
      { actor: { id: 'admin@example.com', roles: ['admin'] } },
    );
    const event = await readStream(t.streamArn as string);
    // The real stream holds every item write (history versions, interactions, source guards…).
    expect(event.Records.length).toBeGreaterThan(10);
    const closes = event.Records.map((r) => closeTransition(r)).filter((c) => c !== null);
    expect(closes.map((c) => c.incidentId).sort()).toEqual([a.incident_id, b.incident_id].sort());

    const { client, mock } = bedrock(['COMPLETE']);
    const out = captureOutput();
    const handler = createOnIncidentClosedHandler({
      env: config(t.tableName),
      clients: { bedrockAgent: client },
    });
    const response = await handler(event, context);

    expect(response).toEqual({ batchItemFailures: [] });
    for (const i of [a, b]) {
      expect(await exists(`${t.tableName}/closed/${i.incident_id}.json`)).toBe(true);
      expect((await t.store.getIncident(i.incident_id))?.kb_sync_status.state).toBe('SYNCED');
    }
    expect(await exists(`${t.tableName}/closed/${stillOpen.incident_id}.json`)).toBe(false);
    expect(mock.commandCalls(StartIngestionJobCommand)).toHaveLength(1);
    expect(out.logs.find((l) => l.message === 'close sync finished')).toMatchObject({
      function_request_id: 'stream-req',
      exported: 2,
      failed_records: 0,
    });
  });

  it('reports the failing record as a batch item failure (its sequence number) and syncs the rest', async () => {
    const t = await freshTable({ stream: true });
    tables.push(t);
    const good = await closeNewIncident(t.service, 'Cache stampede');
    const bad = await closeNewIncident(t.service, 'Broken export');
    const event = await readStream(t.streamArn as string);
    const badRecord = event.Records.find((r) => closeTransition(r)?.incidentId === bad.incident_id);
    expect(badRecord?.dynamodb?.SequenceNumber).toBeTruthy();

    const { client } = bedrock(['COMPLETE']);
    const handler = createOnIncidentClosedHandler({
      env: config(t.tableName),
      clients: { bedrockAgent: client, s3: s3FailingFor(bad.incident_id) },
    });
    const response = await handler(event, context);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: badRecord?.dynamodb?.SequenceNumber }]);
    expect((await t.store.getIncident(good.incident_id))?.kb_sync_status.state).toBe('SYNCED');
    expect((await t.store.getIncident(bad.incident_id))?.kb_sync_status).toMatchObject({
      state: 'FAILED',
      sync_attempts: 1,
    });
  });

  it('a failed ingestion fails every close record; the retried batch re-ingests and succeeds', async () => {
    const t = await freshTable({ stream: true });
    tables.push(t);
    const closed = await closeNewIncident(t.service, 'DNS flapping');
    const event = await readStream(t.streamArn as string);
    const closeSeq = event.Records.find((r) => closeTransition(r) !== null)?.dynamodb?.SequenceNumber;

    const { client, mock } = bedrock(['FAILED', 'COMPLETE']);
    const handler = createOnIncidentClosedHandler({
      env: config(t.tableName),
      clients: { bedrockAgent: client },
    });
    expect(await handler(event, context)).toEqual({ batchItemFailures: [{ itemIdentifier: closeSeq }] });
    // Lambda retries the batch: the document is already there, the ingestion is forced and completes.
    expect(await handler(event, context)).toEqual({ batchItemFailures: [] });
    expect(mock.commandCalls(StartIngestionJobCommand)).toHaveLength(2);
    expect((await t.store.getIncident(closed.incident_id))?.kb_sync_status.state).toBe('SYNCED');
  });

  it('a retried batch (same records, another container) exports each document once: Powertools Idempotency', async () => {
    const t = await freshTable({ stream: true });
    tables.push(t);
    const idem = await freshIdempotencyTable();
    onTestFinished(() => idem.drop());
    const a = await closeNewIncident(t.service, 'Queue backlog');
    const b = await closeNewIncident(t.service, 'Stale cache');
    const event = await readStream(t.streamArn as string);
    const closeIds = event.Records.filter((r) => closeTransition(r) !== null).map((r) => r.eventID);
    expect(closeIds).toHaveLength(2);

    const puts: string[] = [];
    const s3Client = countingS3(puts);
    const { client, mock } = bedrock(['COMPLETE', 'COMPLETE']);
    const deps = {
      env: { ...config(t.tableName), INCIDENTS_IDEMPOTENCY_TABLE: idem.tableName },
      clients: { bedrockAgent: client, s3: s3Client },
    };
    captureOutput();
    expect(await createOnIncidentClosedHandler(deps)(event, context)).toEqual({ batchItemFailures: [] });
    const documents = () =>
      puts.filter((key) => key.includes('/closed/') && key.endsWith('.json') && !key.endsWith('.metadata.json')).sort();
    expect(documents()).toEqual(
      [`${t.tableName}/closed/${a.incident_id}.json`, `${t.tableName}/closed/${b.incident_id}.json`].sort(),
    );
    // Lambda retries the same batch (e.g. the first invocation timed out after exporting): a new container.
    expect(await createOnIncidentClosedHandler(deps)(event, { ...context, awsRequestId: 'retry' })).toEqual({
      batchItemFailures: [],
    });
    expect(documents()).toHaveLength(2);
    // The ingestion still runs for the retried records (forced), once per invocation.
    expect(mock.commandCalls(StartIngestionJobCommand)).toHaveLength(2);
    const records = await idem.items();
    expect(records.map((r) => r.status)).toEqual(['COMPLETED', 'COMPLETED']);
    expect(records.every((r) => typeof r.expiration === 'number')).toBe(true);
  });

  it('reports a malformed record and leaves a batch without closes alone', async () => {
    const handler = createOnIncidentClosedHandler({
      env: { ...config('incidents-unused'), INCIDENTS_KB_ID: '', INCIDENTS_KB_DATA_SOURCE_ID: '' },
    });
    const response = await handler(
      {
        Records: [
          {
            eventName: 'MODIFY',
            dynamodb: { SequenceNumber: '100', Keys: { pk: { S: 'INC#X' }, sk: { S: 'V#0000000000' } } },
          },
          {
            eventName: 'MODIFY',
            dynamodb: {
              SequenceNumber: '101',
              NewImage: { sk: { S: 'V#0000000000' }, incident_id: { S: 'X' }, status: { S: 'IN_PROGRESS' } },
              OldImage: { sk: { S: 'V#0000000000' }, incident_id: { S: 'X' }, status: { S: 'ASSIGNED' } },
            },
          },
        ],
      },
      context,
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }] });
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BedrockAgentClient,
  ConflictException,
  GetIngestionJobCommand,
  type IngestionJob as AwsIngestionJob,
  type IngestionJobStatus,
  ResourceNotFoundException,
  StartIngestionJobCommand,
} from '@aws-sdk/client-bedrock-agent';
import { BedrockAgentRuntimeClient, RetrieveCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { createIncidentService, NotFoundError, ValidationError } from '@incidents/core';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBedrockKnowledgeBase } from '../src/bedrock.js';
import {
  createFilesystemObjectStore,
  IngestionConflictError,
  type KnowledgeBase,
  type ObjectStore,
  runKbSync,
} from '../src/index.js';
import { ana, closeOne, ctx, type Desk, openDesk, THEMES } from './support/desk.js';

const KB_ID = 'LPR1PEW0LN';
const DS_ID = 'AJIJE6BWIV';
const quiet = { info() {}, warn() {}, error() {} };
const started = new Date('2026-01-05T10:00:00Z');

/** GetIngestionJob / StartIngestionJob response bodies as documented (API_agent_IngestionJob). */
function job(status: IngestionJobStatus, extra: Partial<AwsIngestionJob> = {}) {
  return {
    ingestionJob: {
      knowledgeBaseId: KB_ID,
      dataSourceId: DS_ID,
      ingestionJobId: 'ABCD123456',
      status,
      startedAt: started,
      updatedAt: started,
      ...extra,
    },
  };
}

const stats = {
  numberOfDocumentsScanned: 2,
  numberOfMetadataDocumentsScanned: 2,
  numberOfNewDocumentsIndexed: 2,
  numberOfModifiedDocumentsIndexed: 0,
  numberOfMetadataDocumentsModified: 0,
  numberOfDocumentsDeleted: 0,
  numberOfDocumentsFailed: 0,
};

describe('Bedrock knowledge base', () => {
  const agent = mockClient(BedrockAgentClient);
  const runtime = mockClient(BedrockAgentRuntimeClient);
  let kb: KnowledgeBase;
  let desk: Desk;
  let dir: string;
  let objects: ObjectStore;

  beforeEach(async () => {
    agent.reset();
    runtime.reset();
    kb = createBedrockKnowledgeBase({
      knowledgeBaseId: KB_ID,
      dataSourceId: DS_ID,
      agentClient: new BedrockAgentClient({ region: 'eu-west-1' }),
      runtimeClient: new BedrockAgentRuntimeClient({ region: 'eu-west-1' }),
    });
    desk = await openDesk();
    dir = await mkdtemp(join(tmpdir(), 'kb-bedrock-'));
    objects = createFilesystemObjectStore({ dir });
  });
  afterEach(async () => {
    await desk.close();
    await rm(dir, { recursive: true, force: true });
  });

  const sync = (extra: Partial<Parameters<typeof runKbSync>[0]> = {}) =>
    runKbSync({
      store: desk.store,
      objectStore: objects,
      knowledgeBase: kb,
      logger: quiet,
      metrics: false,
      ingestion: { pollIntervalMs: 5, timeoutMs: 2_000 },
      ...extra,
    });

  it('starts an ingestion only when something changed, and polls it to completion', async () => {
    agent.on(StartIngestionJobCommand).resolves(job('STARTING'));
    agent
      .on(GetIngestionJobCommand)
      .resolvesOnce(job('IN_PROGRESS'))
      .resolves(job('COMPLETE', { statistics: stats }));
    await closeOne(desk.service, 'B-1', THEMES[0] as (typeof THEMES)[number]);
    await closeOne(desk.service, 'B-2', THEMES[1] as (typeof THEMES)[number]);

    const first = await sync();
    expect(first.status).toBe('completed');
    expect(first.ingestion).toMatchObject({
      started: true,
      jobId: 'ABCD123456',
      status: 'COMPLETE',
      statistics: stats,
    });
    expect(agent.commandCalls(StartIngestionJobCommand)).toHaveLength(1);
    expect(agent.commandCalls(StartIngestionJobCommand)[0]?.args[0].input).toMatchObject({
      knowledgeBaseId: KB_ID,
      dataSourceId: DS_ID,
      description: 'kb-sync: 2 synced, 0 withdrawn',
    });
    expect(agent.commandCalls(GetIngestionJobCommand)[0]?.args[0].input).toEqual({
      knowledgeBaseId: KB_ID,
      dataSourceId: DS_ID,
      ingestionJobId: 'ABCD123456',
    });
    expect(agent.commandCalls(GetIngestionJobCommand)).toHaveLength(2);

    const second = await sync();
    expect(second.ingestion).toMatchObject({ started: false, reason: 'nothing_changed' });
    expect(agent.commandCalls(StartIngestionJobCommand)).toHaveLength(1);

    const forced = await sync({ ingestion: { force: true, pollIntervalMs: 5 } });
    expect(forced.ingestion.started).toBe(true);
    expect(agent.commandCalls(StartIngestionJobCommand)).toHaveLength(2);
  });

  it('waits for a running job (ConflictException) and retries, or reports it', async () => {
    const conflict = () =>
      new ConflictException({
        message: 'There is already an ongoing ingestion job for this data source',
        $metadata: { httpStatusCode: 409 },
      });
    agent.on(StartIngestionJobCommand).rejectsOnce(conflict()).rejectsOnce(conflict()).resolves(job('STARTING'));
    agent.on(GetIngestionJobCommand).resolves(job('COMPLETE', { statistics: stats }));
    await closeOne(desk.service, 'C-1', THEMES[2] as (typeof THEMES)[number]);
    const waited = await sync();
    expect(waited).toMatchObject({ status: 'completed', ingestion: { started: true, status: 'COMPLETE' } });
    expect(agent.commandCalls(StartIngestionJobCommand)).toHaveLength(3);

    agent.on(StartIngestionJobCommand).rejects(conflict());
    await closeOne(desk.service, 'C-2', THEMES[3] as (typeof THEMES)[number]);
    const reported = await sync({ ingestion: { onConflict: 'report' } });
    expect(reported.status).toBe('ingestion_conflict');
    expect(reported.synced).toBe(1);
    expect(reported.ingestion).toMatchObject({ started: false, reason: 'conflict' });
    expect(reported.ingestion.failureReasons[0]).toContain('already an ongoing ingestion job');
    await expect(kb.startIngestion()).rejects.toBeInstanceOf(IngestionConflictError);

    // Waiting has a limit too.
    await closeOne(desk.service, 'C-3', THEMES[4] as (typeof THEMES)[number]);
    const gaveUp = await sync({ ingestion: { pollIntervalMs: 5, timeoutMs: 30 } });
    expect(gaveUp).toMatchObject({ status: 'ingestion_conflict', ingestion: { reason: 'conflict' } });
  });

  it('reports a failed job with its reasons', async () => {
    agent.on(StartIngestionJobCommand).resolves(job('STARTING'));
    agent.on(GetIngestionJobCommand).resolves(
      job('FAILED', {
        statistics: { ...stats, numberOfNewDocumentsIndexed: 0, numberOfDocumentsFailed: 2 },
        failureReasons: ['Access denied to s3://bucket/incidents/'],
      }),
    );
    await closeOne(desk.service, 'F-1', THEMES[5] as (typeof THEMES)[number]);
    const result = await sync();
    expect(result.status).toBe('ingestion_failed');
    expect(result.synced).toBe(1); // the documents are written; the next run's ingestion picks them up
    expect(result.ingestion).toMatchObject({
      started: true,
      status: 'FAILED',
      failureReasons: ['Access denied to s3://bucket/incidents/'],
      statistics: { numberOfDocumentsFailed: 2 },
    });

    agent.on(StartIngestionJobCommand).rejects(
      Object.assign(new Error('User is not authorized to perform bedrock:StartIngestionJob'), {
        name: 'AccessDeniedException',
      }),
    );
    await closeOne(desk.service, 'F-2', THEMES[6] as (typeof THEMES)[number]);
    const denied = await sync();
    expect(denied).toMatchObject({ status: 'ingestion_failed', ingestion: { started: false, reason: 'error' } });
    expect(denied.ingestion.failureReasons[0]).toContain('bedrock:StartIngestionJob');
  });

  it('stops polling at the timeout and says the job is still running', async () => {
    agent.on(StartIngestionJobCommand).resolves(job('STARTING'));
    agent
      .on(GetIngestionJobCommand)
      .resolves(job('IN_PROGRESS', { statistics: { ...stats, numberOfNewDocumentsIndexed: 1 } }));
    await closeOne(desk.service, 'T-1', THEMES[7] as (typeof THEMES)[number]);
    const result = await sync({ ingestion: { pollIntervalMs: 10, timeoutMs: 60 } });
    expect(result.status).toBe('ingestion_timeout');
    expect(result.ingestion).toMatchObject({
      started: true,
      reason: 'timeout',
      jobId: 'ABCD123456',
      status: 'IN_PROGRESS',
    });
    expect(result.ingestion.failureReasons[0]).toContain('had not finished after 60 ms');
    // Without waiting the job is only started.
    await closeOne(desk.service, 'T-2', THEMES[8] as (typeof THEMES)[number]);
    const fire = await sync({ ingestion: { wait: false } });
    expect(fire.ingestion).toMatchObject({ started: true, status: 'STARTING' });
  });

  it('maps GetIngestionJob errors', async () => {
    agent.on(GetIngestionJobCommand).rejects(new ResourceNotFoundException({ message: 'no such job', $metadata: {} }));
    await expect(kb.getIngestionJob('ZZZZ')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('retrieves with metadata filters, one result per incident, as the service knowledge base', async () => {
    runtime.on(RetrieveCommand).resolves({
      retrievalResults: [
        {
          content: { type: 'TEXT', text: '{"incident_id":"INC-1","title":"Kafka consumer lag"…' },
          location: { type: 'S3', s3Location: { uri: 's3://kb-bucket/incidents/closed/INC-1.json' } },
          score: 0.82,
          metadata: {
            'x-amz-bedrock-kb-source-uri': 's3://kb-bucket/incidents/closed/INC-1.json',
            'x-amz-bedrock-kb-chunk-id': 'c1',
            incident_id: 'INC-1',
            severity: 'HIGH',
          },
        },
        {
          content: { type: 'TEXT', text: 'second chunk of INC-1' },
          location: { type: 'S3', s3Location: { uri: 's3://kb-bucket/incidents/closed/INC-1.json' } },
          score: 0.61,
          metadata: { incident_id: 'INC-1', severity: 'HIGH' },
        },
        {
          content: { type: 'TEXT', text: 'Kafka broker disk full' },
          location: { type: 'S3', s3Location: { uri: 's3://kb-bucket/incidents/closed/INC-2.json' } },
          score: 0.74,
          metadata: { 'x-amz-bedrock-kb-source-uri': 's3://kb-bucket/incidents/closed/INC-2.json' },
        },
      ],
    });
    const hits = await kb.retrieve({
      text: 'kafka lag',
      limit: 5,
      filters: { severity: ['HIGH', 'CRITICAL'], team: 'data' },
    });
    expect(hits).toEqual([
      {
        incident_id: 'INC-1',
        score: 0.82,
        text: '{"incident_id":"INC-1","title":"Kafka consumer lag"…',
        location: 's3://kb-bucket/incidents/closed/INC-1.json',
        metadata: {
          'x-amz-bedrock-kb-source-uri': 's3://kb-bucket/incidents/closed/INC-1.json',
          'x-amz-bedrock-kb-chunk-id': 'c1',
          incident_id: 'INC-1',
          severity: 'HIGH',
        },
      },
      expect.objectContaining({
        incident_id: 'INC-2',
        score: 0.74,
        location: 's3://kb-bucket/incidents/closed/INC-2.json',
      }),
    ]);
    expect(runtime.commandCalls(RetrieveCommand)[0]?.args[0].input).toEqual({
      knowledgeBaseId: KB_ID,
      retrievalQuery: { text: 'kafka lag' },
      retrievalConfiguration: {
        vectorSearchConfiguration: {
          numberOfResults: 15,
          filter: {
            andAll: [
              { in: { key: 'severity', value: ['HIGH', 'CRITICAL'] } },
              { equals: { key: 'team', value: 'data' } },
            ],
          },
        },
      },
    });

    const service = createIncidentService({ store: desk.store, knowledgeBase: kb });
    const similar = await service.findSimilar({ text: 'kafka lag' }, { limit: 1 }, ctx(ana));
    expect(similar.map((s) => s.incident_id)).toEqual(['INC-1']);
  });

  it('validates ids and filters', async () => {
    expect(() => createBedrockKnowledgeBase({ knowledgeBaseId: 'short', dataSourceId: DS_ID })).toThrow(
      ValidationError,
    );
    await expect(kb.retrieve({ text: 'x', limit: 5, filters: { severity: { $gt: 1 } as never } })).rejects.toThrow(
      /filters.severity/,
    );
    await expect(kb.retrieve({ text: ' ', limit: 5 })).rejects.toThrow(/text/);
  });
});

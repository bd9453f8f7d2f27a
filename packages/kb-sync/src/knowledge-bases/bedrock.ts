/**
 * Amazon Bedrock Knowledge Bases: ingestion (`StartIngestionJob`, `GetIngestionJob`) and retrieval
 * (`Retrieve` with metadata filters).
 * @module
 */
import {
  BedrockAgentClient,
  type BedrockAgentClientConfig,
  GetIngestionJobCommand,
  type IngestionJob as AwsIngestionJob,
  StartIngestionJobCommand,
} from '@aws-sdk/client-bedrock-agent';
import {
  BedrockAgentRuntimeClient,
  type BedrockAgentRuntimeClientConfig,
  type KnowledgeBaseRetrievalResult,
  type RetrievalFilter,
  RetrieveCommand,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { type KnowledgeBaseFilters, NotFoundError, type RetrievedIncident, ValidationError } from '@incidents/core';
import { errorMessage, IngestionConflictError, KbError } from '../errors.js';
import type { IngestionJob, IngestionJobStatus, KnowledgeBase } from '../ports.js';
import { type FilterClause, parseFilters } from './filters.js';

/** Options of {@link createBedrockKnowledgeBase}. */
export interface BedrockKnowledgeBaseOptions {
  /** The knowledge base id (10 characters, e.g. from the console or CDK output). */
  knowledgeBaseId: string;
  /** The S3 data source that holds the documents. */
  dataSourceId: string;
  /** Client for StartIngestionJob / GetIngestionJob; created from `clientConfig` when omitted. */
  agentClient?: BedrockAgentClient;
  /** Client for Retrieve; created from `clientConfig` when omitted. */
  runtimeClient?: BedrockAgentRuntimeClient;
  /** Region, credentials… for the clients this function creates. */
  clientConfig?: BedrockAgentClientConfig & BedrockAgentRuntimeClientConfig;
  /** Force `HYBRID` or `SEMANTIC` search; Bedrock decides when omitted. */
  searchType?: 'HYBRID' | 'SEMANTIC';
  /** Chunks requested per wanted incident (several chunks may come from one document); default 3. */
  overfetch?: number;
}

const ID = /^[0-9a-zA-Z]{10}$/;

/** Core's filters as a Bedrock `RetrievalFilter`: `equals` / `in`, combined with `andAll`. */
export function toBedrockFilter(clauses: FilterClause[]): RetrievalFilter | undefined {
  const parts: RetrievalFilter[] = clauses.map((c) =>
    c.values.length === 1 ? { equals: { key: c.key, value: c.values[0] } } : { in: { key: c.key, value: c.values } },
  );
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return { andAll: parts };
}

function mapJob(job: AwsIngestionJob | undefined, fallbackId?: string): IngestionJob {
  const s = job?.statistics ?? {};
  return {
    jobId: job?.ingestionJobId ?? fallbackId ?? '',
    status: (job?.status ?? 'STARTING') as IngestionJobStatus,
    statistics: {
      numberOfDocumentsScanned: s.numberOfDocumentsScanned ?? 0,
      numberOfMetadataDocumentsScanned: s.numberOfMetadataDocumentsScanned ?? 0,
      numberOfNewDocumentsIndexed: s.numberOfNewDocumentsIndexed ?? 0,
      numberOfModifiedDocumentsIndexed: s.numberOfModifiedDocumentsIndexed ?? 0,
      numberOfMetadataDocumentsModified: s.numberOfMetadataDocumentsModified ?? 0,
      numberOfDocumentsDeleted: s.numberOfDocumentsDeleted ?? 0,
      numberOfDocumentsFailed: s.numberOfDocumentsFailed ?? 0,
    },
    failureReasons: job?.failureReasons ?? [],
    ...(job?.description ? { description: job.description } : {}),
    ...(job?.startedAt ? { startedAt: new Date(job.startedAt).toISOString() } : {}),
    ...(job?.updatedAt ? { updatedAt: new Date(job.updatedAt).toISOString() } : {}),
  };
}

function sourceUri(r: KnowledgeBaseRetrievalResult): string | undefined {
  const meta = r.metadata ?? {};
  const fromMeta = meta['x-amz-bedrock-kb-source-uri'];
  return r.location?.s3Location?.uri ?? (typeof fromMeta === 'string' ? fromMeta : undefined);
}

function incidentIdOf(r: KnowledgeBaseRetrievalResult): string | undefined {
  const meta = r.metadata ?? {};
  if (typeof meta.incident_id === 'string' && meta.incident_id) return meta.incident_id;
  const uri = sourceUri(r);
  if (!uri) return undefined;
  const base = uri.slice(uri.lastIndexOf('/') + 1).replace(/\.json$/, '');
  return base ? decodeURIComponent(base) : undefined;
}

/**
 * Creates the Bedrock knowledge base. IAM: `bedrock:StartIngestionJob` and `bedrock:GetIngestionJob`
 * for the sync job, `bedrock:Retrieve` for `findSimilar`, on
 * `arn:aws:bedrock:<region>:<account>:knowledge-base/<knowledgeBaseId>`.
 *
 * @example
 * ```ts
 * const kb = createBedrockKnowledgeBase({ knowledgeBaseId: 'ABCDEFGHIJ', dataSourceId: 'KLMNOPQRST', clientConfig: { region: 'eu-west-1' } });
 * const service = createIncidentService({ store, knowledgeBase: kb });
 * ```
 */
export function createBedrockKnowledgeBase(options: BedrockKnowledgeBaseOptions): KnowledgeBase {
  const issues: Array<{ path: string; message: string }> = [];
  if (!options || typeof options.knowledgeBaseId !== 'string' || !ID.test(options.knowledgeBaseId)) {
    issues.push({ path: 'knowledgeBaseId', message: 'knowledgeBaseId must be 10 letters or digits' });
  }
  if (!options || typeof options.dataSourceId !== 'string' || !ID.test(options.dataSourceId)) {
    issues.push({ path: 'dataSourceId', message: 'dataSourceId must be 10 letters or digits' });
  }
  if (issues.length) throw new ValidationError(issues, { context: 'Bedrock knowledge base options' });
  const { knowledgeBaseId, dataSourceId } = options;
  const agent = options.agentClient ?? new BedrockAgentClient(options.clientConfig ?? {});
  const runtime = options.runtimeClient ?? new BedrockAgentRuntimeClient(options.clientConfig ?? {});
  const overfetch = Math.max(1, options.overfetch ?? 3);

  const fail = (op: string, err: unknown) =>
    new KbError('kb.bedrock', `Bedrock ${op} failed: ${errorMessage(err)}`, {
      details: {
        op,
        knowledgeBaseId,
        dataSourceId,
        ...((err as Error)?.name ? { awsError: (err as Error).name } : {}),
      },
      cause: err,
      userError: (err as Error)?.name === 'ValidationException' || (err as Error)?.name === 'AccessDeniedException',
    });

  return {
    name: 'bedrock',

    async startIngestion(opts = {}) {
      try {
        const out = await agent.send(
          new StartIngestionJobCommand({
            knowledgeBaseId,
            dataSourceId,
            ...(opts.description ? { description: opts.description.slice(0, 200) } : {}),
            ...(opts.clientToken ? { clientToken: opts.clientToken } : {}),
          }),
        );
        return mapJob(out.ingestionJob);
      } catch (err) {
        if ((err as Error)?.name === 'ConflictException') {
          throw new IngestionConflictError(
            'bedrock',
            `An ingestion job is already running for data source ${dataSourceId}: ${errorMessage(err)}`,
            {
              cause: err,
            },
          );
        }
        throw fail('StartIngestionJob', err);
      }
    },

    async getIngestionJob(jobId: string) {
      try {
        const out = await agent.send(
          new GetIngestionJobCommand({ knowledgeBaseId, dataSourceId, ingestionJobId: jobId }),
        );
        return mapJob(out.ingestionJob, jobId);
      } catch (err) {
        if ((err as Error)?.name === 'ResourceNotFoundException')
          throw new NotFoundError('IngestionJob', jobId, { cause: err });
        throw fail('GetIngestionJob', err);
      }
    },

    async retrieve(request: {
      text: string;
      limit: number;
      filters?: KnowledgeBaseFilters;
    }): Promise<RetrievedIncident[]> {
      if (!request || typeof request.text !== 'string' || !request.text.trim()) {
        throw new ValidationError([{ path: 'text', message: 'text is required' }], { context: 'retrieve request' });
      }
      const limit = Math.max(1, Math.min(Math.floor(Number(request.limit) || 5), 100));
      const filter = toBedrockFilter(parseFilters(request.filters));
      let results: KnowledgeBaseRetrievalResult[];
      try {
        const out = await runtime.send(
          new RetrieveCommand({
            knowledgeBaseId,
            retrievalQuery: { text: request.text.slice(0, 1000) },
            retrievalConfiguration: {
              vectorSearchConfiguration: {
                numberOfResults: Math.min(100, limit * overfetch),
                ...(filter ? { filter } : {}),
                ...(options.searchType ? { overrideSearchType: options.searchType } : {}),
              },
            },
          }),
        );
        results = out.retrievalResults ?? [];
      } catch (err) {
        throw fail('Retrieve', err);
      }
      // One entry per incident: the best-scoring chunk.
      const best = new Map<string, RetrievedIncident>();
      for (const r of results) {
        const id = incidentIdOf(r);
        if (!id) continue;
        const score = r.score ?? 0;
        const prev = best.get(id);
        if (prev && prev.score >= score) continue;
        const uri = sourceUri(r);
        best.set(id, {
          incident_id: id,
          score,
          text: r.content?.text ?? '',
          ...(uri ? { location: uri } : {}),
          metadata: { ...(r.metadata ?? {}) },
        });
      }
      return [...best.values()].sort((a, b) => b.score - a.score).slice(0, limit);
    },
  };
}

/**
 * Composition of the packages from the Lambda configuration: the DynamoDB store, the S3 object
 * store, the knowledge base (Bedrock, the local libSQL index, or none) and the alert sink. Every AWS
 * client can be injected ({@link AwsClients}); otherwise one is created from the configuration.
 *
 * @module
 */
import type { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import {
  cachePrefixFor,
  dynamoStoreIdentity,
  isLocalEndpoint,
  type LambdaConfig,
  requireKbBucket,
} from '@incidents/config';
import {
  type AlertSink,
  createLocalKnowledgeBase,
  createLogAlertSink,
  type KnowledgeBase,
  type ObjectStore,
} from '@incidents/kb-sync';
import { createS3ObjectStore } from '@incidents/kb-sync/s3';
import { createDynamoStore, type DynamoIncidentStore } from '@incidents/store-dynamo';

/** AWS clients the handlers use; each one is optional (created from the configuration when omitted). */
export interface AwsClients {
  dynamodb?: DynamoDBClient;
  s3?: S3Client;
  bedrockAgent?: BedrockAgentClient;
  sns?: SNSClient;
  secretsManager?: SecretsManagerClient;
  ssm?: SSMClient;
}

/**
 * Instruments an AWS SDK client (Powertools `tracer.captureAWSv3Client`) and returns it; the
 * identity when tracing is off.
 */
export type CaptureClient = <T>(client: T) => T;
const identity: CaptureClient = (client) => client;

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The DynamoDB client of the configuration (the injected one, or a new one, captured by the tracer). */
export function createDynamoClient(
  config: LambdaConfig,
  clients: AwsClients = {},
  capture: CaptureClient = identity,
): DynamoDBClient {
  if (clients.dynamodb) return clients.dynamodb;
  const endpoint = config.dynamoEndpoint;
  return capture(
    new DynamoDBClient({
      ...(config.region ? { region: config.region } : endpoint ? { region: 'us-east-1' } : {}),
      ...(endpoint ? { endpoint } : {}),
      // DynamoDB Local accepts any credentials; on AWS the function's role is used.
      ...(isLocalEndpoint(endpoint) ? { credentials: LOCAL_CREDENTIALS } : {}),
    }),
  );
}

/**
 * The incident store of the configuration (DynamoDB) — behind the Redis read cache when Redis is
 * configured, so that the handlers' writes invalidate what the other apps cached. `@incidents/redis`
 * (and its Redis clients) is loaded only then: in the bundle it is evaluated on first use, not at
 * cold start.
 */
export async function createStoreFromConfig(
  config: LambdaConfig,
  clients: AwsClients = {},
  capture: CaptureClient = identity,
): Promise<DynamoIncidentStore> {
  const store = createDynamoStore({ tableName: config.table, client: createDynamoClient(config, clients, capture) });
  if (!config.redis) return store;
  const { createCachedStore, createTcpConnection, createUpstashConnection } = await import('@incidents/redis');
  const redis =
    config.redis.kind === 'upstash'
      ? createUpstashConnection({ url: config.redis.url, token: config.redis.token })
      : createTcpConnection({ url: config.redis.url });
  return createCachedStore(store, {
    redis,
    prefix: cachePrefixFor(dynamoStoreIdentity(config.table, config.dynamoEndpoint)),
    closeConnection: true,
    logger: { warn: (m) => console.warn(m) },
  });
}

/** What the knowledge-base handlers work with. */
export interface KbRuntime {
  store: DynamoIncidentStore;
  objectStore: ObjectStore;
  knowledgeBase?: KnowledgeBase;
  alertSink: AlertSink;
  /** Releases the store and the local index. */
  close(): Promise<void>;
}

/** Builds the store, object store, knowledge base and alert sink of the configuration. */
export async function createKbRuntime(
  config: LambdaConfig,
  clients: AwsClients,
  logger: { warn(message: string, fields?: Record<string, unknown>): void },
  capture: CaptureClient = identity,
): Promise<KbRuntime> {
  const bucket = requireKbBucket(config);
  const region = config.region;
  const s3Endpoint = config.kb.s3Endpoint;
  const objectStore = createS3ObjectStore({
    bucket,
    client:
      clients.s3 ??
      capture(
        new S3Client({
          ...(region ? { region } : s3Endpoint ? { region: 'us-east-1' } : {}),
          ...(s3Endpoint
            ? {
                endpoint: s3Endpoint,
                forcePathStyle: true,
                requestChecksumCalculation: 'WHEN_REQUIRED' as const,
                responseChecksumValidation: 'WHEN_REQUIRED' as const,
              }
            : {}),
          ...(isLocalEndpoint(s3Endpoint) ? { credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } } : {}),
        }),
      ),
  });
  let knowledgeBase: KnowledgeBase | undefined;
  let closeKb: (() => Promise<void>) | undefined;
  if (config.kb.mode === 'bedrock') {
    // Loaded (evaluated, in the bundle) only in Bedrock mode, like the SNS sink below.
    const { createBedrockKnowledgeBase } = await import('@incidents/kb-sync/bedrock');
    knowledgeBase = createBedrockKnowledgeBase({
      knowledgeBaseId: config.kb.knowledgeBaseId as string,
      dataSourceId: config.kb.dataSourceId as string,
      agentClient:
        clients.bedrockAgent ??
        capture(new (await import('@aws-sdk/client-bedrock-agent')).BedrockAgentClient(region ? { region } : {})),
    });
  } else if (config.kb.mode === 'local') {
    const local = await createLocalKnowledgeBase({
      url: config.kb.localUrl as string,
      objectStore,
      prefix: config.kb.prefix,
    });
    knowledgeBase = local;
    closeKb = () => local.close();
  }
  let alertSink: AlertSink;
  if (config.alertTopicArn) {
    const [{ createSnsAlertSink }, { SNSClient }] = await Promise.all([
      import('@incidents/kb-sync/sns'),
      import('@aws-sdk/client-sns'),
    ]);
    alertSink = createSnsAlertSink({
      topicArn: config.alertTopicArn,
      client: clients.sns ?? capture(new SNSClient(region ? { region } : {})),
    });
  } else {
    alertSink = createLogAlertSink(logger);
  }
  const store = await createStoreFromConfig(config, clients, capture);
  return {
    store,
    objectStore,
    ...(knowledgeBase ? { knowledgeBase } : {}),
    alertSink,
    async close() {
      await closeKb?.();
      await store.close();
    },
  };
}

/**
 * `@incidents/lambda` (private) — the AWS Lambda handlers of the incidents service, as factories
 * that take their dependencies (configuration, AWS clients, Powertools logger/metrics/tracer) and read the environment only on
 * their first invocation when none is given. The function entry points live in `src/entries/`; the
 * AWS CDK stack that deploys them lives in `infra/`.
 *
 * - {@link createKbBatchSyncHandler}: `incident-kb-batch-sync`, the scheduled knowledge-base sync
 *   with automatic ingestion (R-KB-2, R-KB-3).
 * - {@link createOnIncidentClosedHandler}: DynamoDB Streams, a close becomes searchable at once.
 * - {@link createConnectorSyncHandler}: one schedule per connector — pull and drain the outbound queue.
 *
 * @packageDocumentation
 */
export {
  addIngestionFailureMetric,
  createKbBatchSyncHandler,
  isFailedRun,
  type KbBatchSyncEvent,
  type KbBatchSyncHandler,
  KbSyncFailedError,
  summarize,
} from './handlers/kb-batch-sync.js';
export {
  buildConnector,
  CONNECTOR_FACTORIES,
  type ConnectorSyncEvent,
  ConnectorSyncFailedError,
  type ConnectorSyncHandler,
  createConnectorSyncHandler,
} from './handlers/connector-sync.js';
export {
  type BatchResponse,
  type CloseTransition,
  closeTransition,
  createOnIncidentClosedHandler,
  type OnIncidentClosedHandler,
  scopeStoreTo,
  type StreamEventLike,
  type StreamRecordLike,
} from './handlers/on-incident-closed.js';
export type { HandlerDependencies, Instruments, LambdaContextLike } from './handlers/shared.js';
export {
  createLogger,
  createMetrics,
  createTracer,
  DEFAULT_SERVICE_NAME,
  metricsRecorder,
  REDACTED,
  RedactingLogger,
  type RedactingLoggerOptions,
  SecretRegistry,
} from './observability.js';
export {
  type AwsClients,
  type CaptureClient,
  createDynamoClient,
  createKbRuntime,
  createStoreFromConfig,
  type KbRuntime,
} from './runtime.js';
export { createSecretResolver, type SecretResolver, type SecretResolverOptions } from './secrets.js';

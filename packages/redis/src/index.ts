/**
 * `@incidents/redis` — Redis for the incidents SDK, over Upstash REST (`@upstash/redis`) or TCP
 * (`ioredis`):
 *
 * - {@link createCachedStore}: a read cache in front of any `IncidentStore` (the same ports, passes the
 *   store contract suite), invalidated on writes with generation tokens, falling back to the store
 *   within a bounded timeout when Redis is down or slow;
 * - connections: {@link createUpstashConnection}, {@link createTcpConnection}.
 *
 * @packageDocumentation
 */
export {
  type CacheControl,
  type CachedIncidentStore,
  type CachedStoreOptions,
  type CacheStats,
  createCachedStore,
} from './cache/cached-store.js';
export {
  createTcpConnection,
  createUpstashConnection,
  type RedisArg,
  type RedisCommand,
  type RedisConnection,
  type TcpConnectionOptions,
  type UpstashConnectionOptions,
} from './connection.js';
export { type RedisLogger, RedisTimeoutError } from './guard.js';
export { redactSecrets } from './redact.js';
export { acquireLock, type HeldLock, type LockOptions, withLock } from './lock.js';
export {
  createRateLimits,
  type RateLimitDecision,
  type RateLimitRule,
  type RateLimits,
  type RateLimitsOptions,
} from './rate-limit.js';
export {
  createSimpleQueue,
  createTaskQueue,
  type DrainOptions,
  type DrainReport,
  drainQueue,
  type EnqueueOptions,
  type EnqueueResult,
  type QueueLengths,
  type SimpleQueue,
  type SimpleQueueOptions,
  type SimpleTask,
  type TaskContext,
  type TaskHandlers,
  type TaskQueue,
  type TaskQueueOptions,
} from './queue/queue.js';
export {
  CloseInactiveResolvedTaskSchema,
  ConnectorSyncTaskSchema,
  KbSyncTaskSchema,
  NotifyTaskSchema,
  type QueuedTask,
  QueuedTaskSchema,
  type Task,
  type TaskInput,
  type TaskPayload,
  TaskSchema,
  type TaskType,
} from './queue/tasks.js';
export {
  getRedisMetrics,
  type KeyspaceDb,
  parseInfo,
  type RedisMetrics,
  type RedisMetricsOptions,
} from './metrics.js';
export {
  createRedisDeliveryLog,
  type RedisDeliveryLog,
  type RedisDeliveryLogOptions,
} from './webhook-deliveries.js';

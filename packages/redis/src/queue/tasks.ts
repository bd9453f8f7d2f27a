/**
 * The typed tasks of the batch work queue (zod schemas). A task is `{ type, payload }`; the queue adds
 * its envelope (id, attempts, idempotency key, errors).
 *
 * @module
 */
import * as z from 'zod';

/** Close incidents resolved and untouched for `inactive_days` (default 7). */
export const CloseInactiveResolvedTaskSchema = z.object({
  type: z.literal('closeInactiveResolved'),
  payload: z
    .object({
      inactive_days: z.number().int().positive().default(7),
      /** At most this many incidents per run (default 200). */
      limit: z.number().int().positive().max(5_000).default(200),
    })
    .default({ inactive_days: 7, limit: 200 }),
});

/** Send a notification (the handler decides the channel: mail, Slack, a webhook). */
export const NotifyTaskSchema = z.object({
  type: z.literal('notify'),
  payload: z.object({
    to: z.string().min(1),
    subject: z.string().min(1).max(500),
    body: z.string().max(20_000).default(''),
    incident_id: z.string().min(1).optional(),
  }),
});

/** Run the knowledge-base export (`runKbSync`). */
export const KbSyncTaskSchema = z.object({
  type: z.literal('kbSync'),
  payload: z.object({ limit: z.number().int().positive().optional() }).default({}),
});

/** Pull (and push) one connector, or all. */
export const ConnectorSyncTaskSchema = z.object({
  type: z.literal('connectorSync'),
  payload: z.object({ connector: z.string().min(1), full: z.boolean().default(false) }),
});

/** Any task the queue accepts, discriminated by `type`. */
export const TaskSchema = z.discriminatedUnion('type', [
  CloseInactiveResolvedTaskSchema,
  NotifyTaskSchema,
  KbSyncTaskSchema,
  ConnectorSyncTaskSchema,
]);

/** A task as accepted by the queue (payload defaults applied). */
export type Task = z.infer<typeof TaskSchema>;
/** A task as given to `enqueue` (payload defaults optional). */
export type TaskInput = z.input<typeof TaskSchema>;
/** The task types. */
export type TaskType = Task['type'];
/** The payload of one task type. */
export type TaskPayload<T extends TaskType> = Extract<Task, { type: T }>['payload'];

/** A task in the queue with its envelope. */
export const QueuedTaskSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  payload: z.unknown(),
  /** Deliveries so far (a claim counts one). */
  attempts: z.number().int().nonnegative(),
  max_attempts: z.number().int().positive(),
  enqueued_at: z.number(),
  idempotency_key: z.string().optional(),
  last_error: z.string().optional(),
  failed_at: z.number().optional(),
  dead_at: z.number().optional(),
  /** Token of the current claim: only its holder may acknowledge or fail the task. */
  claim: z.string().optional(),
});
/** A task in the queue with its envelope (`type`/`payload` not yet validated: a poison task may be anything). */
export type QueuedTask = z.infer<typeof QueuedTaskSchema>;

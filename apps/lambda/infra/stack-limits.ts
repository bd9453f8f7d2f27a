/**
 * The durations and sizes of {@link IncidentsStack}, written once: a function's timeout, the wait
 * inside it and the alarm on it must move together; the schedules share their rate and retries.
 * @module
 */
import { Duration } from 'aws-cdk-lib';

/** Lambda timeout of the knowledge-base functions (hourly batch sync, on-incident-closed): Lambda's maximum. */
const KB_FUNCTION_TIMEOUT = Duration.minutes(15);

/** The durations and sizes the stack shares between its functions, their environment and their alarms. */
export const STACK_LIMITS = {
  /** Timeout of the knowledge-base functions. */
  kbFunctionTimeout: KB_FUNCTION_TIMEOUT,
  /**
   * How long a knowledge-base sync waits for its Bedrock ingestion job (`INCIDENTS_KB_INGESTION_TIMEOUT_MS`),
   * 80% of the timeout so the function still records the outcome; also the batch sync's duration alarm.
   */
  kbIngestionWait: Duration.minutes(KB_FUNCTION_TIMEOUT.toMinutes() * 0.8),
  /** Memory of the knowledge-base functions (MB). */
  kbFunctionMemoryMb: 1024,
  /** Closed incidents older than this in the DynamoDB stream raise the iterator-age alarm. */
  onClosedMaxIteratorAge: Duration.minutes(15),
  /** Timeout of the connector-sync function (a pull and the outbound queue of one connector). */
  connectorFunctionTimeout: Duration.minutes(10),
  /** Timeout of the webhook intake: vendors wait 10-30 s for an answer (Slack 3 s, then retries: deduplicated by event id). */
  webhookFunctionTimeout: Duration.seconds(30),
  /** Memory of the connector-sync function and the webhook intake (MB). */
  connectorFunctionMemoryMb: 512,
  /** Default rate of every schedule (knowledge-base batch sync, R-KB-2, and each connector). */
  defaultScheduleRate: Duration.hours(1),
  /** Retries of a schedule's delivery to its function before the event goes to the dead-letter queue. */
  scheduleRetryAttempts: 2,
  /** Age after which a schedule's undelivered event goes to the dead-letter queue. */
  scheduleMaxEventAge: Duration.hours(1),
  /** How long the dead-letter queue keeps a message (SQS's maximum). */
  deadLetterRetention: Duration.days(14),
} as const;

/**
 * The durations several resources of {@link IncidentsStack} derive from, written once: a function's
 * timeout, the wait inside it and the alarm on it must move together.
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
} as const;

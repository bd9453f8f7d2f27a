/**
 * The EventBridge schedules of {@link IncidentsStack}: the knowledge-base batch sync (R-KB-2) and one
 * per connector. Every target retries, then leaves the event in the dead-letter queue.
 * @module
 */
import type { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { STACK_LIMITS } from './stack-limits.js';
import type { StackConnector } from './stack-props.js';

/** A schedule's function target: retries, then the dead-letter queue. */
function scheduleTarget(
  fn: lambda.IFunction,
  deadLetterQueue: sqs.IQueue,
  event?: events.RuleTargetInput,
): targets.LambdaFunction {
  return new targets.LambdaFunction(fn, {
    ...(event ? { event } : {}),
    deadLetterQueue,
    retryAttempts: STACK_LIMITS.scheduleRetryAttempts,
    maxEventAge: STACK_LIMITS.scheduleMaxEventAge,
  });
}

/** Runs the knowledge-base batch sync at `rate` (R-KB-2: default rate(1 hour)). */
export function addKbBatchSyncSchedule(
  stack: Stack,
  fn: lambda.IFunction,
  deadLetterQueue: sqs.IQueue,
  rate: Duration | undefined,
): events.Rule {
  const rule = new events.Rule(stack, 'KbBatchSyncSchedule', {
    schedule: events.Schedule.rate(rate ?? STACK_LIMITS.defaultScheduleRate),
    description: 'Runs incident-kb-batch-sync',
  });
  rule.addTarget(scheduleTarget(fn, deadLetterQueue));
  return rule;
}

/** One schedule per connector (`ConnectorSyncSchedule<i>`), at its own rate or `defaultRate`. */
export function addConnectorSchedules(
  stack: Stack,
  fn: lambda.IFunction,
  connectors: readonly StackConnector[],
  deadLetterQueue: sqs.IQueue,
  defaultRate: Duration | undefined,
): events.Rule[] {
  return connectors.map((c, i) => {
    const rule = new events.Rule(stack, `ConnectorSyncSchedule${i}`, {
      schedule: events.Schedule.rate(c.rate ?? defaultRate ?? STACK_LIMITS.defaultScheduleRate),
      description: `Syncs connector ${c.name}`,
    });
    rule.addTarget(
      scheduleTarget(
        fn,
        deadLetterQueue,
        // The event id is the idempotency key of the run (a retried delivery is not synced twice).
        events.RuleTargetInput.fromObject({ connector: c.name, id: events.EventField.eventId }),
      ),
    );
    return rule;
  });
}

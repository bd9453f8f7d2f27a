/**
 * Alerts and dead letters of {@link IncidentsStack}: the SNS topic the alarms (and the handlers)
 * publish to, and the one dead-letter queue of the asynchronous functions, their schedules and the
 * stream mapping.
 * @module
 */
import { type Stack, Validations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { STACK_LIMITS } from './stack-limits.js';

/** The alert topic, with `alarmEmail` subscribed when given. */
export function addAlertTopic(stack: Stack, alarmEmail: string | undefined): sns.Topic {
  const topic = new sns.Topic(stack, 'AlertTopic', { displayName: 'Incidents service alerts', enforceSSL: true });
  if (alarmEmail) {
    topic.addSubscription(new subscriptions.EmailSubscription(alarmEmail));
    Validations.of(topic).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason:
        'an email subscription: SNS retries delivery to the mail server, and an undelivered notification leaves nothing to redrive (the alarm state stays in CloudWatch)',
    });
  }
  return topic;
}

/** The dead-letter queue (messages kept {@link STACK_LIMITS}`.deadLetterRetention`). */
export function addDeadLetterQueue(stack: Stack): sqs.Queue {
  return new sqs.Queue(stack, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: STACK_LIMITS.deadLetterRetention,
  });
}

/**
 * Alert sink on Amazon SNS (`@aws-sdk/client-sns`, an optional peer dependency).
 * @module
 */
import { PublishCommand, SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import { ValidationError } from '@incidents/core';
import { errorMessage, KbError } from '../errors.js';
import type { AlertSink, KbAlert } from '../ports.js';

/** Options of {@link createSnsAlertSink}. */
export interface SnsAlertSinkOptions {
  /** The topic that receives the alerts. */
  topicArn: string;
  /** A configured client; otherwise created from `clientConfig`. */
  client?: SNSClient;
  clientConfig?: SNSClientConfig;
}

/**
 * An {@link AlertSink} that publishes each alert to an SNS topic (`Subject` + `Message`, with
 * `incident_id` and `attempts` as message attributes). IAM: `sns:Publish` on the topic.
 */
export function createSnsAlertSink(options: SnsAlertSinkOptions): AlertSink {
  if (!options || typeof options.topicArn !== 'string' || !options.topicArn.startsWith('arn:')) {
    throw new ValidationError([{ path: 'topicArn', message: 'topicArn must be an SNS topic ARN (arn:aws:sns:…)' }], {
      context: 'SNS alert sink options',
    });
  }
  const client = options.client ?? new SNSClient(options.clientConfig ?? {});
  return {
    async send(alert: KbAlert) {
      try {
        await client.send(
          new PublishCommand({
            TopicArn: options.topicArn,
            Subject: alert.subject.replace(/[^\x20-\x7E]/g, ' ').slice(0, 100),
            Message: alert.message,
            MessageAttributes: {
              incident_id: { DataType: 'String', StringValue: alert.incident_id },
              attempts: { DataType: 'Number', StringValue: String(alert.attempts) },
            },
          }),
        );
      } catch (err) {
        throw new KbError('kb.alert', `SNS Publish failed: ${errorMessage(err)}`, {
          details: { topicArn: options.topicArn },
          cause: err,
        });
      }
    },
  };
}

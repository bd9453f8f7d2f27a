import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createLogAlertSink, toEmfLine } from '../src/index.js';
import { createSnsAlertSink } from '../src/sns.js';

const alert = {
  subject: 'Incident knowledge-base sync failing repeatedly',
  message: 'Incident INC-1 has failed 4 times to sync to the knowledge base. Last error: S3 503',
  incident_id: 'INC-1',
  attempts: 4,
  last_error: 'S3 503',
};

describe('alerts and metrics', () => {
  it('publishes alerts to SNS with subject, message and attributes', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const sink = createSnsAlertSink({
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:kb-alerts',
      client: new SNSClient({ region: 'eu-west-1' }),
    });
    await sink.send(alert);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toEqual({
      TopicArn: 'arn:aws:sns:eu-west-1:123456789012:kb-alerts',
      Subject: alert.subject,
      Message: alert.message,
      MessageAttributes: {
        incident_id: { DataType: 'String', StringValue: 'INC-1' },
        attempts: { DataType: 'Number', StringValue: '4' },
      },
    });
    sns.on(PublishCommand).rejects(new Error('AuthorizationError'));
    await expect(sink.send(alert)).rejects.toMatchObject({ code: 'kb.alert' });
    expect(() => createSnsAlertSink({ topicArn: 'kb-alerts' })).toThrow(/topicArn/);
    sns.restore();
  });

  it('logs alerts by default', async () => {
    const lines: string[] = [];
    await createLogAlertSink({ warn: (m: string) => void lines.push(m) }).send(alert);
    expect(lines).toEqual([`[kb-sync alert] ${alert.subject}: ${alert.message}`]);
  });

  it('writes CloudWatch Embedded Metric Format', () => {
    const line = toEmfLine(
      [
        { name: 'IncidentsSynced', value: 5, unit: 'Count' },
        { name: 'SyncDuration', value: 1200, unit: 'Milliseconds' },
      ],
      { timestamp: 1767607200000, properties: { status: 'completed' } },
    );
    expect(JSON.parse(line)).toEqual({
      _aws: {
        Timestamp: 1767607200000,
        CloudWatchMetrics: [
          {
            Namespace: 'IncidentKBSync',
            Dimensions: [['Service']],
            Metrics: [
              { Name: 'IncidentsSynced', Unit: 'Count' },
              { Name: 'SyncDuration', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      status: 'completed',
      Service: 'kb-sync',
      IncidentsSynced: 5,
      SyncDuration: 1200,
    });
  });
});

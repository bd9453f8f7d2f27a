/**
 * Pins the logical id and type of every resource of {@link IncidentsStack}. CloudFormation keys a
 * resource by its logical id: a refactor of `infra/*.ts` that renames one (a nested construct, a
 * changed construct id) makes the next deploy create a new resource and delete the old one — for
 * the incidents table, a new empty table (R-OPS-5). A deliberate rename updates this list and says
 * how the data moves.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { IncidentsStack } from '../infra/incidents-stack.js';
import { FULL_STACK_PROPS } from './support/stack-props.js';

/** Every optional part on (connectors with a secret and a parameter, webhooks, knowledge base, alarm email). */
function synthEverything(): Record<string, { Type: string }> {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  // The default stack name of infra/app.ts: some logical ids (permissions, the stream mapping) embed it.
  const stack = new IncidentsStack(app, 'Incidents', { ...FULL_STACK_PROPS, webhooks: true });
  return Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>;
}

describe('IncidentsStack logical ids', () => {
  it('keeps the logical id and type of every resource (a renamed id replaces the resource on deploy)', () => {
    const resources = synthEverything();
    const pinned = Object.entries(resources)
      .map(([id, r]) => `${id} ${r.Type}`)
      .sort();
    expect(pinned).toEqual([
      'AlertTopic2720D535 AWS::SNS::Topic',
      'AlertTopicPolicy3376BC02 AWS::SNS::TopicPolicy',
      'AlertTopiconcallexamplecom53B33DEE AWS::SNS::Subscription',
      'ConnectorSyncErrorsAlarm2FDF13E1 AWS::CloudWatch::Alarm',
      'ConnectorSyncFunctionA70281DA AWS::Lambda::Function',
      'ConnectorSyncFunctionEventInvokeConfigC3FF3888 AWS::Lambda::EventInvokeConfig',
      'ConnectorSyncFunctionLogs28EA7654 AWS::Logs::LogGroup',
      'ConnectorSyncFunctionRole5DE180DE AWS::IAM::Role',
      'ConnectorSyncFunctionRoleDefaultPolicy0968B624 AWS::IAM::Policy',
      'ConnectorSyncSchedule0AllowEventRuleIncidentsConnectorSyncFunction0100FE0E1CF51CEE AWS::Lambda::Permission',
      'ConnectorSyncSchedule0B45FE237 AWS::Events::Rule',
      'ConnectorSyncSchedule12FD92298 AWS::Events::Rule',
      'ConnectorSyncSchedule1AllowEventRuleIncidentsConnectorSyncFunction0100FE0E320AC7C0 AWS::Lambda::Permission',
      'Dashboard9E4231ED AWS::CloudWatch::Dashboard',
      'DeadLetterQueue9F481546 AWS::SQS::Queue',
      'DeadLetterQueueAlarm48D9D867 AWS::CloudWatch::Alarm',
      'DeadLetterQueuePolicyB1FB890C AWS::SQS::QueuePolicy',
      'DeveloperAssistantPolicy9EF9F622 AWS::IAM::ManagedPolicy',
      'IdempotencyTable22A5A209 AWS::DynamoDB::Table',
      'IncidentsTable307EBBA6 AWS::DynamoDB::Table',
      'KbAccessLogsBucket1FD9949E AWS::S3::Bucket',
      'KbAccessLogsBucketPolicy5EE10DEA AWS::S3::BucketPolicy',
      'KbBatchSyncDurationAlarm90011E53 AWS::CloudWatch::Alarm',
      'KbBatchSyncErrorsAlarm69BEFFE6 AWS::CloudWatch::Alarm',
      'KbBatchSyncFunction9DC79A58 AWS::Lambda::Function',
      'KbBatchSyncFunctionEventInvokeConfigE61A3361 AWS::Lambda::EventInvokeConfig',
      'KbBatchSyncFunctionLogsFAFC295D AWS::Logs::LogGroup',
      'KbBatchSyncFunctionRole9AA485BE AWS::IAM::Role',
      'KbBatchSyncFunctionRoleDefaultPolicy0D57AFFB AWS::IAM::Policy',
      'KbBatchSyncScheduleAllowEventRuleIncidentsKbBatchSyncFunction03E95F0BCACA6A2C AWS::Lambda::Permission',
      'KbBatchSyncScheduleF9439065 AWS::Events::Rule',
      'KbBucket29AD2036 AWS::S3::Bucket',
      'KbBucketPolicy659EFAD6 AWS::S3::BucketPolicy',
      'KbIngestionFailuresAlarm157C928B AWS::CloudWatch::Alarm',
      'KbSyncErrorsAlarmF3B78D4C AWS::CloudWatch::Alarm',
      'OnIncidentClosedErrorsAlarmFC63E9FF AWS::CloudWatch::Alarm',
      'OnIncidentClosedFunctionDynamoDBEventSourceIncidentsIncidentsTableD3F9C329E8EB016C AWS::Lambda::EventSourceMapping',
      'OnIncidentClosedFunctionE580BED5 AWS::Lambda::Function',
      'OnIncidentClosedFunctionLogs4683003A AWS::Logs::LogGroup',
      'OnIncidentClosedFunctionRole606BFEC4 AWS::IAM::Role',
      'OnIncidentClosedFunctionRoleDefaultPolicyEE92318A AWS::IAM::Policy',
      'OnIncidentClosedIteratorAgeAlarm747398B1 AWS::CloudWatch::Alarm',
      'WebhookFunction59DCB58D AWS::Lambda::Function',
      'WebhookFunctionFunctionUrl2641526E AWS::Lambda::Url',
      'WebhookFunctionLogs6D0D79E5 AWS::Logs::LogGroup',
      'WebhookFunctionRoleDefaultPolicy1C916D93 AWS::IAM::Policy',
      'WebhookFunctionRoleE78DB0E3 AWS::IAM::Role',
      'WebhookFunctioninvokefunctionEEDD5822 AWS::Lambda::Permission',
      'WebhookFunctioninvokefunctionurlF30B4DBB AWS::Lambda::Permission',
      'WebhooksErrorsAlarmF01FCD8C AWS::CloudWatch::Alarm',
    ]);
  });
});

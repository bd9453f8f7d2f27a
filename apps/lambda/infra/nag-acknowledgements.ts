/**
 * Acknowledged findings of AWS's rule packs (cdk-nag AwsSolutions + Serverless) on
 * {@link IncidentsStack}. Everything else those packs report is fixed in the stack; each
 * acknowledgement names one finding and says why it stands (`test/nag.test.ts` fails on any other).
 * @module
 */
import { type Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { STACK_LIMITS } from './stack-limits.js';

/** The resources whose findings are acknowledged. */
export interface AcknowledgedResources {
  table: dynamodb.ITable;
  bucket: s3.IBucket;
  /** Set when the bucket is not the stack's own. */
  existingBucketName: string | undefined;
  kbPrefix: string;
  deadLetterQueue: sqs.IQueue;
  kbBatchSyncFunction: NodejsFunction;
  onIncidentClosedFunction: NodejsFunction;
  connectorSyncFunction: NodejsFunction | undefined;
  webhookFunction: NodejsFunction | undefined;
}

/** How cdk-nag names a `Fn::GetAtt` token of `arn` in a finding (`<LogicalId.Arn>`). */
function arnRef(stack: Stack, arn: string): string {
  const token = stack.resolve(arn) as { 'Fn::GetAtt': [string, string] };
  return `<${token['Fn::GetAtt'][0]}.Arn>`;
}

/** Acknowledges the findings that stand, each with its reason. */
export function acknowledgeNagFindings(stack: Stack, r: AcknowledgedResources): void {
  const tableRef = arnRef(stack, r.table.tableArn);
  for (const fn of [r.kbBatchSyncFunction, r.onIncidentClosedFunction, r.connectorSyncFunction, r.webhookFunction]) {
    if (!fn?.role) continue;
    const role = Validations.of(fn.role);
    role.acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords) and dynamodb:ListStreams support no resource-level permissions; every other statement names its resources',
    });
    role.acknowledge({
      id: `AwsSolutions-IAM5[Resource::${tableRef}/index/*]`,
      reason:
        'index/* is how DynamoDB grants Query on the global secondary indexes of the incidents table (the indexes come from incidentsTableDefinition)',
    });
    if (fn !== r.connectorSyncFunction && fn !== r.webhookFunction) {
      const bucketRef = r.existingBucketName
        ? `arn:<AWS::Partition>:s3:::${r.existingBucketName}`
        : arnRef(stack, r.bucket.bucketArn);
      role.acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketRef}/${r.kbPrefix}*]`,
        reason: `the knowledge-base documents are one object per incident under the configured prefix (${r.kbPrefix}); nothing outside it is granted`,
      });
    }
  }
  Validations.of(r.deadLetterQueue).acknowledge({
    id: 'Serverless-SQSRedrivePolicy',
    reason: `this queue is itself the dead-letter queue (of the async functions, their schedules and the stream mapping): messages stay ${STACK_LIMITS.deadLetterRetention.toDays()} days, DeadLetterQueueAlarm fires on the first one`,
  });
  Validations.of(r.onIncidentClosedFunction).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason:
      'invoked only by its DynamoDB Streams event source mapping, whose on-failure destination is the dead-letter queue; a function DLQ applies to asynchronous invocations only',
  });
}

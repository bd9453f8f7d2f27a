/**
 * The stack outputs of {@link IncidentsStack} (`WebhookUrl` is added with the webhook intake).
 * @module
 */
import { CfnOutput, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/** What the outputs name. */
export interface OutputSources {
  table: dynamodb.ITable;
  bucket: s3.IBucket;
  alertTopic: sns.ITopic;
  deadLetterQueue: sqs.IQueue;
  kbBatchSyncFunction: lambda.IFunction;
  developerPolicy: iam.IManagedPolicy;
}

/** Adds the outputs `TableName`, `KbBucketName`, `AlertTopicArn`, `DeadLetterQueueUrl`, `KbBatchSyncFunctionName`, `DeveloperAssistantPolicyArn`. */
export function addOutputs(stack: Stack, o: OutputSources): void {
  new CfnOutput(stack, 'TableName', { value: o.table.tableName });
  new CfnOutput(stack, 'KbBucketName', { value: o.bucket.bucketName });
  new CfnOutput(stack, 'AlertTopicArn', { value: o.alertTopic.topicArn });
  new CfnOutput(stack, 'DeadLetterQueueUrl', { value: o.deadLetterQueue.queueUrl });
  new CfnOutput(stack, 'KbBatchSyncFunctionName', { value: o.kbBatchSyncFunction.functionName });
  new CfnOutput(stack, 'DeveloperAssistantPolicyArn', { value: o.developerPolicy.managedPolicyArn });
}

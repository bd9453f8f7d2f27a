/**
 * The knowledge-base bucket of {@link IncidentsStack}: one document per closed incident under the
 * configured prefix, the data source of the Bedrock knowledge base. Either an existing bucket or a
 * new one (encrypted, private, TLS only, versioned, with server access logs).
 * @module
 */
import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { IncidentsStackProps } from './stack-props.js';

/** The bucket named by `existingBucketName`, or a new one with its access-log bucket. */
export function addKbBucket(stack: Stack, props: Pick<IncidentsStackProps, 'existingBucketName'>): s3.IBucket {
  return props.existingBucketName
    ? s3.Bucket.fromBucketName(stack, 'KbBucket', props.existingBucketName)
    : new s3.Bucket(stack, 'KbBucket', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        versioned: true,
        removalPolicy: RemovalPolicy.RETAIN,
        serverAccessLogsBucket: new s3.Bucket(stack, 'KbAccessLogsBucket', {
          encryption: s3.BucketEncryption.S3_MANAGED,
          blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
          enforceSSL: true,
          objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
          lifecycleRules: [{ expiration: Duration.days(90) }],
          removalPolicy: RemovalPolicy.RETAIN,
        }),
        serverAccessLogsPrefix: 'kb-bucket/',
      });
}

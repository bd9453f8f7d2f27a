/** CDK assertions on the synthesized template (bundling skipped here; synth.test.ts bundles for real). */
import { incidentsTableDefinition } from '@incidents/store-dynamo';
import { App, Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { IncidentsStack } from '../infra/incidents-stack.js';
import { FULL_STACK_PROPS } from './support/stack-props.js';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON
type Resource = { Type: string; Properties: Record<string, any> };

function synth(props: ConstructorParameters<typeof IncidentsStack>[2] = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(new IncidentsStack(app, 'Test', props));
}

function statements(
  template: Template,
): Array<{ Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown }> {
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, Resource>;
  const managed = template.findResources('AWS::IAM::ManagedPolicy') as Record<string, Resource>;
  return [...Object.values(policies), ...Object.values(managed)].flatMap((p) => p.Properties.PolicyDocument.Statement);
}
const actionsOf = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('IncidentsStack', () => {
  let template: Template;
  beforeAll(() => {
    template = synth(FULL_STACK_PROPS);
  });

  it('creates the table from incidentsTableDefinition: keys, every GSI, on-demand, PITR, TTL, encryption, stream', () => {
    const def = incidentsTableDefinition();
    const tables = template.findResources('AWS::DynamoDB::Table') as Record<string, Resource>;
    // The incidents table, and Powertools Idempotency's own table (partition key `id`, TTL `expiration`).
    expect(Object.keys(tables)).toHaveLength(2);
    const [table] = Object.values(tables).filter((t) => t.Properties.StreamSpecification) as [Resource];
    const [idempotency] = Object.values(tables).filter((t) => !t.Properties.StreamSpecification) as [Resource];
    expect(idempotency.Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    });
    expect(table.Properties.KeySchema).toEqual(def.KeySchema);
    expect(
      new Set(table.Properties.AttributeDefinitions.map((a: { AttributeName: string }) => a.AttributeName)),
    ).toEqual(new Set(def.AttributeDefinitions?.map((a) => a.AttributeName)));
    const gsis = table.Properties.GlobalSecondaryIndexes as Array<Record<string, unknown>>;
    expect(gsis.map((g) => g.IndexName).sort()).toEqual(def.GlobalSecondaryIndexes?.map((g) => g.IndexName).sort());
    for (const expected of def.GlobalSecondaryIndexes ?? []) {
      const actual = gsis.find((g) => g.IndexName === expected.IndexName);
      expect(actual?.KeySchema).toEqual(expected.KeySchema);
      expect((actual?.Projection as { ProjectionType?: string } | undefined)?.ProjectionType).toBe(
        expected.Projection?.ProjectionType,
      );
    }
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: def.TimeToLiveAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    expect(synth({ deletionProtection: false }).findResources('AWS::DynamoDB::Table')).toSatisfy(
      (t: Record<string, Resource>) =>
        Object.values(t)
          .filter((r) => r.Properties.StreamSpecification)
          .every((r) => r.Properties.DeletionProtectionEnabled === false),
    );
  });

  it('creates an encrypted, private, TLS-only bucket, or uses an existing one', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    const existing = synth({ existingBucketName: 'my-kb-bucket' });
    existing.resourceCountIs('AWS::S3::Bucket', 0);
    const env = Object.values(existing.findResources('AWS::Lambda::Function') as Record<string, Resource>)[0]
      ?.Properties.Environment.Variables;
    expect(env.INCIDENTS_KB_BUCKET).toBe('my-kb-bucket');
  });

  it('takes the knowledge base and data source ids as parameters', () => {
    template.hasParameter('KnowledgeBaseId', {
      Type: 'String',
      Default: 'ABCDEFGHIJ',
      AllowedPattern: '^([0-9a-zA-Z]{10})?$',
    });
    template.hasParameter('DataSourceId', { Type: 'String', Default: 'KLMNOPQRST' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          INCIDENTS_KB_ID: { Ref: 'KnowledgeBaseId' },
          INCIDENTS_KB_DATA_SOURCE_ID: { Ref: 'DataSourceId' },
        }),
      },
    });
  });

  it('deploys the three functions on Node.js 24 with X-Ray tracing, Powertools settings, a DLQ and a failure destination for the scheduled ones', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function') as Record<string, Resource>).filter(
      (f) => f.Properties.Environment?.Variables?.INCIDENTS_DYNAMO_TABLE,
    );
    expect(functions).toHaveLength(3);
    for (const f of functions) {
      expect(f.Properties.Runtime).toBe('nodejs24.x');
      expect(f.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(f.Properties.Environment.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'incidents',
        POWERTOOLS_METRICS_NAMESPACE: 'IncidentKBSync',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        INCIDENTS_IDEMPOTENCY_TABLE: expect.anything(),
      });
    }
    const withDlq = functions.filter((f) => f.Properties.DeadLetterConfig);
    expect(withDlq).toHaveLength(2);
    const invokeConfigs = Object.values(
      template.findResources('AWS::Lambda::EventInvokeConfig') as Record<string, Resource>,
    );
    expect(invokeConfigs).toHaveLength(2);
    for (const c of invokeConfigs) {
      expect(c.Properties.DestinationConfig).toMatchObject({ OnFailure: { Destination: expect.anything() } });
    }
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
  });

  it('schedules the batch sync hourly by default and each connector at its own rate, with the DLQ on the targets', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule') as Record<string, Resource>);
    const rates = rules.map((r) => r.Properties.ScheduleExpression).sort();
    expect(rates).toEqual(['rate(1 hour)', 'rate(1 hour)', 'rate(15 minutes)']);
    for (const r of rules) {
      expect(r.Properties.Targets[0]).toMatchObject({
        DeadLetterConfig: { Arn: expect.anything() },
        RetryPolicy: { MaximumRetryAttempts: 2 },
      });
    }
    // Each connector schedule passes its name and the event id (the run's idempotency key).
    const transformers = rules
      .flatMap((r) =>
        r.Properties.Targets.map((t: { InputTransformer?: Record<string, unknown> }) => t.InputTransformer),
      )
      .filter(Boolean) as Array<{ InputPathsMap: Record<string, string>; InputTemplate: string }>;
    expect(transformers).toHaveLength(2);
    for (const t of transformers) expect(Object.values(t.InputPathsMap)).toContain('$.id');
    expect(transformers.map((t) => t.InputTemplate).join('\n')).toMatch(
      /"connector":"jira"[\s\S]*"connector":"slack"|"connector":"slack"[\s\S]*"connector":"jira"/,
    );
    const custom = synth({ kbSyncRate: Duration.minutes(30) });
    custom.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(30 minutes)' });
  });

  it('feeds only closes of version 0 from the stream, with partial batch failures and an on-failure destination', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'LATEST',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      MaximumRetryAttempts: 5,
    });
    const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')) as [Resource];
    const patterns = mapping.Properties.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern));
    expect(patterns).toContainEqual({
      eventName: ['MODIFY'],
      dynamodb: {
        Keys: { sk: { S: ['V#0000000000'] } },
        NewImage: { status: { S: ['CLOSED'] } },
        OldImage: { status: { S: [{ 'anything-but': ['CLOSED'] }] } },
      },
    });
  });

  it('grants least privilege: no "*" actions, no table writes beyond bookkeeping for the KB functions', () => {
    const all = statements(template);
    for (const s of all) {
      for (const a of actionsOf(s)) {
        expect(a).not.toBe('*');
        expect(a.endsWith(':*')).toBe(false);
      }
    }
    const kb = all.find((s) => s.Sid === 'IncidentsTableKbBookkeeping');
    expect(kb).toBeDefined();
    expect(actionsOf(kb as NonNullable<typeof kb>).sort()).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ].sort(),
    );
    // Only the connector function writes whole items; nothing may Scan or delete the table.
    const tableActions = all.flatMap((s) => actionsOf(s)).filter((a) => a.startsWith('dynamodb:'));
    expect(tableActions).not.toContain('dynamodb:Scan');
    expect(tableActions).not.toContain('dynamodb:DeleteTable');
    // Whole items are written by the connector function (incidents table) and by Powertools
    // Idempotency (its own table, nothing else).
    expect(
      all
        .filter((s) => actionsOf(s).includes('dynamodb:PutItem'))
        .map((s) => s.Sid)
        .sort(),
    ).toEqual(['IdempotencyRecords', 'IdempotencyRecords', 'IncidentsTableSync']);
    for (const s of all.filter((x) => x.Sid === 'IdempotencyRecords')) {
      expect(JSON.stringify(s.Resource)).toMatch(/IdempotencyTable/);
    }
    expect(all.find((s) => s.Sid === 'KbIngestion')).toMatchObject({
      Action: ['bedrock:StartIngestionJob', 'bedrock:GetIngestionJob'],
    });
    expect(all.find((s) => s.Sid === 'ConnectorSecrets')).toMatchObject({
      Action: 'secretsmanager:GetSecretValue',
      Resource: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:jira-AbCdEf',
    });
    expect(all.find((s) => s.Sid === 'ConnectorParameters')).toMatchObject({ Action: 'ssm:GetParameter' });
  });

  it('gives developers a managed policy limited by dynamodb:LeadingKeys', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'DeveloperOwnIncidents',
            Action: 'dynamodb:Query',
            // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
            Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['ASSIGNEE#${aws:username}'] } },
          }),
        ]),
      },
    });
  });

  it('alarms on errors, failed syncs, ingestion failures, duration and the DLQ, all to the SNS topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>);
    const byMetric = (name: string, namespace?: string) =>
      alarms.filter((a) => a.Properties.MetricName === name && (!namespace || a.Properties.Namespace === namespace));
    expect(byMetric('Errors', 'AWS/Lambda')).toHaveLength(3);
    expect(byMetric('SyncErrors', 'IncidentKBSync')).toHaveLength(1);
    expect(byMetric('IngestionFailures', 'IncidentKBSync')).toHaveLength(1);
    expect(byMetric('Duration', 'AWS/Lambda')).toHaveLength(1);
    expect(byMetric('ApproximateNumberOfMessagesVisible', 'AWS/SQS')).toHaveLength(1);
    for (const a of alarms) expect(a.Properties.AlarmActions).toHaveLength(1);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  it("builds a dashboard with the seed's metrics", () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard') as Record<string, Resource>);
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
    for (const metric of [
      'IncidentsSynced',
      'SyncErrors',
      'SyncDuration',
      'IngestionJobsStarted',
      'IngestionJobsCompleted',
      'IngestionFailures',
    ]) {
      expect(body).toContain(metric);
    }
    expect(body).toContain('IncidentKBSync');
  });

  it('creates no connector function without connectors', () => {
    const bare = synth();
    const functions = Object.values(bare.findResources('AWS::Lambda::Function') as Record<string, Resource>).filter(
      (f) => f.Properties.Environment?.Variables?.INCIDENTS_DYNAMO_TABLE,
    );
    expect(functions).toHaveLength(2);
    expect(functions.every((f) => !f.Properties.Environment.Variables.INCIDENTS_CONNECTORS)).toBe(true);
  });

  it('with webhooks: a Function URL in front of incident-webhooks, with the same secrets and data access as the connector function', () => {
    const hooked = synth({
      webhooks: true,
      connectors: [
        {
          name: 'jira',
          options: { baseUrl: 'https://acme.atlassian.net' },
          secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:jira-AbCdEf',
        },
      ],
    });
    // Authentication is each vendor's signature, checked in the function (vendors cannot sign SigV4).
    hooked.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    hooked.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^incident-webhooks'),
      Timeout: 30,
      Environment: { Variables: Match.objectLike({ INCIDENTS_CONNECTORS: Match.stringLikeRegexp('"jira"') }) },
    });
    const sids = statements(hooked).map((st) => st.Sid);
    expect(sids.filter((sid) => sid === 'ConnectorSecrets')).toHaveLength(2);
    expect(sids.filter((sid) => sid === 'IncidentsTableSync')).toHaveLength(2);
    expect(Object.keys(hooked.findOutputs('WebhookUrl'))).toEqual(['WebhookUrl']);
    // Not without the option.
    expect(Object.keys(template.findResources('AWS::Lambda::Url'))).toEqual([]);
  });
});

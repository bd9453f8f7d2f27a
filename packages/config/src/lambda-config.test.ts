import { describe, expect, it } from 'vitest';
import { isSecretReference, loadLambdaConfig } from './lambda-config.js';

describe('loadLambdaConfig', () => {
  it('reads the Lambda environment with defaults', () => {
    const config = loadLambdaConfig({
      env: {
        INCIDENTS_DYNAMO_TABLE: 'incidents',
        AWS_REGION: 'eu-west-1',
        INCIDENTS_KB_BUCKET: 'my-kb',
        INCIDENTS_KB_ID: 'ABCDEFGHIJ',
        INCIDENTS_KB_DATA_SOURCE_ID: 'KLMNOPQRST',
        INCIDENTS_CONNECTORS: JSON.stringify({
          jira: { options: { baseUrl: 'https://acme.atlassian.net' }, secret: 'ssm:/incidents/jira' },
        }),
      },
    });
    expect(config).toMatchObject({
      table: 'incidents',
      region: 'eu-west-1',
      kb: {
        bucket: 'my-kb',
        prefix: 'incidents/',
        mode: 'bedrock',
        knowledgeBaseId: 'ABCDEFGHIJ',
        concurrency: 16,
        alertThreshold: 3,
      },
      connectors: {
        jira: { type: 'jira', options: { baseUrl: 'https://acme.atlassian.net' }, secret: 'ssm:/incidents/jira' },
      },
      logLevel: 'info',
    });
    expect(loadLambdaConfig({ env: { INCIDENTS_DYNAMO_TABLE: 'incidents' } }).kb.mode).toBe('none');
  });

  it('names every wrong variable, including paths inside INCIDENTS_CONNECTORS', () => {
    expect(() =>
      loadLambdaConfig({
        env: {
          INCIDENTS_KB_PREFIX: '/bad',
          INCIDENTS_KB_CONCURRENCY: 'many',
          INCIDENTS_CONNECTORS: JSON.stringify({ jira: { secret: 'hunter2' } }),
        },
      }),
    ).toThrow(
      /INCIDENTS_DYNAMO_TABLE: .*INCIDENTS_KB_PREFIX: .*INCIDENTS_KB_CONCURRENCY: .*INCIDENTS_CONNECTORS \(jira\.secret\)/,
    );
    expect(() =>
      loadLambdaConfig({ env: { INCIDENTS_DYNAMO_TABLE: 'incidents', INCIDENTS_CONNECTORS: '{not json' } }),
    ).toThrow(/INCIDENTS_CONNECTORS: not valid JSON/);
  });

  it('recognises secret references', () => {
    expect(isSecretReference('arn:aws:secretsmanager:eu-west-1:123456789012:secret:jira-AbCdEf')).toBe(true);
    expect(isSecretReference('arn:aws:ssm:eu-west-1:123456789012:parameter/incidents/jira')).toBe(true);
    expect(isSecretReference('ssm:/incidents/jira')).toBe(true);
    expect(isSecretReference('my-plain-password')).toBe(false);
  });
});

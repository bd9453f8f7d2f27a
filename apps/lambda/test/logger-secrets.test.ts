/** Structured logs never carry secrets; secrets are resolved from Secrets Manager / SSM once per container. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createLogger, createSecretResolver } from '../src/index.js';

const creds = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };

describe('createLogger', () => {
  it('writes one JSON object per line with level, message, base and child fields, and drops lines below the level', () => {
    const lines: string[] = [];
    const log = createLogger({
      level: 'info',
      write: (l) => lines.push(l),
      base: { service: 'incidents' },
      now: () => new Date('2026-02-01T00:00:00Z'),
    });
    log.child({ request_id: 'r1' }).info('hello', { n: 1 });
    log.debug('hidden');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0] as string)).toEqual({
      timestamp: '2026-02-01T00:00:00.000Z',
      level: 'info',
      message: 'hello',
      service: 'incidents',
      request_id: 'r1',
      n: 1,
    });
  });

  it('redacts credential-like keys and registered secret values, also inside errors', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });
    log.addSecret('xoxb-very-secret-token');
    log.error('call failed', {
      auth: { apiToken: 'abc123456', email: 'a@example.com' },
      password: 'hunter22',
      error: new Error('401 for token xoxb-very-secret-token'),
    });
    const text = lines.join('');
    expect(text).not.toContain('abc123456');
    expect(text).not.toContain('hunter22');
    expect(text).not.toContain('xoxb-very-secret-token');
    const record = JSON.parse(lines[0] as string);
    expect(record.auth).toEqual({ apiToken: '[REDACTED]', email: 'a@example.com' });
    expect(record.error).toMatchObject({ name: 'Error', message: '401 for token [REDACTED]' });
  });
});

describe('createSecretResolver', () => {
  it('reads Secrets Manager once per TTL, SSM with decryption, and registers the values with the logger', async () => {
    const sm = new SecretsManagerClient(creds);
    const smMock = mockClient(sm);
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:jira-AbCdEf';
    smMock
      .on(GetSecretValueCommand, { SecretId: arn })
      .resolves({ SecretString: '{"auth":{"email":"a@example.com","apiToken":"tok-123456"}}' });
    const ssm = new SSMClient(creds);
    const ssmMock = mockClient(ssm);
    ssmMock
      .on(GetParameterCommand, { Name: '/incidents/slack', WithDecryption: true })
      .resolves({ Parameter: { Value: '{"token":"xoxb-123456"}' } });
    let now = 0;
    const registered: string[] = [];
    const secrets = createSecretResolver({
      secretsManager: sm,
      ssm,
      ttlMs: 1_000,
      now: () => now,
      logger: { addSecret: (v) => registered.push(v) },
    });

    expect(await secrets.getJson(arn)).toEqual({ auth: { email: 'a@example.com', apiToken: 'tok-123456' } });
    await secrets.getJson(arn);
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    now = 2_000;
    await secrets.getString(arn);
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(await secrets.getJson('ssm:/incidents/slack')).toEqual({ token: 'xoxb-123456' });
    expect(registered).toContain('tok-123456');
    expect(registered).toContain('xoxb-123456');
  });

  it('refuses a malformed reference, and reports a failed read without caching it', async () => {
    const sm = new SecretsManagerClient(creds);
    const smMock = mockClient(sm);
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-AbCdEf';
    const notFound = Object.assign(new Error("Secrets Manager can't find the specified secret."), {
      name: 'ResourceNotFoundException',
    });
    smMock.on(GetSecretValueCommand).rejectsOnce(notFound).resolves({ SecretString: '{"token":"later-123456"}' });
    const secrets = createSecretResolver({ secretsManager: sm });
    await expect(secrets.getString('plain-text-secret')).rejects.toMatchObject({ code: 'validation' });
    await expect(secrets.getString(arn)).rejects.toMatchObject({
      code: 'lambda.secret',
      message: expect.stringContaining('ResourceNotFoundException'),
    });
    expect(await secrets.getJson(arn)).toEqual({ token: 'later-123456' });
  });
});

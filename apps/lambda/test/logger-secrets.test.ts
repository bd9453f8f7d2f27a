/**
 * Powertools Logger with the app's redaction: a secret never reaches a log line (by key, by
 * registered value, inside errors and their causes, in child loggers); connector secrets are read
 * through Powertools Parameters, cached, and registered with the logger.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createLogger, createSecretResolver, RedactingLogger } from '../src/index.js';
import { captureOutput } from './support/local.js';

const creds = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };

describe('RedactingLogger (Powertools Logger)', () => {
  it('writes structured JSON lines with the service, the handler and the fields, and honours the level', () => {
    const out = captureOutput();
    const log = createLogger('kb-batch-sync', { logLevel: 'INFO', serviceName: 'incidents' });
    log.info('hello', { n: 1 });
    log.debug('hidden');
    expect(out.logs).toHaveLength(1);
    expect(out.logs[0]).toMatchObject({
      level: 'INFO',
      message: 'hello',
      service: 'incidents',
      handler: 'kb-batch-sync',
      n: 1,
    });
  });

  it('never prints a secret: credential-like keys, registered values, errors, causes and child loggers', () => {
    const out = captureOutput();
    const log = new RedactingLogger({ serviceName: 'incidents', logLevel: 'DEBUG' });
    log.addSecret('xoxb-very-secret-token');
    // A JSON secret registers every nested string value.
    log.addSecret({ auth: { email: 'a@example.com', apiToken: 'zd-api-token-s3cr3t' } });
    const cause = new Error('upstream said: bad key zd-api-token-s3cr3t');
    log.error('call failed', {
      auth: { apiToken: 'abc123456', email: 'ops@example.com' },
      password: 'hunter22',
      headers: { Authorization: 'Bearer opaque-bearer-value' },
      error: new Error('401 for token xoxb-very-secret-token', { cause }),
    });
    log.warn('message itself mentions xoxb-very-secret-token');
    log.createChild({ persistentKeys: { connector: 'zendesk' } }).info('child line', { note: 'zd-api-token-s3cr3t' });
    log.error('thrown', new Error('thrown with xoxb-very-secret-token'));

    const text = out.raw.join('');
    for (const secret of [
      'abc123456',
      'hunter22',
      'opaque-bearer-value',
      'xoxb-very-secret-token',
      'zd-api-token-s3cr3t',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(out.logs).toHaveLength(4);
    const [first, second, child] = out.logs;
    expect(first?.auth).toEqual({ apiToken: '[REDACTED]', email: 'ops@example.com' });
    expect(first?.error).toMatchObject({ name: 'Error', message: '401 for token [REDACTED]' });
    expect(JSON.stringify(first?.error)).toContain('bad key [REDACTED]');
    expect(second?.message).toBe('message itself mentions [REDACTED]');
    expect(child).toMatchObject({ connector: 'zendesk', note: '[REDACTED]' });
  });
});

describe('createSecretResolver (Powertools Parameters)', () => {
  it('caches Secrets Manager values, reads SSM with decryption, and registers the values with the logger', async () => {
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
    const registered: unknown[] = [];
    const secrets = createSecretResolver({
      secretsManager: sm,
      ssm,
      logger: { addSecret: (v) => registered.push(v) },
    });

    expect(await secrets.getJson(arn)).toEqual({ auth: { email: 'a@example.com', apiToken: 'tok-123456' } });
    await secrets.getJson(arn);
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    secrets.clear();
    await secrets.getString(arn);
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(await secrets.getJson('ssm:/incidents/slack')).toEqual({ token: 'xoxb-123456' });
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(1);
    expect(JSON.stringify(registered)).toContain('tok-123456');
    expect(JSON.stringify(registered)).toContain('xoxb-123456');
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

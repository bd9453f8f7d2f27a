import { describe, expect, it } from 'vitest';
import { dynamoClientSettings, isLocalEndpoint } from '../src/index.js';

describe('isLocalEndpoint', () => {
  it.each([
    'http://localhost',
    'http://localhost:8000',
    'https://localhost:8000/path',
    'HTTP://LOCALHOST:8000',
    'http://127.0.0.1:8000',
    'http://127.1:4569',
    'http://[::1]:8000',
    'http://[0:0:0:0:0:0:0:1]:8000',
  ])('%s is local', (url) => {
    expect(isLocalEndpoint(url)).toBe(true);
  });

  it.each([
    // A prefix match ("starts with localhost") would accept these hosts, which resolve anywhere.
    'http://localhost.example',
    'http://localhost.example:8000',
    'https://127.0.0.1.nip.io',
    'http://localhost@evil.example',
    'http://localhostevil.example',
    // A bind address, not a destination.
    'http://0.0.0.0:8000',
    'https://dynamodb.eu-west-1.amazonaws.com',
    'ftp://localhost',
    'localhost:8000',
    'not a url',
    '',
    undefined,
  ])('%s is not local', (url) => {
    expect(isLocalEndpoint(url)).toBe(false);
  });
});

describe('dynamoClientSettings', () => {
  it('adds dummy credentials for DynamoDB Local only', () => {
    expect(dynamoClientSettings({ endpoint: 'http://localhost:8000' })).toEqual({
      endpoint: 'http://localhost:8000',
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  it('keeps the default credential chain for an endpoint whose host only starts with "localhost"', () => {
    const settings = dynamoClientSettings({ endpoint: 'http://localhost.example:8000', region: 'eu-west-1' });
    expect(settings).toEqual({ endpoint: 'http://localhost.example:8000', region: 'eu-west-1' });
    expect(settings.credentials).toBeUndefined();
  });

  it('sets nothing for real AWS without an endpoint', () => {
    expect(dynamoClientSettings({ region: 'eu-west-1' })).toEqual({ region: 'eu-west-1' });
    expect(dynamoClientSettings({})).toEqual({});
  });
});

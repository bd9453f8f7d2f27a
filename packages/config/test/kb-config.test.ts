import { describe, expect, it } from 'vitest';
import { IncidentsError } from '@incidents/core';
import { loadKbConfig } from '../src/index.js';

describe('loadKbConfig', () => {
  it('with no variable everything is local under the home folder', () => {
    const c = loadKbConfig({ home: '/srv/app/.incidents', env: {} });
    expect(c).toEqual({
      home: '/srv/app/.incidents',
      prefix: 'incidents/',
      documents: { kind: 'filesystem', dir: '/srv/app/.incidents/kb/documents' },
      index: { kind: 'local', url: 'file:/srv/app/.incidents/kb/index.db', isDefault: true },
    });
  });

  it('resolves a relative home and a relative local index against cwd', () => {
    const c = loadKbConfig({ home: '.incidents', cwd: '/work', env: { INCIDENTS_KB_LOCAL_URL: 'file:idx/kb.db' } });
    expect(c.home).toBe('/work/.incidents');
    expect(c.documents).toEqual({ kind: 'filesystem', dir: '/work/.incidents/kb/documents' });
    expect(c.index).toEqual({ kind: 'local', url: 'file:/work/idx/kb.db', isDefault: false });
    const remote = loadKbConfig({ home: '/h', env: { INCIDENTS_KB_LOCAL_URL: 'libsql://kb.example.turso.io' } });
    expect(remote.index).toEqual({ kind: 'local', url: 'libsql://kb.example.turso.io', isDefault: false });
  });

  it('a bucket moves the documents to S3; the index stays local', () => {
    const c = loadKbConfig({
      home: '/h',
      env: {
        INCIDENTS_KB_BUCKET: 'acme-incidents-kb',
        INCIDENTS_KB_PREFIX: 'kb/',
        AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4568',
        AWS_REGION: 'eu-west-1',
      },
    });
    expect(c.prefix).toBe('kb/');
    expect(c.documents).toEqual({
      kind: 's3',
      bucket: 'acme-incidents-kb',
      endpoint: 'http://127.0.0.1:4568',
      region: 'eu-west-1',
    });
    expect(c.index).toMatchObject({ kind: 'local', isDefault: true });
  });

  it('INCIDENTS_KB_ID selects Bedrock; an explicitly empty prefix is kept', () => {
    const c = loadKbConfig({
      home: '/h',
      env: {
        INCIDENTS_KB_BUCKET: 'acme-incidents-kb',
        INCIDENTS_KB_ID: 'ABCDEFGHIJ',
        INCIDENTS_KB_DATA_SOURCE_ID: 'KLMNOPQRST',
        INCIDENTS_KB_PREFIX: '',
        AWS_DEFAULT_REGION: 'us-west-2',
      },
    });
    expect(c.prefix).toBe('');
    expect(c.index).toEqual({
      kind: 'bedrock',
      knowledgeBaseId: 'ABCDEFGHIJ',
      dataSourceId: 'KLMNOPQRST',
      region: 'us-west-2',
    });
  });

  it('INCIDENTS_KB_MODE=none keeps documents only', () => {
    expect(loadKbConfig({ home: '/h', env: { INCIDENTS_KB_MODE: 'NONE' } }).index).toEqual({ kind: 'none' });
  });

  it('errors name every wrong variable', () => {
    const attempt = () =>
      loadKbConfig({
        home: '/h',
        env: {
          INCIDENTS_KB_MODE: 'bedrock',
          INCIDENTS_KB_ID: 'short',
          INCIDENTS_KB_PREFIX: '/abs',
          AWS_ENDPOINT_URL_S3: 'not a url',
        },
      });
    expect(attempt).toThrow(IncidentsError);
    let message = '';
    try {
      attempt();
    } catch (err) {
      expect((err as IncidentsError).code).toBe('config');
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Invalid knowledge-base configuration: /);
    for (const name of [
      'INCIDENTS_KB_ID: must be a 10-character knowledge base id',
      'INCIDENTS_KB_PREFIX: must be empty or end with "/"',
      'AWS_ENDPOINT_URL_S3',
      'INCIDENTS_KB_DATA_SOURCE_ID: required when the mode is bedrock',
      'INCIDENTS_KB_BUCKET: required when the mode is bedrock',
    ]) {
      expect(message).toContain(name);
    }
    expect(() => loadKbConfig({ home: '/h', env: { INCIDENTS_KB_MODE: 'cloud' } })).toThrow(/INCIDENTS_KB_MODE: /);
    expect(() => loadKbConfig({ home: '/h', env: { INCIDENTS_KB_BUCKET: 'Bad_Bucket' } })).toThrow(
      /INCIDENTS_KB_BUCKET: must be a valid S3 bucket name/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { loadConfig, localDatabasePath } from '../src/index.js';

describe('loadConfig', () => {
  it('defaults to an embedded libSQL file under .incidents in the working directory', () => {
    const c = loadConfig({ env: {}, cwd: '/srv/app' });
    expect(c.store).toBe('turso');
    expect(c.dbUrl).toBe('file:/srv/app/.incidents/incidents.db');
    expect(c.dynamo.table).toBe('incidents');
    expect(c.mcp).toEqual({ readOnly: false });
  });

  it('reads every documented variable, and command-line overrides win', () => {
    const env = {
      INCIDENTS_STORE: 'dynamo',
      INCIDENTS_DB_URL: 'libsql://db.example.turso.io',
      TURSO_AUTH_TOKEN: 'secret-token',
      INCIDENTS_ACTOR: 'ana@example.com',
      INCIDENTS_DYNAMO_TABLE: 'prod-incidents',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      AWS_REGION: 'eu-west-1',
      INCIDENTS_MCP_READ_ONLY: '1',
      INCIDENTS_MCP_TOOLS: 'search_my_incidents, get_incident_details',
    };
    const c = loadConfig({ env, overrides: { actor: 'bob@example.com', table: 'other' } });
    expect(c).toMatchObject({
      store: 'dynamo',
      dbUrl: 'libsql://db.example.turso.io',
      dbAuthToken: 'secret-token',
      actor: 'bob@example.com',
      dynamo: { table: 'other', endpoint: 'http://127.0.0.1:8000', region: 'eu-west-1' },
      mcp: { readOnly: true, tools: ['search_my_incidents', 'get_incident_details'] },
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ env: { INCIDENTS_STORE: 'mongo' } })).toThrow(/INCIDENTS_STORE/);
    expect(() => loadConfig({ env: { INCIDENTS_MCP_READ_ONLY: 'maybe' } })).toThrow(/INCIDENTS_MCP_READ_ONLY/);
    expect(() => loadConfig({ env: { AWS_ENDPOINT_URL_DYNAMODB: 'not a url' } })).toThrow(/AWS_ENDPOINT_URL_DYNAMODB/);
  });

  it('maps file URLs to local paths', () => {
    expect(localDatabasePath('file:/tmp/a.db')).toBe('/tmp/a.db');
    expect(localDatabasePath('file:rel/a.db')).toBe('rel/a.db');
    expect(localDatabasePath(':memory:')).toBeNull();
    expect(localDatabasePath('libsql://x.turso.io')).toBeNull();
  });
});

describe('config errors', () => {
  it('carry details.issues as FieldIssue[] (path = the setting), like validation errors', () => {
    let thrown: unknown;
    try {
      loadConfig({ env: { INCIDENTS_STORE: 'mongo', INCIDENTS_ACTOR: '' } });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: 'config' });
    const issues = (thrown as { details: { issues: unknown[] } }).details.issues;
    expect(issues).toEqual([{ path: 'INCIDENTS_ACTOR', message: 'is set but empty; give a value or unset it' }]);
    try {
      loadConfig({ env: { INCIDENTS_STORE: 'mongo' } });
    } catch (err) {
      thrown = err;
    }
    const [issue] = (thrown as { details: { issues: Array<{ path: string; message: string }> } }).details.issues;
    expect(issue?.path).toBe('INCIDENTS_STORE');
    expect(issue?.message.length).toBeGreaterThan(0);
  });
});

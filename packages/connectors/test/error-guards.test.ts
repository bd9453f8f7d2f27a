/**
 * Error guards across package copies: `@incidents/core`'s CommonJS build is a second copy of the
 * IncidentsError class next to the ESM one (as with two versions in one node_modules), so
 * `instanceof` fails across them while the brand and code checks must not.
 */
import { createRequire } from 'node:module';
import * as esm from '@incidents/core';
import { describe, expect, it } from 'vitest';
import { ConnectorError, isConnectorError } from '../src/index.js';

const cjs = createRequire(import.meta.url)('@incidents/core') as typeof esm;

describe('error guards across package copies', () => {
  it('the two builds really are two copies of the class', () => {
    expect(cjs.IncidentsError).not.toBe(esm.IncidentsError);
    expect(new cjs.IncidentsError('connector.http', 'boom')).not.toBeInstanceOf(esm.IncidentsError);
  });

  it('isConnectorError recognises a connector error thrown by the other copy', () => {
    const other = new cjs.IncidentsError('connector.http', 'jira: 502', { userError: false });
    expect(esm.isIncidentsError(other)).toBe(true);
    expect(isConnectorError(other)).toBe(true);
    expect(isConnectorError(new cjs.IncidentsError('store', 'disk full'))).toBe(false);
    expect(isConnectorError(new ConnectorError('connector.auth', 'refused', { connector: 'jira', status: 401 }))).toBe(
      true,
    );
    expect(isConnectorError(new Error('connector.http'))).toBe(false);
    expect(isConnectorError({ code: 'connector.http' })).toBe(false);
  });
});

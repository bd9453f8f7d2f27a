import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../errors.js';
import { createRedactor, REDACTED, redactCredentialPatterns } from './redact.js';

const secret = 'p4ss/w0rd+S3cr3t=';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('createRedactor', () => {
  it('removes a secret in every form it travels in', () => {
    const r = createRedactor([secret]);
    const forms = [
      secret,
      b64(secret),
      b64(secret).replace(/=+$/, ''),
      Buffer.from(secret).toString('base64url'),
      encodeURIComponent(secret),
      encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      new URLSearchParams({ s: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1).replace(/\//g, '\\/'),
    ];
    for (const form of forms) {
      const out = r.redact(`before ${form} after`);
      expect(out, form).toBe(`before ${REDACTED} after`);
    }
  });

  it('removes the base64 of an HTTP Basic pair, and dynamic secrets added later', () => {
    let dynamic: string[] = [];
    const r = createRedactor(() => dynamic);
    r.addBasic('bot@example.com', 'api-token-1');
    expect(r.redact(`Authorization: Basic ${b64('bot@example.com:api-token-1')}`)).not.toContain(
      b64('bot@example.com:api-token-1'),
    );
    expect(r.redact('x session-abc-123 y')).toBe('x session-abc-123 y');
    dynamic = ['session-abc-123'];
    expect(r.redact('x session-abc-123 y')).toBe(`x ${REDACTED} y`);
  });

  it('keeps ordinary messages intact and ignores very short secrets', () => {
    const r = createRedactor(['abc']);
    const message = 'HTTP 500 on GET /rest/api/3/search/jql after 5 attempts: Internal server error (abc)';
    expect(r.redact(message)).toBe(message);
    expect(redactCredentialPatterns('Bearer authentication failed; check the password: it expired')).toBe(
      'Bearer authentication failed; check the password: it expired',
    );
  });

  it('masks credential shapes whose value it does not know', () => {
    expect(redactCredentialPatterns('authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def')).toBe(
      `authorization: Bearer ${REDACTED}`,
    );
    expect(redactCredentialPatterns('AR-JWT tok-1-xyz9')).toBe(`AR-JWT ${REDACTED}`);
    expect(redactCredentialPatterns('token xoxb-1-2-abc')).toBe(`token ${REDACTED}`);
    expect(redactCredentialPatterns('{"password":"hunter22","user":"x"}')).toBe(
      `{"password":"${REDACTED}","user":"x"}`,
    );
    expect(redactCredentialPatterns('shortcut-token: 1234-abcd-5678')).toBe(`shortcut-token: ${REDACTED}`);
  });

  it('redacts a ConnectorError: message, vendor message, issues; drops a cause that holds a secret', () => {
    const r = createRedactor([secret]);
    const err = new ConnectorError(
      'connector.http',
      `HTTP 400 on POST /x: echo ${secret}`,
      {
        connector: 'jira',
        status: 400,
        vendorMessage: `echo ${secret}`,
        issues: [{ path: 'a', message: `got ${secret}` }],
      },
      { cause: new Error(`inner ${secret}`) },
    );
    const clean = r.redactError(err);
    expect(clean).toBeInstanceOf(ConnectorError);
    expect(clean.code).toBe('connector.http');
    expect(clean.message).toBe(`jira: HTTP 400 on POST /x: echo ${REDACTED}`);
    expect(clean.details).toMatchObject({ status: 400, vendorMessage: `echo ${REDACTED}` });
    expect(JSON.stringify(clean.toJSON())).not.toContain(secret);
    expect((clean as { cause?: unknown }).cause).toBeUndefined();
    const plain = new ConnectorError('connector.http', 'HTTP 500', { connector: 'jira' });
    expect(r.redactError(plain)).toBe(plain);
  });
});

/**
 * Slack Web API errors: HTTP 200 with `{ ok: false, error: 'invalid_auth' }`, and the
 * `@slack/web-api` error classes around them.
 * @module
 */
import { ConnectorError } from '../errors.js';

/** Slack `error` codes that mean the token is wrong, revoked or lacks a scope. */
export const SLACK_AUTH_ERRORS: ReadonlySet<string> = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
  'ekm_access_denied',
]);

/** Turns an error thrown by `WebClient` into a {@link ConnectorError}. */
export function fromSlackError(err: unknown, method: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err as {
    code?: string;
    original?: unknown;
    data?: { error?: string; needed?: string };
    statusCode?: number;
    message?: string;
  };
  if (e?.original instanceof ConnectorError) return e.original;
  if (e?.code === 'slack_webapi_platform_error' && e.data?.error) {
    const code = e.data.error;
    if (SLACK_AUTH_ERRORS.has(code)) {
      return new ConnectorError(
        'connector.auth',
        `Slack refused the token on ${method}: ${code}${e.data.needed ? ` (needs scope ${e.data.needed})` : ''}`,
        { connector: 'slack', method: 'POST', path: `/api/${method}`, vendorMessage: code },
        { cause: err },
      );
    }
    if (code === 'ratelimited') {
      return new ConnectorError(
        'connector.rate_limited',
        `rate limited on ${method}`,
        { connector: 'slack', method: 'POST', path: `/api/${method}`, vendorMessage: code },
        { cause: err },
      );
    }
    return new ConnectorError(
      'connector.http',
      `Slack error on ${method}: ${code}`,
      { connector: 'slack', method: 'POST', path: `/api/${method}`, vendorMessage: code },
      { cause: err },
    );
  }
  return new ConnectorError(
    'connector.http',
    `Slack request ${method} failed: ${e?.message ?? String(err)}`,
    { connector: 'slack', method: 'POST', path: `/api/${method}`, ...(e?.statusCode ? { status: e.statusCode } : {}) },
    { cause: err },
  );
}

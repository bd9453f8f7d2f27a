/**
 * Errors of the connectors. Every failure talking to a vendor is a {@link ConnectorError}: an
 * `IncidentsError` from `@incidents/core` whose `code` says what went wrong and whose `details`
 * name the connector and the HTTP status — never the credentials.
 *
 * @module
 */
import { type FieldIssue, IncidentsError, isIncidentsError } from '@incidents/core';

/**
 * Codes of {@link ConnectorError}:
 * - `connector.auth` — the vendor refused the credentials (401) or the permission (403). A 401
 *   stops the connector: later calls fail fast with the same error until a new connector is made.
 * - `connector.rate_limited` — still answered 429 after the retries (or asked to wait longer than
 *   `retry.maxRetryAfterMs`); `details.retryAfterMs` says how long the vendor asked to wait.
 * - `connector.http` — any other non-success status, or a network error / timeout after retries.
 * - `connector.invalid_response` — the body did not have the documented shape; `details.issues`
 *   names each offending field.
 * - `connector.unsupported` — the vendor cannot do what was asked (no workflow transition leads to
 *   the target status, internal comments on a public channel…).
 */
export type ConnectorErrorCode =
  | 'connector.auth'
  | 'connector.rate_limited'
  | 'connector.http'
  | 'connector.invalid_response'
  | 'connector.unsupported';

/** Details of a {@link ConnectorError}. Never contains credentials or tokens. */
export interface ConnectorErrorDetails {
  /** Name of the connector (`jira`, `servicenow`, `remedy`, `zendesk`, `slack`, `shortcut`). */
  connector: string;
  /** HTTP status of the last response, when there was one. */
  status?: number;
  /** HTTP method of the failed request. */
  method?: string;
  /** Path of the failed request (without the query string). */
  path?: string;
  /** Attempts made (1 when no retry happened). */
  attempts?: number;
  /** How long the vendor asked to wait (429 `Retry-After`), in milliseconds. */
  retryAfterMs?: number;
  /** The vendor's own error message, shortened. */
  vendorMessage?: string;
  /**
   * `true` when a write (POST/PATCH…) failed in a way that does not tell whether the vendor applied
   * it (a timeout, a reset connection, a 5xx): it was not repeated. The sync engine looks for the
   * written comment before sending it again.
   */
  outcomeUnknown?: boolean;
  /** For `connector.invalid_response`: each offending field path and what is wrong with it. */
  issues?: FieldIssue[];
}

/** The error every connector throws for vendor failures. Check `err.code` (see {@link ConnectorErrorCode}). */
export class ConnectorError extends IncidentsError<ConnectorErrorDetails> {
  declare readonly code: ConnectorErrorCode;

  constructor(
    code: ConnectorErrorCode,
    message: string,
    details: ConnectorErrorDetails,
    options: { cause?: unknown } = {},
  ) {
    super(code, `${details.connector}: ${message}`, {
      details,
      cause: options.cause,
      userError: code === 'connector.auth' || code === 'connector.unsupported',
    });
    this.name = 'ConnectorError';
  }
}

/** Whether `err` is a {@link ConnectorError} (also across package copies: checks the code's namespace). */
export function isConnectorError(err: unknown): err is ConnectorError {
  return (
    err instanceof ConnectorError ||
    (isIncidentsError(err) && typeof err.code === 'string' && err.code.startsWith('connector.'))
  );
}

/** Builds a `connector.invalid_response` error from zod-style issues, naming every field. */
export function invalidResponse(
  connector: string,
  what: string,
  issues: FieldIssue[],
  extra: Omit<ConnectorErrorDetails, 'connector' | 'issues'> = {},
  cause?: unknown,
): ConnectorError {
  const summary = issues
    .slice(0, 5)
    .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
    .join('; ');
  const more = issues.length > 5 ? ` (+${issues.length - 5} more)` : '';
  return new ConnectorError(
    'connector.invalid_response',
    `unexpected ${what}: ${summary}${more}`,
    { connector, issues, ...extra },
    { cause },
  );
}

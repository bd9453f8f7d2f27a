/**
 * Authentication providers of the shared HTTP layer. A provider adds headers to each request and,
 * optionally, can refresh itself once when the vendor answers 401 (Remedy's AR-JWT login).
 * @module
 */

/** Supplies the authentication headers of a connector. Implementations must never log secrets. */
export interface AuthProvider {
  /** Headers to add to a request (e.g. `{ authorization: 'Basic …' }`). */
  headers(signal?: AbortSignal): Promise<Record<string, string>> | Record<string, string>;
  /**
   * Called once when a request gets 401. Return `true` if new credentials were obtained (the
   * request is then retried once); `false` to give up with `connector.auth`.
   */
  refresh?(signal?: AbortSignal): Promise<boolean>;
  /**
   * The secret values this provider sends (read at every redaction, so tokens obtained at run time
   * are included): the HTTP layer removes them, and their encoded forms, from every error text.
   */
  secrets?(): readonly string[];
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** HTTP Basic authentication (`user:password`, or Jira's `email:api-token`, Zendesk's `email/token:api-token`). */
export function basicAuth(username: string, password: string): AuthProvider {
  const value = `Basic ${base64(`${username}:${password}`)}`;
  const secrets = [password, `${username}:${password}`];
  return { headers: () => ({ authorization: value }), secrets: () => secrets };
}

/** Bearer-token authentication (OAuth access tokens, personal access tokens). */
export function bearerAuth(token: string): AuthProvider {
  const value = `Bearer ${token}`;
  return { headers: () => ({ authorization: value }), secrets: () => [token] };
}

/** A fixed header (e.g. Shortcut's `Shortcut-Token`). */
export function headerAuth(name: string, value: string): AuthProvider {
  return { headers: () => ({ [name.toLowerCase()]: value }), secrets: () => [value] };
}

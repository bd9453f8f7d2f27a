/**
 * OAuth 2.0 access tokens that last: an {@link AuthProvider} that refreshes its access token before
 * it expires and once more when the vendor answers 401, through the vendor's token endpoint.
 *
 * | vendor | token endpoint | body | rotation |
 * |---|---|---|---|
 * | Jira Cloud (3LO) | `https://auth.atlassian.com/oauth/token` | JSON | the refresh token rotates on each use |
 * | Zendesk | `https://{subdomain}.zendesk.com/oauth/tokens` | JSON | a new refresh token with each access token |
 * | ServiceNow | `https://{instance}.service-now.com/oauth_token.do` | form | refresh token valid until its own expiry |
 * | Slack (token rotation) | `https://slack.com/api/oauth.v2.access` | form; errors are HTTP 200 `{ ok: false }` | rotates on each use |
 *
 * `grant: 'client_credentials'` (ServiceNow, Atlassian service accounts) asks for a token with the
 * client id and secret only. A rotated refresh token is kept in memory and handed to `onTokens` so
 * the caller can persist it (a restart with the old one would be refused). Every token the provider
 * holds or obtains is a secret: it is redacted from every error text of the connector.
 *
 * @module
 */
import { ConnectorError } from '../errors.js';
import type { AuthProvider } from './auth.js';
import type { FetchLike } from './http-client.js';

/** OAuth 2.0 client settings of a connector (`auth: { oauth: … }`). Secrets from env / `${VAR}` only. */
export interface OAuthOptions {
  /** The vendor's token endpoint (see the table above). */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** `refresh_token` (3LO, Zendesk, Slack rotation; default when `refreshToken` is given) or `client_credentials`. */
  grant?: 'refresh_token' | 'client_credentials';
  /** The refresh token issued with the user's consent. */
  refreshToken?: string;
  /** A current access token, used until `expiresAt` (else a token is requested at the first call). */
  accessToken?: string;
  /** When `accessToken` expires (ISO or epoch ms). Unknown: used until a 401. */
  expiresAt?: string | number;
  /** Scopes to ask for (space-separated), when the vendor wants them on refresh. */
  scope?: string;
  /** Body of the token request: `json` (Atlassian, Zendesk) or `form` (ServiceNow, Slack, RFC 6749). Default `form`. */
  bodyFormat?: 'json' | 'form';
  /** Refresh this long before the expiry. Default 60 s. */
  refreshSkewMs?: number;
  /** Called with every new token set (persist the rotated refresh token). Exceptions are ignored. */
  onTokens?: (tokens: OAuthTokens) => void | Promise<void>;
}

/** A token set obtained from the token endpoint. */
export interface OAuthTokens {
  accessToken: string;
  /** The refresh token to use next time (rotated or unchanged). */
  refreshToken?: string;
  /** Epoch milliseconds, when the endpoint said (`expires_in`). */
  expiresAt?: number;
}

/** An {@link AuthProvider} that also says which tokens it holds now. */
export interface OAuthProvider extends AuthProvider {
  /** Refreshes now (also used before expiry). */
  refresh(signal?: AbortSignal): Promise<boolean>;
  /** The current access token (requests one when there is none). */
  accessToken(signal?: AbortSignal): Promise<string>;
}

/** Creates the OAuth 2.0 provider of one connector. */
export function oauthAuth(
  connector: string,
  options: OAuthOptions,
  transport: { fetch?: FetchLike; timeoutMs?: number; now?: () => number } = {},
): OAuthProvider {
  const doFetch: FetchLike = transport.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = transport.now ?? Date.now;
  const skew = options.refreshSkewMs ?? 60_000;
  const grant = options.grant ?? (options.refreshToken ? 'refresh_token' : 'client_credentials');
  let access = options.accessToken;
  let refreshToken = options.refreshToken;
  let expiresAt =
    options.expiresAt === undefined
      ? undefined
      : typeof options.expiresAt === 'number'
        ? options.expiresAt
        : Date.parse(options.expiresAt);
  /** Every token value held so far: redacted from errors even after rotation. */
  const held = new Set<string>([
    options.clientSecret,
    ...(access ? [access] : []),
    ...(refreshToken ? [refreshToken] : []),
  ]);
  let inFlight: Promise<void> | undefined;

  const fail = (message: string, status?: number) =>
    new ConnectorError('connector.auth', `OAuth token refresh failed: ${message} — the connector is stopped`, {
      connector,
      path: new URL(options.tokenUrl).pathname,
      method: 'POST',
      ...(status !== undefined ? { status } : {}),
    });

  async function requestTokens(signal?: AbortSignal): Promise<void> {
    const fields: Record<string, string> = {
      grant_type: grant,
      client_id: options.clientId,
      client_secret: options.clientSecret,
      ...(grant === 'refresh_token' && refreshToken ? { refresh_token: refreshToken } : {}),
      ...(options.scope ? { scope: options.scope } : {}),
    };
    if (grant === 'refresh_token' && !refreshToken) throw fail('no refresh token configured');
    const json = options.bodyFormat === 'json';
    let response: Response;
    try {
      response = await doFetch(options.tokenUrl, {
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
        },
        body: json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
        signal: AbortSignal.any([AbortSignal.timeout(transport.timeoutMs ?? 30_000), ...(signal ? [signal] : [])]),
      });
    } catch {
      throw fail('the token endpoint could not be reached');
    }
    let body: Record<string, unknown> = {};
    try {
      body = (await response.json()) as Record<string, unknown>;
    } catch {
      body = {};
    }
    // Slack answers HTTP 200 with { ok: false, error }; the others 400/401 with { error }.
    const vendorError = typeof body.error === 'string' ? body.error.replace(/[^\w.-]/g, '').slice(0, 60) : undefined;
    if (!response.ok || body.ok === false || typeof body.access_token !== 'string' || body.access_token === '') {
      throw fail(
        `the token endpoint answered HTTP ${response.status}${vendorError ? ` (${vendorError})` : ''}; re-authorise the app or check the client credentials`,
        response.status,
      );
    }
    access = body.access_token;
    held.add(access);
    if (typeof body.refresh_token === 'string' && body.refresh_token !== '') {
      refreshToken = body.refresh_token;
      held.add(refreshToken);
    }
    const expiresIn = Number(body.expires_in);
    expiresAt = Number.isFinite(expiresIn) && expiresIn > 0 ? now() + expiresIn * 1000 : undefined;
    try {
      await options.onTokens?.({
        accessToken: access,
        ...(refreshToken ? { refreshToken } : {}),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
      });
    } catch {
      // Persisting is the caller's business; the tokens are in use already.
    }
  }

  /** One token request at a time: concurrent callers wait for the same one. */
  function refreshOnce(signal?: AbortSignal): Promise<void> {
    inFlight ??= requestTokens(signal).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  async function accessToken(signal?: AbortSignal): Promise<string> {
    if (!access || (expiresAt !== undefined && now() >= expiresAt - skew)) await refreshOnce(signal);
    return access as string;
  }

  return {
    async headers(signal) {
      return { authorization: `Bearer ${await accessToken(signal)}` };
    },
    async refresh(signal) {
      await refreshOnce(signal);
      return true;
    },
    accessToken,
    secrets: () => [...held],
  };
}

/**
 * A local OAuth 2.0 token endpoint in each vendor's style, issuing access tokens a resource server
 * (a vendor server) accepts:
 *
 * - `atlassian` — `POST /oauth/token`, JSON body, rotating refresh tokens (the used one is refused
 *   afterwards with `invalid_grant`), `expires_in` 3600;
 * - `zendesk` — `POST /oauth/tokens`, JSON body, a new refresh token with each access token;
 * - `servicenow` — `POST /oauth_token.do`, form body, the refresh token stays valid;
 * - `slack` — `POST /api/oauth.v2.access`, form body, rotating; errors are HTTP 200 `{ ok: false }`.
 */
import { randomUUID } from 'node:crypto';
import { type RecordedRequest, startVendorServer, type VendorServer } from './vendor-server.js';

export type OAuthStyle = 'atlassian' | 'zendesk' | 'servicenow' | 'slack';

export interface OAuthServer extends VendorServer {
  tokenUrl: string;
  /** Every access token issued, in order. */
  issued: string[];
  /** The refresh token that is valid now. */
  refreshToken: string;
  /** `expires_in` of the next tokens, in seconds. */
  expiresIn: number;
  /** Refuse every refresh (the grant was revoked). */
  revoked: boolean;
  /** Token requests received. */
  tokenRequests(): RecordedRequest[];
}

const PATHS: Record<OAuthStyle, string> = {
  atlassian: '/oauth/token',
  zendesk: '/oauth/tokens',
  servicenow: '/oauth_token.do',
  slack: '/api/oauth.v2.access',
};

export async function startOAuthServer(
  style: OAuthStyle,
  client: { clientId: string; clientSecret: string; refreshToken: string },
  resource: VendorServer,
): Promise<OAuthServer> {
  const base = await startVendorServer();
  const server = base as OAuthServer;
  const path = PATHS[style];
  server.tokenUrl = `${base.url}${path}`;
  server.issued = [];
  server.refreshToken = client.refreshToken;
  server.expiresIn = style === 'slack' ? 43_200 : 3600;
  server.revoked = false;
  server.tokenRequests = () => base.requestsTo(path, 'POST');
  const rotates = style !== 'servicenow';
  const refuse = (error: string) =>
    style === 'slack'
      ? { status: 200, body: { ok: false, error } }
      : { status: 400, body: { error, error_description: error } };

  base.route('POST', path, (req) => {
    const json = style === 'atlassian' || style === 'zendesk';
    const contentType = String(req.headers['content-type'] ?? '');
    if (json !== contentType.includes('application/json')) return refuse('invalid_request');
    const fields = json ? ((req.json ?? {}) as Record<string, string>) : Object.fromEntries(req.form.entries());
    if (fields.client_id !== client.clientId || fields.client_secret !== client.clientSecret) {
      return style === 'slack' ? refuse('invalid_client_id') : { status: 401, body: { error: 'invalid_client' } };
    }
    if (fields.grant_type !== 'refresh_token') return refuse('unsupported_grant_type');
    if (server.revoked || fields.refresh_token !== server.refreshToken) return refuse('invalid_grant');
    const access = `${style}-at-${randomUUID()}`;
    server.issued.push(access);
    resource.acceptBearer(access);
    if (rotates) server.refreshToken = `${style}-rt-${randomUUID()}`;
    const tokens = {
      access_token: access,
      token_type: 'Bearer',
      expires_in: server.expiresIn,
      refresh_token: server.refreshToken,
      scope: 'read write',
    };
    return { body: style === 'slack' ? { ok: true, ...tokens, token_type: 'bot' } : tokens };
  });
  return server;
}

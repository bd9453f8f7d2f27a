/**
 * OAuth 2.0 that lasts, against local token endpoints in each vendor's style: Jira 3LO through
 * `api.atlassian.com/ex/jira/{cloudId}` with the cloud id looked up, refresh before expiry and on
 * 401 with the rotated refresh token handed back, a 401 after a refresh that stops only that
 * connector with a clear message, and Zendesk / ServiceNow / Slack (token rotation) refreshing
 * through their own endpoints. No token ever appears in an error.
 */
import { createTursoStore } from '@incidents/store-turso';
import { describe, expect, it } from 'vitest';
import { closeAfterEach, NO_RETRY as retry } from './cleanup.js';
import { createSyncEngine } from '../src/engine/index.js';
import type { OAuthTokens } from '../src/http/oauth.js';
import { createJiraConnector } from '../src/jira/index.js';
import { createServiceNowConnector } from '../src/servicenow/index.js';
import { createSlackConnector } from '../src/slack/index.js';
import { createZendeskConnector } from '../src/zendesk/index.js';
import { makeJiraIssue, startJiraServer } from '@incidents/test-support/servers/jira-server';
import { type OAuthServer, type OAuthStyle, startOAuthServer } from '@incidents/test-support/servers/oauth-server';
import { makeSnRecord, startServiceNowServer } from '@incidents/test-support/servers/servicenow-server';
import { startSlackServer } from '@incidents/test-support/servers/slack-server';
import { ECHO, type VendorServer } from '@incidents/test-support/servers/vendor-server';
import { makeZdTicket, startZendeskServer } from '@incidents/test-support/servers/zendesk-server';

const CLIENT = { clientId: 'client-id-1', clientSecret: 'cl1ent-s3cr3t/value', refreshToken: 'first-refresh-t0ken' };
const SITE = 'https://acme.atlassian.net';
const CLOUD_ID = '11223344-a1b2-3b33-c444-def123456789';

const closers = closeAfterEach();

async function oauthFor(style: OAuthStyle, resource: VendorServer): Promise<OAuthServer> {
  const server = await startOAuthServer(style, CLIENT, resource);
  closers.push(() => server.close());
  return server;
}

/** Jira Cloud as api.atlassian.com serves it to an OAuth app: the gateway and the accessible resources. */
async function jiraGateway() {
  const jira = await startJiraServer({ email: 'unused@example.com', apiToken: 'unused' });
  closers.push(() => jira.close());
  jira.mount(`/ex/jira/${CLOUD_ID}`);
  jira.route('GET', '/oauth/token/accessible-resources', () => ({
    body: [
      { id: 'other-cloud', url: 'https://other.atlassian.net', name: 'other', scopes: ['read:jira-work'] },
      { id: CLOUD_ID, url: SITE, name: 'acme', scopes: ['read:jira-work', 'write:jira-work'], avatarUrl: '' },
    ],
  }));
  jira.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z'));
  return jira;
}

describe('OAuth 2.0 token refresh', () => {
  it('Jira 3LO: cloud id looked up, requests through /ex/jira/{cloudId}, refreshed on 401 with the rotated refresh token', async () => {
    const jira = await jiraGateway();
    const oauth = await oauthFor('atlassian', jira);
    const saved: OAuthTokens[] = [];
    const connector = createJiraConnector({
      baseUrl: SITE,
      auth: {
        oauth: {
          ...CLIENT,
          tokenUrl: oauth.tokenUrl,
          apiBaseUrl: jira.url,
          onTokens: (t) => {
            saved.push(t);
          },
        },
      },
      retry,
    });
    const store = await createTursoStore({ url: ':memory:' });
    closers.push(() => store.close());
    const engine = createSyncEngine({ store, connectors: [connector] });

    const first = await engine.pull('jira');
    expect(first.errors).toEqual([]);
    expect(first.totals.created).toBe(1);
    expect(jira.requestsTo(`/ex/jira/${CLOUD_ID}/rest/api/3/search/jql`).length).toBeGreaterThan(0);
    expect(jira.requestsTo('/rest/api/3/')).toHaveLength(0);
    expect(jira.requestsTo('/oauth/token/accessible-resources')).toHaveLength(1);
    // The token request is Atlassian's JSON body with the configured refresh token.
    expect(oauth.tokenRequests()[0]?.json).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: CLIENT.refreshToken,
    });
    expect(saved.at(-1)?.refreshToken).toBe(oauth.refreshToken);

    // The access token is revoked (expired early): the 401 is answered by one refresh, with the
    // rotated refresh token — the first one is refused by now.
    jira.revokeBearers();
    jira.issues.push(makeJiraIssue(2, '2026-02-02T10:00:00.000Z'));
    const second = await engine.pull('jira');
    expect(second.errors).toEqual([]);
    expect(second.totals.created).toBe(1);
    expect(oauth.tokenRequests()).toHaveLength(2);
    expect(oauth.tokenRequests()[1]?.json).toMatchObject({ refresh_token: saved[0]?.refreshToken });
    expect(saved).toHaveLength(2);
  });

  it('refreshes before expiry: an expired access token is never sent', async () => {
    const jira = await jiraGateway();
    const oauth = await oauthFor('atlassian', jira);
    const stale = 'stale-access-t0ken';
    const connector = createJiraConnector({
      baseUrl: SITE,
      auth: {
        oauth: {
          ...CLIENT,
          accessToken: stale,
          expiresAt: Date.now() - 1000,
          tokenUrl: oauth.tokenUrl,
          apiBaseUrl: jira.url,
          cloudId: CLOUD_ID,
        },
      },
      retry,
    });
    const pages = [];
    for await (const page of connector.pull({})) pages.push(page);
    expect(pages.flatMap((p) => p.items)).toHaveLength(1);
    expect(jira.requests.filter((r) => r.headers.authorization === `Bearer ${stale}`)).toHaveLength(0);
    expect(oauth.tokenRequests()).toHaveLength(1);
    // A given cloud id is not looked up.
    expect(jira.requestsTo('/oauth/token/accessible-resources')).toHaveLength(0);
  });

  it('a 401 after a refresh stops only that connector, with a clear message and no token in it', async () => {
    const jira = await jiraGateway();
    const oauth = await oauthFor('atlassian', jira);
    const zendesk = await startZendeskServer({ email: 'agent@example.com', apiToken: 'zd-t0ken' });
    closers.push(() => zendesk.close());
    zendesk.tickets.push(makeZdTicket(1, '2026-02-01T10:00:00Z'));
    const store = await createTursoStore({ url: ':memory:' });
    closers.push(() => store.close());
    const engine = createSyncEngine({
      store,
      connectors: [
        createJiraConnector({
          baseUrl: SITE,
          auth: { oauth: { ...CLIENT, tokenUrl: oauth.tokenUrl, apiBaseUrl: jira.url, cloudId: CLOUD_ID } },
          retry,
        }),
        createZendeskConnector({
          baseUrl: zendesk.url,
          auth: { email: 'agent@example.com', apiToken: 'zd-t0ken' },
          retry,
        }),
      ],
    });
    // The app was uninstalled from the site: fresh tokens are refused too, by an error page that
    // echoes the request (its Authorization header included).
    jira.failNext(`/ex/jira/${CLOUD_ID}/rest/api/3/`, ECHO.json401, ECHO.json401);
    const summary = await engine.pull('all');
    const [jiraRun, zendeskRun] = summary.connectors;
    expect(zendeskRun).toMatchObject({ ok: true, created: 1 });
    expect(jiraRun?.ok).toBe(false);
    expect(jiraRun?.error?.code).toBe('connector.auth');
    expect(jiraRun?.error?.message).toContain('even after a token refresh');
    expect(jiraRun?.error?.message).toContain('the connector is stopped');
    const text = JSON.stringify(summary);
    for (const token of [...oauth.issued, CLIENT.clientSecret, CLIENT.refreshToken, oauth.refreshToken]) {
      expect(text).not.toContain(token);
    }
    expect(oauth.tokenRequests()).toHaveLength(2);
  });

  it('a refused refresh (the refresh token was rotated away or revoked) stops the connector and names the reason', async () => {
    const jira = await jiraGateway();
    const oauth = await oauthFor('atlassian', jira);
    oauth.revoked = true;
    const connector = createJiraConnector({
      baseUrl: SITE,
      auth: { oauth: { ...CLIENT, tokenUrl: oauth.tokenUrl, apiBaseUrl: jira.url, cloudId: CLOUD_ID } },
      retry,
    });
    const store = await createTursoStore({ url: ':memory:' });
    closers.push(() => store.close());
    const summary = await createSyncEngine({ store, connectors: [connector] }).pull('jira');
    expect(summary.errors[0]?.code).toBe('connector.auth');
    expect(summary.errors[0]?.message).toMatch(/OAuth token refresh failed: .*HTTP 400 \(invalid_grant\)/);
    expect(summary.errors[0]?.message).not.toContain(CLIENT.refreshToken);
  });

  it('Zendesk (JSON), ServiceNow (form) and Slack token rotation (form, HTTP 200 errors) refresh through their endpoints', async () => {
    const zendesk = await startZendeskServer({ email: 'agent@example.com', apiToken: 'unused' });
    const servicenow = await startServiceNowServer({ username: 'unused', password: 'unused' });
    const slack = await startSlackServer('xoxb-unused', 'C024BE91L');
    closers.push(
      () => zendesk.close(),
      () => servicenow.close(),
      () => slack.close(),
    );
    zendesk.tickets.push(makeZdTicket(1, '2026-02-01T10:00:00Z'));
    servicenow.records.push(makeSnRecord(1, '2026-02-01 10:00:00'));
    slack.messages.push({ ts: '1770000060.000100', user: 'U1', text: 'report 1' });
    const zdAuth = await oauthFor('zendesk', zendesk);
    const snAuth = await oauthFor('servicenow', servicenow);
    const slAuth = await oauthFor('slack', slack);
    const connectors = [
      createZendeskConnector({
        baseUrl: zendesk.url,
        auth: { oauth: { ...CLIENT, tokenUrl: zdAuth.tokenUrl } },
        retry,
      }),
      createServiceNowConnector({
        baseUrl: servicenow.url,
        auth: { oauth: { ...CLIENT, tokenUrl: snAuth.tokenUrl } },
        retry,
      }),
      createSlackConnector({
        channelId: 'C024BE91L',
        baseUrl: `${slack.url}/api/`,
        // A rotated bot token past its 12 hours: refreshed before the first call.
        oauth: { ...CLIENT, accessToken: 'xoxe.xoxb-expired', expiresAt: Date.now() - 1, tokenUrl: slAuth.tokenUrl },
        retry,
      }),
    ];
    const store = await createTursoStore({ url: ':memory:' });
    closers.push(() => store.close());
    const summary = await createSyncEngine({ store, connectors }).pull('all');
    expect(summary.errors).toEqual([]);
    expect(summary.connectors.map((c) => c.created)).toEqual([1, 1, 1]);
    expect(zdAuth.tokenRequests()[0]?.headers['content-type']).toContain('application/json');
    expect(snAuth.tokenRequests()[0]?.form.get('grant_type')).toBe('refresh_token');
    expect(slAuth.tokenRequests()[0]?.form.get('refresh_token')).toBe(CLIENT.refreshToken);

    // Slack's refusal comes as HTTP 200 { ok: false }: still a stopped connector with the reason.
    slAuth.revoked = true;
    slack.revokeBearers();
    const again = await createSyncEngine({
      store,
      connectors: [
        createSlackConnector({
          channelId: 'C024BE91L',
          baseUrl: `${slack.url}/api/`,
          oauth: { ...CLIENT, refreshToken: slAuth.refreshToken, tokenUrl: slAuth.tokenUrl },
          retry,
        }),
      ],
    }).pull('slack');
    expect(again.errors[0]?.code).toBe('connector.auth');
    expect(again.errors[0]?.message).toContain('invalid_grant');
  });
});

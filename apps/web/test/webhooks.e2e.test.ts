/**
 * Vendor webhooks on the desk (`POST /api/webhooks/<connector>`), through `next start`: the Jira
 * connector and its webhook secret come from the environment (`INCIDENTS_JIRA_*`,
 * `INCIDENTS_JIRA_WEBHOOK_SECRET`), a signed delivery in Jira's published shape pulls the issue into
 * the desk's store, its replay is a duplicate remembered in Redis (shared by every app instance),
 * a forged delivery is refused, and a connector without a webhook secret has no endpoint.
 */
import { createTcpConnection, type RedisConnection } from '@incidents/redis';
import { type OwnRedisServer, startRedisServer } from '@incidents/redis-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JiraServer, makeJiraIssue, startJiraServer } from '@incidents/test-support/servers/jira-server';
import { signedDelivery } from '@incidents/test-support/servers/webhook-sender';
import { callApi } from './browser';
import { API_TOKEN, type RunningApp, startApp } from './server';

const HOOK_SECRET = 'jira-webhook-Sh4red/s3cr3t';
const creds = { email: 'bot@example.com', apiToken: 'ATATT3x-jira-api-token' };

let jira: JiraServer;
let redisServer: OwnRedisServer;
let redis: RedisConnection;
let app: RunningApp;

beforeAll(async () => {
  jira = await startJiraServer(creds);
  jira.issues.push(makeJiraIssue(1, new Date().toISOString()));
  redisServer = await startRedisServer();
  redis = createTcpConnection({ url: redisServer.url });
  app = await startApp({
    INCIDENTS_REDIS_URL: redisServer.url,
    INCIDENTS_JIRA_BASE_URL: jira.url,
    INCIDENTS_JIRA_EMAIL: creds.email,
    INCIDENTS_JIRA_API_TOKEN: creds.apiToken,
    INCIDENTS_JIRA_WEBHOOK_SECRET: HOOK_SECRET,
  });
});

afterAll(async () => {
  await app?.stop();
  await redis?.close();
  await redisServer?.stop();
  await jira?.close();
});

const deliver = (connector: string, delivery: { headers: Record<string, string>; body: string }) =>
  fetch(`${app.url}/api/webhooks/${connector}`, { method: 'POST', headers: delivery.headers, body: delivery.body });

describe('vendor webhooks on the desk', () => {
  it('a signed Jira delivery pulls the issue into the store; its replay is a duplicate kept in Redis', async () => {
    const delivery = signedDelivery('jira', HOOK_SECRET, 'OPS-1', { deliveryId: 'web-1' });
    const first = await deliver('jira', delivery);
    expect(first.status).toBe(202);
    // The pull runs after the answer: the incident appears within the test's time limit.
    let found = await callApi(app.url, '/api/tickets/OPS-1', { token: API_TOKEN });
    for (let i = 0; i < 200 && found.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      found = await callApi(app.url, '/api/tickets/OPS-1', { token: API_TOKEN });
    }
    expect(found.status).toBe(200);
    expect(jira.requestsTo('/rest/api/3/search/jql').length).toBeGreaterThan(0);

    const again = await deliver('jira', delivery);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    // Remembered in Redis (SET NX EX), so another `next start` instance would say the same.
    const keys = await redis.command<string[]>(['KEYS', 'incidents:webhook:*']);
    expect(keys).toEqual(['incidents:webhook:jira:web-1']);
  });

  it('a forged delivery is 401 without the secret; a connector without a webhook secret is 404', async () => {
    const forged = await deliver('jira', signedDelivery('jira', 'not-the-secret', 'OPS-1'));
    expect(forged.status).toBe(401);
    expect(await forged.text()).not.toContain(HOOK_SECRET);
    expect((await deliver('zendesk', signedDelivery('zendesk', HOOK_SECRET, '1'))).status).toBe(404);
  });
});

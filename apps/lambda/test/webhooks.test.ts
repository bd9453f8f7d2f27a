/**
 * `incident-webhooks` behind a Function URL, against DynamoDB Local (store and delivery log) and the
 * connectors' local Zendesk server; the connector's secret (API token + webhook signing secret)
 * comes from Secrets Manager, mocked with aws-sdk-client-mock (no local engine).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signedDelivery } from '@incidents/test-support/servers/webhook-sender';
import { makeZdTicket, startZendeskServer, type ZendeskServer } from '@incidents/test-support/servers/zendesk-server';
import { createWebhookHandler, type FunctionUrlEventLike } from '../src/handlers/webhooks.js';
import { captureOutput, dynamoEndpoint, freshIdempotencyTable, freshTable, type LocalTable } from './support/local.js';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:incidents/zendesk-AbCdEf';
const CREDS = { email: 'agent@example.com', apiToken: 'zd-api-token-s3cr3t-value' };
const WEBHOOK_SECRET = 'zd-webhook-signing-s3cr3t';
const context = { awsRequestId: 'hook-req', getRemainingTimeInMillis: () => 60_000 };

let zendesk: ZendeskServer;
let table: LocalTable;
let deliveries: Awaited<ReturnType<typeof freshIdempotencyTable>>;
beforeEach(async () => {
  zendesk = await startZendeskServer(CREDS);
  table = await freshTable();
  deliveries = await freshIdempotencyTable();
});
afterEach(async () => {
  await zendesk.close();
  await table.drop();
  await deliveries.drop();
});

function handler() {
  const client = new SecretsManagerClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  mockClient(client)
    .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
    .resolves({ ARN: SECRET_ARN, SecretString: JSON.stringify({ auth: CREDS, webhookSecret: WEBHOOK_SECRET }) });
  return createWebhookHandler({
    env: {
      INCIDENTS_DYNAMO_TABLE: table.tableName,
      INCIDENTS_IDEMPOTENCY_TABLE: deliveries.tableName,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint(),
      INCIDENTS_CONNECTORS: JSON.stringify({
        zendesk: { options: { baseUrl: zendesk.url, retry: { baseDelayMs: 1 } }, secret: SECRET_ARN },
      }),
    },
    clients: { secretsManager: client },
  });
}

const urlEvent = (path: string, delivery: { headers: Record<string, string>; body: string }): FunctionUrlEventLike => ({
  rawPath: path,
  headers: delivery.headers,
  body: Buffer.from(delivery.body).toString('base64'),
  isBase64Encoded: true,
  requestContext: { http: { method: 'POST' } },
});

describe('webhooks handler (Function URL)', () => {
  it('a signed Zendesk delivery imports the ticket before answering; a retry on another container is a duplicate', async () => {
    zendesk.tickets.push(makeZdTicket(1, '2026-02-01T10:00:00Z'));
    const out = captureOutput();
    const delivery = signedDelivery('zendesk', WEBHOOK_SECRET, '1', { deliveryId: 'inv-1' });
    const first = await handler()(urlEvent('/webhooks/zendesk', delivery), context);
    expect(first.statusCode).toBe(202);
    expect(await table.store.findBySource('ZENDESK', '1')).toMatchObject({ title: 'Ticket 1' });
    const pulls = zendesk.requestsTo('/api/v2/incremental/tickets/cursor.json').length;

    // Zendesk retries: same invocation id, new timestamp and signature, another container (handler).
    const retry = signedDelivery('zendesk', WEBHOOK_SECRET, '1', { deliveryId: 'inv-1' });
    const second = await handler()(urlEvent('/webhooks/zendesk', retry), context);
    expect(second.statusCode).toBe(200);
    expect(JSON.parse(second.body)).toMatchObject({ duplicate: true });
    expect(zendesk.requestsTo('/api/v2/incremental/tickets/cursor.json')).toHaveLength(pulls);
    expect((await deliveries.items()).map((i) => i.id)).toEqual(['webhook#zendesk\u0000inv-1']);
    out.restore();
    const text = out.raw.join('');
    expect(text).not.toContain(WEBHOOK_SECRET);
    expect(text).not.toContain(CREDS.apiToken);
  });

  it('a forged delivery is 401 and pulls nothing; an unknown connector is 404; GET is 405', async () => {
    zendesk.tickets.push(makeZdTicket(1, '2026-02-01T10:00:00Z'));
    const h = handler();
    const forged = await h(urlEvent('/webhooks/zendesk', signedDelivery('zendesk', 'guessed', '1')), context);
    expect(forged.statusCode).toBe(401);
    expect(forged.body).not.toContain(WEBHOOK_SECRET);
    expect(zendesk.requestsTo('/api/v2/incremental/tickets/cursor.json')).toHaveLength(0);
    expect(await table.store.findBySource('ZENDESK', '1')).toBeNull();
    expect((await h(urlEvent('/webhooks/jira', signedDelivery('jira', 'x', 'OPS-1')), context)).statusCode).toBe(404);
    const get = await h({ rawPath: '/webhooks/zendesk', requestContext: { http: { method: 'GET' } } }, context);
    expect(get.statusCode).toBe(405);
  });
});

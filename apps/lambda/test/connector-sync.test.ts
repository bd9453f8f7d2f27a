/**
 * `incident-connector-sync` against DynamoDB Local and the connectors' local Zendesk server
 * (@incidents/test-support/servers); the credentials come from Secrets Manager, mocked with
 * aws-sdk-client-mock (no local engine).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeZdTicket, startZendeskServer, type ZendeskServer } from '@incidents/test-support/servers/zendesk-server';
import { ConnectorSyncFailedError, createConnectorSyncHandler } from '../src/index.js';
import { ADMIN, captureOutput, dynamoEndpoint, freshTable, type LocalTable } from './support/local.js';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:incidents/zendesk-AbCdEf';
const CREDS = { email: 'agent@example.com', apiToken: 'zd-api-token-s3cr3t-value' };
const context = { awsRequestId: 'conn-req', getRemainingTimeInMillis: () => 300_000 };

let zendesk: ZendeskServer;
let table: LocalTable;
beforeEach(async () => {
  zendesk = await startZendeskServer(CREDS);
  table = await freshTable();
});
afterEach(async () => {
  await zendesk.close();
  await table.drop();
});

function secretsManager(value: unknown) {
  const client = new SecretsManagerClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const mock = mockClient(client);
  mock
    .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
    .resolves({ ARN: SECRET_ARN, SecretString: JSON.stringify(value) });
  return { client, mock };
}

function env(): NodeJS.ProcessEnv {
  return {
    INCIDENTS_DYNAMO_TABLE: table.tableName,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint(),
    INCIDENTS_CONNECTORS: JSON.stringify({
      zendesk: { options: { baseUrl: zendesk.url, retry: { baseDelayMs: 1 } }, secret: SECRET_ARN },
    }),
  };
}

describe('connectorSync handler', () => {
  it('a scheduled event pulls the connector, then drains the outbound queue back to it', async () => {
    for (let n = 1; n <= 3; n++) zendesk.tickets.push(makeZdTicket(n, `2026-02-0${n}T10:00:00Z`));
    const { client, mock } = secretsManager({ auth: CREDS });
    const out = captureOutput();
    const handler = createConnectorSyncHandler({
      env: env(),
      clients: { secretsManager: client },
    });

    const first = await handler({ connector: 'zendesk' }, context);
    expect(first.errors).toEqual([]);
    expect(first.connectors[0]).toMatchObject({ connector: 'zendesk', ok: true, created: 3 });
    const imported = await table.store.findBySource('ZENDESK', '1');
    if (!imported) throw new Error('ticket 1 was not imported');
    expect(imported).toMatchObject({ title: 'Ticket 1', source_system: 'ZENDESK' });
    expect((await table.store.getSyncCursor('zendesk'))?.high_watermark).toBe('2026-02-03T10:00:00.000Z');

    // A person comments locally: the change goes back to Zendesk on the next scheduled run.
    await table.service.addComment(
      { incident_id: imported.incident_id, text: 'Rolled back the deploy, please retry', visibility: 'PUBLIC' },
      { actor: ADMIN },
    );
    const second = await handler({ connector: 'zendesk' }, context);
    expect(second.totals).toMatchObject({ pushed: 1, failed: 0 });
    const puts = zendesk.requestsTo('/api/v2/tickets/1.json', 'PUT');
    expect(puts).toHaveLength(1);
    expect(puts[0]?.json).toMatchObject({
      ticket: { comment: { body: 'Rolled back the deploy, please retry', public: true } },
    });
    expect(await table.store.countOutbound()).toMatchObject({ COMPLETED: 1, PENDING: 0 });

    // The secret was read once per container, and never logged.
    expect(mock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    const logText = out.logs.map((l) => JSON.stringify(l)).join('\n');
    expect(logText).not.toContain(CREDS.apiToken);
    expect(out.logs.find((l) => l.message === 'connector sync finished')).toMatchObject({
      function_request_id: 'conn-req',
    });
  });

  it('fails the invocation with a clear error, without the credentials, when the connector is refused', async () => {
    zendesk.tickets.push(makeZdTicket(1, '2026-02-01T10:00:00Z'));
    const { client } = secretsManager({ auth: { email: CREDS.email, apiToken: 'revoked-token-123456' } });
    const out = captureOutput();
    const handler = createConnectorSyncHandler({
      env: env(),
      clients: { secretsManager: client },
    });
    const error = await handler({ connector: 'zendesk' }, context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorSyncFailedError);
    expect((error as ConnectorSyncFailedError).details.errors).toEqual([
      expect.objectContaining({ connector: 'zendesk', code: 'connector.auth' }),
    ]);
    expect((error as Error).message).not.toContain('revoked-token-123456');
    expect(JSON.stringify(out.logs)).not.toContain('revoked-token-123456');
    expect(await table.store.findBySource('ZENDESK', '1')).toBeNull();
  });

  it('refuses an unknown connector name', async () => {
    const { client } = secretsManager({ auth: CREDS });
    const handler = createConnectorSyncHandler({
      env: env(),
      clients: { secretsManager: client },
    });
    await expect(handler({ connector: 'jira' }, context)).rejects.toThrow(
      /unknown connector jira; configured: zendesk/,
    );
  });
});

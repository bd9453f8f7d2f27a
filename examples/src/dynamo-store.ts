/**
 * The same use cases on DynamoDB: create the single table (keys, seven GSIs, TTL) with `ensureTable`,
 * open the store, run an incident through claim and resolve, and read it back through two access
 * patterns (by status, "my open incidents") and its history.
 *
 * Runs against DynamoDB Local (Java 17; `pnpm incidents dynamo local --in-memory` starts one on
 * 127.0.0.1:8000) or any endpoint in `AWS_ENDPOINT_URL_DYNAMODB`. The table gets a unique name and is
 * deleted at the end.
 *
 * Run: `AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000 node --import tsx src/dynamo-store.ts`
 */
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Actor, createIncidentService } from '@incidents/core';
import { createDynamoStore, ensureTable } from '@incidents/store-dynamo';

const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB ?? 'http://127.0.0.1:8000';
const ana: Actor = { id: 'ana@example.com', roles: ['operator'] };

async function main(): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    // DynamoDB Local accepts any credentials; on AWS leave endpoint and credentials to the provider chain.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const tableName = `incidents-example-${Date.now().toString(36)}`;
  try {
    await ensureTable({ client, tableName });
    console.log('table created with its indexes and TTL');
    const store = createDynamoStore({ tableName, client });
    const incidents = createIncidentService({ store });

    const created = await incidents.create(
      { title: 'Search API p99 above 2 s', severity: 'CRITICAL', team: 'search' },
      { actor: ana },
    );
    console.log(`created: ${created.status} ${created.priority}, revision ${created.revision}`);
    const claimed = await incidents.claim(created.incident_id, { actor: ana });
    console.log(`claimed: ${claimed.status} by ${claimed.assigned_to}, revision ${claimed.revision}`);

    const mine = await incidents.query({ by: 'assignee', assigned_to: ana.id }, undefined, { actor: ana });
    console.log(`my open incidents: ${mine.items.length}`);

    const resolved = await incidents.resolve(
      { incident_id: created.incident_id, solution: 'Added the missing index on tenant_id', root_cause: 'Full scan' },
      { actor: ana },
    );
    console.log(`resolved: ${resolved.status}, resolution ${resolved.resolution?.resolution_type}`);

    const stillOpen = await incidents.query({ by: 'status', status: ['NEW', 'ASSIGNED'] }, undefined, { actor: ana });
    const done = await incidents.query({ by: 'status', status: 'RESOLVED' }, undefined, { actor: ana });
    console.log(`open: ${stillOpen.items.length}, resolved: ${done.items.length}`);
    const { items: history } = await incidents.history(created.incident_id, undefined, { actor: ana });
    console.log(`history: ${history.map((v) => v.status).join(' → ')}`);
  } finally {
    await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
    client.destroy();
  }
}

await main();

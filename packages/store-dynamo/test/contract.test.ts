import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { runIncidentStoreContract } from '@incidents/core/testing';
import type { DynamoIncidentStore } from '../src/index.js';
import { dropTable, freshStore } from './helpers.js';

const clients = new WeakMap<DynamoIncidentStore, DynamoDBClient>();

runIncidentStoreContract({
  name: 'dynamo (DynamoDB Local)',
  createStore: async () => {
    const { store, client } = await freshStore();
    clients.set(store, client);
    return store;
  },
  destroyStore: async (store) => {
    const client = clients.get(store as DynamoIncidentStore);
    if (!client) return;
    await dropTable(client, (store as DynamoIncidentStore).tableName);
    client.destroy();
  },
});

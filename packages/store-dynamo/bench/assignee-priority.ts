/**
 * "My incidents of priority P" (MCP `search_my_incidents` with a priority, issue 18 item 8) on DynamoDB
 * Local over BENCH_N incidents (default 100,000) spread over 50 assignees and the four priorities.
 * Measured in the same run, first page of 20:
 *
 * - what the MCP tool runs: `service.query({ by: 'assignee', assigned_to, status: ASSIGNED, IN_PROGRESS,
 *   PENDING, priority: 'P1' })` — on GSI-2 one key condition per status
 *   (`begins_with(gsi2sk, '<rank>#P1#')`), no FilterExpression;
 * - what it did before the port took a priority (the reference): the assignee's pages, filtered by
 *   priority in the client until 20 matches;
 * - the floor: the same Queries (same key conditions and `Limit`, status after status until 20)
 *   through a bare `DynamoDBDocumentClient`, items returned as they come (no SDK, no parsing).
 *
 * Prints p50/p95 wall and this process's CPU per call, capacity units per call, the load rate, the load
 * average, and the Query requests of one call (checked: no FilterExpression). Loading goes through the
 * store's bulk path (`createIncidents`, TransactWriteItems, 3 items per incident); when the measured rate
 * says BENCH_N would not load within BENCH_BUDGET_MINUTES (default 25), loading stops at the largest
 * multiple of 2,000 that fits and the run says so. `BENCH_LOAD=batch` loads the very items
 * `createIncidents` writes (the store's Put builders over records checked by `IncidentSchema`) with
 * BatchWriteItem instead, without the conditions (the data has no collisions): DynamoDB Local runs
 * transactions at about a quarter of BatchWriteItem's rate.
 *
 *   BENCH_N=100000 pnpm --filter @incidents/store-dynamo exec node --import tsx bench/assignee-priority.ts
 *   BENCH_N=100000 BENCH_LOAD=batch pnpm --filter @incidents/store-dynamo exec node --import tsx bench/assignee-priority.ts
 */
import { loadavg } from 'node:os';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  createIncidentService,
  type Incident,
  type IncidentQuery,
  IncidentSchema,
  type Priority,
} from '@incidents/core';
import { startDynamoLocal } from '@incidents/test-support/dynamodb-local';
import { createDynamoStore, ensureTable } from '../src/index.js';
import { currentItem, versionItem } from '../src/store/items.js';
import { createPutActions } from '../src/store/put-actions.js';
import { statusRank } from '../src/table/keys.js';

const N = Number(process.env.BENCH_N ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 300);
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MINUTES ?? 25) * 60_000;
const ASSIGNEES = 50;
const PRIORITIES: Priority[] = ['P1', 'P2', 'P3', 'P4'];
const STATUSES = ['ASSIGNED', 'IN_PROGRESS'] as const;
/** The statuses `search_my_incidents` searches by default (MY_DEFAULT_STATUSES of the MCP server). */
const MY_DEFAULT_STATUSES = ['ASSIGNED', 'IN_PROGRESS', 'PENDING'] as const;
const CHUNK = 2_000;
/** `transact` (default): `createIncidents`; `batch`: BatchWriteItem of the same items (about 4× faster on DynamoDB Local). */
const LOAD = process.env.BENCH_LOAD === 'batch' ? 'batch' : 'transact';

const load1 = () => (loadavg()[0] ?? 0).toFixed(2);
const local = await startDynamoLocal();
const seen: { command: string; units: number; input: Record<string, unknown> }[] = [];
local.client.middlewareStack.add(
  // biome-ignore lint/suspicious/noExplicitAny: smithy middleware signature
  (next: any, context: any) => async (args: any) => {
    const out = await next(args);
    const c = out.output?.ConsumedCapacity as ConsumedCapacity | ConsumedCapacity[] | undefined;
    const list = c ? (Array.isArray(c) ? c : [c]) : [];
    seen.push({
      command: String(context.commandName).replace(/Command$/, ''),
      units: list.reduce((s, x) => s + (x.CapacityUnits ?? 0), 0),
      input: args.input,
    });
    return out;
  },
  { step: 'initialize', name: 'capacity' },
);
try {
  await ensureTable({ client: local.client, tableName: 'bench-assignee' });
  const store = createDynamoStore({
    tableName: 'bench-assignee',
    client: local.client,
    returnConsumedCapacity: 'TOTAL',
  });
  const service = createIncidentService({ store });
  const base = await service.create(
    { title: 'Checkout returns 502', severity: 'HIGH', team: 'payments' },
    { actor: { id: 'admin@example.com', roles: ['admin'] } },
  );
  console.log(`start: load average ${load1()}, ${new Date().toISOString()}`);
  const t0 = performance.now();
  let loaded = 0;
  const puts = createPutActions(store.entities, 'bench-assignee');
  const itemOf = (action: unknown) => (action as { Put: { Item: Record<string, unknown> } }).Put.Item;
  const batchWrite = async (items: Record<string, unknown>[]) => {
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        let pending = items.slice(next, next + 25).map((Item) => ({ PutRequest: { Item } }));
        next += 25;
        for (let attempt = 0; pending.length > 0; attempt++) {
          const res = await store.client.send(new BatchWriteCommand({ RequestItems: { 'bench-assignee': pending } }));
          pending = (res.UnprocessedItems?.['bench-assignee'] ?? []) as typeof pending;
          if (pending.length && attempt > 20) throw new Error('BatchWriteItem kept items unprocessed');
          if (pending.length) await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
  };
  const write = async (incidents: Incident[]) => {
    if (LOAD === 'transact') return store.createIncidents(incidents.map((incident) => ({ incident })));
    await batchWrite(
      incidents.flatMap((raw) => {
        const i = IncidentSchema.parse(raw) as Incident;
        return [
          itemOf(puts.incident(currentItem(i))),
          itemOf(puts.incidentVersion(versionItem(i, 1))),
          itemOf(
            puts.sourceGuard({
              source_system: i.source_system,
              external_id: i.external_id,
              incident_id: i.incident_id,
            }),
          ),
        ];
      }),
    );
  };
  for (let i = 0; i < N; i += CHUNK) {
    await write(
      Array.from({ length: Math.min(CHUNK, N - i) }, (_, k) => {
        const n = i + k;
        const id = `INC-A${String(n).padStart(7, '0')}`;
        const incident: Incident = {
          ...base,
          incident_id: id,
          external_id: id,
          status: STATUSES[n % 2] as Incident['status'],
          assigned_to: `dev${n % ASSIGNEES}@example.com`,
          priority: PRIORITIES[Math.floor(n / ASSIGNEES) % 4] as Priority,
          created_at: new Date(Date.parse(base.created_at) + n * 1000).toISOString(),
        };
        return incident;
      }),
    );
    seen.length = 0;
    loaded = Math.min(N, i + CHUNK);
    const elapsed = performance.now() - t0;
    const rate = loaded / elapsed; // incidents per ms
    if (loaded % 20_000 === 0)
      console.error(
        `  ${loaded} loaded in ${(elapsed / 1000).toFixed(0)} s (${(rate * 1000).toFixed(0)}/s, load ${load1()})`,
      );
    if (loaded < N && elapsed + (N - loaded) / rate > BUDGET_MS) {
      console.log(
        `stopping at ${loaded} incidents: ${N} would take ≈ ${(N / rate / 60_000).toFixed(1)} min at the measured ${(rate * 1000).toFixed(0)} incidents/s (${(rate * 3000).toFixed(0)} items/s), over the ${BUDGET_MS / 60_000}-minute budget`,
      );
      break;
    }
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  console.log(
    `loaded ${loaded} incidents (${loaded * 3} items: version 0, version 1, source guard) in ${loadSeconds.toFixed(0)} s = ${(loaded / loadSeconds).toFixed(0)} incidents/s (${LOAD === 'transact' ? 'createIncidents' : 'BatchWriteItem'}); load average ${load1()}`,
  );

  const actorOf = (n: number) => ({ actor: { id: `dev${n % ASSIGNEES}@example.com`, roles: ['operator' as const] } });
  const query = (n: number): IncidentQuery => ({
    by: 'assignee',
    assigned_to: `dev${n % ASSIGNEES}@example.com`,
    status: [...MY_DEFAULT_STATUSES],
    priority: 'P1',
  });
  const byKey = async (n: number) => (await service.query(query(n), { limit: 20 }, actorOf(n))).items;
  const byFilter = async (n: number) => {
    const found: Incident[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await service.query(
        { by: 'assignee', assigned_to: `dev${n % ASSIGNEES}@example.com`, status: [...MY_DEFAULT_STATUSES] },
        { limit: 50, cursor },
        actorOf(n),
      );
      for (const i of page.items) if (i.priority === 'P1' && found.length < 20) found.push(i);
      cursor = page.cursor;
    } while (cursor && found.length < 20);
    return found;
  };
  const raw = async (n: number) => {
    const found: Record<string, unknown>[] = [];
    for (const status of MY_DEFAULT_STATUSES) {
      const res = await store.client.send(
        new QueryCommand({
          TableName: 'bench-assignee',
          IndexName: 'gsi2',
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': 'gsi2pk', '#sk': 'gsi2sk' },
          ExpressionAttributeValues: {
            ':pk': `ASSIGNEE#dev${n % ASSIGNEES}@example.com`,
            ':prefix': `${statusRank(status)}#P1#`,
          },
          Limit: 21 - found.length,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      found.push(...(res.Items ?? []));
      if (found.length > 20) break;
    }
    return found.slice(0, 20) as unknown as Incident[];
  };
  const pct = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
  };
  type Path = { wall: number[]; cpu: number[]; units: number[]; calls: number[] };
  const paths: Record<'key' | 'filter' | 'raw', Path> = {
    key: { wall: [], cpu: [], units: [], calls: [] },
    filter: { wall: [], cpu: [], units: [], calls: [] },
    raw: { wall: [], cpu: [], units: [], calls: [] },
  };
  const time = async (path: Path, fn: () => Promise<Incident[]>) => {
    seen.length = 0;
    const c0 = process.cpuUsage();
    const t = performance.now();
    const items = await fn();
    path.wall.push(performance.now() - t);
    const c = process.cpuUsage(c0);
    path.cpu.push((c.user + c.system) / 1000);
    path.units.push(seen.reduce((s, x) => s + x.units, 0));
    path.calls.push(seen.length);
    return items;
  };
  for (let n = 0; n < 30; n++) {
    await byKey(n);
    await byFilter(n);
    await raw(n);
  }
  const loadBefore = load1();
  for (let n = 0; n < QUERIES; n++) {
    // Alternate which path goes first, so that load from other processes falls on both alike.
    const first = n % 2 === 0;
    const a = first ? await time(paths.key, () => byKey(n)) : undefined;
    const b = await time(paths.filter, () => byFilter(n));
    const a2 = a ?? (await time(paths.key, () => byKey(n)));
    const c = await time(paths.raw, () => raw(n));
    if (c.length !== a2.length) throw new Error(`different answers: raw ${c.length} vs ${a2.length}`);
    if (a2.length !== b.length || a2.some((x, i) => x.incident_id !== b[i]?.incident_id))
      throw new Error(`different answers: ${a2.length} vs ${b.length}`);
  }
  const loadAfter = load1();
  seen.length = 0;
  await byKey(7);
  const requests = seen.filter((s) => s.command === 'Query').map((s) => s.input);
  const filters = requests.filter((r) => 'FilterExpression' in r).length;

  const row = (name: string, p: Path) =>
    `| ${name} | ${pct(p.wall, 50).toFixed(2)} ms | ${pct(p.wall, 95).toFixed(2)} ms | ${pct(p.cpu, 50).toFixed(2)} / ${pct(p.cpu, 95).toFixed(2)} ms | ${pct(p.units, 50)} (max ${Math.max(...p.units)}) | ${pct(p.calls, 50)} (max ${Math.max(...p.calls)}) |`;
  console.log(
    `\n${QUERIES} calls per path, first 20 P1 of one of ${ASSIGNEES} assignees (statuses ${MY_DEFAULT_STATUSES.join(', ')}), ${loaded} incidents; load average ${loadBefore} → ${loadAfter}\n`,
  );
  console.log(
    '| path | p50 | p95 | CPU p50 / p95 (node) | capacity units per call, median | Queries per call, median |',
  );
  console.log('|---|---|---|---|---|---|');
  console.log(row('`service.query` with `priority` (what `search_my_incidents` runs): GSI-2 key condition', paths.key));
  console.log(row('reference: the assignee pages filtered by priority in the client', paths.filter));
  console.log(row('floor: the same Queries through a bare DynamoDBDocumentClient', paths.raw));
  console.log(`\nQuery requests of one call with priority: ${filters} with a FilterExpression`);
  for (const r of requests) console.log(`  ${JSON.stringify(r)}`);
  console.log(`p95 target ≤ 5 ms: ${pct(paths.key.wall, 95) <= 5 ? 'PASS' : 'FAIL'}`);
} finally {
  await local.stop();
}

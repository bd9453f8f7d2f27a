/**
 * "My incidents of priority P" (MCP `search_my_incidents` with a priority, issue 18 item 8) on DynamoDB
 * Local over BENCH_N incidents (default 100,000) spread over 50 assignees and the four priorities:
 * the GSI-2 key condition per status (`begins_with(gsi2sk, '<rank>#<priority>#')`, no filter) against
 * what the MCP tool does through the port today (the assignee's pages filtered by priority in the
 * client until 20 matches), same run, first page of 20.
 *
 *   pnpm --filter @incidents/store-dynamo exec node --import tsx bench/assignee-priority.ts
 */
import { loadavg } from 'node:os';
import { createIncidentService, type Incident, type IncidentQuery, type Priority } from '@incidents/core';
import { createDynamoStore, ensureTable } from '../src/index.js';
import { pageSegments } from '../src/store/paging.js';
import { incidentQuerySegments } from '../src/store/queries.js';
import { startDynamoLocal } from '@incidents/test-support/dynamodb-local';

const N = Number(process.env.BENCH_N ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 300);
const ASSIGNEES = 50;
const PRIORITIES: Priority[] = ['P1', 'P2', 'P3', 'P4'];
const STATUSES = ['ASSIGNED', 'IN_PROGRESS'] as const;

const local = await startDynamoLocal();
try {
  await ensureTable({ client: local.client, tableName: 'bench-assignee' });
  const store = createDynamoStore({ tableName: 'bench-assignee', client: local.client });
  const base = await createIncidentService({ store }).create(
    { title: 'Checkout returns 502', severity: 'HIGH', team: 'payments' },
    { actor: { id: 'admin@example.com', roles: ['admin'] } },
  );
  const t0 = performance.now();
  for (let i = 0; i < N; i += 2_000) {
    await store.createIncidents(
      Array.from({ length: Math.min(2_000, N - i) }, (_, k) => {
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
        return { incident };
      }),
    );
    if ((i + 2_000) % 20_000 === 0)
      console.error(`  ${i + 2_000} loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  console.log(
    `loaded ${N} incidents in ${((performance.now() - t0) / 1000).toFixed(0)} s; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const query = (n: number) =>
    ({
      by: 'assignee',
      assigned_to: `dev${n % ASSIGNEES}@example.com`,
      status: [...STATUSES],
      priority: 'P1',
    }) as IncidentQuery;
  const byKey = async (n: number) =>
    (await pageSegments(store.client, 'bench-assignee', incidentQuerySegments(query(n)), { limit: 20, extra: {} }))
      .items;
  const byFilter = async (n: number) => {
    const found: Incident[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await store.queryIncidents(
        { by: 'assignee', assigned_to: `dev${n % ASSIGNEES}@example.com`, status: [...STATUSES] },
        { limit: 50, cursor },
      );
      for (const i of page.items) if (i.priority === 'P1' && found.length < 20) found.push(i);
      cursor = page.cursor;
    } while (cursor && found.length < 20);
    return found;
  };
  const pct = (xs: number[], p: number) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
  const key: number[] = [];
  const filter: number[] = [];
  for (let n = 0; n < QUERIES; n++) {
    let t = performance.now();
    const a = await byKey(n);
    key.push(performance.now() - t);
    t = performance.now();
    const b = await byFilter(n);
    filter.push(performance.now() - t);
    if (a.length !== b.length) throw new Error(`different answers: ${a.length} vs ${b.length}`);
  }
  console.log(
    `| path | p50 | p95 | (${QUERIES} queries, first 20 P1 of one of ${ASSIGNEES} assignees, ${N} incidents) |`,
  );
  console.log('|---|---|---|---|');
  console.log(`| GSI-2 key condition, no filter | ${pct(key, 50).toFixed(2)} ms | ${pct(key, 95).toFixed(2)} ms | |`);
  console.log(
    `| port today: assignee pages filtered in the client | ${pct(filter, 50).toFixed(2)} ms | ${pct(filter, 95).toFixed(2)} ms | |`,
  );
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await local.stop();
}

/**
 * Capacity units per access pattern and per use case, from ReturnConsumedCapacity=INDEXES on DynamoDB
 * Local (which reports units like DynamoDB on-demand: 1 WCU per 1 KB written per item and index, 0.5 RCU
 * per 4 KB for eventually consistent reads, 1 for strongly consistent, x2 in transactions).
 *
 * Run: pnpm --filter @incidents/store-dynamo exec node --import tsx bench/capacity.ts
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { createIncidentService, type IncidentQuery } from '@incidents/core';
import { createDynamoStore, ensureTable } from '../src/index.js';
import { startDynamoLocal } from '@incidents/test-support/dynamodb-local';

interface Seen {
  command: string;
  consumed: ConsumedCapacity[];
}

async function main() {
  const local = await startDynamoLocal();
  const log: Seen[] = [];
  local.client.middlewareStack.add(
    // biome-ignore lint/suspicious/noExplicitAny: smithy middleware signature
    (next: any, context: any) => async (args: any) => {
      const out = await next(args);
      const c = out.output?.ConsumedCapacity;
      log.push({
        command: String(context.commandName).replace(/Command$/, ''),
        consumed: c ? (Array.isArray(c) ? c : [c]) : [],
      });
      return out;
    },
    { step: 'initialize', name: 'capacity' },
  );
  try {
    const tableName = 'bench-capacity';
    await ensureTable({ client: local.client, tableName });
    const store = createDynamoStore({ tableName, client: local.client, returnConsumedCapacity: 'INDEXES' });
    let t = Date.parse('2026-01-05T09:00:00.000Z');
    const service = createIncidentService({
      store,
      clock: {
        now: () => {
          t += 1000;
          return new Date(t);
        },
      },
    });
    const admin = { actor: { id: 'admin@example.com', roles: ['admin' as const] } };
    const dev = { actor: { id: 'dev@example.com', roles: ['operator' as const] } };

    const rows: string[] = [];
    async function measure(name: string, fn: () => Promise<unknown>) {
      const start = log.length;
      await fn();
      const seen = log.slice(start);
      const total = seen.flatMap((s) => s.consumed).reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
      const indexes = [
        ...new Set(seen.flatMap((s) => s.consumed.flatMap((c) => Object.keys(c.GlobalSecondaryIndexes ?? {})))),
      ].sort();
      const commands = seen.map((s) => s.command).join(' + ');
      rows.push(`| ${name} | ${commands} | ${indexes.join(', ') || 'table'} | ${total.toFixed(1)} |`);
    }

    // Data: 40 incidents over 2 teams and 4 severities; 10 claimed by dev.
    const severities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
    for (let i = 0; i < 40; i++) {
      await service.create(
        {
          incident_id: `INC-${i}`,
          title: `incident ${i}`,
          description: 'x'.repeat(800),
          severity: severities[i % 4],
          team: i % 2 ? 'payments' : 'platform',
          category: i % 3 ? 'Application' : 'Network',
          source_system: 'JIRA',
          external_id: `PAY-${i}`,
        },
        admin,
      );
    }
    for (let i = 0; i < 10; i++) await service.claim(`INC-${i}`, dev);

    // Use cases (writes).
    await measure('create', () =>
      service.create(
        { incident_id: 'UC-1', title: 'Checkout returns 502', description: 'x'.repeat(800), team: 'payments' },
        admin,
      ),
    );
    await measure('claim', () => service.claim('UC-1', dev));
    await measure('start work', () => service.startWork('UC-1', dev));
    await measure('update progress', () =>
      service.updateProgress({ incident_id: 'UC-1', progress_notes: 'pool exhausted' }, dev),
    );
    await measure('add comment', () => service.addComment({ incident_id: 'UC-1', text: 'customer informed' }, dev));
    await measure('resolve', () =>
      service.resolve({ incident_id: 'UC-1', solution: 'raised pool size', root_cause: 'pool' }, dev),
    );
    await measure('close', () => service.close('UC-1', dev));
    const closed = await store.getIncident('UC-1');
    await measure('KB: mark synced', () =>
      store.markKbSynced({
        incident_id: 'UC-1',
        expectedRevision: closed?.revision ?? 0,
        synced_at: new Date().toISOString(),
        document_key: 'closed/UC-1.json',
      }),
    );
    await service.create({ incident_id: 'SL-1', title: 'from slack', source_system: 'SLACK', external_id: '1' }, admin);
    await service.addComment({ incident_id: 'SL-1', text: 'reported' }, admin);
    await measure('link SL- into an incident (1 comment)', () => service.link({ from: 'SL-1', to: 'INC-20' }, admin));

    // Access patterns (reads), first page of 25.
    const patterns: Array<[string, IncidentQuery]> = [
      ['status NEW (GSI-1)', { by: 'status', status: 'NEW' }],
      ['status NEW + P1 (GSI-1)', { by: 'status', status: 'NEW', priority: 'P1' }],
      [
        'my ASSIGNED + IN_PROGRESS (GSI-2)',
        { by: 'assignee', assigned_to: 'dev@example.com', status: ['ASSIGNED', 'IN_PROGRESS'] },
      ],
      ['team dashboard (GSI-3)', { by: 'team', team: 'payments' }],
      [
        'category + CRITICAL (GSI-4 keys only + BatchGet)',
        { by: 'category', category: 'Network', severity: 'CRITICAL' },
      ],
      [
        'dedup source + external id (GSI-5 keys only + BatchGet)',
        { by: 'source', source_system: 'JIRA', external_id: 'PAY-7' },
      ],
      ['due before (GSI-6)', { by: 'due', status: ['NEW', 'ASSIGNED'], due_before: '2026-01-06T00:00:00.000Z' }],
    ];
    for (const [name, query] of patterns)
      await measure(`query: ${name}`, () => store.queryIncidents(query, { limit: 25 }));
    await measure('get incident (version 0)', () => store.getIncident('INC-3'));
    await measure('findBySource (uniqueness item + version 0)', () => store.findBySource('JIRA', 'PAY-3'));
    await measure('history (versions)', () => store.listVersions('UC-1'));
    await measure('timeline (interactions)', () => store.listInteractions('UC-1', { includeInternal: true }));
    await measure('item collection (one Query)', () => store.getIncidentCollection('UC-1'));
    await measure('KB pending (GSI-7)', () => store.listPendingKbSync());
    await measure('metrics: team (GSI-3)', () => store.aggregateMetrics({ team: 'payments' }));
    await measure('metrics: everyone (GSI-1 x 7 statuses)', () => store.aggregateMetrics({}));

    console.log('| operation | calls | indexes touched | capacity units |');
    console.log('|---|---|---|---|');
    for (const r of rows) console.log(r);
    console.log(`\nScan calls in the whole run: ${log.filter((s) => s.command.startsWith('Scan')).length}`);
    await store.close();
  } finally {
    await local.stop();
  }
}

await main();

#!/usr/bin/env node
/**
 * Benchmark: p50/p95/p99 latency of `search_my_incidents` and `get_incident_details` over 100,000
 * incidents, measured as MCP round trips through the SDK's stdio Client against the BUILT server
 * (apps/mcp-server/dist/bin.js) on a libSQL file database.
 *
 * Usage (from the repository root, after `pnpm --filter @incidents/mcp-server build`):
 *   node apps/mcp-server/bench/search-and-details.mjs [--incidents 100000] [--calls 500]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { IncidentSchema } from '@incidents/core';
import { createTursoStore } from '@incidents/store-turso';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const { values } = parseArgs({
  options: { incidents: { type: 'string', default: '100000' }, calls: { type: 'string', default: '500' } },
});
const TOTAL = Number(values.incidents);
const CALLS = Number(values.calls);
const WARMUP = 50;
const DEV = 'dev@bench.example';
const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');

const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const PRIORITY = { CRITICAL: 'P1', HIGH: 'P2', MEDIUM: 'P3', LOW: 'P4' };
const MINE = ['ASSIGNED', 'IN_PROGRESS', 'PENDING', 'RESOLVED'];
const OTHERS = ['ASSIGNED', 'IN_PROGRESS', 'PENDING', 'RESOLVED', 'CLOSED', 'CLOSED'];

/** Incident i: 1% assigned to DEV, 30% NEW and unassigned, the rest assigned to 50 other developers. */
function incident(i) {
  const created = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
  const id = `BENCH-${String(i).padStart(6, '0')}`;
  let status = 'NEW';
  let assignee;
  let severity = SEVERITIES[i % 4];
  if (i % 100 === 0) {
    assignee = DEV;
    status = MINE[(i / 100) % MINE.length];
    severity = SEVERITIES[Math.floor(i / 400) % 4];
  } else if (i % 10 >= 3) {
    assignee = `dev${i % 50}@bench.example`;
    status = OTHERS[i % OTHERS.length];
  }
  return IncidentSchema.parse({
    incident_id: id,
    version: 0,
    revision: 1,
    external_id: id,
    source_system: 'MANUAL',
    title: `Benchmark incident ${i}: ${['timeout', '502', 'OOM', 'disk full', 'TLS'][i % 5]} in service-${i % 37}`,
    description: `Synthetic incident ${i} for the MCP benchmark. `.repeat(8),
    category: ['Application', 'Infrastructure', 'Network', 'Database'][i % 4],
    severity,
    priority: PRIORITY[severity],
    status,
    ...(assignee ? { assigned_to: assignee, assigned_at: created } : {}),
    team: `team-${i % 12}`,
    created_at: created,
    updated_at: created,
    due_date: new Date(Date.parse(created) + 86_400_000).toISOString(),
    affected_systems: [`service-${i % 37}`],
    environment: 'PRODUCTION',
    technical_details: { error_messages: [`error ${i % 97}: upstream failed`] },
    ...(status === 'CLOSED' ? { kb_sync_status: { state: 'SYNCED', synced: true, sync_attempts: 1 } } : {}),
    metadata: { created_by: 'bench@bench.example', last_modified_by: 'bench@bench.example', version_notes: 'seeded' },
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(client, name, argsFor) {
  for (let i = 0; i < WARMUP; i++) await client.callTool({ name, arguments: argsFor(i) });
  const times = [];
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    const result = await client.callTool({ name, arguments: argsFor(i + WARMUP) });
    times.push(performance.now() - started);
    if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  }
  times.sort((a, b) => a - b);
  const f = (n) => n.toFixed(2);
  return {
    p50: f(percentile(times, 50)),
    p95: f(percentile(times, 95)),
    p99: f(percentile(times, 99)),
    max: f(times.at(-1)),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'incidents-mcp-bench-'));
const url = `file:${join(dir, 'incidents.db')}`;
try {
  const seedStarted = performance.now();
  const store = await createTursoStore({ url });
  const BATCH = 2_000;
  for (let start = 0; start < TOTAL; start += BATCH) {
    const writes = [];
    for (let i = start; i < Math.min(TOTAL, start + BATCH); i++) writes.push({ incident: incident(i) });
    await store.createIncidents(writes);
  }
  // The server refuses an actor that is not a registered user.
  await store.putUser({
    email: DEV,
    name: 'Bench developer',
    role: 'operator',
    active: true,
    created_at: new Date().toISOString(),
  });
  await store.close();
  const seedSeconds = ((performance.now() - seedStarted) / 1000).toFixed(1);

  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN],
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      INCIDENTS_DB_URL: url,
      INCIDENTS_HOME: join(dir, 'home'),
      INCIDENTS_ACTOR: DEV,
    },
    stderr: process.env.BENCH_STDERR ? 'inherit' : 'ignore',
  });
  const client = new Client({ name: 'incidents-mcp-bench', version: '0.0.0' });
  await client.connect(transport);

  let myCount = 0;
  let cursor;
  do {
    const page = await client.callTool({
      name: 'search_my_incidents',
      arguments: { limit: 100, ...(cursor ? { cursor } : {}) },
    });
    myCount += page.structuredContent.count;
    cursor = page.structuredContent.cursor;
  } while (cursor);
  const loadStart = loadavg()[0];
  const rows = {
    'search_my_incidents {limit: 20}': await measure(client, 'search_my_incidents', () => ({ limit: 20 })),
    'search_my_incidents {priority: P4, limit: 20} (assignee + priority key)': await measure(
      client,
      'search_my_incidents',
      () => ({
        priority: 'P4',
        limit: 20,
      }),
    ),
    'list_available_incidents {limit: 20}': await measure(client, 'list_available_incidents', () => ({ limit: 20 })),
    'get_incident_details (compact, random id)': await measure(client, 'get_incident_details', (i) => ({
      incident_id: `BENCH-${String((i * 7919) % TOTAL).padStart(6, '0')}`,
    })),
    'get_incident_details (full=true, random id)': await measure(client, 'get_incident_details', (i) => ({
      incident_id: `BENCH-${String((i * 104729) % TOTAL).padStart(6, '0')}`,
      full: true,
    })),
  };
  await client.close();
  const loadEnd = loadavg()[0];

  const lines = [
    `Incidents: ${TOTAL.toLocaleString('en-US')} (seeded with TursoStore.createIncidents in ${seedSeconds} s); ` +
      `open incidents assigned to the actor: ${myCount} (of ${TOTAL / 100} assigned; P1–P4 evenly); ` +
      `${CALLS} measured calls per row after ${WARMUP} warm-up calls.`,
    `Machine: Node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), libSQL file database in ${tmpdir()}; 1-min load average ${loadStart.toFixed(2)} → ${loadEnd.toFixed(2)}.`,
    '',
    '| call (stdio round trip) | p50 ms | p95 ms | p99 ms | max ms |',
    '|---|---:|---:|---:|---:|',
    ...Object.entries(rows).map(([k, r]) => `| ${k} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.max} |`),
  ];
  console.log(lines.join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Generates closed incident records for the benchmarks (written in bulk, as an import would). */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Incident, IncidentSchema } from '@incidents/core';
import { createTursoStore, type TursoStore } from '@incidents/store-turso';
import { THEMES } from '../test/support/desk.js';
import { type S3rverHandle, startS3rver as startS3rverIn } from '@incidents/test-support/s3rver';

const WORDS =
  'alpha bravo cache queue worker gateway proxy ingress pod node disk memory cpu latency timeout retry backoff deadlock index shard replica leader follower token oauth session cookie header payload schema migration rollback deploy canary feature flag cron batch export import invoice ledger payment refund order cart checkout search catalog email sms push mobile android ios browser cdn dns tls cert vpn firewall kafka redis postgres mysql mongo elastic s3 lambda queue topic stream consumer producer'.split(
    ' ',
  );

/** A deterministic pseudo-random generator (mulberry32). */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function words(rand: () => number, n: number): string {
  return Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
}

/** A closed incident, pending for the knowledge base. */
export function closedRecord(i: number, rand: () => number): Incident {
  const theme = THEMES[i % THEMES.length] as (typeof THEMES)[number];
  const id = `INC-${String(i).padStart(6, '0')}`;
  return IncidentSchema.parse({
    incident_id: id,
    version: 0,
    revision: 1,
    external_id: id,
    source_system: 'JIRA',
    title: `${theme.title} ${words(rand, 3)}`,
    description: `${theme.description}. ${words(rand, 25)}`,
    category: theme.category,
    severity: theme.severity,
    priority: 'P2',
    status: 'CLOSED',
    assigned_to: 'ana@example.com',
    team: theme.team,
    created_at: '2026-01-05T10:00:00.000Z',
    updated_at: '2026-01-05T12:00:00.000Z',
    resolved_at: '2026-01-05T11:30:00.000Z',
    closed_at: '2026-01-05T12:00:00.000Z',
    environment: 'PRODUCTION',
    cline_work: {
      started_at: '2026-01-05T10:05:00.000Z',
      last_updated: '2026-01-05T11:30:00.000Z',
      developer: 'ana@example.com',
      analysis: { root_cause: `${theme.root_cause} ${words(rand, 8)}` },
      progress_notes: [],
      solution: { description: theme.solution, steps: [words(rand, 6), words(rand, 6)] },
      time_tracking: { total_minutes: 60, sessions: [] },
    },
    resolution: {
      resolved_by: 'ana@example.com',
      resolved_at: '2026-01-05T11:30:00.000Z',
      resolution_type: 'FIXED',
      resolution_description: theme.solution,
      root_cause: theme.root_cause,
      documentation_updated: false,
    },
    kb_sync_status: { state: 'PENDING', synced: false, sync_attempts: 0 },
    tags: [theme.category.toLowerCase()],
    metadata: { created_by: 'ana@example.com', last_modified_by: 'ana@example.com' },
  });
}

/** A store-turso file database holding `count` closed, pending incidents. */
export async function seededStore(dir: string, name: string, count: number): Promise<TursoStore> {
  const store = await createTursoStore({ url: `file:${join(dir, `${name}.db`)}` });
  const rand = rng(42);
  for (let i = 0; i < count; i += 1000) {
    const writes = [];
    for (let j = i; j < Math.min(count, i + 1000); j++) writes.push({ incident: closedRecord(j, rand) });
    await store.createIncidents(writes);
  }
  return store;
}

/**
 * Where the benchmarks put their databases, documents and s3rver's data: `KB_BENCH_DIR` if set
 * (e.g. `/dev/shm`, to take a slow virtual disk's file creation out of the comparison), else the
 * system's temporary folder.
 */
export const benchBaseDir = (): string => process.env.KB_BENCH_DIR || tmpdir();

/** Starts s3rver with `bucket`, its data under {@link benchBaseDir}. */
export function startS3rver(bucket: string): Promise<S3rverHandle> {
  return startS3rverIn([bucket], { baseDir: benchBaseDir() });
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/**
 * Incident records for tests that do not go through the service (the one place they are built; the
 * store, connector and knowledge-base tests use them too).
 * @module
 */
import type { Status } from '../model/enums.js';
import { type Incident, IncidentSchema } from '../model/incident.js';
import type { OutboundItem } from '../ports/sync-store.js';

/** 2026-01-05T09:00:00.000Z, the creation time of every fixture. */
export const FIXTURE_CREATED_AT = '2026-01-05T09:00:00.000Z';

/** ISO time `minutes` after {@link FIXTURE_CREATED_AT}. */
export function fixtureTime(minutes: number): string {
  return new Date(Date.parse(FIXTURE_CREATED_AT) + minutes * 60_000).toISOString();
}

/** A valid NEW incident, parsed by the model schema; `overrides` are applied before parsing. */
export function incidentFixture(overrides: Partial<Incident> = {}): Incident {
  return IncidentSchema.parse({
    incident_id: 'INC-TEST',
    version: 0,
    revision: 1,
    external_id: 'INC-TEST',
    source_system: 'MANUAL',
    title: 'Checkout returns 502',
    description: 'Payments API answers 502 for EU cards',
    category: 'Application',
    severity: 'HIGH',
    priority: 'P2',
    status: 'NEW',
    created_at: FIXTURE_CREATED_AT,
    updated_at: FIXTURE_CREATED_AT,
    environment: 'PRODUCTION',
    metadata: { created_by: 'carla@example.com', last_modified_by: 'carla@example.com' },
    ...overrides,
  });
}

/**
 * A consistent incident in `status`, built by hand (not through the state machine): assigned from
 * ASSIGNED on (to ana, at minute 10), resolved at minute 60, closed at minute 90.
 */
export function incidentFixtureIn(status: Status, overrides: Partial<Incident> = {}): Incident {
  const assigned: Partial<Incident> =
    status === 'NEW' ? {} : { assigned_to: 'ana@example.com', assigned_at: fixtureTime(10) };
  const resolved: Partial<Incident> =
    status === 'RESOLVED' || status === 'CLOSED'
      ? {
          resolved_at: fixtureTime(60),
          resolution: {
            resolved_by: 'ana@example.com',
            resolved_at: fixtureTime(60),
            resolution_type: 'FIXED',
            resolution_description: 'Rolled back the payments deploy',
            root_cause: 'Bad TLS config',
            documentation_updated: false,
          },
        }
      : {};
  const closed: Partial<Incident> = status === 'CLOSED' ? { closed_at: fixtureTime(90) } : {};
  const base = incidentFixture({ ...assigned, ...resolved, ...closed, status, ...overrides });
  if (status !== 'NEW') base.metrics.response_time_minutes = 10;
  if (status === 'RESOLVED' || status === 'CLOSED') base.metrics.resolution_time_minutes = 60;
  return base;
}

/**
 * A realistic CLOSED incident waiting for the knowledge base (revision 7, resolved with a root cause,
 * a solution and commands), parsed by the model schema; `overrides` (with the id) are applied first.
 */
export function closedIncidentFixture(overrides: Partial<Incident> & { incident_id: string }): Incident {
  const base = {
    version: 0,
    revision: 7,
    external_id: overrides.incident_id,
    source_system: 'JIRA',
    title: 'Checkout returns 502 after deploy',
    description: 'Users get a 502 from the checkout API since the 10:00 deploy.',
    category: 'API',
    severity: 'HIGH',
    priority: 'P2',
    status: 'CLOSED',
    assigned_to: 'ana@example.com',
    team: 'payments',
    created_at: '2026-01-05T10:00:00.000Z',
    updated_at: '2026-01-05T12:00:00.000Z',
    resolved_at: '2026-01-05T11:30:00.000Z',
    closed_at: '2026-01-05T12:00:00.000Z',
    environment: 'PRODUCTION',
    affected_systems: ['checkout-api'],
    technical_details: { error_messages: ['upstream connect error'] },
    cline_work: {
      started_at: '2026-01-05T10:05:00.000Z',
      last_updated: '2026-01-05T11:30:00.000Z',
      developer: 'ana@example.com',
      analysis: { root_cause: 'connection pool exhausted', diagnosis: 'pool size 5 under load' },
      progress_notes: [],
      solution: {
        description: 'Raised the pool size and added a timeout',
        steps: ['Set POOL_SIZE=50', 'Redeploy'],
        code_changes: [{ file: 'src/db.ts', description: 'pool size from env', diff: '+pool: 50' }],
        commands_executed: ['kubectl rollout restart deploy/checkout'],
      },
      time_tracking: { total_minutes: 85, sessions: [] },
    },
    resolution: {
      resolved_by: 'ana@example.com',
      resolved_at: '2026-01-05T11:30:00.000Z',
      resolution_type: 'FIXED',
      resolution_description: 'Raised the pool size and added a timeout',
      root_cause: 'connection pool exhausted',
      documentation_updated: false,
    },
    metrics: { resolution_time_minutes: 90, reopened_count: 0, escalated: false, sla_breached: false },
    kb_sync_status: { state: 'PENDING', synced: false, sync_attempts: 0 },
    tags: ['checkout', 'db'],
    metadata: { created_by: 'ana@example.com', last_modified_by: 'ana@example.com' },
  };
  return IncidentSchema.parse({ ...base, ...overrides });
}

/**
 * A PENDING outbound comment `n` for Jira incident OPS-1 (`OUT-00n`, due at second `n` of 10:00),
 * used by the contract suite; `overrides` are applied last.
 */
export function outboundItemFixture(n: number, overrides: Partial<OutboundItem> = {}): OutboundItem {
  return {
    sync_id: `OUT-${String(n).padStart(3, '0')}`,
    incident_id: 'OPS-1',
    source_system: 'JIRA',
    external_id: 'OPS-1',
    connector: 'jira',
    sync_direction: 'TO_EXTERNAL',
    sync_type: 'COMMENT',
    payload: { text: `comment ${n}` },
    status: 'PENDING',
    attempts: 0,
    max_attempts: 3,
    created_at: '2026-01-05T10:00:00.000Z',
    next_attempt_at: `2026-01-05T10:00:${String(n).padStart(2, '0')}.000Z`,
    ...overrides,
  };
}

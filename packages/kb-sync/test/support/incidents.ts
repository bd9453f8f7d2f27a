/** Builders of realistic incident records for tests that do not go through the service. */
import { type Incident, IncidentSchema } from '@incidents/core';

export function closedIncident(overrides: Partial<Incident> & { incident_id: string }): Incident {
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

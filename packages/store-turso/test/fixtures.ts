import type { CreateIncidentWrite, Incident, Interaction, Priority, Severity, Status } from '@incidents/core';

const BASE = Date.parse('2026-01-05T09:00:00.000Z');

/** A complete, valid version 0 record, written without the service (for bulk and plan tests). */
export function incidentRecord(i: number, overrides: Partial<Incident> = {}): Incident {
  const statuses: Status[] = ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'PENDING', 'RESOLVED', 'CLOSED', 'CANCELLED'];
  const priorities: Priority[] = ['P1', 'P2', 'P3', 'P4'];
  const severities: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
  const status = statuses[i % statuses.length] as Status;
  const at = new Date(BASE + i * 60_000).toISOString();
  const id = `BULK-${String(i).padStart(6, '0')}`;
  return {
    incident_id: id,
    version: 0,
    revision: 1,
    external_id: id,
    source_system: 'MANUAL',
    title: `Incident ${i}`,
    description: 'generated',
    category: ['Network', 'Application', 'Database'][i % 3] as string,
    severity: severities[i % 4] as Severity,
    priority: priorities[(i >> 2) % 4] as Priority,
    status,
    ...(status !== 'NEW' ? { assigned_to: `dev${i % 20}@example.com`, assigned_at: at } : {}),
    team: `team-${i % 10}`,
    created_at: at,
    updated_at: at,
    due_date: new Date(BASE + i * 60_000 + 86_400_000).toISOString(),
    affected_systems: [],
    affected_services: [],
    environment: 'PRODUCTION',
    technical_details: {},
    attachments: [],
    sync_metadata: { needs_sync: false },
    metrics: { reopened_count: 0, escalated: false, sla_breached: false },
    kb_sync_status: { state: status === 'CLOSED' ? 'PENDING' : 'NOT_APPLICABLE', synced: false, sync_attempts: 0 },
    tags: [],
    labels: [],
    metadata: { created_by: 'loader@example.com', last_modified_by: 'loader@example.com', version_notes: 'created' },
    ...overrides,
  };
}

/** A timeline entry of `incident`. */
export function interactionRecord(incident: Incident, n: number, overrides: Partial<Interaction> = {}): Interaction {
  return {
    interaction_id: `${incident.incident_id}-I${String(n).padStart(5, '0')}`,
    incident_id: incident.incident_id,
    type: n % 5 === 0 ? 'status_change' : 'comment',
    author: 'ana@example.com',
    created_at: new Date(Date.parse(incident.created_at) + n * 1000).toISOString(),
    text: `entry ${n}`,
    visibility: n % 3 === 0 ? 'INTERNAL' : 'PUBLIC',
    source: 'MANUAL',
    revision: 1,
    metadata: {},
    ...overrides,
  };
}

/** `count` create writes, each with `perIncident` interactions. */
export function bulkWrites(count: number, perIncident = 0, offset = 0): CreateIncidentWrite[] {
  return Array.from({ length: count }, (_, k) => {
    const incident = incidentRecord(offset + k);
    return {
      incident,
      interactions: Array.from({ length: perIncident }, (_, n) => interactionRecord(incident, n + 1)),
    };
  });
}

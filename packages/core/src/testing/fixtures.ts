import { type Incident, IncidentSchema } from '../src/model/incident.js';
import type { Status } from '../src/model/enums.js';

/** 2026-01-05T09:00:00.000Z, the creation time of every fixture. */
export const CREATED_AT = '2026-01-05T09:00:00.000Z';

/** ISO time `minutes` after {@link CREATED_AT}. */
export function at(minutes: number): string {
  return new Date(Date.parse(CREATED_AT) + minutes * 60_000).toISOString();
}

/** A valid NEW incident, parsed by the model schema; `overrides` are applied before parsing. */
export function newIncident(overrides: Partial<Incident> = {}): Incident {
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
    created_at: CREATED_AT,
    updated_at: CREATED_AT,
    environment: 'PRODUCTION',
    metadata: { created_by: 'carla@example.com', last_modified_by: 'carla@example.com' },
    ...overrides,
  });
}

/**
 * A consistent incident in `status`, built by hand (not through the state machine): assigned from
 * ASSIGNED on (to ana, at minute 10), resolved at minute 60, closed at minute 90.
 */
export function incidentIn(status: Status, overrides: Partial<Incident> = {}): Incident {
  const assigned: Partial<Incident> = status === 'NEW' ? {} : { assigned_to: 'ana@example.com', assigned_at: at(10) };
  const resolved: Partial<Incident> =
    status === 'RESOLVED' || status === 'CLOSED'
      ? {
          resolved_at: at(60),
          resolution: {
            resolved_by: 'ana@example.com',
            resolved_at: at(60),
            resolution_type: 'FIXED',
            resolution_description: 'Rolled back the payments deploy',
            root_cause: 'Bad TLS config',
            documentation_updated: false,
          },
        }
      : {};
  const closed: Partial<Incident> = status === 'CLOSED' ? { closed_at: at(90) } : {};
  const base = newIncident({ ...assigned, ...resolved, ...closed, status, ...overrides });
  if (status !== 'NEW') base.metrics.response_time_minutes = 10;
  if (status === 'RESOLVED' || status === 'CLOSED') base.metrics.resolution_time_minutes = 60;
  return base;
}

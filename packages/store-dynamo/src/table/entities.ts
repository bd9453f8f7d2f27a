// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ElectroDB key templates are literal `${attribute}` strings
/**
 * The ElectroDB entities of the single table, grouped in one {@link Service}. Key templates match
 * {@link ./keys.ts}; derived key parts (`k_*`) are hidden attributes computed by the mappers in
 * `../store/items.ts`, so that sparse indexes are written only when their `condition` holds.
 *
 * @module
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type IncidentSchema, incidentSchema } from '@incidents/core';
import { Entity, Service } from 'electrodb';
import { VERSION_WIDTH } from './keys.js';

const SERVICE = 'incidents';
const none = 'none' as const;

/** Every field of the incident record, stored as a top-level attribute (snake_case, R-MODEL-1). */
const INCIDENT_FIELDS = Object.keys(incidentSchema().shape) as Array<keyof typeof IncidentSchema.shape>;

function incidentAttributes(): Record<
  string,
  { type: 'any' | 'string' | 'number'; hidden?: boolean; padding?: { length: number; char: string } }
> {
  const attrs: Record<
    string,
    { type: 'any' | 'string' | 'number'; hidden?: boolean; padding?: { length: number; char: string } }
  > = {};
  for (const field of INCIDENT_FIELDS) attrs[field] = { type: 'any' };
  attrs.incident_id = { type: 'string' };
  attrs.version = { type: 'number', padding: { length: VERSION_WIDTH, char: '0' } };
  attrs.status = { type: 'string' };
  attrs.priority = { type: 'string' };
  attrs.category = { type: 'string' };
  attrs.source_system = { type: 'string' };
  attrs.external_id = { type: 'string' };
  return attrs;
}

/** Hidden attributes holding derived key parts (never returned to callers). */
const hidden = (names: string[]) =>
  Object.fromEntries(names.map((n) => [n, { type: 'string' as const, hidden: true }]));

const versionIndex = {
  pk: { field: 'pk', composite: ['incident_id'], template: 'INC#${incident_id}', casing: none },
  sk: { field: 'sk', composite: ['version'], template: 'V#${version}', casing: none },
};

/** Builds the entities over a client and table. */
export function createEntities(client: DynamoDBDocumentClient, table: string) {
  const config = { client, table };

  const incident = new Entity(
    {
      model: { entity: 'incident', service: SERVICE, version: '1' },
      attributes: {
        ...incidentAttributes(),
        ...hidden(['k_created', 'k_status_rank', 'k_severity_rank', 'k_assignee', 'k_team', 'k_due', 'k_kb']),
      },
      indexes: {
        current: versionIndex,
        byStatus: {
          index: 'gsi1',
          pk: { field: 'gsi1pk', composite: ['status'], template: 'STATUS#${status}', casing: none },
          sk: {
            field: 'gsi1sk',
            composite: ['priority', 'k_created', 'incident_id'],
            template: '${priority}#${k_created}#${incident_id}',
            casing: none,
          },
        },
        byAssignee: {
          index: 'gsi2',
          /** Sparse index: only assigned incidents. */
          condition: (a: Record<string, unknown>) => Boolean(a.k_assignee),
          pk: { field: 'gsi2pk', composite: ['k_assignee'], template: 'ASSIGNEE#${k_assignee}', casing: none },
          sk: {
            field: 'gsi2sk',
            composite: ['k_status_rank', 'priority', 'k_created', 'incident_id'],
            template: '${k_status_rank}#${priority}#${k_created}#${incident_id}',
            casing: none,
          },
        },
        byTeam: {
          index: 'gsi3',
          /** Sparse index: only incidents with a team. */
          condition: (a: Record<string, unknown>) => Boolean(a.k_team),
          pk: { field: 'gsi3pk', composite: ['k_team'], template: 'TEAM#${k_team}', casing: none },
          sk: {
            field: 'gsi3sk',
            composite: ['k_status_rank', 'k_created', 'incident_id'],
            template: '${k_status_rank}#${k_created}#${incident_id}',
            casing: none,
          },
        },
        byCategory: {
          index: 'gsi4',
          projection: 'keys_only',
          pk: { field: 'gsi4pk', composite: ['category'], template: 'CATEGORY#${category}', casing: none },
          sk: {
            field: 'gsi4sk',
            composite: ['k_severity_rank', 'k_created', 'incident_id'],
            template: '${k_severity_rank}#${k_created}#${incident_id}',
            casing: none,
          },
        },
        bySource: {
          index: 'gsi5',
          projection: 'keys_only',
          pk: { field: 'gsi5pk', composite: ['source_system'], template: 'SOURCE#${source_system}', casing: none },
          sk: { field: 'gsi5sk', composite: ['external_id'], template: '${external_id}', casing: none },
        },
        byDue: {
          index: 'gsi6',
          /** Sparse index: only incidents with a due date. */
          condition: (a: Record<string, unknown>) => Boolean(a.k_due),
          pk: { field: 'gsi6pk', composite: ['status'], template: 'STATUS#${status}', casing: none },
          sk: {
            field: 'gsi6sk',
            composite: ['k_due', 'incident_id'],
            template: '${k_due}#${incident_id}',
            casing: none,
          },
        },
        kbPending: {
          index: 'gsi7',
          /** Sparse index: only incidents waiting for the knowledge base. */
          condition: (a: Record<string, unknown>) => Boolean(a.k_kb),
          pk: { field: 'gsi7pk', composite: ['k_kb'], template: 'KB#${k_kb}', casing: none },
          sk: { field: 'gsi7sk', composite: ['incident_id'], template: '${incident_id}', casing: none },
        },
      },
    } as const,
    config,
  );

  const incidentVersion = new Entity(
    {
      model: { entity: 'incident_version', service: SERVICE, version: '1' },
      attributes: incidentAttributes(),
      indexes: { history: versionIndex },
    } as const,
    config,
  );

  const interaction = new Entity(
    {
      model: { entity: 'interaction', service: SERVICE, version: '1' },
      attributes: {
        interaction_id: { type: 'string' },
        incident_id: { type: 'string' },
        type: { type: 'string' },
        author: { type: 'string' },
        created_at: { type: 'string' },
        text: { type: 'string' },
        visibility: { type: 'string' },
        source: { type: 'string' },
        external_id: { type: 'string' },
        revision: { type: 'number' },
        metadata: { type: 'any' },
        ...hidden(['k_created']),
      },
      indexes: {
        timeline: {
          pk: { field: 'pk', composite: ['incident_id'], template: 'INC#${incident_id}', casing: none },
          sk: {
            field: 'sk',
            composite: ['k_created', 'interaction_id'],
            template: 'I#${k_created}#${interaction_id}',
            casing: none,
          },
        },
      },
    } as const,
    config,
  );

  const sourceRecord = new Entity(
    {
      model: { entity: 'source_record', service: SERVICE, version: '1' },
      attributes: {
        incident_id: { type: 'string' },
        source_system: { type: 'string' },
        record_id: { type: 'string' },
        url: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'string' },
        priority: { type: 'string' },
        author: { type: 'string' },
        created_at: { type: 'string' },
        updated_at: { type: 'string' },
        data: { type: 'any' },
        ...hidden(['k_created', 'k_updated', 'k_priority', 'k_state']),
      },
      indexes: {
        records: {
          pk: { field: 'pk', composite: ['incident_id'], template: 'INC#${incident_id}', casing: none },
          sk: {
            field: 'sk',
            composite: ['source_system', 'record_id'],
            template: 'SRC#${source_system}#${record_id}',
            casing: none,
          },
        },
        byPriority: {
          index: 'gsi1',
          /** Sparse index: only source records with a priority. */
          condition: (a: Record<string, unknown>) => Boolean(a.k_priority),
          pk: { field: 'gsi1pk', composite: ['k_priority'], template: 'SRC_PRIORITY#${k_priority}', casing: none },
          sk: {
            field: 'gsi1sk',
            composite: ['k_created', 'incident_id', 'source_system', 'record_id'],
            template: '${k_created}#${incident_id}#${source_system}#${record_id}',
            casing: none,
          },
        },
        bySystem: {
          index: 'gsi5',
          projection: 'keys_only',
          pk: { field: 'gsi5pk', composite: ['source_system'], template: 'SRC_SYSTEM#${source_system}', casing: none },
          sk: {
            field: 'gsi5sk',
            composite: ['record_id', 'incident_id'],
            template: '${record_id}#${incident_id}',
            casing: none,
          },
        },
        byState: {
          index: 'gsi6',
          /** Sparse index: only source records with a state. */
          condition: (a: Record<string, unknown>) => Boolean(a.k_state),
          pk: { field: 'gsi6pk', composite: ['k_state'], template: 'SRC_STATE#${k_state}', casing: none },
          sk: {
            field: 'gsi6sk',
            composite: ['k_updated', 'incident_id', 'source_system', 'record_id'],
            template: '${k_updated}#${incident_id}#${source_system}#${record_id}',
            casing: none,
          },
        },
      },
    } as const,
    config,
  );

  const sourceGuard = new Entity(
    {
      model: { entity: 'source_guard', service: SERVICE, version: '1' },
      attributes: {
        source_system: { type: 'string' },
        external_id: { type: 'string' },
        incident_id: { type: 'string' },
      },
      indexes: {
        guard: {
          pk: {
            field: 'pk',
            composite: ['source_system', 'external_id'],
            template: 'SOURCE#${source_system}#${external_id}',
            casing: none,
          },
          sk: { field: 'sk', composite: [], template: 'GUARD', casing: none },
        },
      },
    } as const,
    config,
  );

  const user = new Entity(
    {
      model: { entity: 'user', service: SERVICE, version: '1' },
      attributes: {
        email: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        team: { type: 'string' },
        active: { type: 'boolean' },
        created_at: { type: 'string' },
        ...hidden(['k_users']),
      },
      indexes: {
        profile: {
          pk: { field: 'pk', composite: ['email'], template: 'USER#${email}', casing: none },
          sk: { field: 'sk', composite: [], template: 'PROFILE', casing: none },
        },
        directory: {
          index: 'gsi7',
          pk: { field: 'gsi7pk', composite: ['k_users'], template: 'USERS#${k_users}', casing: none },
          sk: { field: 'gsi7sk', composite: ['email'], template: '${email}', casing: none },
        },
      },
    } as const,
    config,
  );

  const syncQueueItem = new Entity(
    {
      model: { entity: 'sync_queue_item', service: SERVICE, version: '1' },
      attributes: {
        sync_id: { type: 'string' },
        timestamp: { type: 'string' },
        incident_id: { type: 'string' },
        source_system: { type: 'string' },
        sync_direction: { type: 'string' },
        sync_type: { type: 'string' },
        payload: { type: 'any' },
        status: { type: 'string' },
        attempts: { type: 'number' },
        max_attempts: { type: 'number' },
        last_attempt_at: { type: 'string' },
        completed_at: { type: 'string' },
        error_message: { type: 'string' },
        ttl: { type: 'number' },
      },
      indexes: {
        item: {
          pk: { field: 'pk', composite: ['sync_id'], template: 'SYNC#${sync_id}', casing: none },
          sk: { field: 'sk', composite: ['timestamp'], template: 'TS#${timestamp}', casing: none },
        },
        byStatus: {
          index: 'gsi7',
          pk: { field: 'gsi7pk', composite: ['status'], template: 'SYNCQ#${status}', casing: none },
          sk: {
            field: 'gsi7sk',
            composite: ['timestamp', 'sync_id'],
            template: '${timestamp}#${sync_id}',
            casing: none,
          },
        },
      },
    } as const,
    config,
  );

  const metricRollup = new Entity(
    {
      model: { entity: 'metric_rollup', service: SERVICE, version: '1' },
      attributes: {
        metric_key: { type: 'string' },
        metric_type: { type: 'string' },
        scope: { type: 'string' },
        scope_id: { type: 'string' },
        period: { type: 'string' },
        period_start: { type: 'string' },
        period_end: { type: 'string' },
        report: { type: 'any' },
        last_calculated_at: { type: 'string' },
        ttl: { type: 'number' },
      },
      indexes: {
        rollup: {
          pk: { field: 'pk', composite: ['metric_key'], template: 'METRIC#${metric_key}', casing: none },
          sk: { field: 'sk', composite: ['metric_type'], template: '${metric_type}', casing: none },
        },
      },
    } as const,
    config,
  );

  const service = new Service(
    { incident, incidentVersion, interaction, sourceRecord, sourceGuard, user, syncQueueItem, metricRollup },
    config,
  );
  return {
    service,
    incident,
    incidentVersion,
    interaction,
    sourceRecord,
    sourceGuard,
    user,
    syncQueueItem,
    metricRollup,
  };
}

/** The entities of one table. */
export type Entities = ReturnType<typeof createEntities>;

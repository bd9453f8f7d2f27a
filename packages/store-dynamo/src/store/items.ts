/**
 * Mappers between the core model and the table's items: derived key parts (`k_*`) on the way in,
 * key and bookkeeping attributes stripped (and the record validated) on the way out.
 *
 * @module
 */
import {
  type Incident,
  incidentSchema,
  type Interaction,
  interactionSchema,
  type SourceRecord,
  sourceRecordSchema,
  type User,
  userSchema,
} from '@incidents/core';
import { severityRank, statusRank, utcKey } from '../table/keys.js';

/** Item = plain attribute map. */
export type Item = Record<string, unknown>;

/** A deep copy without `undefined` values (DynamoDB rejects them; records must round-trip exactly). */
export function clean<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => clean(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) out[k] = clean(v);
    return out as T;
  }
  return value;
}

const KB_PENDING_STATES = new Set(['PENDING', 'FAILED', 'WITHDRAW_PENDING']);

/** Whether an incident belongs in the sparse knowledge-base index. */
export function isKbPending(incident: Incident): boolean {
  return KB_PENDING_STATES.has(incident.kb_sync_status.state);
}

/** Attributes of version 0 (the current record), including the derived key parts of its indexes. */
export function currentItem(incident: Incident): Item {
  return {
    ...clean(incident),
    version: 0,
    k_created: utcKey(incident.created_at),
    k_status_rank: statusRank(incident.status),
    k_severity_rank: severityRank(incident.severity),
    k_assignee: incident.assigned_to ?? '',
    k_team: incident.team ?? '',
    k_due: incident.due_date ? utcKey(incident.due_date) : '',
    k_kb: isKbPending(incident) ? 'PENDING' : '',
  };
}

/** Attributes of history version `version` (a snapshot; no index keys). */
export function versionItem(incident: Incident, version: number): Item {
  return { ...clean(incident), version };
}

/** Attributes of an interaction item. */
export function interactionItem(interaction: Interaction, incidentId = interaction.incident_id): Item {
  return { ...clean(interaction), incident_id: incidentId, k_created: utcKey(interaction.created_at) };
}

/** Attributes of a source-record item (R-SOURCE-3: `<system>#<record id>` under the incident). */
export function sourceRecordItem(record: SourceRecord, incidentId = record.incident_id): Item {
  return {
    ...clean(record),
    incident_id: incidentId,
    k_created: utcKey(record.created_at),
    k_updated: utcKey(record.updated_at),
    k_priority: record.priority ?? '',
    k_state: record.status ?? '',
  };
}

/** Attributes of a user item. */
export function userItem(user: User): User & { k_users: string } {
  return { ...clean(user), k_users: 'ALL' };
}

const INTERNAL = /^(pk|sk|gsi\dpk|gsi\dsk|k_.*|__edb_e__|__edb_v__|ttl)$/;

/** The item's own attributes, without keys and bookkeeping. */
export function strip(item: Item): Item {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (!INTERNAL.test(k)) out[k] = v;
  return out;
}

/** Parses an incident item (version 0 or history). */
export function toIncident(item: Item): Incident {
  return incidentSchema().parse(strip(item));
}

/** Parses an interaction item. */
export function toInteraction(item: Item): Interaction {
  return interactionSchema().parse(strip(item));
}

/** Parses a source-record item. */
export function toSourceRecord(item: Item): SourceRecord {
  return sourceRecordSchema().parse(strip(item));
}

/** Parses a user item. */
export function toUser(item: Item): User {
  return userSchema().parse(strip(item));
}

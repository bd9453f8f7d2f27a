/**
 * Key vocabulary of the single-table design: physical attribute and index names, and the functions
 * that build the key values the ElectroDB entities write (the entities use the same templates).
 *
 * @module
 */
import { SEVERITIES, STATUSES, type Severity, type Status } from '@incidents/core';

/** Partition key attribute of the table. */
export const PK = 'pk';
/** Sort key attribute of the table. */
export const SK = 'sk';
/** TTL attribute (epoch seconds) of sync-queue items and metric rollups. */
export const TTL_ATTRIBUTE = 'ttl';

/** The global secondary indexes, their key attributes and projection. */
export const INDEXES = {
  /** GSI-1 (R-ACCESS-1): status / priority#created_at (ALL). Also the priority view of source records (R-SOURCE-3). */
  gsi1: { pk: 'gsi1pk', sk: 'gsi1sk', projection: 'ALL' },
  /** GSI-2 (R-ACCESS-2): assigned_to / status#priority (ALL). */
  gsi2: { pk: 'gsi2pk', sk: 'gsi2sk', projection: 'ALL' },
  /** GSI-3 (R-ACCESS-3): team / status#created_at (ALL). */
  gsi3: { pk: 'gsi3pk', sk: 'gsi3sk', projection: 'ALL' },
  /** GSI-4 (R-ACCESS-4): category / severity#created_at (KEYS_ONLY). */
  gsi4: { pk: 'gsi4pk', sk: 'gsi4sk', projection: 'KEYS_ONLY' },
  /** GSI-5 (R-ACCESS-5): source_system / external_id (KEYS_ONLY). Also the source view of source records (R-SOURCE-3). */
  gsi5: { pk: 'gsi5pk', sk: 'gsi5sk', projection: 'KEYS_ONLY' },
  /** GSI-6 (R-ACCESS-6): status / due_date (ALL). Also the state view of source records (R-SOURCE-3). */
  gsi6: { pk: 'gsi6pk', sk: 'gsi6sk', projection: 'ALL' },
  /** Sparse lists: incidents pending for the knowledge base, the user directory, the sync queue by status. */
  gsi7: { pk: 'gsi7pk', sk: 'gsi7sk', projection: 'ALL' },
} as const;

/** Name of a global secondary index of the table. */
export type IndexName = keyof typeof INDEXES;

/** Width of the zero-padded version number in sort keys (`V#0000000000` is version 0). */
export const VERSION_WIDTH = 10;

/** One digit per status, in the canonical order (`NEW` = 1 … `CANCELLED` = 7). */
export function statusRank(status: Status): string {
  return String(STATUSES.indexOf(status) + 1);
}

/** One digit per severity, by urgency (`CRITICAL` = 1 … `LOW` = 4), so that sort keys order by urgency. */
export function severityRank(severity: Severity): string {
  return String(SEVERITIES.indexOf(severity) + 1);
}

/** A timestamp as UTC ISO 8601, so that key order is time order whatever offset the input had. */
export function utcKey(timestamp: string): string {
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? timestamp : new Date(ms).toISOString();
}

/** Primary key of an incident version (0 = current). */
export function incidentKey(incidentId: string, version = 0): Record<string, string> {
  return { [PK]: `INC#${incidentId}`, [SK]: `V#${String(version).padStart(VERSION_WIDTH, '0')}` };
}

/** Partition key value of an incident's item collection. */
export function incidentPartition(incidentId: string): string {
  return `INC#${incidentId}`;
}

/** Primary key of the (source_system, external_id) uniqueness item. */
export function sourceGuardKey(sourceSystem: string, externalId: string): Record<string, string> {
  return { [PK]: `SOURCE#${sourceSystem}#${externalId}`, [SK]: 'GUARD' };
}

/** Sort-key prefixes inside an incident's item collection. */
export const COLLECTION_PREFIX = { version: 'V#', interaction: 'I#', sourceRecord: 'SRC#' } as const;

/** Partition key values of the GSIs (what a Query's key condition names). */
export const indexPartition = {
  status: (status: Status) => `STATUS#${status}`,
  assignee: (email: string) => `ASSIGNEE#${email}`,
  team: (team: string) => `TEAM#${team}`,
  category: (category: string) => `CATEGORY#${category}`,
  source: (system: string) => `SOURCE#${system}`,
  due: (status: Status) => `STATUS#${status}`,
  kbPending: () => 'KB#PENDING',
  users: () => 'USERS#ALL',
  syncQueue: (status: string) => `SYNCQ#${status}`,
  sourceRecordPriority: (priority: string) => `SRC_PRIORITY#${priority}`,
  sourceRecordState: (state: string) => `SRC_STATE#${state}`,
  sourceRecordSystem: (system: string) => `SRC_SYSTEM#${system}`,
} as const;

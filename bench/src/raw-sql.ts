/**
 * The raw `@libsql/client` baseline: the same rows and statements the libSQL store writes (read from
 * `packages/store-turso/src/store.ts` and `rows.ts`), built by hand without the SDK's validation,
 * permission checks or state machine. `compareStoredRows` checks after every run that the baseline
 * really wrote what the SDK wrote, so a ratio is never taken against different work.
 *
 * @module
 */
import type { Incident, Interaction } from '@incidents/core';
import type { Client, InStatement, InValue } from '@libsql/client';

/** Writable columns of `incidents`, in the store's insert order (migration 001). */
export const INCIDENT_COLUMNS = [
  'incident_id',
  'revision',
  'external_id',
  'source_system',
  'source_url',
  'title',
  'description',
  'category',
  'subcategory',
  'severity',
  'priority',
  'status',
  'assigned_to',
  'assigned_at',
  'team',
  'created_at',
  'updated_at',
  'due_date',
  'resolved_at',
  'closed_at',
  'affected_systems',
  'affected_services',
  'environment',
  'technical_details',
  'cline_work',
  'resolution',
  'attachments',
  'sync_metadata',
  'metrics',
  'kb_sync_status',
  'tags',
  'labels',
  'metadata',
  'merged_into',
] as const;

/** Writable columns of `interactions`. */
export const INTERACTION_COLUMNS = [
  'interaction_id',
  'incident_id',
  'type',
  'author',
  'created_at',
  'text',
  'visibility',
  'source',
  'external_id',
  'revision',
  'metadata',
] as const;

/** Columns of `incident_versions`. */
export const VERSION_COLUMNS = [
  'incident_id',
  'version',
  'changed_at',
  'changed_by',
  'version_notes',
  'snapshot',
] as const;

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const orNull = (v: string | undefined): InValue => v ?? null;
const jsonOrNull = (v: unknown): InValue => (v === undefined ? null : JSON.stringify(v));

/** Column values of version 0, in {@link INCIDENT_COLUMNS} order. */
export function incidentValues(i: Incident): InValue[] {
  return [
    i.incident_id,
    i.revision,
    i.external_id,
    i.source_system,
    orNull(i.source_url),
    i.title,
    i.description,
    i.category,
    orNull(i.subcategory),
    i.severity,
    i.priority,
    i.status,
    orNull(i.assigned_to),
    orNull(i.assigned_at),
    orNull(i.team),
    i.created_at,
    i.updated_at,
    orNull(i.due_date),
    orNull(i.resolved_at),
    orNull(i.closed_at),
    JSON.stringify(i.affected_systems),
    JSON.stringify(i.affected_services),
    i.environment,
    JSON.stringify(i.technical_details),
    jsonOrNull(i.cline_work),
    jsonOrNull(i.resolution),
    JSON.stringify(i.attachments),
    JSON.stringify(i.sync_metadata),
    JSON.stringify(i.metrics),
    JSON.stringify(i.kb_sync_status),
    JSON.stringify(i.tags),
    JSON.stringify(i.labels),
    JSON.stringify(i.metadata),
    orNull(i.merged_into),
  ];
}

/** Values of history version `version` (the full record as JSON in `snapshot`). */
export function versionValues(i: Incident, version: number): InValue[] {
  return [
    i.incident_id,
    version,
    i.updated_at,
    i.metadata.last_modified_by,
    i.metadata.version_notes ?? null,
    JSON.stringify({ ...i, version }),
  ];
}

/** Column values of an interaction, in {@link INTERACTION_COLUMNS} order. */
export function interactionValues(i: Interaction): InValue[] {
  return [
    i.interaction_id,
    i.incident_id,
    i.type,
    i.author,
    i.created_at,
    i.text,
    i.visibility,
    i.source,
    orNull(i.external_id),
    i.revision ?? null,
    JSON.stringify(i.metadata),
  ];
}

/** A random write token, as the store stores in `incidents.write_id`. */
export const writeToken = (): string => globalThis.crypto.randomUUID();

const INSERT_INCIDENT = `INSERT INTO incidents (${INCIDENT_COLUMNS.join(', ')}, write_id) VALUES (${marks(INCIDENT_COLUMNS.length + 1)})`;
const INSERT_VERSION = `INSERT INTO incident_versions (${VERSION_COLUMNS.join(', ')})`;
const INSERT_INTERACTION = `INSERT INTO interactions (${INTERACTION_COLUMNS.join(', ')})`;
/** The store's UPDATE: `kb_sync_status` takes a keep flag (0 here: the record's value is written) and the value. */
const UPDATE_INCIDENT = `UPDATE incidents SET ${INCIDENT_COLUMNS.slice(1)
  .map((c) => (c === 'kb_sync_status' ? 'kb_sync_status = CASE WHEN ? THEN kb_sync_status ELSE ? END' : `${c} = ?`))
  .join(', ')}, write_id = ? WHERE incident_id = ? AND revision = ?`;
const KB_ARG = INCIDENT_COLUMNS.indexOf('kb_sync_status') - 1;
/** The store's guard: later statements of a change land only if its conditional UPDATE did. */
const WRITTEN = 'EXISTS (SELECT 1 FROM incidents WHERE incident_id = ? AND write_id = ?)';

/** The batch that creates an incident: version 0 and history version 1 (plus interactions, if any). */
export function createStatements(incident: Incident, interactions: readonly Interaction[] = []): InStatement[] {
  return [
    { sql: INSERT_INCIDENT, args: [...incidentValues(incident), writeToken()] },
    { sql: `${INSERT_VERSION} VALUES (${marks(VERSION_COLUMNS.length)})`, args: versionValues(incident, 1) },
    ...interactions.map((row) => ({
      sql: `${INSERT_INTERACTION} VALUES (${marks(INTERACTION_COLUMNS.length)})`,
      args: interactionValues(row),
    })),
  ];
}

/**
 * The batch of one change: version 0 updated only if its revision is still `expectedRevision`, then
 * history version `incident.revision` and the interactions, each guarded by the UPDATE's write token.
 */
export function updateStatements(
  incident: Incident,
  expectedRevision: number,
  interactions: readonly Interaction[],
): InStatement[] {
  const token = writeToken();
  const id = incident.incident_id;
  const [, ...columns] = incidentValues(incident);
  columns.splice(KB_ARG, 0, 0);
  return [
    { sql: UPDATE_INCIDENT, args: [...columns, token, id, expectedRevision] },
    {
      sql: `${INSERT_VERSION} SELECT ${marks(VERSION_COLUMNS.length)} WHERE ${WRITTEN}`,
      args: [...versionValues(incident, incident.revision), id, token],
    },
    ...interactions.map((row) => ({
      sql: `${INSERT_INTERACTION} SELECT ${marks(INTERACTION_COLUMNS.length)} WHERE ${WRITTEN}`,
      args: [...interactionValues(row), id, token],
    })),
  ];
}

/** `INSERT … VALUES (…), (…), …` statements of at most `rowsPerStatement` rows each. */
export function multiRowInserts(
  table: string,
  columns: readonly string[],
  rows: InValue[][],
  rowsPerStatement = 400,
): InStatement[] {
  const out: InStatement[] = [];
  const tuple = `(${marks(columns.length)})`;
  for (let i = 0; i < rows.length; i += rowsPerStatement) {
    const chunk = rows.slice(i, i + rowsPerStatement);
    out.push({
      sql: `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`,
      args: chunk.flat(),
    });
  }
  return out;
}

/** The multi-row INSERTs that create `incidents` (version 0 + history version 1), as the store's bulk create does. */
export function bulkCreateStatements(incidents: readonly Incident[]): InStatement[] {
  return [
    ...multiRowInserts(
      'incidents',
      [...INCIDENT_COLUMNS, 'write_id'],
      incidents.map((i) => [...incidentValues(i), writeToken()]),
    ),
    ...multiRowInserts(
      'incident_versions',
      VERSION_COLUMNS,
      incidents.map((i) => versionValues(i, 1)),
    ),
  ];
}

/**
 * What a stored value looks like with the run-specific parts (ids, times, numbers measured from the
 * clock, free text) blanked out: enumerations, booleans, key sets and nesting are kept.
 */
export function shapeOf(value: unknown, key = ''): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => shapeOf(v, key));
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, shapeOf((value as Record<string, unknown>)[k], k)]),
    );
  }
  if (typeof value === 'string') {
    if (KEPT_KEYS.has(key)) return value;
    if (JSON_COLUMNS.has(key) && /^[[{]/.test(value)) return shapeOf(JSON.parse(value), key);
    return 'string';
  }
  if (typeof value === 'number') return KEPT_KEYS.has(key) ? value : 'number';
  return value;
}

const KEPT_KEYS = new Set([
  'status',
  'severity',
  'priority',
  'environment',
  'source_system',
  'type',
  'visibility',
  'source',
  'state',
  'version',
  'revision',
  'resolution_type',
  'from',
  'to',
  'kind',
]);
const JSON_COLUMNS = new Set([
  ...INCIDENT_COLUMNS.filter((c) => !['incident_id', 'external_id', 'title', 'description', 'category'].includes(c)),
  'snapshot',
  'metadata',
]);

/** A stored value with its JSON text parsed and object keys sorted (key order is not data). */
export function canonical(value: unknown, key = ''): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => canonical(v));
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  if (typeof value === 'string' && JSON_COLUMNS.has(key) && /^[[{]/.test(value)) return canonical(JSON.parse(value));
  return value;
}

/**
 * Compares what two databases hold for one incident each (version 0, every history version, every
 * interaction), by {@link shapeOf} — or value for value ({@link canonical}) with `exact`, for writes of the
 * same records.
 * `write_id` (a random token) is never compared. Returns the differences (empty when both wrote the
 * same rows).
 */
export async function compareStoredRows(
  a: { client: Client; incidentId: string },
  b: { client: Client; incidentId: string },
  options: { exact?: boolean } = {},
): Promise<string[]> {
  const read = async (side: { client: Client; incidentId: string }) => {
    const [incident, versions, interactions] = await side.client.batch(
      [
        { sql: `SELECT ${INCIDENT_COLUMNS.join(', ')} FROM incidents WHERE incident_id = ?`, args: [side.incidentId] },
        {
          sql: `SELECT ${VERSION_COLUMNS.join(', ')} FROM incident_versions WHERE incident_id = ? ORDER BY version`,
          args: [side.incidentId],
        },
        {
          sql: `SELECT ${INTERACTION_COLUMNS.join(', ')} FROM interactions WHERE incident_id = ? ORDER BY created_at, interaction_id`,
          args: [side.incidentId],
        },
      ],
      'read',
    );
    const plain = (rows: readonly Record<string, unknown>[] | undefined, columns: readonly string[]) =>
      (rows ?? []).map((r) =>
        Object.fromEntries(columns.map((c) => [c, options.exact ? canonical(r[c], c) : shapeOf(r[c], c)])),
      );
    return {
      incident: plain(incident?.rows, INCIDENT_COLUMNS),
      versions: plain(versions?.rows, VERSION_COLUMNS),
      interactions: plain(interactions?.rows, INTERACTION_COLUMNS),
    };
  };
  const [left, right] = await Promise.all([read(a), read(b)]);
  const diffs: string[] = [];
  for (const part of ['incident', 'versions', 'interactions'] as const) {
    const l = left[part];
    const r = right[part];
    if (l.length !== r.length) diffs.push(`${part}: ${l.length} row(s) vs ${r.length}`);
    for (let i = 0; i < Math.min(l.length, r.length); i++) {
      const ls = JSON.stringify(l[i]);
      const rs = JSON.stringify(r[i]);
      if (ls !== rs) diffs.push(`${part}[${i}]:\n  SDK ${ls}\n  raw ${rs}`);
    }
  }
  return diffs;
}

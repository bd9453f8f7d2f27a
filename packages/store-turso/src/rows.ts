/**
 * Mapping between the model (`Incident`, `Interaction`, `SourceRecord`, `User`) and table rows.
 * Writes store scalars as columns and nested groups as JSON text; reads rebuild the record without
 * adding keys for NULL columns and validate it with the model's schema.
 *
 * @module
 */
import {
  type Incident,
  type IncidentAccess,
  incidentSchema,
  IncidentsError,
  INTERACTION_SOURCES,
  type Interaction,
  interactionSchema,
  type SourceRecord,
  sourceRecordSchema,
  type User,
  type UserCredentials,
  userCredentialsSchema,
  userSchema,
} from '@incidents/core';
import type { InValue, Row } from '@libsql/client';
import type * as z from 'zod';

/** Scalar columns of `incidents` that are optional in the model (NULL ↔ key absent). */
export const OPTIONAL_TEXT = [
  'source_url',
  'subcategory',
  'assigned_to',
  'assigned_at',
  'team',
  'due_date',
  'resolved_at',
  'closed_at',
  'merged_into',
] as const;

/** Writable columns of `incidents`, in insert order (the generated sort keys are left to SQLite). */
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

/** Columns of `incidents` holding JSON text (nested groups and arrays). */
const INCIDENT_JSON_COLUMNS: ReadonlySet<string> = new Set([
  'affected_systems',
  'affected_services',
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
]);

/**
 * Builds the `SELECT` expression of one JSON document per row over `columns`: SQLite assembles the
 * whole record as one JSON text in C, so the driver converts one value per row instead of one per
 * column (several times faster for wide rows through `@libsql/client`), and JavaScript parses it once.
 *
 * The text is concatenated rather than built with `json_object(…)` so that a NULL column leaves its
 * key out (`CASE WHEN c IS NULL THEN '' ELSE ',"c":…' END`): an absent optional field is absent from
 * the parsed object, and JavaScript never has to `delete` keys (which turns an object into a slow
 * dictionary, for the reader and for every later use of the record). Scalars go through
 * `json_quote` (text is escaped, numbers stay numbers); the JSON columns hold the text the store
 * wrote with `JSON.stringify`, embedded as it is (a corrupted one makes the row fail to parse:
 * `store.corrupt_row`). Keys keep the column order.
 */
function jsonSelect(
  columns: readonly string[],
  jsonColumns: ReadonlySet<string>,
  nullable: ReadonlySet<string>,
): string {
  if (nullable.has(columns[0] as string)) throw new Error('the first column of a document must be NOT NULL');
  const parts = columns.map((c, i) => {
    const piece = `'${i === 0 ? '{' : ','}"${c}":' || ${jsonColumns.has(c) ? c : `json_quote(${c})`}`;
    return nullable.has(c) ? `CASE WHEN ${c} IS NULL THEN '' ELSE ${piece} END` : piece;
  });
  return `${parts.join(' || ')} || '}' AS doc`;
}

/** `SELECT` expression for version 0 records (one `doc` column; see {@link rowToIncident}). */
export const INCIDENT_SELECT = jsonSelect(
  INCIDENT_COLUMNS,
  INCIDENT_JSON_COLUMNS,
  new Set([...OPTIONAL_TEXT, 'cline_work', 'resolution']),
);

const json = (value: unknown): string => JSON.stringify(value);
const optional = (value: string | undefined): InValue => (value === undefined ? null : value);
const optionalJson = (value: unknown): InValue => (value === undefined ? null : JSON.stringify(value));

/** Column values of an incident, in {@link INCIDENT_COLUMNS} order. */
export function incidentArgs(i: Incident): InValue[] {
  return [
    i.incident_id,
    i.revision,
    i.external_id,
    i.source_system,
    optional(i.source_url),
    i.title,
    i.description,
    i.category,
    optional(i.subcategory),
    i.severity,
    i.priority,
    i.status,
    optional(i.assigned_to),
    optional(i.assigned_at),
    optional(i.team),
    i.created_at,
    i.updated_at,
    optional(i.due_date),
    optional(i.resolved_at),
    optional(i.closed_at),
    json(i.affected_systems),
    json(i.affected_services),
    i.environment,
    json(i.technical_details),
    optionalJson(i.cline_work),
    optionalJson(i.resolution),
    json(i.attachments),
    json(i.sync_metadata),
    json(i.metrics),
    json(i.kb_sync_status),
    json(i.tags),
    json(i.labels),
    json(i.metadata),
    optional(i.merged_into),
  ];
}

function parseRow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new IncidentsError(
    'store.corrupt_row',
    `A stored ${what} does not match the model (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}); run checkIntegrity()`,
    { cause: parsed.error, userError: false, details: { what } },
  );
}

function parseJson(text: unknown, column: string): unknown {
  if (typeof text !== 'string') {
    throw new IncidentsError('store.corrupt_row', `Column ${column} is not JSON text`, { userError: false });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new IncidentsError('store.corrupt_row', `Column ${column} holds invalid JSON`, { cause, userError: false });
  }
}

/**
 * Parses a `doc` column built by {@link jsonSelect} (NULL columns are absent already). A `null` left in
 * an optional key (a JSON column holding the text `null`) is dropped, as an absent field.
 */
function parseDoc(text: unknown, optionalKeys: readonly string[]): Record<string, unknown> {
  const doc = parseJson(text, 'doc') as Record<string, unknown>;
  for (const key of optionalKeys) if (doc[key] === null) delete doc[key];
  return doc;
}

/**
 * The optional keys of an incident document that can hold `null`: the optional JSON columns (their
 * text is embedded as it is). The optional text columns go through `json_quote` and are left out when
 * NULL, so they are a string or absent.
 */
const INCIDENT_NULLABLE_KEYS = ['cline_work', 'resolution'] as const;
/** The optional keys of an interaction document. */
const INTERACTION_OPTIONAL_KEYS = ['external_id', 'revision'] as const;

const isString = (v: unknown): v is string => typeof v === 'string';
const isText = (v: unknown): boolean => typeof v === 'string' && v !== '';
const isOptionalText = (v: unknown): boolean => v === undefined || typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isOptionalObject = (v: unknown): boolean => v === undefined || isObject(v);
function isStringArray(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
}
function isObjectArray(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (!isObject(v[i])) return false;
  return true;
}
const SOURCES: ReadonlySet<string> = new Set(INTERACTION_SOURCES);

/**
 * The cheap check of a version 0 row the store wrote itself: every field has the type of the model,
 * every string list holds strings, every group is an object. It does not repeat the full schema:
 * every row was validated when it was written (`IncidentSchema`, or the write was built by SDK code
 * from validated values), the enumerated columns (`status`, `severity`, `priority`, `source_system`,
 * `environment`) and `revision >= 1` are `CHECK` constraints, and `checkIntegrity()` runs the full
 * schema over every row. A row failing this check goes through the full schema, so that the error
 * names the field (R-ACCESS-1: the list queries spend their time on SQL, not on re-validating).
 *
 * The fields are read by name, not in loops over key lists: a page reads fifty documents of the same
 * shape, and named reads stay on V8's fast property paths.
 */
function looksLikeStoredIncident(doc: Record<string, unknown>): boolean {
  const meta = doc.metadata;
  return (
    // required text (description may be empty)
    isText(doc.incident_id) &&
    isText(doc.external_id) &&
    isText(doc.title) &&
    isString(doc.description) &&
    isText(doc.category) &&
    isText(doc.created_at) &&
    isText(doc.updated_at) &&
    // optional text (OPTIONAL_TEXT)
    isOptionalText(doc.source_url) &&
    isOptionalText(doc.subcategory) &&
    isOptionalText(doc.assigned_to) &&
    isOptionalText(doc.assigned_at) &&
    isOptionalText(doc.team) &&
    isOptionalText(doc.due_date) &&
    isOptionalText(doc.resolved_at) &&
    isOptionalText(doc.closed_at) &&
    isOptionalText(doc.merged_into) &&
    // string lists
    isStringArray(doc.affected_systems) &&
    isStringArray(doc.affected_services) &&
    isStringArray(doc.tags) &&
    isStringArray(doc.labels) &&
    // groups
    isObject(doc.technical_details) &&
    isObject(doc.sync_metadata) &&
    isObject(doc.metrics) &&
    isObject(doc.kb_sync_status) &&
    isObjectArray(doc.attachments) &&
    isOptionalObject(doc.cline_work) &&
    isOptionalObject(doc.resolution) &&
    // scalars constrained by CHECKs
    Number.isInteger(doc.revision) &&
    (doc.revision as number) >= 1 &&
    isString(doc.source_system) &&
    isString(doc.severity) &&
    isString(doc.priority) &&
    isString(doc.status) &&
    isString(doc.environment) &&
    isObject(meta) &&
    isString(meta.created_by) &&
    isString(meta.last_modified_by)
  );
}

/**
 * Rebuilds version 0 of an incident from its `doc` column (selected with {@link INCIDENT_SELECT}): a
 * cheap shape check for rows the store wrote (see {@link looksLikeStoredIncident}), the full schema for
 * any row that fails it (`store.corrupt_row` naming the field).
 */
export function incidentFromDoc(text: unknown): Incident {
  const doc = parseDoc(text, INCIDENT_NULLABLE_KEYS);
  doc.version = 0;
  if (looksLikeStoredIncident(doc)) return doc as unknown as Incident;
  return parseRow(incidentSchema(), doc, `incident ${String(doc.incident_id)}`);
}

/** {@link incidentFromDoc} of a row's `doc` column. */
export function rowToIncident(row: Row): Incident {
  return incidentFromDoc(row.doc);
}

/**
 * The permission fields of version 0 (`getIncidentAccess`), from `incident_id`, `merged_into` and
 * `metadata.created_by` selected as columns. A row whose fields do not have the model's types is
 * refused with `store.corrupt_row` naming them.
 */
export function rowToIncidentAccess(row: Row): IncidentAccess {
  const { incident_id: id, merged_into: target, created_by: creator } = row;
  if (isString(id) && id !== '' && isString(creator) && (target === null || (isString(target) && target !== ''))) {
    return target === null
      ? { incident_id: id, metadata: { created_by: creator } }
      : { incident_id: id, merged_into: target, metadata: { created_by: creator } };
  }
  throw new IncidentsError(
    'store.corrupt_row',
    `A stored incident ${String(id)} does not match the model (incident_id, merged_into or metadata.created_by); run checkIntegrity()`,
    { userError: false, details: { what: `incident ${String(id)}` } },
  );
}

/** Parses and validates a history snapshot. */
export function snapshotToIncident(snapshot: unknown, incidentId: string): Incident {
  return parseRow(incidentSchema(), parseJson(snapshot, 'snapshot'), `version of incident ${incidentId}`);
}

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

/** Column values of an interaction, in {@link INTERACTION_COLUMNS} order. */
export function interactionArgs(i: Interaction): InValue[] {
  return [
    i.interaction_id,
    i.incident_id,
    i.type,
    i.author,
    i.created_at,
    i.text,
    i.visibility,
    i.source,
    optional(i.external_id),
    i.revision === undefined ? null : i.revision,
    json(i.metadata),
  ];
}

/** `SELECT` expression for interactions (one `doc` column). */
export const INTERACTION_SELECT = jsonSelect(
  INTERACTION_COLUMNS,
  new Set(['metadata']),
  new Set(['external_id', 'revision']),
);

/**
 * Rebuilds an interaction from its `doc` column (selected with {@link INTERACTION_SELECT}): the cheap
 * shape check for rows the store wrote (`type`, `visibility` are `CHECK` constraints, `source` is
 * checked here; interactions are validated on write), the full schema for a row that fails it.
 */
export function interactionFromDoc(text: unknown): Interaction {
  const doc = parseDoc(text, INTERACTION_OPTIONAL_KEYS);
  if (
    isString(doc.interaction_id) &&
    doc.interaction_id !== '' &&
    isString(doc.incident_id) &&
    doc.incident_id !== '' &&
    isString(doc.type) &&
    isString(doc.author) &&
    isString(doc.created_at) &&
    isString(doc.text) &&
    isString(doc.visibility) &&
    SOURCES.has(doc.source as string) &&
    (doc.external_id === undefined || isString(doc.external_id)) &&
    (doc.revision === undefined || (Number.isInteger(doc.revision) && (doc.revision as number) >= 1)) &&
    isObject(doc.metadata)
  ) {
    return doc as unknown as Interaction;
  }
  return parseRow(interactionSchema(), doc, `interaction ${String(doc.interaction_id)}`);
}

/** {@link interactionFromDoc} of a row's `doc` column. */
export function rowToInteraction(row: Row): Interaction {
  return interactionFromDoc(row.doc);
}

/** Writable columns of `source_records`. */
export const SOURCE_RECORD_COLUMNS = [
  'incident_id',
  'source_system',
  'record_id',
  'url',
  'title',
  'status',
  'priority',
  'author',
  'created_at',
  'updated_at',
  'data',
] as const;

/** Column values of a source record, in {@link SOURCE_RECORD_COLUMNS} order. */
export function sourceRecordArgs(r: SourceRecord): InValue[] {
  return [
    r.incident_id,
    r.source_system,
    r.record_id,
    optional(r.url),
    optional(r.title),
    optional(r.status),
    optional(r.priority),
    optional(r.author),
    r.created_at,
    r.updated_at,
    json(r.data),
  ];
}

/** Rebuilds a source record from its row and validates it. */
export function rowToSourceRecord(row: Row): SourceRecord {
  const record: Record<string, unknown> = {
    incident_id: row.incident_id,
    source_system: row.source_system,
    record_id: row.record_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
    data: parseJson(row.data, 'data'),
  };
  for (const column of ['url', 'title', 'status', 'priority', 'author'] as const) {
    const value = row[column];
    if (value !== null && value !== undefined) record[column] = value;
  }
  return parseRow(sourceRecordSchema(), record, `source record ${String(row.record_id)}`);
}

/** Rebuilds a user's credentials from their row and validates them. */
export function rowToUserCredentials(row: Row, email: string): UserCredentials {
  return parseRow(
    userCredentialsSchema(),
    { password_hash: row.password_hash, updated_at: row.updated_at },
    `credentials of ${email}`,
  );
}

/** Rebuilds a user from its row and validates it. */
export function rowToUser(row: Row): User {
  const record: Record<string, unknown> = {
    email: row.email,
    name: row.name,
    role: row.role,
    active: Number(row.active) === 1,
    created_at: row.created_at,
  };
  if (row.team !== null && row.team !== undefined) record.team = row.team;
  return parseRow(userSchema(), record, `user ${String(row.email)}`);
}

/**
 * The full model check of a stored row (`checkIntegrity()`): `null` when the row matches the model,
 * otherwise a message naming the record and the first field that does not.
 */
export function fullCheckOfRow(kind: 'incident' | 'interaction', row: Row): string | null {
  let doc: Record<string, unknown>;
  try {
    doc = parseDoc(row.doc, kind === 'incident' ? INCIDENT_NULLABLE_KEYS : INTERACTION_OPTIONAL_KEYS);
  } catch (err) {
    return `${kind}: ${(err as Error).message}`;
  }
  if (kind === 'incident') doc.version = 0;
  const parsed = (kind === 'incident' ? incidentSchema() : interactionSchema()).safeParse(doc);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  const id = kind === 'incident' ? doc.incident_id : doc.interaction_id;
  return `${kind} ${String(id)} does not match the model: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`;
}

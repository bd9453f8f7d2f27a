/**
 * The knowledge-base document of a closed incident (R-KB-1) and its Bedrock metadata
 * sidecar (`<key>.metadata.json`, `{"metadataAttributes": {...}}`).
 *
 * The document is a pure function of the incident record: exporting the same revision twice gives
 * byte-identical objects (so S3 ETags do not change and re-runs are idempotent).
 *
 * @module
 */
import type { Incident } from '@incidents/core';

/** Version of the document layout, stored in every document. */
export const KB_DOCUMENT_VERSION = 1;

/** Default key prefix: documents go to `incidents/closed/<incident_id>.json`. */
export const DEFAULT_KB_PREFIX = 'incidents/';

/** Suffix Bedrock expects for the metadata file of a document. */
export const METADATA_SUFFIX = '.metadata.json';

/** What a past incident teaches: the JSON body of a knowledge-base document. */
export interface KbDocument {
  document_version: number;
  // Identification
  incident_id: string;
  external_id: string;
  source_system: string;
  source_url?: string;
  revision: number;
  // The problem
  title: string;
  description: string;
  category: string;
  subcategory?: string;
  severity: string;
  priority: string;
  team?: string;
  // Technical context
  affected_systems: string[];
  affected_services: string[];
  environment: string;
  error_messages: string[];
  affected_components: string[];
  // Resolution (what matters most)
  root_cause: string;
  diagnosis?: string;
  resolution: string;
  resolution_type?: string;
  resolution_steps: string[];
  commands_executed: string[];
  preventive_actions: string[];
  code_changes: Array<{ file: string; description: string }>;
  // Who and how long
  resolved_by?: string;
  created_at: string;
  resolved_at?: string;
  closed_at?: string;
  resolution_time_minutes?: number;
  // Search aids
  tags: string[];
  labels: string[];
}

/** Filterable attributes of the sidecar (Bedrock metadata: strings, numbers, booleans). */
export type KbMetadataAttributes = Record<string, string | number | boolean>;

/** The sidecar object: Bedrock's documented `{"metadataAttributes": {...}}` layout. */
export interface KbMetadataSidecar {
  metadataAttributes: KbMetadataAttributes;
}

const NOT_SPECIFIED = 'Not specified';

function resolutionMinutes(incident: Incident): number | undefined {
  if (incident.metrics.resolution_time_minutes !== undefined)
    return Math.round(incident.metrics.resolution_time_minutes);
  const resolved = incident.resolution?.resolved_at ?? incident.resolved_at;
  if (!resolved) return undefined;
  return Math.max(0, Math.round((Date.parse(resolved) - Date.parse(incident.created_at)) / 60_000));
}

/** The transform of R-KB-1: the parts of an incident worth finding again. */
export function toKbDocument(incident: Incident): KbDocument {
  const solution = incident.cline_work?.solution;
  const analysis = incident.cline_work?.analysis;
  const minutes = resolutionMinutes(incident);
  const resolvedAt = incident.resolution?.resolved_at ?? incident.resolved_at;
  const doc: KbDocument = {
    document_version: KB_DOCUMENT_VERSION,
    incident_id: incident.incident_id,
    external_id: incident.external_id,
    source_system: incident.source_system,
    ...(incident.source_url ? { source_url: incident.source_url } : {}),
    revision: incident.revision,
    title: incident.title,
    description: incident.description,
    category: incident.category,
    ...(incident.subcategory ? { subcategory: incident.subcategory } : {}),
    severity: incident.severity,
    priority: incident.priority,
    ...(incident.team ? { team: incident.team } : {}),
    affected_systems: incident.affected_systems,
    affected_services: incident.affected_services,
    environment: incident.environment,
    error_messages: incident.technical_details.error_messages ?? [],
    affected_components: incident.technical_details.affected_components ?? [],
    root_cause: incident.resolution?.root_cause || analysis?.root_cause || NOT_SPECIFIED,
    ...(analysis?.diagnosis ? { diagnosis: analysis.diagnosis } : {}),
    resolution: incident.resolution?.resolution_description || solution?.description || NOT_SPECIFIED,
    ...(incident.resolution?.resolution_type ? { resolution_type: incident.resolution.resolution_type } : {}),
    resolution_steps: solution?.steps ?? [],
    commands_executed: solution?.commands_executed ?? [],
    preventive_actions: incident.resolution?.preventive_actions ?? [],
    code_changes: (solution?.code_changes ?? []).map((c) => ({ file: c.file, description: c.description })),
    ...(incident.resolution?.resolved_by ? { resolved_by: incident.resolution.resolved_by } : {}),
    created_at: incident.created_at,
    ...(resolvedAt ? { resolved_at: resolvedAt } : {}),
    ...(incident.closed_at ? { closed_at: incident.closed_at } : {}),
    ...(minutes !== undefined ? { resolution_time_minutes: minutes } : {}),
    tags: incident.tags,
    labels: incident.labels,
  };
  return doc;
}

/** The filterable attributes of a document (category, severity, priority, source_system, team, environment, resolution_type, resolved_at). */
export function toMetadataSidecar(doc: KbDocument): KbMetadataSidecar {
  const attrs: KbMetadataAttributes = {
    incident_id: doc.incident_id,
    category: doc.category,
    severity: doc.severity,
    priority: doc.priority,
    source_system: doc.source_system,
    environment: doc.environment,
  };
  if (doc.team) attrs.team = doc.team;
  if (doc.resolution_type) attrs.resolution_type = doc.resolution_type;
  if (doc.resolved_at) attrs.resolved_at = doc.resolved_at;
  if (doc.resolution_time_minutes !== undefined) attrs.resolution_time_minutes = doc.resolution_time_minutes;
  return { metadataAttributes: attrs };
}

/** `incident_id` as a safe key segment (ids with characters outside `A-Z a-z 0-9 . _ : -` are percent-encoded). */
function keySegment(incidentId: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(incidentId) ? incidentId : encodeURIComponent(incidentId);
}

/** The object key of an incident's document: `<prefix>closed/<incident_id>.json`. */
export function documentKey(incidentId: string, prefix: string = DEFAULT_KB_PREFIX): string {
  return `${prefix}closed/${keySegment(incidentId)}.json`;
}

/** The key of a document's metadata sidecar: `<key>.metadata.json`. */
export function metadataKey(key: string): string {
  return `${key}${METADATA_SUFFIX}`;
}

/** The readable text that is indexed and returned by retrieval: title first, then what fixed it. */
export function renderDocumentText(doc: KbDocument): string {
  const lines: string[] = [`${doc.incident_id}: ${doc.title}`];
  if (doc.description) lines.push('', doc.description);
  lines.push(
    '',
    `Category: ${doc.category}${doc.subcategory ? ` / ${doc.subcategory}` : ''}. Severity: ${doc.severity}. Environment: ${doc.environment}.`,
  );
  if (doc.affected_systems.length) lines.push(`Affected systems: ${doc.affected_systems.join(', ')}`);
  if (doc.error_messages.length) lines.push(`Errors: ${doc.error_messages.join(' | ')}`);
  lines.push(`Root cause: ${doc.root_cause}`);
  if (doc.diagnosis) lines.push(`Diagnosis: ${doc.diagnosis}`);
  lines.push(`Resolution${doc.resolution_type ? ` (${doc.resolution_type})` : ''}: ${doc.resolution}`);
  if (doc.resolution_steps.length) lines.push('Steps:', ...doc.resolution_steps.map((s, i) => `${i + 1}. ${s}`));
  if (doc.commands_executed.length) lines.push('Commands:', ...doc.commands_executed.map((c) => `$ ${c}`));
  if (doc.code_changes.length)
    lines.push('Code changes:', ...doc.code_changes.map((c) => `- ${c.file}: ${c.description}`));
  if (doc.tags.length) lines.push(`Tags: ${doc.tags.join(', ')}`);
  return lines.join('\n');
}

/** Serializes a document or sidecar exactly as it is stored (pretty JSON, trailing newline). */
export function serializeJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

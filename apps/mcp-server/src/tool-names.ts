/**
 * The tool catalogue of `incidents-mcp` and the rules that pick which tools a server exposes
 * (`INCIDENTS_MCP_READ_ONLY`, `INCIDENTS_MCP_TOOLS`).
 *
 * @module
 */
import { IncidentsError } from '@incidents/core';

/** Every tool the server knows, in the order `tools/list` shows them. */
export const TOOL_NAMES = [
  'search_my_incidents',
  'list_available_incidents',
  'get_incident_details',
  'get_incident_history',
  'find_similar_incidents',
  'claim_incident',
  'update_incident_progress',
  'resolve_incident',
  'add_incident_comment',
  'close_incident',
  'force_kb_sync',
  'sync_and_ingest',
] as const;

/** The name of one tool. */
export type ToolName = (typeof TOOL_NAMES)[number];

/** Tools that never change anything; the only ones exposed in read-only mode. */
export const READ_ONLY_TOOLS: readonly ToolName[] = [
  'search_my_incidents',
  'list_available_incidents',
  'get_incident_details',
  'get_incident_history',
  'find_similar_incidents',
];

/** Options of {@link selectTools}. */
export interface ToolSelection {
  /** Expose only {@link READ_ONLY_TOOLS}. */
  readOnly?: boolean;
  /** Expose only these tools (names from {@link TOOL_NAMES}); all when omitted or empty. */
  tools?: readonly string[];
}

/** The outcome of {@link selectTools}. */
export interface SelectedTools {
  /** The tools to register, in catalogue order. */
  enabled: ToolName[];
  /** Requested tools left out because the server is read-only (worth a warning in the log). */
  droppedByReadOnly: ToolName[];
}

/**
 * Decides which tools a server exposes.
 * @throws IncidentsError `config` naming `INCIDENTS_MCP_TOOLS` when a requested tool does not exist.
 */
export function selectTools(selection: ToolSelection = {}): SelectedTools {
  const requested = (selection.tools ?? []).map((t) => t.trim()).filter(Boolean);
  const unknown = requested.filter((t) => !(TOOL_NAMES as readonly string[]).includes(t));
  if (unknown.length > 0) {
    throw new IncidentsError(
      'config',
      `INCIDENTS_MCP_TOOLS: unknown tool ${unknown.join(', ')}; known tools: ${TOOL_NAMES.join(', ')}`,
      { details: { unknown } },
    );
  }
  const wanted = requested.length > 0 ? TOOL_NAMES.filter((t) => requested.includes(t)) : [...TOOL_NAMES];
  if (!selection.readOnly) return { enabled: wanted, droppedByReadOnly: [] };
  return {
    enabled: wanted.filter((t) => READ_ONLY_TOOLS.includes(t)),
    droppedByReadOnly: requested.length > 0 ? wanted.filter((t) => !READ_ONLY_TOOLS.includes(t)) : [],
  };
}

/**
 * `createServer(deps)`: the MCP server of the incidents SDK, composed from an incident service and
 * the actor it works for. Transport-agnostic: the stdio entry (`bin.ts`) connects it to stdin/stdout.
 *
 * @module
 */
import type { Actor, IncidentService } from '@incidents/core';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { KbWorkflow } from './kb.js';
import { type Logger, silentLogger } from './logger.js';
import { selectTools, type ToolName } from './tool-names.js';
import type { ToolContext } from './tools/context.js';
import { registerKbTools } from './tools/kb-tools.js';
import { registerReadTools } from './tools/read-tools.js';
import { registerWorkTools } from './tools/work-tools.js';

/** Name the server reports in `initialize`. */
export const SERVER_NAME = 'incidents-mcp';
/** Version the server reports in `initialize`. */
export const SERVER_VERSION = '0.1.0';

/** What {@link createServer} is composed from. */
export interface ServerDeps {
  /** The use cases (`createIncidentService` of `@incidents/core`, with a knowledge base for `find_similar_incidents`). */
  service: IncidentService;
  /** The developer the server acts for; core's permission rules apply to every call. */
  actor: Actor;
  /** The knowledge-base workflow for `force_kb_sync` and `sync_and_ingest`; without it they answer that none is configured. */
  kb?: KbWorkflow;
  /** Expose only the read tools. */
  readOnly?: boolean;
  /** Expose only these tools (see `TOOL_NAMES`). */
  tools?: readonly string[];
  /** Where logs go (stderr in the stdio server); silent by default. */
  logger?: Logger;
  /** How `sync_and_ingest` waits for an ingestion job: longest poll interval (default 2 s; polling starts at 50 ms and backs off) and timeout (default 50 s, below the usual 60 s client request timeout). */
  ingestion?: { pollIntervalMs?: number; timeoutMs?: number };
}

/** What {@link createServer} returns. */
export interface IncidentsMcpServer {
  /** The MCP server; `connect` it to a transport. */
  server: McpServer;
  /** The tools it exposes, in catalogue order. */
  tools: ToolName[];
  /** Waits for knowledge-base runs started in the background (e.g. before closing the store). */
  drain(): Promise<void>;
}

const INSTRUCTIONS = [
  'Tools to work on operational incidents as the configured developer.',
  'Typical flow: search_my_incidents or list_available_incidents → claim_incident → get_incident_details →',
  'update_incident_progress (analysis, notes, time) → resolve_incident (solution, steps, code changes) →',
  'add_incident_comment → close_incident. find_similar_incidents searches how past incidents were fixed.',
  'You may change only incidents assigned to you. Lists are paginated: pass back `cursor` while `truncated` is true.',
].join(' ');

/**
 * Creates the MCP server with the enabled tools registered.
 *
 * @throws IncidentsError `config` when `tools` names an unknown tool.
 *
 * @example
 * ```ts
 * import { createIncidentService } from '@incidents/core';
 * import { createTursoStore } from '@incidents/store-turso';
 * import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
 * import { createServer } from '@incidents/mcp-server';
 *
 * const store = await createTursoStore({ url: 'file:incidents.db' });
 * const service = createIncidentService({ store });
 * const { server } = createServer({ service, actor: { id: 'ana@example.com', roles: ['operator'] } });
 * await server.connect(new StdioServerTransport());
 * ```
 */
export function createServer(deps: ServerDeps): IncidentsMcpServer {
  const logger = deps.logger ?? silentLogger;
  const selection = selectTools({ readOnly: deps.readOnly ?? false, ...(deps.tools ? { tools: deps.tools } : {}) });
  if (selection.droppedByReadOnly.length > 0) {
    logger.log('warn', 'read-only mode: write tools requested in INCIDENTS_MCP_TOOLS are not exposed', {
      dropped: selection.droppedByReadOnly,
    });
  }
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );
  const ctx: ToolContext = {
    service: deps.service,
    actor: deps.actor,
    logger,
    kb: deps.kb,
    ingestion: {
      pollIntervalMs: deps.ingestion?.pollIntervalMs ?? 2_000,
      timeoutMs: deps.ingestion?.timeoutMs ?? 50_000,
    },
    running: new Map(),
  };
  const enabled = new Set(selection.enabled);
  registerReadTools(server, ctx, enabled);
  registerWorkTools(server, ctx, enabled);
  registerKbTools(server, ctx, enabled);
  return {
    server,
    tools: selection.enabled,
    async drain() {
      await Promise.allSettled([...ctx.running.values()]);
    },
  };
}

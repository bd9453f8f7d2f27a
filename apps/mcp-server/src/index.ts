/**
 * `@incidents/mcp-server` — `incidents-mcp`, the MCP server that lets a coding assistant (Cline,
 * Claude Code, Cursor…) work on incidents: search, claim, record progress, resolve, comment, close,
 * read the history, find similar past incidents and publish closed ones to the knowledge base.
 *
 * The app is a composition root: {@link createServer} takes an incident service and the actor it
 * works for; {@link startStdioServer} builds them from the environment (`@incidents/config`) and
 * serves over stdio (the `incidents-mcp` bin).
 *
 * @packageDocumentation
 */

export {
  FINAL_INGESTION_STATUSES,
  type KbIngestion,
  type KbIngestionJob,
  type KbIngestionStatus,
  type KbSyncRunSummary,
  type KbWorkflow,
} from './kb.js';
export { createStreamLogger, type Logger, type LogLevel, silentLogger } from './logger.js';
export {
  type KnowledgeBaseSetup,
  type RunningServer,
  type StartOptions,
  startStdioServer,
  startupErrorMessage,
} from './main.js';
export { createLocalKnowledgeBaseSetup } from './local-kb.js';
export type { ToolPage } from './paging.js';
export {
  createServer,
  type IncidentsMcpServer,
  SERVER_NAME,
  SERVER_VERSION,
  type ServerDeps,
} from './server.js';
export {
  READ_ONLY_TOOLS,
  type SelectedTools,
  selectTools,
  TOOL_NAMES,
  type ToolName,
  type ToolSelection,
} from './tool-names.js';
export { MY_DEFAULT_STATUSES } from './tools/read-tools.js';

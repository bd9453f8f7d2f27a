/**
 * Tool results: structured content plus a short text rendering, and errors turned into `isError`
 * results with one clear line (never a stack trace for user error).
 *
 * @module
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ConflictError, escapeControlCharacters, isIncidentsError } from '@incidents/core';
import type { Logger } from './logger.js';

/**
 * A successful result: `structured` matches the tool's outputSchema (exact data); `text` is what a
 * model reads first and what clients show people, so control and bidi characters of the data it
 * quotes are shown as visible escapes.
 */
export function okResult(structured: Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: 'text', text: escapeControlCharacters(text) }], structuredContent: structured };
}

/** Turns an error into an `isError` result with a clear message; faults of the system are logged. */
export function errorResult(err: unknown, tool: string, logger: Logger): CallToolResult {
  if (isIncidentsError(err)) {
    let text = `${err.code}: ${err.message}`;
    if (err instanceof ConflictError || err.code === 'conflict') {
      const assignedTo = (err.details as { assignedTo?: string }).assignedTo;
      if (assignedTo && !err.message.includes(assignedTo)) text += ` (assigned to ${assignedTo})`;
    }
    if (!err.userError) logger.log('error', 'tool failed', { tool, code: err.code, error: err.message });
    return { content: [{ type: 'text', text: escapeControlCharacters(text) }], isError: true };
  }
  const message = err instanceof Error ? err.message : String(err);
  logger.log('error', 'tool failed unexpectedly', {
    tool,
    error: message,
    ...(err instanceof Error && err.stack ? { stack: err.stack } : {}),
  });
  return {
    content: [{ type: 'text', text: escapeControlCharacters(`internal_error: ${tool} failed: ${message}`) }],
    isError: true,
  };
}

/**
 * What every tool gets: the service, the actor it works for, the logger, the optional knowledge-base
 * workflow — and the argument schemas shared by several tools.
 *
 * @module
 */
import type { Actor, IncidentService, UseCaseContext } from '@incidents/core';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import type { KbWorkflow } from '../kb.js';
import type { Logger } from '../logger.js';
import { errorResult } from '../results.js';
import type { ToolName } from '../tool-names.js';

/** Shared state of the tools of one server. */
export interface ToolContext {
  service: IncidentService;
  actor: Actor;
  logger: Logger;
  kb: KbWorkflow | undefined;
  ingestion: { pollIntervalMs: number; timeoutMs: number };
  /** Runs in flight (single flight per job kind). */
  running: Map<string, Promise<unknown>>;
}

/** The use-case context of the configured actor. */
export function useCase(ctx: ToolContext, notes?: string): UseCaseContext {
  return notes ? { actor: ctx.actor, notes } : { actor: ctx.actor };
}

/** Registers a tool whose handler errors become `isError` results. */
export type ToolRegistrar = (server: McpServer, ctx: ToolContext, enabled: ReadonlySet<ToolName>) => void;

/** Wraps a handler: any thrown error becomes a clear `isError` result; the server never crashes on input. */
export function guarded<A>(
  tool: ToolName,
  ctx: ToolContext,
  handler: (args: A) => Promise<CallToolResult>,
): (args: A) => Promise<CallToolResult> {
  return async (args: A) => {
    const started = performance.now();
    try {
      const result = await handler(args);
      ctx.logger.log('debug', 'tool call', { tool, ms: Math.round(performance.now() - started) });
      return result;
    } catch (err) {
      return errorResult(err, tool, ctx.logger);
    }
  };
}

export const incidentIdArg = z
  .string({ error: 'incident_id is required (a string such as "INC-20260131-AB12" or "JIRA-12345")' })
  .trim()
  .min(1, 'incident_id must not be empty')
  .max(200, 'incident_id is at most 200 characters')
  .describe('The incident id, e.g. "INC-20260131-AB12" or "JIRA-12345".');

export const limitArg = (defaultValue: number, max: number) =>
  z
    .number({ error: `limit must be a whole number from 1 to ${max}` })
    .int(`limit must be a whole number from 1 to ${max}`)
    .min(1, `limit must be at least 1`)
    .max(max, `limit must be at most ${max}`)
    .default(defaultValue)
    .describe(`How many results to return (1–${max}, default ${defaultValue}).`);

export const cursorArg = z
  .string({ error: 'cursor must be the string returned by the previous call' })
  .min(1, 'cursor must not be empty')
  .optional()
  .describe('The `cursor` returned by the previous call, to get the next page. Omit for the first page.');

export const expectedRevisionArg = z
  .number({ error: 'expected_revision must be a positive whole number' })
  .int('expected_revision must be a whole number')
  .positive('expected_revision must be positive')
  .optional()
  .describe(
    'Optional: the `revision` you last read. The change is refused with a conflict if someone changed the incident since.',
  );

export const fullArg = z
  .boolean({ error: 'full must be true or false' })
  .default(false)
  .describe('false (default): a compact view with long texts shortened; true: the whole record.');

/**
 * The composition root of the stdio server: configuration (`@incidents/config`) → store → actor →
 * service and knowledge base → `createServer` → stdio transport. Used by `bin.ts`; reads nothing at
 * import time.
 *
 * @module
 */
import type { Readable, Writable } from 'node:stream';
import { type IncidentsConfig, loadConfig, openStore, resolveActor } from '@incidents/config';
import {
  type Actor,
  createIncidentService,
  type IncidentStore,
  IncidentsError,
  isIncidentsError,
} from '@incidents/core';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { KbWorkflow } from './kb.js';
import { createStreamLogger, type Logger, type LogLevel } from './logger.js';
import { createServer } from './server.js';
import type { KnowledgeBaseRetriever } from '@incidents/core';

/** A knowledge base the server can use: the workflow for the KB tools and the retriever for `find_similar_incidents`. */
export interface KnowledgeBaseSetup {
  workflow: KbWorkflow;
  retriever: KnowledgeBaseRetriever;
  close?: () => Promise<void>;
}

/** Options of {@link startStdioServer}. */
export interface StartOptions {
  /** Environment (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Working directory for relative paths (default `process.cwd()`). */
  cwd?: string;
  stdin?: Readable;
  stdout?: Writable;
  /** Where logs go (default `process.stderr`). */
  stderr?: Writable;
  /** Builds the knowledge base from the configuration; none when omitted or when it returns `null`. */
  knowledgeBase?: (config: IncidentsConfig, store: IncidentStore, logger: Logger) => Promise<KnowledgeBaseSetup | null>;
}

/** A running stdio server. */
export interface RunningServer {
  actor: Actor;
  /** Resolves when the server has shut down (stdin closed or {@link RunningServer.stop}). */
  closed: Promise<void>;
  stop(): Promise<void>;
}

function describeStore(config: IncidentsConfig): Record<string, unknown> {
  if (config.store === 'dynamo')
    return { store: 'dynamo', table: config.dynamo.table, local: Boolean(config.dynamo.endpoint) };
  // Never log a remote URL as given: it may carry credentials in its query string.
  const url =
    config.dbUrl.startsWith('file:') || config.dbUrl === ':memory:' ? config.dbUrl : config.dbUrl.replace(/\?.*$/, '');
  return { store: 'turso', url };
}

/**
 * Loads the configuration, opens the store, resolves the actor and serves MCP over stdio until stdin
 * closes. The actor must be a registered, active user (matched case-insensitively; its roles come from
 * the store); an unknown or missing `INCIDENTS_ACTOR` and a bad `INCIDENTS_MCP_LOG_LEVEL` are
 * configuration errors.
 */
export async function startStdioServer(options: StartOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const stderr = options.stderr ?? process.stderr;
  const logger = createStreamLogger(stderr, logLevelOf(env.INCIDENTS_MCP_LOG_LEVEL));
  const config = loadConfig({ env, ...(options.cwd ? { cwd: options.cwd } : {}) });
  const store = await openStore(config);
  let kbSetup: KnowledgeBaseSetup | null = null;
  try {
    // Only registered users: an unknown email is refused (its roles could not come from the store).
    const actor = await resolveActor(store, config.actor);
    kbSetup = options.knowledgeBase ? await options.knowledgeBase(config, store, logger) : null;
    const service = createIncidentService({ store, ...(kbSetup ? { knowledgeBase: kbSetup.retriever } : {}) });
    const { server, tools, drain } = createServer({
      service,
      actor,
      logger,
      readOnly: config.mcp.readOnly,
      ...(config.mcp.tools ? { tools: config.mcp.tools } : {}),
      ...(kbSetup ? { kb: kbSetup.workflow } : {}),
    });
    const stdin = options.stdin ?? process.stdin;
    const transport = new StdioServerTransport(stdin, options.stdout ?? process.stdout);
    let resolveClosed: () => void = () => {};
    const closed = new Promise<void>((r) => {
      resolveClosed = r;
    });
    let stopping: Promise<void> | null = null;
    const setup = kbSetup;
    const stop = () => {
      stopping ??= (async () => {
        await drain();
        await server.close().catch(() => {});
        await setup?.close?.().catch(() => {});
        await store.close().catch(() => {});
        logger.log('info', 'incidents-mcp stopped');
        resolveClosed();
      })();
      return stopping;
    };
    stdin.once('end', () => void stop());
    stdin.once('close', () => void stop());
    await server.connect(transport);
    logger.log('info', 'incidents-mcp ready', {
      actor: actor.id,
      roles: actor.roles,
      tools: tools.length,
      read_only: config.mcp.readOnly,
      knowledge_base: kbSetup?.workflow.describe ?? null,
      ...describeStore(config),
    });
    return { actor, closed, stop };
  } catch (err) {
    await kbSetup?.close?.().catch(() => {});
    await store.close().catch(() => {});
    throw err;
  }
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** The log level of `INCIDENTS_MCP_LOG_LEVEL` (default `info`); anything else is a configuration error. */
function logLevelOf(value: string | undefined): LogLevel {
  if (value === undefined) return 'info';
  const level = LOG_LEVELS.find((l) => l === value.trim().toLowerCase());
  if (!level) {
    throw new IncidentsError(
      'config',
      `Invalid configuration: INCIDENTS_MCP_LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}, got "${value}"`,
    );
  }
  return level;
}

/** A one-line message for a startup failure (configuration errors without a stack). */
export function startupErrorMessage(err: unknown): string {
  if (isIncidentsError(err)) return `incidents-mcp: ${err.message}`;
  return `incidents-mcp: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
}

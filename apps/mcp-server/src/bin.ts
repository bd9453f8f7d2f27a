#!/usr/bin/env node
/**
 * `incidents-mcp`: the stdio MCP server. stdout carries the protocol; logs go to stderr.
 *
 * @module
 */
import { startStdioServer, startupErrorMessage } from './main.js';
import { createLocalKnowledgeBaseSetup } from './local-kb.js';

startStdioServer({ knowledgeBase: createLocalKnowledgeBaseSetup }).then(
  (running) => {
    const stop = () => void running.stop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    running.closed.then(() => process.exit(0));
  },
  (err: unknown) => {
    process.stderr.write(`${startupErrorMessage(err)}\n`);
    process.exit(2);
  },
);

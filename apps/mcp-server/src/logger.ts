/**
 * A minimal structured logger that writes one JSON line per entry to a writable stream — stderr in
 * the stdio server, because stdout carries the MCP protocol. Never pass secrets to it.
 *
 * @module
 */

/** Log levels, least to most severe. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What the server logs through. */
export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger writing JSON lines to `stream` (e.g. `process.stderr`) for entries at `level` or above. */
export function createStreamLogger(stream: { write(chunk: string): unknown }, level: LogLevel = 'info'): Logger {
  return {
    log(entryLevel, message, fields = {}) {
      if (ORDER[entryLevel] < ORDER[level]) return;
      const line = JSON.stringify({ time: new Date().toISOString(), level: entryLevel, msg: message, ...fields });
      stream.write(`${line}\n`);
    },
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { log() {} };

/**
 * Structured JSON logs for the handlers: one JSON object per line on stdout (CloudWatch Logs), with
 * the level, the message, the function's request id and the given fields. Values under keys that
 * look like credentials are replaced by `[REDACTED]`, and so are secret values registered with
 * {@link Logger.addSecret} wherever they appear — secrets never reach the logs.
 *
 * @module
 */

/** Log levels, least severe first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** A log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A structured logger. Also satisfies `@incidents/kb-sync`'s `KbLogger`. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line (e.g. `{ request_id }`). */
  child(fields: Record<string, unknown>): Logger;
  /** Never print this value (a resolved secret): it is replaced by `[REDACTED]` in every line. */
  addSecret(value: string): void;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Lines below this level are dropped; default `info`. */
  level?: LogLevel;
  /** Where each JSON line goes; default `process.stdout.write`. */
  write?: (line: string) => void;
  /** Fields added to every line (`service`, `function`…). */
  base?: Record<string, unknown>;
  /** Time source for `timestamp`. */
  now?: () => Date;
}

const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|credential|cookie|private[-_]?key/i;
const REDACTED = '[REDACTED]';

function serializeError(err: Error, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') out.code = code;
  if (err.stack) out.stack = err.stack.split('\n').slice(0, 8).join('\n');
  if (err.cause !== undefined && depth < 3) {
    out.cause = err.cause instanceof Error ? serializeError(err.cause, depth + 1) : String(err.cause);
  }
  return out;
}

function sanitize(value: unknown, secrets: ReadonlySet<string>, depth = 0): unknown {
  if (depth > 8) return '[…]';
  if (typeof value === 'string') {
    let s = value;
    for (const secret of secrets) if (s.includes(secret)) s = s.split(secret).join(REDACTED);
    return s;
  }
  if (value instanceof Error) return sanitize(serializeError(value, 0), secrets, depth + 1);
  if (Array.isArray(value)) return value.map((v) => sanitize(v, secrets, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        SECRET_KEY.test(k) && v !== undefined && v !== null && typeof v !== 'boolean'
          ? REDACTED
          : sanitize(v, secrets, depth + 1);
    }
    return out;
  }
  return value;
}

/**
 * Creates a JSON-lines logger.
 *
 * @example
 * ```ts
 * const log = createLogger({ level: 'info', base: { service: 'incidents' } });
 * log.info('kb sync finished', { synced: 12 }); // {"level":"info","message":"kb sync finished","synced":12,…}
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = new Set<string>();
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const now = options.now ?? (() => new Date());
  const min = LOG_LEVELS.indexOf(options.level ?? 'info');
  const make = (base: Record<string, unknown>): Logger => {
    const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
      if (LOG_LEVELS.indexOf(level) < min) return;
      const record = sanitize({ ...base, ...fields }, secrets) as Record<string, unknown>;
      const line = { timestamp: now().toISOString(), level, message: sanitize(message, secrets), ...record };
      write(`${JSON.stringify(line)}\n`);
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (fields) => make({ ...base, ...fields }),
      addSecret: (value) => {
        // Very short values would redact ordinary words; credentials are longer than this.
        if (typeof value === 'string' && value.length >= 6) secrets.add(value);
      },
    };
  };
  return make({ ...options.base });
}

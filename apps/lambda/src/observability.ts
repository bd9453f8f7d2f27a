/**
 * Logs, metrics and traces of the handlers, on Powertools for AWS Lambda (TypeScript):
 *
 * - {@link RedactingLogger}: Powertools `Logger` (structured JSON, Lambda context and correlation
 *   ids, level from `POWERTOOLS_LOG_LEVEL`, debug sampling from `POWERTOOLS_LOGGER_SAMPLE_RATE`)
 *   with one guarantee added: values under credential-like keys and every secret value registered
 *   with {@link RedactingLogger.addSecret} are replaced by `[REDACTED]` in every line, also inside
 *   errors and their causes.
 * - {@link createMetrics}: Powertools `Metrics` (CloudWatch EMF) in one namespace, and
 *   {@link metricsRecorder}, which adapts it to `@incidents/kb-sync`'s metrics port.
 * - {@link createTracer}: Powertools `Tracer` (X-Ray); AWS SDK clients are captured where the
 *   runtime creates them.
 *
 * @module
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { search } from '@aws-lambda-powertools/logger/correlationId';
import type { ConstructorOptions, LogAttributes } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { KbLogger, KbMetricsRecorder } from '@incidents/kb-sync';

/** Service name of every handler unless `POWERTOOLS_SERVICE_NAME` says otherwise. */
export const DEFAULT_SERVICE_NAME = 'incidents';

const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|credential|cookie|private[-_]?key/i;
/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';
/** Shorter values would redact ordinary words; credentials are longer than this. */
const MIN_SECRET_LENGTH = 6;

/** The secret values a logger (and its children) never print. */
export class SecretRegistry {
  readonly #values = new Set<string>();

  /** Registers a resolved secret value; values shorter than 6 characters are ignored. */
  add(value: unknown): void {
    if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) this.#values.add(value);
    else if (value && typeof value === 'object') for (const v of Object.values(value)) this.add(v);
  }

  /** `text` with every registered value replaced by `[REDACTED]`. */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.#values) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }

  /**
   * A `JSON.stringify` replacer for Powertools `Logger` (`jsonReplacerFn`): it sees every key and
   * value of a log line, including the fields of formatted errors.
   */
  readonly replacer = (key: string, value: unknown): unknown => {
    if (key !== '' && SECRET_KEY.test(key) && value !== undefined && value !== null && typeof value !== 'boolean') {
      return REDACTED;
    }
    return typeof value === 'string' ? this.scrub(value) : value;
  };
}

/** Options of {@link RedactingLogger}: Powertools' own, plus a shared registry. */
export type RedactingLoggerOptions = Omit<ConstructorOptions, 'jsonReplacerFn'> & { secrets?: SecretRegistry };

/**
 * Powertools `Logger` that never prints a secret. Children (`createChild`) share the registry.
 *
 * @example
 * ```ts
 * const logger = new RedactingLogger({ serviceName: 'incidents' });
 * logger.addSecret(token);
 * logger.error('vendor call failed', { error }); // the token is [REDACTED] wherever it appears
 * ```
 */
export class RedactingLogger extends Logger {
  /** The registry behind this logger's redaction. */
  readonly secrets: SecretRegistry;

  constructor(options: RedactingLoggerOptions = {}) {
    const { secrets = new SecretRegistry(), ...rest } = options;
    super({ correlationIdSearchFn: search, ...rest, jsonReplacerFn: secrets.replacer } as ConstructorOptions);
    this.secrets = secrets;
  }

  /** This logger seen through `@incidents/kb-sync`'s `KbLogger` port (message and fields). */
  asKbLogger(): KbLogger {
    return {
      info: (message, data) => this.info(message, (data ?? {}) as LogAttributes),
      warn: (message, data) => this.warn(message, (data ?? {}) as LogAttributes),
      error: (message, data) => this.error(message, (data ?? {}) as LogAttributes),
    };
  }

  /** Never print this value (a resolved secret): it is replaced by `[REDACTED]` in every line. */
  addSecret(value: unknown): void {
    this.secrets.add(value);
  }

  protected override createLogger(options?: ConstructorOptions): RedactingLogger {
    const { jsonReplacerFn: _ignored, ...rest } = options ?? {};
    return new RedactingLogger({ ...rest, secrets: this.secrets });
  }

  override createChild(options?: ConstructorOptions): RedactingLogger {
    return super.createChild(options) as RedactingLogger;
  }
}

/**
 * The logger of a handler: service name from `POWERTOOLS_SERVICE_NAME` (default `incidents`), level
 * from `POWERTOOLS_LOG_LEVEL` (or `AWS_LAMBDA_LOG_LEVEL`), falling back to `INCIDENTS_LOG_LEVEL`.
 */
export function createLogger(handler: string, options: RedactingLoggerOptions = {}): RedactingLogger {
  return new RedactingLogger({
    ...(process.env.POWERTOOLS_SERVICE_NAME ? {} : { serviceName: DEFAULT_SERVICE_NAME }),
    ...(process.env.POWERTOOLS_LOG_LEVEL || process.env.AWS_LAMBDA_LOG_LEVEL || !process.env.INCIDENTS_LOG_LEVEL
      ? {}
      : { logLevel: process.env.INCIDENTS_LOG_LEVEL.toUpperCase() as ConstructorOptions['logLevel'] }),
    persistentKeys: { handler },
    ...options,
  });
}

/**
 * The metrics of a handler: namespace from `POWERTOOLS_METRICS_NAMESPACE`, else `namespace`
 * (`INCIDENTS_METRICS_NAMESPACE`, default `IncidentKBSync`); service from `POWERTOOLS_SERVICE_NAME`.
 */
export function createMetrics(namespace: string): Metrics {
  return new Metrics({
    ...(process.env.POWERTOOLS_METRICS_NAMESPACE ? {} : { namespace }),
    ...(process.env.POWERTOOLS_SERVICE_NAME ? {} : { serviceName: DEFAULT_SERVICE_NAME }),
  });
}

/**
 * Adapts Powertools `Metrics` to `@incidents/kb-sync`'s metrics port: each metric is added to the
 * invocation's EMF blob (flushed by the `logMetrics` middleware) and the run's context becomes
 * metadata. The namespace is the `Metrics` instance's (one namespace per function).
 */
export function metricsRecorder(metrics: Metrics): KbMetricsRecorder {
  return {
    record(values, context) {
      for (const m of values) {
        metrics.addMetric(m.name, m.unit === 'Milliseconds' ? MetricUnit.Milliseconds : MetricUnit.Count, m.value);
      }
      for (const [key, value] of Object.entries(context.properties)) metrics.addMetadata(key, String(value));
    },
  };
}

/** The tracer of a handler (X-Ray; disabled outside Lambda or with `POWERTOOLS_TRACE_ENABLED=false`). */
export function createTracer(): Tracer {
  return new Tracer(process.env.POWERTOOLS_SERVICE_NAME ? {} : { serviceName: DEFAULT_SERVICE_NAME });
}

/**
 * What every handler factory shares: its dependencies, the Powertools instances (logger, metrics,
 * tracer) built once per container, the lazy initialisation, and the Lambda context it reads.
 *
 * @module
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { type LambdaConfig, loadLambdaConfig } from '@incidents/config';
import type { Clock } from '@incidents/core';
import { DEFAULT_METRICS_NAMESPACE } from '@incidents/kb-sync';
import { createLogger, createMetrics, createTracer, type RedactingLogger } from '../observability.js';
import type { AwsClients, CaptureClient } from '../runtime.js';

/** Dependencies of a handler factory. Everything is optional: by default the environment is read on the first invocation. */
export interface HandlerDependencies {
  /** A ready configuration; otherwise read with `loadLambdaConfig` from `env` on the first invocation. */
  config?: LambdaConfig;
  /** Environment to read the configuration from; default `process.env` (read on first invocation, never at import). */
  env?: NodeJS.ProcessEnv;
  /** AWS clients to use instead of creating them. */
  clients?: AwsClients;
  /** Powertools logger with secret redaction; one per handler by default. */
  logger?: RedactingLogger;
  /** Powertools metrics (EMF on stdout, flushed after each invocation); one per handler by default. */
  metrics?: Metrics;
  /** Powertools tracer; one per handler by default (inactive outside Lambda). */
  tracer?: Tracer;
  /**
   * DynamoDB table of the idempotency records (Powertools Idempotency); default
   * `INCIDENTS_IDEMPOTENCY_TABLE`. Without one, the handlers run without idempotency.
   */
  idempotencyTable?: string;
  /** Time source. */
  clock?: Clock;
}

/** The part of the Lambda context the handlers read. */
export interface LambdaContextLike {
  awsRequestId?: string;
  functionName?: string;
  getRemainingTimeInMillis?: () => number;
}

/** The Powertools instances of a handler, built when the handler is created (once per container). */
export interface Instruments {
  logger: RedactingLogger;
  metrics: Metrics;
  tracer: Tracer;
  /** Instruments an AWS SDK client with the tracer. */
  capture: CaptureClient;
}

/** Builds (or takes from `deps`) the logger, metrics and tracer of a handler. */
export function instruments(deps: HandlerDependencies, handler: string): Instruments {
  const env = deps.env ?? process.env;
  const logger = deps.logger ?? createLogger(handler);
  const metrics = deps.metrics ?? createMetrics(env.INCIDENTS_METRICS_NAMESPACE || DEFAULT_METRICS_NAMESPACE);
  const tracer = deps.tracer ?? createTracer();
  const capture: CaptureClient = (client) =>
    tracer.isTracingEnabled() ? (tracer.captureAWSv3Client(client as never) as typeof client) : client;
  return { logger, metrics, tracer, capture };
}

/** Resolves the configuration of a handler (on its first invocation). */
export function resolveConfig(deps: HandlerDependencies): LambdaConfig {
  return deps.config ?? loadLambdaConfig({ env: deps.env ?? process.env });
}

/** The idempotency table of the handler, if any. */
export function idempotencyTable(deps: HandlerDependencies): string | undefined {
  const name = deps.idempotencyTable ?? (deps.env ?? process.env).INCIDENTS_IDEMPOTENCY_TABLE;
  return name?.trim() ? name.trim() : undefined;
}

/**
 * Runs `init` once per container and reuses its result; a failed initialisation is retried on the
 * next invocation instead of being cached.
 */
export function once<T>(init: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= init().catch((err) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}

/** Milliseconds left before the function times out, minus `marginMs`; `fallback` outside Lambda. */
export function timeLeft(context: LambdaContextLike | undefined, marginMs: number, fallback: number): number {
  const remaining = context?.getRemainingTimeInMillis?.();
  if (typeof remaining !== 'number' || !Number.isFinite(remaining)) return fallback;
  return Math.max(1_000, remaining - marginMs);
}

/**
 * What every handler factory shares: its dependencies, the lazy per-container initialisation, and
 * the Lambda context it reads.
 *
 * @module
 */
import { type LambdaConfig, loadLambdaConfig } from '@incidents/config';
import type { Clock } from '@incidents/core';
import type { MetricsSink } from '@incidents/kb-sync';
import { createLogger, type Logger } from '../logger.js';
import type { AwsClients } from '../runtime.js';

/** Dependencies of a handler factory. Everything is optional: by default the environment is read on the first invocation. */
export interface HandlerDependencies {
  /** A ready configuration; otherwise read with `loadLambdaConfig` from `env` on the first invocation. */
  config?: LambdaConfig;
  /** Environment to read the configuration from; default `process.env` (read on first invocation, never at import). */
  env?: NodeJS.ProcessEnv;
  /** AWS clients to use instead of creating them. */
  clients?: AwsClients;
  /** Logger; JSON lines on stdout by default. */
  logger?: Logger;
  /** Receives the CloudWatch EMF lines; stdout by default, `false` to silence. */
  metrics?: MetricsSink | false;
  /** Time source. */
  clock?: Clock;
}

/** The part of the Lambda context the handlers read. */
export interface LambdaContextLike {
  awsRequestId?: string;
  functionName?: string;
  getRemainingTimeInMillis?: () => number;
}

/** Configuration and logger, resolved once per container. */
export interface HandlerBase {
  config: LambdaConfig;
  logger: Logger;
}

/** Resolves the configuration and the logger of a handler. */
export function resolveBase(deps: HandlerDependencies, handler: string): HandlerBase {
  const config = deps.config ?? loadLambdaConfig({ env: deps.env ?? process.env });
  const logger = deps.logger ?? createLogger({ level: config.logLevel, base: { service: 'incidents', handler } });
  return { config, logger };
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

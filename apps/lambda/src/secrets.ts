/**
 * Connector credentials from AWS Secrets Manager or SSM Parameter Store, resolved on first use and
 * cached for the life of the Lambda container (with a time to live, so a rotated secret is picked
 * up). Resolved values are registered with the logger so they are never printed.
 *
 * @module
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { isSecretReference } from '@incidents/config';
import { IncidentsError, ValidationError } from '@incidents/core';
import type { Logger } from './logger.js';

/** Options of {@link createSecretResolver}. */
export interface SecretResolverOptions {
  /** Client for Secrets Manager references; created on first use when omitted. */
  secretsManager?: SecretsManagerClient;
  /** Client for SSM references; created on first use when omitted. */
  ssm?: SSMClient;
  /** Region for the clients this resolver creates. */
  region?: string;
  /** How long a resolved value is reused; default 5 minutes. `0` caches for the container's life. */
  ttlMs?: number;
  /** Resolved values are registered here so they never appear in the logs. */
  logger?: Pick<Logger, 'addSecret'>;
  /** Time source (tests). */
  now?: () => number;
}

/** Resolves secret references (`arn:aws:secretsmanager:…`, `arn:aws:ssm:…:parameter/…`, `ssm:<name>`). */
export interface SecretResolver {
  /** The secret's string value. */
  getString(reference: string): Promise<string>;
  /** The secret's value parsed as a JSON object. */
  getJson(reference: string): Promise<Record<string, unknown>>;
  /** Forgets every cached value. */
  clear(): void;
}

function ssmName(reference: string): string | null {
  if (reference.startsWith('ssm:')) {
    const name = reference.slice('ssm:'.length);
    return name.startsWith('/') || !name.includes('/') ? name : `/${name}`;
  }
  const m = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter(\/.+)$/.exec(reference);
  if (!m?.[1]) return null;
  // A parameter ARN drops the leading slash of hierarchical names; GetParameter accepts the ARN itself.
  return reference;
}

/**
 * Creates a secret resolver with a per-container cache. Concurrent requests for the same reference
 * share one AWS call.
 *
 * IAM: `secretsmanager:GetSecretValue` on the secret (and `kms:Decrypt` for a customer key);
 * `ssm:GetParameter` on the parameter (SecureString parameters are read `WithDecryption`).
 *
 * @example
 * ```ts
 * const secrets = createSecretResolver({ logger });
 * const { auth } = await secrets.getJson('arn:aws:secretsmanager:eu-west-1:123456789012:secret:jira-AbCdEf');
 * ```
 */
export function createSecretResolver(options: SecretResolverOptions = {}): SecretResolver {
  const ttl = options.ttlMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { value: Promise<string>; at: number }>();
  let secretsManager = options.secretsManager;
  let ssm = options.ssm;
  const clientConfig = options.region ? { region: options.region } : {};

  const fetch = async (reference: string): Promise<string> => {
    const name = ssmName(reference);
    try {
      if (name !== null) {
        ssm ??= new SSMClient(clientConfig);
        const out = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
        const value = out.Parameter?.Value;
        if (value === undefined) throw new Error('the parameter has no value');
        return value;
      }
      secretsManager ??= new SecretsManagerClient(clientConfig);
      const out = await secretsManager.send(new GetSecretValueCommand({ SecretId: reference }));
      if (out.SecretString !== undefined) return out.SecretString;
      if (out.SecretBinary !== undefined) return Buffer.from(out.SecretBinary).toString('utf8');
      throw new Error('the secret has no value');
    } catch (err) {
      // The reference is not secret; the value never appears in this message.
      throw new IncidentsError(
        'lambda.secret',
        `Could not read secret ${reference}: ${(err as Error).name ?? 'Error'}: ${(err as Error).message}`,
        {
          details: { reference },
          cause: err,
          userError: false,
        },
      );
    }
  };

  const getString = (reference: string): Promise<string> => {
    if (typeof reference !== 'string' || !isSecretReference(reference)) {
      return Promise.reject(
        new ValidationError(
          [{ path: 'secret', message: 'must be a Secrets Manager secret ARN, an SSM parameter ARN or "ssm:<name>"' }],
          {
            context: 'secret reference',
          },
        ),
      );
    }
    const hit = cache.get(reference);
    if (hit && (ttl === 0 || now() - hit.at < ttl)) return hit.value;
    const value = fetch(reference).then((v) => {
      options.logger?.addSecret(v);
      return v;
    });
    cache.set(reference, { value, at: now() });
    // A failure is not cached: the next invocation tries again.
    value.catch(() => {
      if (cache.get(reference)?.value === value) cache.delete(reference);
    });
    return value;
  };

  return {
    getString,
    async getJson(reference) {
      const text = await getString(reference);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new IncidentsError('lambda.secret', `Secret ${reference} is not a JSON object`, {
          details: { reference },
          userError: true,
        });
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new IncidentsError('lambda.secret', `Secret ${reference} is not a JSON object`, {
          details: { reference },
          userError: true,
        });
      }
      for (const v of Object.values(parsed as Record<string, unknown>)) registerNested(v, options.logger);
      return parsed as Record<string, unknown>;
    },
    clear() {
      cache.clear();
    },
  };
}

function registerNested(value: unknown, logger: Pick<Logger, 'addSecret'> | undefined): void {
  if (!logger) return;
  if (typeof value === 'string') logger.addSecret(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) registerNested(v, logger);
}

/**
 * Connector credentials from AWS Secrets Manager or SSM Parameter Store through Powertools
 * Parameters (`SecretsProvider`, `SSMProvider`), which cache each value for `maxAge` seconds per
 * container so a rotated secret is picked up. Every resolved value is registered with the logger so
 * it never reaches a log line.
 *
 * @module
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { isSecretReference } from '@incidents/config';
import { IncidentsError, ValidationError } from '@incidents/core';

/** Options of {@link createSecretResolver}. */
export interface SecretResolverOptions {
  /** Client for Secrets Manager references (already captured by the tracer); Powertools creates one otherwise. */
  secretsManager?: SecretsManagerClient;
  /** Client for SSM references; Powertools creates one otherwise. */
  ssm?: SSMClient;
  /** Region for the clients Powertools creates. */
  region?: string;
  /** How long a resolved value is reused, in seconds; default 300. */
  maxAgeSeconds?: number;
  /** Resolved values are registered here so they never appear in the logs. */
  logger?: { addSecret(value: unknown): void };
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

/** The SSM parameter name of a reference, or `null` for a Secrets Manager reference. */
function ssmName(reference: string): string | null {
  if (reference.startsWith('ssm:')) {
    const name = reference.slice('ssm:'.length);
    return name.startsWith('/') || !name.includes('/') ? name : `/${name}`;
  }
  // GetParameter accepts the parameter ARN itself.
  return /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/.+$/.test(reference) ? reference : null;
}

/**
 * Creates a secret resolver over Powertools Parameters.
 *
 * IAM: `secretsmanager:GetSecretValue` on the secret (and `kms:Decrypt` for a customer key);
 * `ssm:GetParameter` on the parameter (SecureString parameters are read with decryption).
 *
 * @example
 * ```ts
 * const secrets = createSecretResolver({ logger });
 * const { auth } = await secrets.getJson('arn:aws:secretsmanager:eu-west-1:123456789012:secret:jira-AbCdEf');
 * ```
 */
export function createSecretResolver(options: SecretResolverOptions = {}): SecretResolver {
  const maxAge = options.maxAgeSeconds ?? 300;
  const clientConfig = options.region ? { region: options.region } : {};
  let secretsProvider: SecretsProvider | undefined;
  let ssmProvider: SSMProvider | undefined;

  const read = async (reference: string): Promise<string> => {
    const name = ssmName(reference);
    let value: unknown;
    try {
      if (name !== null) {
        ssmProvider ??= new SSMProvider(options.ssm ? { awsSdkV3Client: options.ssm } : { clientConfig });
        value = await ssmProvider.get(name, { decrypt: true, maxAge });
      } else {
        secretsProvider ??= new SecretsProvider(
          options.secretsManager ? { awsSdkV3Client: options.secretsManager } : { clientConfig },
        );
        value = await secretsProvider.get(reference, { maxAge });
      }
    } catch (err) {
      const cause = (err as Error).cause instanceof Error ? ((err as Error).cause as Error) : (err as Error);
      // The reference is not secret; the value never appears in this message.
      throw new IncidentsError('lambda.secret', `Could not read secret ${reference}: ${cause.name}: ${cause.message}`, {
        details: { reference },
        cause: err,
        userError: false,
      });
    }
    const text = value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value;
    if (typeof text !== 'string') {
      throw new IncidentsError('lambda.secret', `Secret ${reference} has no value`, {
        details: { reference },
        userError: true,
      });
    }
    options.logger?.addSecret(text);
    return text;
  };

  const getString = async (reference: string): Promise<string> => {
    if (typeof reference !== 'string' || !isSecretReference(reference)) {
      throw new ValidationError(
        [{ path: 'secret', message: 'must be a Secrets Manager secret ARN, an SSM parameter ARN or "ssm:<name>"' }],
        { context: 'secret reference' },
      );
    }
    return read(reference);
  };

  return {
    getString,
    async getJson(reference) {
      const text = await getString(reference);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new IncidentsError('lambda.secret', `Secret ${reference} is not a JSON object`, {
          details: { reference },
          userError: true,
        });
      }
      options.logger?.addSecret(parsed);
      return parsed as Record<string, unknown>;
    },
    clear() {
      secretsProvider?.clearCache();
      ssmProvider?.clearCache();
    },
  };
}

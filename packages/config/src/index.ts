/**
 * `@incidents/config` — the one typed, zod-validated configuration loader shared by the apps
 * (`incidents` CLI, `incidents-mcp`, the Lambda handlers). Packages never read the environment;
 * apps call {@link loadConfig} once and pass plain options down.
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `INCIDENTS_STORE` | `turso` or `dynamo` | `turso` |
 * | `INCIDENTS_DB_URL` | libSQL URL (`file:…`, `:memory:`, `libsql://…`) | `file:.incidents/incidents.db` in the working directory |
 * | `INCIDENTS_DB_AUTH_TOKEN` (or `TURSO_AUTH_TOKEN`) | Turso cloud token | — |
 * | `INCIDENTS_ACTOR` | email of the person (or service) the app acts for | — |
 * | `INCIDENTS_DYNAMO_TABLE` | DynamoDB table | `incidents` |
 * | `AWS_ENDPOINT_URL_DYNAMODB` | DynamoDB endpoint (DynamoDB Local) | AWS |
 * | `AWS_REGION` (or `AWS_DEFAULT_REGION`) | AWS region | `us-east-1` with a local endpoint |
 * | `INCIDENTS_MCP_READ_ONLY` | `1`/`true`: the MCP server exposes read tools only | `false` |
 * | `INCIDENTS_MCP_TOOLS` | comma-separated subset of MCP tools | all |
 * | `INCIDENTS_HOME` | folder for the local database and knowledge base | `.incidents` |
 * | `UPSTASH_REDIS_REST_URL` + `UPSTASH_REDIS_REST_TOKEN` | Upstash Redis (REST): read cache, queue | none |
 * | `INCIDENTS_REDIS_URL` | Redis over TCP (`redis://…`) when Upstash is not set | none |
 *
 * Connector settings of the `sync` commands: {@link loadConnectorsConfig} (a config file and the
 * `INCIDENTS_<SYSTEM>_*` prefixes); the connectors are built by the `@incidents/config/connectors`
 * subpath. The Lambda handlers read {@link loadLambdaConfig}.
 *
 * @packageDocumentation
 */
import { mkdirSync } from 'node:fs';
import { lazy } from '@incidents/core';
import { dirname, isAbsolute, resolve } from 'node:path';
import { type Actor, IncidentsError, type IncidentStore, PermissionDeniedError, type Role } from '@incidents/core';
import { configIssues } from './config-issues.js';
import * as z from 'zod';
import { dynamoClientSettings } from './endpoints.js';
import { dynamoStoreIdentity, loadRedisConfig, type RedisConfig, withRedisCache } from './redis-config.js';

const boolishSchema = lazy(() =>
  z.union([z.boolean(), z.string()]).transform((v, ctx) => {
    if (typeof v === 'boolean') return v;
    const s = v.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(s)) return true;
    if (['0', 'false', 'no', 'off', ''].includes(s)) return false;
    ctx.addIssue({ code: 'custom', message: `expected 1/0/true/false, got "${v}"` });
    return z.NEVER;
  }),
);

/** {@link IncidentsConfigSchema}, built on its first call. */
export const incidentsConfigSchema = lazy(() =>
  z.object({
    store: z.enum(['turso', 'dynamo']).default('turso'),
    home: z.string().min(1).default('.incidents'),
    dbUrl: z.string().min(1).optional(),
    dbAuthToken: z.string().min(1).optional(),
    actor: z.string().trim().min(1).optional(),
    dynamo: z
      .object({
        table: z.string().min(3).max(255).default('incidents'),
        endpoint: z.url().optional(),
        region: z.string().min(1).optional(),
      })
      .default({ table: 'incidents' }),
    mcp: z
      .object({
        readOnly: boolishSchema().default(false),
        tools: z.array(z.string().min(1)).optional(),
      })
      .default({ readOnly: false }),
  }),
);
/** The validated configuration. */
export const IncidentsConfigSchema = /* @__PURE__ */ incidentsConfigSchema();
export type IncidentsConfig = z.output<typeof IncidentsConfigSchema> & {
  dbUrl: string;
  /** Redis (`UPSTASH_REDIS_REST_*` or `INCIDENTS_REDIS_URL`); absent or `null` = no cache. */
  redis?: RedisConfig | null;
};

/** Values given on the command line; they win over the environment. */
export interface ConfigOverrides {
  store?: string;
  dbUrl?: string;
  actor?: string;
  table?: string;
  endpoint?: string;
  region?: string;
  home?: string;
}

const ENV_NAMES: Record<string, string> = {
  store: 'INCIDENTS_STORE',
  home: 'INCIDENTS_HOME',
  dbUrl: 'INCIDENTS_DB_URL',
  dbAuthToken: 'INCIDENTS_DB_AUTH_TOKEN',
  actor: 'INCIDENTS_ACTOR',
  'dynamo.table': 'INCIDENTS_DYNAMO_TABLE',
  'dynamo.endpoint': 'AWS_ENDPOINT_URL_DYNAMODB',
  'dynamo.region': 'AWS_REGION',
  'mcp.readOnly': 'INCIDENTS_MCP_READ_ONLY',
  'mcp.tools': 'INCIDENTS_MCP_TOOLS',
};

/** Variables whose empty value is an error rather than "unset" (see {@link loadConfig}). */
export const EXPLICIT_VALUE_VARIABLES = ['INCIDENTS_ACTOR', 'INCIDENTS_DB_URL', 'INCIDENTS_STORE'] as const;

const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

/**
 * Reads the configuration from `env` (default `process.env`) and command-line `overrides`.
 * `INCIDENTS_ACTOR`, `INCIDENTS_DB_URL` and `INCIDENTS_STORE` set to an empty value (and an empty
 * `actor` override) are errors, not defaults.
 * @throws IncidentsError with code `config` naming the variable (or option) that is wrong.
 */
export function loadConfig(
  options: { env?: NodeJS.ProcessEnv; overrides?: ConfigOverrides; cwd?: string } = {},
): IncidentsConfig {
  const env = options.env ?? process.env;
  const o = options.overrides ?? {};
  const cwd = options.cwd ?? process.cwd();
  // An explicitly empty value is a mistake (a script's unset variable), never "use the default":
  // an empty actor would otherwise fall back to the local admin.
  const empty: string[] = EXPLICIT_VALUE_VARIABLES.filter(
    (name) => env[name] !== undefined && env[name]?.trim() === '',
  );
  if (o.actor !== undefined && o.actor.trim() === '') empty.unshift('--as');
  if (empty.length) {
    const problems = empty.map((name) => `${name}: is set but empty; give a value or unset it`);
    throw new IncidentsError('config', `Invalid configuration: ${problems.join('; ')}`, {
      details: { issues: configIssues(problems) },
    });
  }
  const tools = nonEmpty(env.INCIDENTS_MCP_TOOLS)
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const raw = {
    store: nonEmpty(o.store) ?? nonEmpty(env.INCIDENTS_STORE),
    home: nonEmpty(o.home) ?? nonEmpty(env.INCIDENTS_HOME),
    dbUrl: nonEmpty(o.dbUrl) ?? nonEmpty(env.INCIDENTS_DB_URL),
    dbAuthToken: nonEmpty(env.INCIDENTS_DB_AUTH_TOKEN) ?? nonEmpty(env.TURSO_AUTH_TOKEN),
    actor: nonEmpty(o.actor) ?? nonEmpty(env.INCIDENTS_ACTOR),
    dynamo: {
      table: nonEmpty(o.table) ?? nonEmpty(env.INCIDENTS_DYNAMO_TABLE),
      endpoint: nonEmpty(o.endpoint) ?? nonEmpty(env.AWS_ENDPOINT_URL_DYNAMODB) ?? nonEmpty(env.AWS_ENDPOINT_URL),
      region: nonEmpty(o.region) ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION),
    },
    mcp: { readOnly: nonEmpty(env.INCIDENTS_MCP_READ_ONLY), tools },
  };
  const parsed = incidentsConfigSchema().safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      return `${ENV_NAMES[path] ?? path}: ${issue.message}`;
    });
    throw new IncidentsError('config', `Invalid configuration: ${problems.join('; ')}`, {
      details: { issues: configIssues(problems) },
    });
  }
  const config = parsed.data;
  const home = isAbsolute(config.home) ? config.home : resolve(cwd, config.home);
  return {
    ...config,
    home,
    dbUrl: config.dbUrl ?? `file:${resolve(home, 'incidents.db')}`,
    redis: loadRedisConfig(env),
  };
}

/** The local path of a `file:` URL, or `null` for `:memory:` and remote URLs. */
export function localDatabasePath(url: string): string | null {
  if (!url.startsWith('file:')) return null;
  const path = url.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
  return path === ':memory:' ? null : path;
}

/**
 * Opens the configured store: libSQL (creating the folder of a `file:` database) or DynamoDB
 * (loaded on demand, so the AWS SDK costs nothing when unused) — behind the Redis read cache of
 * `@incidents/redis` when Redis is configured.
 */
export async function openStore(config: IncidentsConfig): Promise<IncidentStore> {
  const store = await openPlainStore(config);
  return withRedisCache(store, config.redis, { identity: storeIdentity(config) });
}

/** What identifies the configured database (for the cache prefix): the table and endpoint, or the URL. */
export function storeIdentity(config: IncidentsConfig): string {
  return config.store === 'dynamo'
    ? dynamoStoreIdentity(config.dynamo.table, config.dynamo.endpoint)
    : `turso:${config.dbUrl}`;
}

async function openPlainStore(config: IncidentsConfig): Promise<IncidentStore> {
  if (config.store === 'dynamo') {
    const { createDynamoStore } = await import('@incidents/store-dynamo');
    // DynamoDB Local accepts any credentials; real AWS uses the default provider chain.
    return createDynamoStore({ tableName: config.dynamo.table, clientConfig: dynamoClientSettings(config.dynamo) });
  }
  const path = localDatabasePath(config.dbUrl);
  if (path) mkdirSync(dirname(resolve(path)), { recursive: true });
  const { createTursoStore } = await import('@incidents/store-turso');
  return createTursoStore({ url: config.dbUrl, ...(config.dbAuthToken ? { authToken: config.dbAuthToken } : {}) });
}

/** The actor used when none is configured: the owner of a local embedded database. */
export const LOCAL_ADMIN: Actor = { id: 'local-admin@localhost', roles: ['admin'] };

/**
 * Resolves the configured actor email to an {@link Actor} with the roles registered for that user
 * (emails match case-insensitively; the actor's id is the registered, normalised email). No email:
 * `fallback` (e.g. {@link LOCAL_ADMIN} for the CLI on a local file). Unknown user: an error telling how
 * to register the user — or `unknownRoles` when given (an explicit opt-in for a local database only;
 * the CLI and the MCP server never pass it).
 */
export async function resolveActor(
  store: IncidentStore,
  email: string | undefined,
  options: { fallback?: Actor; unknownRoles?: Role[] } = {},
): Promise<Actor> {
  if (!email) {
    if (options.fallback) return options.fallback;
    throw new IncidentsError('config', 'No actor configured: pass --as <email> or set INCIDENTS_ACTOR');
  }
  const user = await store.getUser(email);
  if (!user) {
    if (options.unknownRoles) return { id: email, roles: options.unknownRoles };
    throw new IncidentsError(
      'config',
      `Unknown user ${email}: register it first with \`incidents users add ${email} --role operator\``,
      { details: { email } },
    );
  }
  if (!user.active) throw new PermissionDeniedError(email, '*', `user ${email} is deactivated`);
  return { id: user.email, roles: [user.role], ...(user.team ? { team: user.team } : {}) };
}
export {
  CONNECTOR_ENV_PREFIXES,
  CONNECTOR_TYPES,
  type ConnectorSettings,
  type ConnectorsConfig,
  type ConnectorsConfigOptions,
  type ConnectorType,
  checkConnectorOptions,
  connectorEnvVariables,
  DEFAULT_CONNECTORS_FILE,
  loadConnectorsConfig,
  RESERVED_CONNECTOR_NAMES,
} from './connectors-config.js';
export {
  isSecretReference,
  LAMBDA_CONNECTOR_TYPES,
  type LambdaConfig,
  LambdaConfigSchema,
  lambdaConfigSchema,
  type LambdaConnectorConfig,
  LambdaConnectorConfigSchema,
  lambdaConnectorConfigSchema,
  type LambdaConnectorType,
  loadLambdaConfig,
  requireKbBucket,
} from './lambda-config.js';
export {
  DEFAULT_KB_CONFIG_PREFIX,
  type KbConfig,
  KbConfigSchema,
  kbConfigSchema,
  type KbDocumentsConfig,
  type KbIndexConfig,
  loadKbConfig,
} from './kb-config.js';
export { type OpenedKnowledgeBase, openKnowledgeBase } from './knowledge-base.js';
export {
  cachePrefixFor,
  dynamoStoreIdentity,
  loadRedisConfig,
  openRedis,
  type RedisConfig,
  withRedisCache,
} from './redis-config.js';
export { type DynamoClientSettings, dynamoClientSettings, isLocalEndpoint } from './endpoints.js';

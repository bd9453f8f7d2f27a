/**
 * Connector settings of the apps' `sync` commands: which vendor systems to sync and with which
 * options, read from a JSON config file and from one environment prefix per system, and validated
 * so that every error names the variable (or the file and JSON path) that is wrong. Credentials are
 * never printed; in the file they are `"${ENV_VAR}"` references expanded from the environment.
 *
 * Sources, in this precedence (a name defined by the file wins over the same name from the
 * environment):
 *
 * 1. the config file: `file` (the CLI's `--config <path>`), else `INCIDENTS_CONFIG`, else
 *    `<home>/connectors.json` when it exists:
 *    `{ "connectors": { "<name>": { "type": "jira", "options": { … } } } }`;
 * 2. the environment, one prefix per system (a system is configured as soon as one of its
 *    variables is set; the connector is named after the system):
 *
 * | prefix | variables → options of the factory |
 * |---|---|
 * | `INCIDENTS_JIRA_` | `BASE_URL` → `baseUrl`; `EMAIL` + `API_TOKEN` → `auth: { email, apiToken }`, or `BEARER_TOKEN` → `auth: { bearerToken }`, or `OAUTH_CLIENT_ID` + `OAUTH_CLIENT_SECRET` + `OAUTH_REFRESH_TOKEN` (+ `OAUTH_TOKEN_URL`, `OAUTH_CLOUD_ID`) → `auth: { oauth }` (3LO with refresh); `JQL` → `jql`; `PROJECT` (comma-separated keys) → `project in (…)` ANDed to the JQL; `TIME_ZONE` → `timeZone`; `RECONCILE_DELETIONS` → `reconcileDeletions` (check imported keys for deletions after each pull); `PAGE_SIZE` (1-100) |
 * | `INCIDENTS_SERVICENOW_` | `BASE_URL`; `USERNAME` + `PASSWORD`, or `BEARER_TOKEN`, or `OAUTH_CLIENT_ID` + `OAUTH_CLIENT_SECRET` + `OAUTH_TOKEN_URL` (+ `OAUTH_REFRESH_TOKEN`; without it the client-credentials grant); `TABLE`; `QUERY`; `PAGE_SIZE` (1-1000) |
 * | `INCIDENTS_REMEDY_` | `BASE_URL`; `USERNAME` + `PASSWORD`; `FORM`; `UPDATE_FORM` (default `HPD:IncidentInterface`); `WORK_LOG_FORM`; `WORK_LOG_TYPE`; `QUERY`; `RECONCILE_DELETIONS`; `PAGE_SIZE` (1-1000) |
 * | `INCIDENTS_ZENDESK_` | `BASE_URL` (or `SUBDOMAIN` → `https://<subdomain>.zendesk.com`); `EMAIL` + `API_TOKEN`, or `BEARER_TOKEN`, or `OAUTH_CLIENT_ID` + `OAUTH_CLIENT_SECRET` + `OAUTH_REFRESH_TOKEN` + `OAUTH_TOKEN_URL`; `EXCLUDE_DELETED`; `PAGE_SIZE` (1-1000) |
 * | `INCIDENTS_SLACK_` | `BOT_TOKEN` → `token`, or (token rotation) `OAUTH_CLIENT_ID` + `OAUTH_CLIENT_SECRET` + `OAUTH_REFRESH_TOKEN` (+ `OAUTH_TOKEN_URL`) → `oauth`; `CHANNEL_ID` → `channelId`; `BASE_URL`; `WORKSPACE_URL` → `mapping.workspaceUrl`; `INCLUDE_REPLIES`; `RESCAN_WINDOW_MS` → `rescanWindowMs` (re-read window for reactions and thread replies); `RATE_TIER` (`standard` or `non-marketplace`: 15 messages a page, one `conversations.history` and one `conversations.replies` call a minute); `RECONCILE_DELETIONS`; `PAGE_SIZE` (1-999) |
 * | `INCIDENTS_SHORTCUT_` | `API_TOKEN` → `apiToken`; `BASE_URL`; `QUERY` (search operators of a first import); `RECONCILE_DELETIONS`; `PAGE_SIZE` (1-250) |
 * | `INCIDENTS_JIRA_`, `_SERVICENOW_`, `_ZENDESK_`, `_SLACK_`, `_SHORTCUT_` | `WEBHOOK_SECRET` → the connector's webhook endpoint (`settings.webhook`, not a factory option); ServiceNow also `WEBHOOK_USERNAME`. In the file: `options.webhookSecret: "${VAR}"` (and `webhookUsername`) |
 * | every prefix | `TEAM` → `mapping.team`; `TIMEOUT_MS` → `timeoutMs`; `CONCURRENCY` → `concurrency`; `MAX_RETRIES` → `retry.maxRetries` |
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { type FieldIssue, IncidentsError, isIncidentsError } from '@incidents/core';
import { connectorOptionsSchemas, jiraOauthOptionsSchema, oauthOptionsSchema } from '@incidents/connectors/options';
import type * as z from 'zod';
import { configIssues, issueLine } from './config-issues.js';

/** The vendor systems a connector can be built for. */
export const CONNECTOR_TYPES = ['jira', 'servicenow', 'remedy', 'zendesk', 'slack', 'shortcut'] as const;
/** A connector type. */
export type ConnectorType = (typeof CONNECTOR_TYPES)[number];

/** The environment prefix of each system. */
export const CONNECTOR_ENV_PREFIXES: Readonly<Record<ConnectorType, string>> = {
  jira: 'INCIDENTS_JIRA_',
  servicenow: 'INCIDENTS_SERVICENOW_',
  remedy: 'INCIDENTS_REMEDY_',
  zendesk: 'INCIDENTS_ZENDESK_',
  slack: 'INCIDENTS_SLACK_',
  shortcut: 'INCIDENTS_SHORTCUT_',
};

/** The file looked for in the home folder when neither a file nor `INCIDENTS_CONFIG` is given. */
export const DEFAULT_CONNECTORS_FILE = 'connectors.json';

/** Names that cannot be connector names: they are commands or targets (`sync status`, `sync all`). */
export const RESERVED_CONNECTOR_NAMES: readonly string[] = ['all', 'status'];

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** One configured connector. `options` hold credentials: never print or log them. */
export interface ConnectorSettings {
  /** The connector's name: the engine keys cursors and the outbound queue by it. */
  name: string;
  type: ConnectorType;
  /** Options for the factory (`createJiraConnector`…), validated, with `${VAR}` references expanded. */
  options: Record<string, unknown>;
  /** Where the settings come from: an environment prefix or a file. */
  source: { kind: 'env'; prefix: string } | { kind: 'file'; path: string };
  /**
   * The connector's webhook endpoint, when a webhook secret is configured
   * (`INCIDENTS_<SYSTEM>_WEBHOOK_SECRET`, or `options.webhookSecret: "${VAR}"` in the file; ServiceNow
   * also `WEBHOOK_USERNAME` / `webhookUsername`). A secret: never print or log it.
   */
  webhook?: ConnectorWebhookSettings;
  /** Names an option path as the user wrote it (`INCIDENTS_JIRA_BASE_URL`, `<file>: connectors.jira.options.baseUrl`). */
  describe(path: string): string;
}

/** The webhook settings of one connector (see `createWebhookIntake` of `@incidents/connectors`). */
export interface ConnectorWebhookSettings {
  /** The shared secret or signing secret the vendor signs (or sends) deliveries with. */
  secret: string;
  /** ServiceNow only: the HTTP Basic user name its outbound REST message sends with the secret. */
  username?: string;
}

/** The systems that send webhooks (Remedy has none): their prefixes accept `WEBHOOK_SECRET`. */
export const WEBHOOK_CONNECTOR_TYPES: readonly ConnectorType[] = ['jira', 'servicenow', 'zendesk', 'slack', 'shortcut'];

/** What {@link loadConnectorsConfig} found. */
export interface ConnectorsConfig {
  /** The connectors by name: the file's first, then the environment's. */
  connectors: Record<string, ConnectorSettings>;
  /** The config file that was read, if any. */
  file?: string;
  /** The file that was looked for (the default one may not exist). */
  searchedFile: string;
}

/** Options of {@link loadConnectorsConfig}. */
export interface ConnectorsConfigOptions {
  /** Environment (default `process.env`): the prefixes, `INCIDENTS_CONFIG` and the `${VAR}` references. */
  env?: NodeJS.ProcessEnv;
  /** Base of relative paths. Default `process.cwd()`. */
  cwd?: string;
  /** An explicit config file (`--config <path>`): wins over `INCIDENTS_CONFIG`; it must exist. */
  file?: string;
  /** Folder of local data where `connectors.json` is looked for. Default `INCIDENTS_HOME` or `.incidents` under `cwd`. */
  home?: string;
}

// -------------------------------------------------------------------------------------------------
// option checks shared by the file, the environment and the Lambda's INCIDENTS_CONNECTORS

/**
 * Every option each factory accepts, with its limits: the connectors' own zod schemas
 * (`@incidents/connectors/options`). This module only maps variable names and file paths onto them.
 */
const optionsSchemaOf = (type: ConnectorType): z.ZodObject => connectorOptionsSchemas()[type];

/** The accepted `auth` shapes: each a set of fields that must all be present. */
const AUTH: Readonly<Partial<Record<ConnectorType, ReadonlyArray<readonly string[]>>>> = {
  jira: [['email', 'apiToken'], ['bearerToken'], ['oauth']],
  servicenow: [['username', 'password'], ['bearerToken'], ['oauth']],
  remedy: [['username', 'password']],
  zendesk: [['email', 'apiToken'], ['bearerToken'], ['oauth']],
};

/** Problems of an OAuth 2.0 client object at `path`. */
function checkOAuth(
  type: ConnectorType,
  oauth: unknown,
  path: string,
  describe: (path: string) => string,
  short: (path: string) => string,
): string[] {
  if (!isObject(oauth)) return [`${describe(path)}: expected an object`];
  const problems: string[] = [];
  // The fields' types: the connectors' OAuth schema (Jira's adds the Atlassian gateway's fields).
  const schema = type === 'jira' ? jiraOauthOptionsSchema() : oauthOptionsSchema();
  problems.push(...schemaProblems(schema, oauth, path, describe, `unknown OAuth field for ${type}`));
  const required = ['clientId', 'clientSecret', ...(type === 'jira' || type === 'slack' ? [] : ['tokenUrl'])];
  if (oauth.grant === 'refresh_token' || type === 'slack') required.push('refreshToken');
  for (const key of required) {
    if (isBlank(oauth[key])) problems.push(`${describe(`${path}.${key}`)}: required with ${short(path)}`);
  }
  return problems;
}

/** Option paths that hold secrets (in a file they must be `${VAR}` references), with the variable suffix to suggest. */
const SECRET_PATHS: ReadonlyMap<string, string> = new Map([
  ['auth.apiToken', 'API_TOKEN'],
  ['auth.password', 'PASSWORD'],
  ['auth.bearerToken', 'BEARER_TOKEN'],
  ['token', 'BOT_TOKEN'],
  ['apiToken', 'API_TOKEN'],
  ['auth.oauth.clientSecret', 'OAUTH_CLIENT_SECRET'],
  ['auth.oauth.refreshToken', 'OAUTH_REFRESH_TOKEN'],
  ['auth.oauth.accessToken', 'OAUTH_ACCESS_TOKEN'],
  ['oauth.clientSecret', 'OAUTH_CLIENT_SECRET'],
  ['oauth.refreshToken', 'OAUTH_REFRESH_TOKEN'],
  ['oauth.accessToken', 'OAUTH_ACCESS_TOKEN'],
  ['webhookSecret', 'WEBHOOK_SECRET'],
]);

/**
 * Takes the webhook settings out of a connector's options (they configure its webhook endpoint,
 * not the connector): problems name where they were written.
 */
function takeWebhook(
  type: ConnectorType,
  options: Record<string, unknown>,
  describe: (path: string) => string,
  problems: string[],
): ConnectorWebhookSettings | undefined {
  const { webhookSecret: secret, webhookUsername: username } = options;
  delete options.webhookSecret;
  delete options.webhookUsername;
  if (secret === undefined && username === undefined) return undefined;
  if (!WEBHOOK_CONNECTOR_TYPES.includes(type)) {
    problems.push(`${describe(secret === undefined ? 'webhookUsername' : 'webhookSecret')}: ${type} sends no webhooks`);
    return undefined;
  }
  if (username !== undefined && type !== 'servicenow') {
    problems.push(`${describe('webhookUsername')}: only ServiceNow webhooks have a user name`);
  }
  if (isBlank(secret) || typeof secret !== 'string') {
    problems.push(`${describe('webhookSecret')}: required${username !== undefined ? ' with a webhook user name' : ''}`);
    return undefined;
  }
  if (username !== undefined && (typeof username !== 'string' || isBlank(username))) {
    problems.push(`${describe('webhookUsername')}: expected a non-empty string`);
  }
  return { secret, ...(typeof username === 'string' && username.trim() ? { username: username.trim() } : {}) };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/**
 * The problems of `value` against `schema`, one `"<where>: <problem>"` line each: an unknown key
 * says `unknown` and lists the accepted ones; other messages are the schema's (never the value).
 */
function schemaProblems(
  schema: z.ZodObject,
  value: unknown,
  base: string,
  describe: (path: string) => string,
  unknown: string,
): string[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  const at = (path: readonly PropertyKey[]) => [...(base ? [base] : []), ...path.map(String)].join('.');
  // Unknown keys first: a misspelt option explains the "required" that follows it.
  const issues = [...result.error.issues].sort(
    (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
  );
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map(
          (key) =>
            `${describe(at([...issue.path, key]))}: ${unknown}; expected one of ${Object.keys(schema.shape).join(', ')}`,
        )
      : [`${describe(at(issue.path))}: ${issue.message}`],
  );
}

/**
 * Checks the options of one connector against what its factory accepts: required options,
 * credentials (`auth` alternatives), types and ranges, unknown options. Messages never contain
 * option values.
 *
 * @param describe names an option path where the user wrote it (an environment variable, a file
 * and JSON path); `short` names it inside a message (default: `describe`).
 * @returns one `"<where>: <problem>"` line per problem; empty when the options are valid.
 */
export function checkConnectorOptions(
  type: ConnectorType,
  options: Record<string, unknown>,
  describe: (path: string) => string,
  short: (path: string) => string = describe,
): string[] {
  // A missing `auth` is reported below with its alternatives.
  const problems = schemaProblems(
    optionsSchemaOf(type),
    AUTH[type] && options.auth === undefined ? { ...options, auth: {} } : options,
    '',
    describe,
    `unknown option for ${type}`,
  );
  if (type === 'slack') {
    const hasToken = !isBlank(options.token);
    if (!hasToken && options.oauth === undefined) {
      problems.push(`${describe('token')}: required (or ${short('oauth')} for token rotation)`);
    } else if (hasToken && options.oauth !== undefined) {
      problems.push(`${describe('token')}: give either ${short('token')} or ${short('oauth')}, not both`);
    } else if (options.oauth !== undefined) problems.push(...checkOAuth(type, options.oauth, 'oauth', describe, short));
  }
  const shapes = AUTH[type];
  if (!shapes) return problems;
  const alternatives = (list: ReadonlyArray<readonly string[]>, or: string) =>
    list.map((s) => s.map((f) => short(`auth.${f}`)).join(' + ')).join(or);
  const auth = options.auth;
  if (auth !== undefined && !isObject(auth)) return problems; // reported above as "expected an object"
  if (auth === undefined) {
    problems.push(`${describe('auth')}: required (${alternatives(shapes, ', or ')})`);
    return problems;
  }
  const known = new Set(shapes.flat());
  for (const key of Object.keys(auth)) {
    if (!known.has(key)) problems.push(`${describe(`auth.${key}`)}: unknown credential for ${type}`);
  }
  const given = shapes.filter((s) => s.some((f) => !isBlank(auth[f])));
  if (given.length === 0) {
    problems.push(`${describe('auth')}: required (${alternatives(shapes, ', or ')})`);
  } else if (given.length > 1) {
    problems.push(`${describe('auth')}: give either ${alternatives(given, ' or ')}, not both`);
  } else {
    const shape = given[0] as readonly string[];
    for (const f of shape) {
      const value = auth[f];
      if (f === 'oauth') {
        problems.push(...checkOAuth(type, value, 'auth.oauth', describe, short));
        continue;
      }
      if (isBlank(value)) {
        const with_ = shape.filter((o) => o !== f).map((o) => short(`auth.${o}`));
        problems.push(`${describe(`auth.${f}`)}: required${with_.length ? ` with ${with_.join(', ')}` : ''}`);
      } else if (typeof value !== 'string') problems.push(`${describe(`auth.${f}`)}: expected a string`);
    }
  }
  return problems;
}

/** Throws the `config` error of a list of problems. */
function fail(problems: readonly string[]): never {
  throw new IncidentsError('config', `Invalid connector configuration: ${problems.join('; ')}`, {
    details: { issues: configIssues(problems) },
  });
}

// -------------------------------------------------------------------------------------------------
// environment

interface EnvVariable {
  /** Suffix after the prefix (`BASE_URL`). */
  suffix: string;
  /** Option path it sets (`auth.apiToken`); `null` for variables handled specially. */
  path: string | null;
  kind: 'string' | 'url' | 'int' | 'bool';
  /** Setting it makes the system "configured". */
  trigger?: boolean;
}

const COMMON_ENV: EnvVariable[] = [
  { suffix: 'TEAM', path: 'mapping.team', kind: 'string' },
  { suffix: 'TIMEOUT_MS', path: 'timeoutMs', kind: 'int' },
  { suffix: 'CONCURRENCY', path: 'concurrency', kind: 'int' },
  { suffix: 'MAX_RETRIES', path: 'retry.maxRetries', kind: 'int' },
];

/** The webhook secret of a system that sends webhooks (`options.webhookSecret`, taken out by `takeWebhook`). */
const WEBHOOK_SECRET_ENV: EnvVariable = { suffix: 'WEBHOOK_SECRET', path: 'webhookSecret', kind: 'string' };

const v = (suffix: string, path: string | null, kind: EnvVariable['kind'] = 'string', trigger = false) => ({
  suffix,
  path,
  kind,
  ...(trigger ? { trigger } : {}),
});

/** The variables of each prefix. */
const ENV_VARIABLES: Readonly<Record<ConnectorType, readonly EnvVariable[]>> = {
  jira: [
    v('BASE_URL', 'baseUrl', 'url', true),
    v('EMAIL', 'auth.email', 'string', true),
    v('API_TOKEN', 'auth.apiToken', 'string', true),
    v('BEARER_TOKEN', 'auth.bearerToken', 'string', true),
    v('OAUTH_CLIENT_ID', 'auth.oauth.clientId', 'string', true),
    v('OAUTH_CLIENT_SECRET', 'auth.oauth.clientSecret', 'string', true),
    v('OAUTH_REFRESH_TOKEN', 'auth.oauth.refreshToken', 'string', true),
    v('OAUTH_TOKEN_URL', 'auth.oauth.tokenUrl', 'url'),
    v('OAUTH_CLOUD_ID', 'auth.oauth.cloudId'),
    v('JQL', 'jql'),
    v('PROJECT', null),
    v('TIME_ZONE', 'timeZone'),
    v('RECONCILE_DELETIONS', 'reconcileDeletions', 'bool'),
    v('PAGE_SIZE', 'pageSize', 'int'),
    WEBHOOK_SECRET_ENV,
    ...COMMON_ENV,
  ],
  servicenow: [
    v('BASE_URL', 'baseUrl', 'url', true),
    v('USERNAME', 'auth.username', 'string', true),
    v('PASSWORD', 'auth.password', 'string', true),
    v('BEARER_TOKEN', 'auth.bearerToken', 'string', true),
    v('OAUTH_CLIENT_ID', 'auth.oauth.clientId', 'string', true),
    v('OAUTH_CLIENT_SECRET', 'auth.oauth.clientSecret', 'string', true),
    v('OAUTH_REFRESH_TOKEN', 'auth.oauth.refreshToken', 'string', true),
    v('OAUTH_TOKEN_URL', 'auth.oauth.tokenUrl', 'url'),
    v('TABLE', 'table'),
    v('QUERY', 'query'),
    v('PAGE_SIZE', 'pageSize', 'int'),
    WEBHOOK_SECRET_ENV,
    v('WEBHOOK_USERNAME', 'webhookUsername'),
    ...COMMON_ENV,
  ],
  remedy: [
    v('BASE_URL', 'baseUrl', 'url', true),
    v('USERNAME', 'auth.username', 'string', true),
    v('PASSWORD', 'auth.password', 'string', true),
    v('FORM', 'form'),
    v('UPDATE_FORM', 'updateForm'),
    v('WORK_LOG_FORM', 'workLogForm'),
    v('WORK_LOG_TYPE', 'workLogType'),
    v('QUERY', 'query'),
    v('RECONCILE_DELETIONS', 'reconcileDeletions', 'bool'),
    v('PAGE_SIZE', 'pageSize', 'int'),
    ...COMMON_ENV,
  ],
  zendesk: [
    v('BASE_URL', 'baseUrl', 'url', true),
    v('SUBDOMAIN', null, 'string', true),
    v('EMAIL', 'auth.email', 'string', true),
    v('API_TOKEN', 'auth.apiToken', 'string', true),
    v('BEARER_TOKEN', 'auth.bearerToken', 'string', true),
    v('OAUTH_CLIENT_ID', 'auth.oauth.clientId', 'string', true),
    v('OAUTH_CLIENT_SECRET', 'auth.oauth.clientSecret', 'string', true),
    v('OAUTH_REFRESH_TOKEN', 'auth.oauth.refreshToken', 'string', true),
    v('OAUTH_TOKEN_URL', 'auth.oauth.tokenUrl', 'url'),
    v('EXCLUDE_DELETED', 'excludeDeleted', 'bool'),
    v('PAGE_SIZE', 'pageSize', 'int'),
    WEBHOOK_SECRET_ENV,
    ...COMMON_ENV,
  ],
  slack: [
    v('BOT_TOKEN', 'token', 'string', true),
    v('OAUTH_CLIENT_ID', 'oauth.clientId', 'string', true),
    v('OAUTH_CLIENT_SECRET', 'oauth.clientSecret', 'string', true),
    v('OAUTH_REFRESH_TOKEN', 'oauth.refreshToken', 'string', true),
    v('OAUTH_TOKEN_URL', 'oauth.tokenUrl', 'url'),

    v('CHANNEL_ID', 'channelId', 'string', true),
    v('BASE_URL', 'baseUrl', 'url'),
    v('WORKSPACE_URL', 'mapping.workspaceUrl', 'url'),
    v('INCLUDE_REPLIES', 'includeReplies', 'bool'),
    v('RESCAN_WINDOW_MS', 'rescanWindowMs', 'int'),
    v('RATE_TIER', 'rateTier'),
    v('RECONCILE_DELETIONS', 'reconcileDeletions', 'bool'),
    v('PAGE_SIZE', 'pageSize', 'int'),
    WEBHOOK_SECRET_ENV,
    ...COMMON_ENV,
  ],
  shortcut: [
    v('API_TOKEN', 'apiToken', 'string', true),
    v('BASE_URL', 'baseUrl', 'url'),
    v('QUERY', 'query'),
    v('RECONCILE_DELETIONS', 'reconcileDeletions', 'bool'),
    v('PAGE_SIZE', 'pageSize', 'int'),
    WEBHOOK_SECRET_ENV,
    ...COMMON_ENV,
  ],
};

/** The environment variables of one system (full names), for help texts and docs. */
export function connectorEnvVariables(type: ConnectorType): string[] {
  return ENV_VARIABLES[type].map((e) => `${CONNECTOR_ENV_PREFIXES[type]}${e.suffix}`);
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (!isObject(node[part])) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

function parseEnvValue(variable: EnvVariable, raw: string): { value?: unknown; problem?: string } {
  switch (variable.kind) {
    case 'int': {
      if (!/^\d+$/.test(raw)) return { problem: 'expected a whole number' };
      return { value: Number(raw) };
    }
    case 'bool': {
      const s = raw.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(s)) return { value: true };
      if (['0', 'false', 'no', 'off'].includes(s)) return { value: false };
      return { problem: 'expected 1/0/true/false' };
    }
    default:
      return { value: raw };
  }
}

/** The option path → environment variable of one system (for error messages). */
function envDescriber(type: ConnectorType): (path: string) => string {
  const prefix = CONNECTOR_ENV_PREFIXES[type];
  const byPath = new Map(ENV_VARIABLES[type].flatMap((e) => (e.path ? [[e.path, `${prefix}${e.suffix}`]] : [])));
  return (path) => {
    if (path === 'auth') return `${prefix}* credentials`;
    if (path === 'auth.oauth' || path === 'oauth') return `${prefix}OAUTH_*`;
    return byPath.get(path) ?? `${prefix}* (${path})`;
  };
}

const quoteJql = (key: string) => (/^[A-Za-z][A-Za-z0-9_]*$/.test(key) ? key : `"${key.replace(/"/g, '\\"')}"`);

/** The connectors configured through the environment prefixes. */
function fromEnv(env: NodeJS.ProcessEnv): { settings: ConnectorSettings[]; problems: string[] } {
  const settings: ConnectorSettings[] = [];
  const problems: string[] = [];
  for (const type of CONNECTOR_TYPES) {
    const prefix = CONNECTOR_ENV_PREFIXES[type];
    const variables = ENV_VARIABLES[type];
    const set = Object.keys(env)
      .filter((k) => k.startsWith(prefix) && !isBlank(env[k]))
      .sort();
    if (set.length === 0) continue;
    const typeProblems: string[] = [];
    const unknown = set.filter((k) => !variables.some((e) => `${prefix}${e.suffix}` === k));
    for (const name of unknown) {
      typeProblems.push(`${name}: unknown variable; expected one of ${connectorEnvVariables(type).join(', ')}`);
    }
    if (!variables.some((e) => e.trigger && !isBlank(env[`${prefix}${e.suffix}`]))) {
      // Only optional variables are set: the system is not configured, but say what is missing.
      const triggers = variables.filter((e) => e.trigger).map((e) => `${prefix}${e.suffix}`);
      typeProblems.push(`${set[0]} is set but ${type} is not configured: set ${triggers.join(' / ')}`);
      problems.push(...typeProblems);
      continue;
    }
    const options: Record<string, unknown> = {};
    for (const variable of variables) {
      const name = `${prefix}${variable.suffix}`;
      const raw = env[name]?.trim();
      if (raw === undefined || raw === '') continue;
      const { value, problem } = parseEnvValue(variable, raw);
      if (problem) {
        typeProblems.push(`${name}: ${problem}`);
        continue;
      }
      if (variable.path) setPath(options, variable.path, value);
    }
    if (type === 'jira') {
      const projects = (env[`${prefix}PROJECT`] ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      if (projects.length) {
        const clause =
          projects.length === 1
            ? `project = ${quoteJql(projects[0] as string)}`
            : `project in (${projects.map(quoteJql).join(', ')})`;
        options.jql = typeof options.jql === 'string' ? `${clause} AND (${options.jql})` : clause;
      }
    }
    if (type === 'zendesk') {
      const subdomain = env[`${prefix}SUBDOMAIN`]?.trim();
      if (subdomain) {
        if (options.baseUrl !== undefined) {
          typeProblems.push(`${prefix}SUBDOMAIN: give either ${prefix}SUBDOMAIN or ${prefix}BASE_URL, not both`);
        } else if (!/^[a-z0-9][a-z0-9-]*$/i.test(subdomain)) {
          typeProblems.push(`${prefix}SUBDOMAIN: expected the subdomain of <subdomain>.zendesk.com`);
        } else options.baseUrl = `https://${subdomain}.zendesk.com`;
      }
    }
    const describe = envDescriber(type);
    const webhook = takeWebhook(type, options, describe, typeProblems);
    typeProblems.push(...checkConnectorOptions(type, options, describe));
    if (typeProblems.length) {
      problems.push(...typeProblems);
      continue;
    }
    settings.push({
      name: type,
      type,
      options,
      source: { kind: 'env', prefix },
      describe,
      ...(webhook ? { webhook } : {}),
    });
  }
  return { settings, problems };
}

// -------------------------------------------------------------------------------------------------
// file

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const ONLY_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

/** Variable names that say they hold a secret: their values are redacted wherever they are used. */
const SECRET_VARIABLE = /TOKEN|SECRET|PASSW|PWD|API_?KEY|PRIVATE|CREDENTIAL|AUTH/i;

/**
 * Expands `${VAR}` in every string of `value`; unset variables are problems naming `where(path)`.
 * The values of references at a secret path, or to a variable named like a secret, go to `secrets`.
 */
function expand(
  value: unknown,
  path: string,
  env: NodeJS.ProcessEnv,
  where: (path: string) => string,
  problems: string[],
  secrets: Set<string> = new Set(),
): unknown {
  if (typeof value === 'string') {
    if (/\$\{(?![A-Za-z_][A-Za-z0-9_]*\})/.test(value)) {
      problems.push(`${where(path)}: malformed reference; write "\${VARIABLE_NAME}"`);
      return value;
    }
    return value.replace(REFERENCE, (_m, name: string) => {
      const found = env[name];
      if (found === undefined || found.trim() === '') {
        problems.push(`${where(path)}: environment variable ${name} is not set`);
        return '';
      }
      if (SECRET_PATHS.has(path) || SECRET_VARIABLE.test(name)) secrets.add(found.trim());
      return found.trim();
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => expand(item, `${path}.${i}`, env, where, problems, secrets));
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, item]) => [
        k,
        expand(item, path ? `${path}.${k}` : k, env, where, problems, secrets),
      ]),
    );
  }
  return value;
}

function readFile(path: string, origin: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fail([
      `${path}: ${code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? 'error'})`} (${origin})`,
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    fail([`${path}: not valid JSON (${(err as Error).message})`]);
  }
}

/** The connectors of a config file. */
function fromFile(path: string, origin: string, env: NodeJS.ProcessEnv): ConnectorSettings[] {
  const json = readFile(path, origin);
  const at = (jsonPath: string) => `${path}: ${jsonPath}`;
  if (!isObject(json)) fail([`${at('$')}: expected an object { "connectors": { … } }`]);
  const connectors = json.connectors;
  if (connectors === undefined) fail([`${at('connectors')}: required`]);
  if (!isObject(connectors)) fail([`${at('connectors')}: expected an object of connectors by name`]);
  const problems: string[] = [];
  const settings: ConnectorSettings[] = [];
  for (const [name, entry] of Object.entries(connectors)) {
    const base = `connectors.${name}`;
    if (!NAME.test(name)) {
      problems.push(`${at(base)}: a connector name is 1-64 characters of a-z, 0-9, "_", "-"`);
      continue;
    }
    if (RESERVED_CONNECTOR_NAMES.includes(name)) {
      problems.push(`${at(base)}: "${name}" is reserved (incidents sync ${name}); choose another name`);
      continue;
    }
    if (!isObject(entry)) {
      problems.push(`${at(base)}: expected { "type", "options" }`);
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (key !== 'type' && key !== 'options')
        problems.push(`${at(`${base}.${key}`)}: unknown key; expected type, options`);
    }
    const type = entry.type ?? ((CONNECTOR_TYPES as readonly string[]).includes(name) ? name : undefined);
    if (!(CONNECTOR_TYPES as readonly unknown[]).includes(type)) {
      problems.push(
        `${at(`${base}.type`)}: ${type === undefined ? 'required' : 'unknown type'}; expected one of ${CONNECTOR_TYPES.join(', ')}`,
      );
      continue;
    }
    const raw = entry.options ?? {};
    if (!isObject(raw)) {
      problems.push(`${at(`${base}.options`)}: expected an object`);
      continue;
    }
    const describe = (p: string) => at(`${base}.options.${p}`);
    const short = (p: string) => `options.${p}`;
    const before = problems.length;
    // Secrets are references to the environment, never the secret itself.
    for (const [secret, suffix] of SECRET_PATHS) {
      const value = secret.split('.').reduce<unknown>((node, part) => (isObject(node) ? node[part] : undefined), raw);
      if (typeof value === 'string' && value.trim() !== '' && !ONLY_REFERENCE.test(value.trim())) {
        const example = `${CONNECTOR_ENV_PREFIXES[type as ConnectorType]}${suffix}`;
        problems.push(
          `${describe(secret)}: a secret must be an environment reference such as "\${${example}}", not the secret itself`,
        );
      }
    }
    if (problems.length > before) continue;
    const secrets = new Set<string>();
    const options = expand(raw, '', env, describe, problems, secrets) as Record<string, unknown>;
    if (problems.length > before) continue;
    const webhook = takeWebhook(type as ConnectorType, options, describe, problems);
    if (webhook) secrets.delete(webhook.secret);
    // Every secret reference is redacted from the connector's errors, wherever the value was used.
    if (secrets.size) {
      const given = Array.isArray(options.redact) ? options.redact.filter((s) => typeof s === 'string') : [];
      options.redact = [...new Set([...given, ...secrets])];
    }
    problems.push(...checkConnectorOptions(type as ConnectorType, options, describe, short));
    if (problems.length > before) continue;
    settings.push({
      name,
      type: type as ConnectorType,
      options,
      source: { kind: 'file', path },
      describe,
      ...(webhook ? { webhook } : {}),
    });
  }
  if (problems.length) fail(problems);
  return settings;
}

// -------------------------------------------------------------------------------------------------

/**
 * Reads the connector settings: the config file (explicit `file`, else `INCIDENTS_CONFIG`, else
 * `<home>/connectors.json` when present) and the `INCIDENTS_<SYSTEM>_*` environment prefixes. A
 * connector defined in the file wins over the same name from the environment.
 *
 * @throws IncidentsError with code `config` naming every wrong variable, or the file and the JSON
 * path (`/etc/incidents/connectors.json: connectors.jira.options.baseUrl: expected an http(s) URL`).
 * Messages never contain credentials.
 *
 * @example
 * ```ts
 * const { connectors } = loadConnectorsConfig({ env: process.env, file: argv.config });
 * const { buildConnectors } = await import('@incidents/config/connectors');
 * const engine = createSyncEngine({ store, connectors: buildConnectors(Object.values(connectors)) });
 * ```
 */
export function loadConnectorsConfig(options: ConnectorsConfigOptions = {}): ConnectorsConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const homeSetting = options.home ?? (isBlank(env.INCIDENTS_HOME) ? '.incidents' : String(env.INCIDENTS_HOME).trim());
  const home = isAbsolute(homeSetting) ? homeSetting : resolve(cwd, homeSetting);
  const explicit = !isBlank(options.file)
    ? { path: String(options.file).trim(), origin: 'from --config' }
    : !isBlank(env.INCIDENTS_CONFIG)
      ? { path: String(env.INCIDENTS_CONFIG).trim(), origin: 'from INCIDENTS_CONFIG' }
      : undefined;
  const searchedFile = explicit
    ? isAbsolute(explicit.path)
      ? explicit.path
      : resolve(cwd, explicit.path)
    : resolve(home, DEFAULT_CONNECTORS_FILE);

  const envResult = fromEnv(env);
  let fileSettings: ConnectorSettings[] = [];
  let file: string | undefined;
  let fileError: unknown;
  if (explicit || existsSync(searchedFile)) {
    file = searchedFile;
    try {
      fileSettings = fromFile(searchedFile, explicit?.origin ?? `the default ${DEFAULT_CONNECTORS_FILE}`, env);
    } catch (err) {
      fileError = err;
    }
  }
  if (fileError || envResult.problems.length) {
    const issues = [
      ...(isIncidentsError(fileError)
        ? ((fileError.details as { issues?: FieldIssue[] }).issues ?? []).map(issueLine)
        : []),
      ...envResult.problems,
    ];
    if (fileError && !isIncidentsError(fileError)) throw fileError;
    fail(issues);
  }
  const connectors: Record<string, ConnectorSettings> = {};
  for (const s of fileSettings) connectors[s.name] = s;
  for (const s of envResult.settings) if (!connectors[s.name]) connectors[s.name] = s;
  return { connectors, ...(file ? { file } : {}), searchedFile };
}

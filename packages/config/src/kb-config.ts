/**
 * Where the knowledge base of the apps (the `incidents` CLI, `incidents-mcp`) lives: the documents
 * (a local folder, or an S3 bucket) and the index that makes them searchable (the local libSQL
 * index, Amazon Bedrock, or none). With no variable set everything is local, under the home folder
 * (`INCIDENTS_HOME`, default `.incidents`): `<home>/kb/documents` and `file:<home>/kb/index.db`.
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `INCIDENTS_KB_BUCKET` | S3 bucket for the documents | the folder `<home>/kb/documents` |
 * | `INCIDENTS_KB_PREFIX` | key prefix, empty or ending in `/` | `incidents/` |
 * | `AWS_ENDPOINT_URL_S3` | S3 endpoint (s3rver, MinIO); path-style addressing is then used | AWS |
 * | `INCIDENTS_KB_MODE` | `local`, `bedrock` or `none` (documents only) | `bedrock` when `INCIDENTS_KB_ID` is set, else `local` |
 * | `INCIDENTS_KB_ID` | Amazon Bedrock knowledge base id (10 characters) | — |
 * | `INCIDENTS_KB_DATA_SOURCE_ID` | its S3 data source id (10 characters) | — |
 * | `INCIDENTS_KB_LOCAL_URL` | libSQL URL of the local index | `file:<home>/kb/index.db` |
 * | `AWS_REGION` (or `AWS_DEFAULT_REGION`) | AWS region of S3 and Bedrock | the SDK's default |
 *
 * The variable names are the ones the Lambda handlers use (`loadLambdaConfig`), so one environment
 * configures both.
 *
 * @module
 */
import { isAbsolute, join, resolve } from 'node:path';
import { lazy } from '@incidents/core';
import { IncidentsError } from '@incidents/core';
import { configIssues } from './config-issues.js';
import * as z from 'zod';

/** Default key prefix of the documents (`<prefix>closed/<incident_id>.json`). */
export const DEFAULT_KB_CONFIG_PREFIX = 'incidents/';

const KB_ID = /^[0-9a-zA-Z]{10}$/;

/** {@link KbConfigSchema}, built on its first call. */
export const kbConfigSchema = lazy(() =>
  z
    .object({
      prefix: z
        .string()
        .refine(
          (p) => p === '' || (p.endsWith('/') && !p.startsWith('/') && !p.includes('//')),
          'must be empty or end with "/" (and not start with "/")',
        )
        .default(DEFAULT_KB_CONFIG_PREFIX),
      bucket: z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name (3-63 characters a-z 0-9 . -)')
        .optional(),
      s3Endpoint: z.url().optional(),
      mode: z.enum(['local', 'bedrock', 'none']),
      knowledgeBaseId: z.string().regex(KB_ID, 'must be a 10-character knowledge base id').optional(),
      dataSourceId: z.string().regex(KB_ID, 'must be a 10-character data source id').optional(),
      localUrl: z.string().min(1).optional(),
      region: z.string().min(1).optional(),
    })
    .superRefine((c, ctx) => {
      if (c.mode === 'bedrock') {
        if (!c.knowledgeBaseId)
          ctx.addIssue({ code: 'custom', path: ['knowledgeBaseId'], message: 'required when the mode is bedrock' });
        if (!c.dataSourceId)
          ctx.addIssue({ code: 'custom', path: ['dataSourceId'], message: 'required when the mode is bedrock' });
        if (!c.bucket) {
          ctx.addIssue({
            code: 'custom',
            path: ['bucket'],
            message: 'required when the mode is bedrock (its data source is an S3 bucket)',
          });
        }
      }
    }),
);
/** The validated knowledge-base configuration. */
export const KbConfigSchema = /* @__PURE__ */ kbConfigSchema();

/** Where the documents are written. */
export type KbDocumentsConfig =
  | {
      kind: 'filesystem';
      /** Absolute folder: `<home>/kb/documents`. */
      dir: string;
    }
  | {
      kind: 's3';
      bucket: string;
      /** Custom endpoint (s3rver, MinIO): use path-style addressing. */
      endpoint?: string;
      region?: string;
    };

/** What indexes the documents and answers searches. */
export type KbIndexConfig =
  | {
      kind: 'local';
      /** libSQL URL of the index. */
      url: string;
      /** Whether this is the default `file:<home>/kb/index.db` (the `createDefaultKbSetup` layout). */
      isDefault: boolean;
    }
  | { kind: 'bedrock'; knowledgeBaseId: string; dataSourceId: string; region?: string }
  | { kind: 'none' };

/** The knowledge-base configuration of an app. */
export interface KbConfig {
  /** The home folder the local defaults live under (absolute). */
  home: string;
  /** Key prefix of the documents, empty or ending in `/`. */
  prefix: string;
  documents: KbDocumentsConfig;
  index: KbIndexConfig;
}

const KB_ENV_NAMES: Record<string, string> = {
  prefix: 'INCIDENTS_KB_PREFIX',
  bucket: 'INCIDENTS_KB_BUCKET',
  s3Endpoint: 'AWS_ENDPOINT_URL_S3',
  mode: 'INCIDENTS_KB_MODE',
  knowledgeBaseId: 'INCIDENTS_KB_ID',
  dataSourceId: 'INCIDENTS_KB_DATA_SOURCE_ID',
  localUrl: 'INCIDENTS_KB_LOCAL_URL',
  region: 'AWS_REGION',
};

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

/**
 * Reads the knowledge-base configuration from `env` (default `process.env`). `home` is the app's
 * data folder (`loadConfig().home`); relative paths are resolved against `cwd`.
 *
 * @throws IncidentsError with code `config` naming every wrong variable.
 *
 * @example
 * ```ts
 * const config = loadConfig();
 * const kb = loadKbConfig({ home: config.home });
 * if (kb.documents.kind === 'filesystem' && kb.index.kind === 'local' && kb.index.isDefault) {
 *   const setup = await createDefaultKbSetup({ dir: kb.home, prefix: kb.prefix });
 * }
 * ```
 */
export function loadKbConfig(options: { home: string; env?: NodeJS.ProcessEnv; cwd?: string }): KbConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const home = isAbsolute(options.home) ? options.home : resolve(cwd, options.home);
  const knowledgeBaseId = blank(env.INCIDENTS_KB_ID);
  const raw = {
    // An explicitly empty prefix is allowed (documents at the bucket root).
    prefix: env.INCIDENTS_KB_PREFIX === undefined ? undefined : env.INCIDENTS_KB_PREFIX.trim(),
    bucket: blank(env.INCIDENTS_KB_BUCKET),
    s3Endpoint: blank(env.AWS_ENDPOINT_URL_S3),
    mode: blank(env.INCIDENTS_KB_MODE)?.toLowerCase() ?? (knowledgeBaseId ? 'bedrock' : 'local'),
    knowledgeBaseId,
    dataSourceId: blank(env.INCIDENTS_KB_DATA_SOURCE_ID),
    localUrl: blank(env.INCIDENTS_KB_LOCAL_URL),
    region: blank(env.AWS_REGION) ?? blank(env.AWS_DEFAULT_REGION),
  };
  const parsed = kbConfigSchema().safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      return `${KB_ENV_NAMES[path] ?? path}: ${issue.message}`;
    });
    throw new IncidentsError('config', `Invalid knowledge-base configuration: ${problems.join('; ')}`, {
      details: { issues: configIssues(problems) },
    });
  }
  const c = parsed.data;
  const documents: KbDocumentsConfig = c.bucket
    ? {
        kind: 's3',
        bucket: c.bucket,
        ...(c.s3Endpoint ? { endpoint: c.s3Endpoint } : {}),
        ...(c.region ? { region: c.region } : {}),
      }
    : { kind: 'filesystem', dir: join(home, 'kb', 'documents') };
  let index: KbIndexConfig;
  if (c.mode === 'bedrock') {
    index = {
      kind: 'bedrock',
      knowledgeBaseId: c.knowledgeBaseId as string,
      dataSourceId: c.dataSourceId as string,
      ...(c.region ? { region: c.region } : {}),
    };
  } else if (c.mode === 'local') {
    const defaultUrl = `file:${join(home, 'kb', 'index.db')}`;
    index = { kind: 'local', url: resolveFileUrl(c.localUrl ?? defaultUrl, cwd), isDefault: !c.localUrl };
  } else {
    index = { kind: 'none' };
  }
  return { home, prefix: c.prefix, documents, index };
}

/** A relative `file:` URL (or bare path) resolved against `cwd`; other URLs unchanged. */
function resolveFileUrl(url: string, cwd: string): string {
  if (url === ':memory:' || /^(libsql|https?|wss?):/i.test(url)) return url;
  const path = /^file:/i.test(url) ? url.slice(5) : url;
  if (path.startsWith('//') || path === ':memory:') return url;
  return `file:${isAbsolute(path) ? path : resolve(cwd, path)}`;
}

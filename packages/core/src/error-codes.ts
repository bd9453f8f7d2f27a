/**
 * The registry of every error code an `@incidents/*` package throws: its meaning and the HTTP status
 * an API answers with. {@link IncidentsErrorCode} is the union of its keys, so a new code must be
 * added here (with its meaning) before any package can throw it.
 *
 * @module
 */

/** One entry of {@link ERROR_CODES}. */
export interface ErrorCodeInfo {
  /** What the error means, for people (one sentence). */
  readonly meaning: string;
  /** HTTP status of an API response carrying this error. */
  readonly httpStatus: number;
  /** The package that throws it. */
  readonly thrownBy: string;
}

/**
 * Every error code, by name. `validation` errors carry `details.issues: FieldIssue[]` (each with a
 * dotted `path` and a `message`); so do `config` errors.
 */
export const ERROR_CODES = {
  validation: {
    meaning: 'An input did not match its schema; `details.issues` names every field.',
    httpStatus: 400,
    thrownBy: '@incidents/core',
  },
  not_found: {
    meaning: 'The record does not exist (or the actor may not know it exists).',
    httpStatus: 404,
    thrownBy: '@incidents/core',
  },
  conflict: {
    meaning:
      'The write lost a race or breaks uniqueness (`details.reason`: `stale_revision`, `already_exists`, `duplicate_source`, `already_claimed`…).',
    httpStatus: 409,
    thrownBy: '@incidents/core',
  },
  invalid_transition: {
    meaning: 'The status change is not allowed from the current status.',
    httpStatus: 409,
    thrownBy: '@incidents/core',
  },
  permission_denied: {
    meaning: 'The actor lacks the permission for this action.',
    httpStatus: 403,
    thrownBy: '@incidents/core',
  },
  unauthenticated: {
    meaning: 'No actor could be established for an API call (no session or token).',
    httpStatus: 401,
    thrownBy: 'apps',
  },
  rate_limited: { meaning: 'Too many requests from this caller; retry later.', httpStatus: 429, thrownBy: 'apps' },
  unsupported: {
    meaning: 'The configured store or component cannot do this (e.g. a store without login credentials).',
    httpStatus: 501,
    thrownBy: '@incidents/core',
  },
  config: {
    meaning: 'The configuration (environment or file) is invalid; `details.issues` names every setting.',
    httpStatus: 500,
    thrownBy: '@incidents/config',
  },
  demo: {
    meaning: 'Demo data cannot be loaded here (e.g. the database is not empty).',
    httpStatus: 409,
    thrownBy: '@incidents/store-turso',
  },
  store: { meaning: 'The database failed (the driver error is the `cause`).', httpStatus: 500, thrownBy: 'stores' },
  'store.closed': { meaning: 'The store was used after `close()`.', httpStatus: 500, thrownBy: 'stores' },
  'store.corrupt_row': {
    meaning: 'A stored row or item does not match the model.',
    httpStatus: 500,
    thrownBy: 'stores',
  },
  'store.backup_exists': {
    meaning: 'The backup target already exists; nothing was overwritten.',
    httpStatus: 409,
    thrownBy: '@incidents/store-turso',
  },
  'store.migration_failed': {
    meaning: 'A schema migration failed and was rolled back.',
    httpStatus: 500,
    thrownBy: '@incidents/store-turso',
  },
  'store.schema_too_new': {
    meaning: 'The database was written by a newer version of the SDK.',
    httpStatus: 500,
    thrownBy: '@incidents/store-turso',
  },
  'store.unsupported': {
    meaning: 'The database engine cannot do this (e.g. a backup of a remote database).',
    httpStatus: 501,
    thrownBy: '@incidents/store-turso',
  },
  unavailable: { meaning: 'A dependency (Redis) cannot be reached.', httpStatus: 503, thrownBy: '@incidents/redis' },
  locked: { meaning: 'Another run holds the lock; try again later.', httpStatus: 409, thrownBy: '@incidents/redis' },
  'sync.failed': { meaning: 'A sync run did not complete.', httpStatus: 500, thrownBy: 'apps' },
  'sync.id_exhausted': {
    meaning: 'No free incident id could be derived for a vendor record.',
    httpStatus: 500,
    thrownBy: '@incidents/connectors',
  },
  'connector.auth': {
    meaning: 'The vendor refused the credentials (401) or the permission (403).',
    httpStatus: 502,
    thrownBy: '@incidents/connectors',
  },
  'connector.rate_limited': {
    meaning: 'The vendor still answered 429 after the retries; `details.retryAfterMs` says how long to wait.',
    httpStatus: 503,
    thrownBy: '@incidents/connectors',
  },
  'connector.http': {
    meaning: 'Any other vendor failure: a non-success status, a network error or a timeout after retries.',
    httpStatus: 502,
    thrownBy: '@incidents/connectors',
  },
  'connector.invalid_response': {
    meaning: 'The vendor answered with a body of another shape; `details.issues` names every field.',
    httpStatus: 502,
    thrownBy: '@incidents/connectors',
  },
  'connector.unsupported': {
    meaning: 'The vendor cannot do what was asked (no workflow transition to the status…).',
    httpStatus: 422,
    thrownBy: '@incidents/connectors',
  },
  'webhook.unauthorized': {
    meaning: 'A webhook delivery carried no valid signature or shared secret (or its timestamp is outside the window).',
    httpStatus: 401,
    thrownBy: '@incidents/connectors',
  },
  'webhook.invalid': {
    meaning: "A webhook delivery was signed but its body is not the vendor's documented shape.",
    httpStatus: 400,
    thrownBy: '@incidents/connectors',
  },
  'webhook.unknown_endpoint': {
    meaning: 'A webhook delivery was sent to a connector that is not configured for webhooks.',
    httpStatus: 404,
    thrownBy: '@incidents/connectors',
  },
  'kb.object_store': {
    meaning: 'The document store (S3 or a folder) failed.',
    httpStatus: 502,
    thrownBy: '@incidents/kb-sync',
  },
  'kb.bedrock': {
    meaning: 'Amazon Bedrock failed (ingestion job or retrieval).',
    httpStatus: 502,
    thrownBy: '@incidents/kb-sync',
  },
  'kb.index': { meaning: 'The local knowledge-base index failed.', httpStatus: 500, thrownBy: '@incidents/kb-sync' },
  'kb.document': {
    meaning:
      'A document (or its `.metadata.json` sidecar) of a knowledge base data source cannot be read (invalid JSON, no `metadataAttributes`); `details.key` names it.',
    httpStatus: 422,
    thrownBy: '@incidents/kb-sync',
  },
  'kb.embedder': {
    meaning:
      'The embedder of the local knowledge base answered with another number of vectors than texts, or vectors of another dimension than it declares.',
    httpStatus: 502,
    thrownBy: '@incidents/kb-sync',
  },
  'kb.ingestion_conflict': {
    meaning: 'An ingestion job is already running for this data source.',
    httpStatus: 409,
    thrownBy: '@incidents/kb-sync',
  },
  'kb.alert': { meaning: 'Sending the failure alert (SNS) failed.', httpStatus: 502, thrownBy: '@incidents/kb-sync' },
  'kb.sync_failed': {
    meaning: 'A knowledge-base export run did not complete (`details.status`).',
    httpStatus: 500,
    thrownBy: 'apps',
  },
  'lambda.secret': {
    meaning: 'A secret reference (SSM / Secrets Manager) could not be resolved.',
    httpStatus: 500,
    thrownBy: '@incidents/lambda',
  },
  'lambda.kb_sync_failed': {
    meaning: 'The scheduled knowledge-base export did not complete.',
    httpStatus: 500,
    thrownBy: '@incidents/lambda',
  },
  'lambda.connector_sync_failed': {
    meaning: 'A scheduled connector sync did not complete.',
    httpStatus: 500,
    thrownBy: '@incidents/lambda',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Every error code of the SDK: a key of {@link ERROR_CODES}. */
export type IncidentsErrorCode = keyof typeof ERROR_CODES;

/** The HTTP status for an error code; 500 for a code the registry does not know (a newer package). */
export function httpStatusOf(code: string): number {
  return Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code as IncidentsErrorCode].httpStatus : 500;
}

/** Whether `code` is a registered error code. */
export function isErrorCode(code: unknown): code is IncidentsErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

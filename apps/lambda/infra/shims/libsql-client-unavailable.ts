/**
 * Stands in for `@libsql/client` in the stack's handler bundles (infra/bundling.ts): the stack gives
 * its functions a Bedrock knowledge base or none, never the local libSQL index, so its HTTP client
 * (~115 KiB with `ws` and the Hrana client) is left out. A function given `INCIDENTS_KB_MODE=local`
 * anyway fails on its first invocation with this error.
 */
import { IncidentsError } from '@incidents/core';

export function createClient(): never {
  throw new IncidentsError(
    'config',
    'INCIDENTS_KB_MODE=local is not available in this function: it was bundled without @libsql/client; use INCIDENTS_KB_MODE=bedrock or none, or bundle the function without the "libsql-client" exclusion (apps/lambda/infra/bundling.ts)',
    { details: { issues: [{ path: 'INCIDENTS_KB_MODE', message: 'local is not supported by this bundle' }] } },
  );
}

/** `@libsql/client`'s error class, for code that checks `instanceof` (never thrown by this stand-in). */
export class LibsqlError extends Error {}
/** `@libsql/client`'s batch error class, for code that checks `instanceof` (never thrown by this stand-in). */
export class LibsqlBatchError extends LibsqlError {}

/**
 * Versioned SQL migrations, shipped inside the bundle (the `.sql` files are embedded as strings at
 * build time, so nothing is read from disk at runtime and bundlers need no extra configuration).
 *
 * @module
 */
/// <reference path="./raw-sql.d.ts" />
import type { Client } from '@libsql/client';
import { IncidentsError } from '@incidents/core';
import initialSchema from '../migrations/001_initial.sql?raw';
import syncStateSchema from '../migrations/002_sync_state.sql?raw';
import userCredentialsSchema from '../migrations/003_user_credentials.sql?raw';
import interactionsClusteredSchema from '../migrations/004_interactions_clustered.sql?raw';

/** One versioned schema change. */
export interface TursoMigration {
  /** Sequential version, starting at 1; recorded in `schema_migrations`. */
  readonly version: number;
  /** The file name without extension, e.g. `001_initial`. */
  readonly name: string;
  /** The SQL script. */
  readonly sql: string;
}

/** Every migration this version of the package knows, in order. */
export const TURSO_MIGRATIONS: readonly TursoMigration[] = Object.freeze([
  Object.freeze({ version: 1, name: '001_initial', sql: initialSchema }),
  Object.freeze({ version: 2, name: '002_sync_state', sql: syncStateSchema }),
  Object.freeze({ version: 3, name: '003_user_credentials', sql: userCredentialsSchema }),
  Object.freeze({ version: 4, name: '004_interactions_clustered', sql: interactionsClusteredSchema }),
]);

/** What applying the migrations did when the store was opened. */
export interface MigrationReport {
  /** Versions applied by this call (empty when the schema was up to date). */
  applied: number[];
  /** The schema version after the call. */
  current: number;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  checksum   TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

/** FNV-1a over the script, recorded so that an edited released migration can be spotted in audits. */
export function migrationChecksum(sql: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sql.length; i++) {
    hash ^= sql.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * Applies the pending migrations, each as one script `BEGIN IMMEDIATE; …; INSERT INTO
 * schema_migrations …; COMMIT;` sent in a single call — never an interactive transaction held across
 * `await`s (two connections of one process would deadlock on it: the second one's busy wait blocks the
 * event loop the first one needs to commit). If two processes race, the loser's script fails (its
 * tables exist already) and rolls back; it then finds the version recorded and carries on.
 */
export async function applyMigrations(
  client: Client,
  migrations: readonly TursoMigration[] = TURSO_MIGRATIONS,
  now: () => string = () => new Date().toISOString(),
): Promise<MigrationReport> {
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const appliedVersions = async (): Promise<Set<number>> => {
    // Read-only first, so that opening an up-to-date database needs no write access.
    const table = await client.execute(
      "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'",
    );
    if (!table.rows.length) return new Set();
    const rows = await client.execute('SELECT version FROM schema_migrations');
    return new Set(rows.rows.map((r) => Number(r.version)));
  };
  const done = await appliedVersions();
  const seen = Math.max(0, ...done);
  if (seen > latest) {
    throw new IncidentsError(
      'store.schema_too_new',
      `The database schema is at version ${seen}, newer than this @incidents/store-turso knows (${latest}); upgrade the package`,
      { details: { databaseVersion: seen, packageVersion: latest }, userError: true },
    );
  }
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(migration.version)) continue;
    const record = `INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (${migration.version}, '${migration.name.replace(/'/g, "''")}', '${migrationChecksum(migration.sql)}', '${now()}');`;
    try {
      await client.executeMultiple(`BEGIN IMMEDIATE;\n${CREATE_TABLE};\n${migration.sql}\n;\n${record}\nCOMMIT;`);
      applied.push(migration.version);
    } catch (cause) {
      // Another connection may have applied it meanwhile: then this one's script failed harmlessly.
      await client.execute('ROLLBACK').catch(() => undefined);
      const after = await appliedVersions().catch(() => new Set<number>());
      if (after.has(migration.version)) continue;
      throw new IncidentsError(
        'store.migration_failed',
        `Applying schema migration ${migration.name} failed: ${(cause as Error).message}`,
        { cause, userError: false, details: { version: migration.version } },
      );
    }
  }
  return { applied, current: latest };
}

/**
 * `@incidents/store-turso` — the libSQL / Turso store of the incidents SDK.
 *
 * - {@link createTursoStore} opens a local file, `:memory:` or a Turso cloud database, applies the
 *   versioned schema migrations and returns a {@link TursoStore}: the whole `IncidentStore` port of
 *   `@incidents/core` plus bulk creation, backup, integrity check, maintenance and statistics.
 * - {@link createLocalClient} is the libSQL `Client` the store uses for local files: the
 *   `@libsql/client` interface with prepared statements kept and reused; {@link columnValues} reads a
 *   column of its result sets without building `Row` objects.
 * - `seedDemoData` (deprecated here; now `@incidents/core/demo`) fills any store with a small, deterministic support desk.
 * - {@link TURSO_MIGRATIONS} are the SQL migrations the store applies (for review or external tooling).
 *
 * @packageDocumentation
 */

export type { SlowQuery } from './instrumented-client.js';
export { canUseLocalClient, createLocalClient, type LocalClientOptions } from './local-client.js';
export { columnValues } from './result-values.js';
export { type MigrationReport, TURSO_MIGRATIONS, type TursoMigration } from './migrations.js';
export {
  type BackupResult,
  createTursoStore,
  type DatabaseStats,
  type IndexUsage,
  type IntegrityReport,
  type MaintainOptions,
  type MaintenanceReport,
  type TableStats,
  type TursoStore,
  type TursoStoreOptions,
} from './turso-store.js';
export {
  /** @deprecated Moved to `@incidents/core/demo` (it works on any store); this re-export goes in the next minor release. */
  type SeedDemoDataOptions,
  /** @deprecated Moved to `@incidents/core/demo`. */
  type SeedDemoDataResult,
  /** @deprecated Moved to `@incidents/core/demo` (it works on any store); this re-export goes in the next minor release. */
  seedDemoData,
} from '@incidents/core/demo';

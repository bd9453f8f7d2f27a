/**
 * Conflict listing: the incidents of the engine's source systems whose `sync_metadata.conflicts`
 * hold unresolved entries.
 *
 * Why a scan of the `source` access pattern and not a query: the `IncidentStore` port has no access
 * pattern on open conflicts, and answering one cheaply needs an index on them in every store (a
 * partial index and a migration in store-turso, a sparse GSI in store-dynamo) — a schema change in
 * both stores for a list that a person reads now and then. The scan reads each source system's
 * incidents through the port's `source` pattern (an index in both stores), 500 per page, and only
 * for the source systems the engine syncs.
 *
 * @module
 */
import { type IncidentStore, SOURCE_SYSTEMS, type SourceSystem } from '@incidents/core';
import type { EngineContext } from './context.js';
import type { IncidentConflicts } from './options.js';

/** Incidents with unresolved conflicts, per source system of the engine's connectors (of every system without connectors). */
export async function listConflicts(ctx: EngineContext): Promise<IncidentConflicts[]> {
  const { connectors } = ctx.options;
  // Without connectors (a read-only engine), every system incidents are imported from.
  const systems: SourceSystem[] = connectors.length
    ? [...new Set(connectors.map((c) => c.sourceSystem))]
    : SOURCE_SYSTEMS.filter((s) => s !== 'MANUAL');
  const out: IncidentConflicts[] = [];
  for (const source_system of systems) {
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<IncidentStore['queryIncidents']>> = await ctx.store.queryIncidents(
        { by: 'source', source_system },
        { limit: 500, cursor },
      );
      for (const incident of page.items) {
        const open = (incident.sync_metadata.conflicts ?? []).filter((c) => !c.resolved);
        if (open.length) {
          out.push({
            incident_id: incident.incident_id,
            source_system: incident.source_system,
            external_id: incident.external_id,
            conflicts: open,
          });
        }
      }
      cursor = page.cursor;
    } while (cursor);
  }
  return out;
}

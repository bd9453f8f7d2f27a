/**
 * `incidents sync <connector|all>`, `incidents sync status`, `incidents conflicts` and
 * `incidents conflicts resolve`: the two-way sync with the vendor systems (Jira, ServiceNow, Remedy,
 * Zendesk, Slack, Shortcut) through the engine of `@incidents/connectors`. Connector settings come
 * from `INCIDENTS_<SYSTEM>_*` variables or a config file (`@incidents/config`'s
 * `loadConnectorsConfig`); `status` and `conflicts` read the store only and need no credentials.
 *
 * @module
 */
import { type Command, Option } from 'commander';
import {
  hasPermission,
  IncidentsError,
  isCustomerOnly,
  NotFoundError,
  PermissionDeniedError,
  requireCanUpdate,
} from '@incidents/core';
import {
  CONNECTOR_ENV_PREFIXES,
  CONNECTOR_TYPES,
  type ConnectorsConfig,
  loadConnectorsConfig,
} from '@incidents/config';
import type { SyncEngineOptions, SyncRunSummary } from '@incidents/connectors';
import { UsageError } from '../errors.js';
import { when } from '../options.js';
import { conflictRows, conflictsText, resolutionText, syncStatusText, syncSummaryText } from '../output/sync-format.js';
import { createSyncProgress } from '../output/sync-progress.js';
import type { Runtime } from '../runtime.js';

/** Registers `sync` (with `sync status`) and `conflicts` (with `conflicts resolve`). */
export function registerSyncCommands(program: Command, rt: Runtime): void {
  registerSync(program, rt);
  registerConflicts(program, rt);
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `--since`: an ISO date or date-time (`2026-02-01`, `2026-02-01T10:00Z`), or a duration before now
 * (`90s`, `30m`, `12h`, `7d`, `2w`). Anything else is a usage error.
 */
export function parseSince(value: string, now: Date): string {
  const v = value.trim();
  const duration = /^(\d+)\s*([smhdw])$/i.exec(v);
  if (duration) {
    const ms = Number(duration[1]) * (UNITS[(duration[2] as string).toLowerCase()] as number);
    return new Date(now.getTime() - ms).toISOString();
  }
  const iso = when(v);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) && !Number.isNaN(Date.parse(iso))) {
    return new Date(iso).toISOString();
  }
  throw new UsageError(
    `--since: expected an ISO date or date-time (2026-02-01, 2026-02-01T10:00Z) or a duration like 7d, 12h, 30m; got "${value}"`,
  );
}

/** The error of a run without any configured connector: where settings come from. */
function noConnectorError(config: ConnectorsConfig): IncidentsError {
  const prefixes = CONNECTOR_TYPES.map((t) => `${CONNECTOR_ENV_PREFIXES[t]}*`).join(', ');
  return new IncidentsError(
    'config',
    `No connector configured: set the variables of a system (${prefixes}; e.g. INCIDENTS_JIRA_BASE_URL, INCIDENTS_JIRA_EMAIL, INCIDENTS_JIRA_API_TOKEN) or write ${config.searchedFile} (or pass --config <file> / set INCIDENTS_CONFIG). See incidents sync --help`,
    { details: { prefixes: CONNECTOR_TYPES.map((t) => CONNECTOR_ENV_PREFIXES[t]), file: config.searchedFile } },
  );
}

/** A one-line reason for the exit code of a run with failed connectors (never credentials). */
export function syncFailureMessage(summary: SyncRunSummary): string {
  const list = summary.errors.map((e) => `${e.connector} (${e.code}): ${e.message}`).join('; ');
  const ok = summary.connectors.filter((c) => c.ok).map((c) => c.connector);
  return `Sync failed for ${list}${ok.length ? `; ${ok.join(', ')} synced` : ''}`;
}

/** The engine options every command shares: the CLI's clock and ids (tests). */
function engineDeps(rt: Runtime): Pick<SyncEngineOptions, 'clock' | 'ids'> {
  return { ...(rt.deps.clock ? { clock: rt.deps.clock } : {}), ...(rt.deps.ids ? { ids: rt.deps.ids } : {}) };
}

/** A read-only engine (no connectors, no credentials): status and conflicts of every source system. */
async function readOnlyEngine(rt: Runtime) {
  const store = await rt.store();
  const { createSyncEngine } = await import('@incidents/connectors');
  return createSyncEngine({ store, connectors: [], ...engineDeps(rt) });
}

/** Customers do not see the sync bookkeeping. */
async function requireStaff(rt: Runtime, what: string): Promise<void> {
  const actor = await rt.actor();
  if (isCustomerOnly(actor))
    throw new PermissionDeniedError(actor.id, 'incidents.select', `customers cannot see ${what}`);
}

interface SyncOptions {
  since?: string;
  dryRun?: boolean;
  config?: string;
}

function registerSync(program: Command, rt: Runtime): void {
  const sync = program
    .command('sync')
    .description(
      'pull incidents from the configured vendor systems (Jira, ServiceNow, Remedy, Zendesk, Slack, Shortcut) and push local comments and status changes back',
    )
    .argument('<connector>', 'a configured connector (jira, zendesk… or a name from the config file), or all')
    .option(
      '--since <when>',
      'pull what changed since an ISO date/date-time or a duration (7d, 12h, 30m) instead of the saved cursor',
    )
    .option(
      '--dry-run',
      'read and compare only: no incident, cursor or push is written; the counts say what would change',
    )
    .option('--config <file>', 'connectors config file (env INCIDENTS_CONFIG; default <home>/connectors.json)')
    .addHelpText(
      'after',
      `
Connector settings come from a config file { "connectors": { "<name>": { "type", "options" } } }
(secrets as "\${ENV_VAR}" references) and from one environment prefix per system:
  ${CONNECTOR_TYPES.map((t) => `${CONNECTOR_ENV_PREFIXES[t]}*`).join('  ')}
e.g. INCIDENTS_JIRA_BASE_URL, INCIDENTS_JIRA_EMAIL, INCIDENTS_JIRA_API_TOKEN, INCIDENTS_JIRA_PROJECT.
Exit code 1 when a connector failed (the others still run; the summary is printed).`,
    )
    .action(async (target: string, o: SyncOptions) => {
      const now = rt.deps.clock ? rt.deps.clock.now() : new Date();
      const since = o.since === undefined ? undefined : parseSince(o.since, now);
      const config = loadConnectorsConfig({
        env: rt.deps.env as NodeJS.ProcessEnv,
        cwd: rt.deps.cwd,
        home: rt.config().home,
        ...(o.config ? { file: o.config } : {}),
      });
      const names = Object.keys(config.connectors);
      if (names.length === 0) throw noConnectorError(config);
      if (target !== 'all' && !config.connectors[target]) {
        throw new IncidentsError('config', `Unknown connector ${target}; configured: ${names.join(', ')}`, {
          details: { connector: target, configured: names },
        });
      }
      const actor = await rt.actor();
      if (!hasPermission(actor, 'sync.execute')) {
        throw new PermissionDeniedError(actor.id, 'sync.execute', `role ${actor.roles.join('+')} lacks sync.execute`);
      }
      const selected = target === 'all' ? names : [target];
      const { buildConnectors } = await import('@incidents/config/connectors');
      const connectors = buildConnectors(Object.values(config.connectors), { only: selected });
      const store = await rt.store();
      const { createSyncEngine } = await import('@incidents/connectors');
      const p = rt.printer();
      const progress = createSyncProgress({
        stream: rt.deps.stderr,
        enabled: !p.json,
        connectors: selected,
        dryRun: o.dryRun === true,
      });
      let summary: SyncRunSummary;
      try {
        const engine = createSyncEngine({
          store,
          connectors,
          onProgress: (event) => progress.update(event),
          ...engineDeps(rt),
        });
        summary = await engine.run('all', { ...(since ? { since } : {}), dryRun: o.dryRun === true });
      } finally {
        progress.stop();
      }
      p.result(summary, () => syncSummaryText(summary, p.colors, p.width));
      if (summary.errors.length > 0) {
        throw new IncidentsError('sync.failed', syncFailureMessage(summary), { details: { errors: summary.errors } });
      }
    });

  sync
    .command('status')
    .description('cursors of every connector, the outbound queue by status, dead items, open conflicts')
    .action(async () => {
      await requireStaff(rt, 'the sync state');
      const status = await (await readOnlyEngine(rt)).status();
      const p = rt.printer();
      p.result(status, () => syncStatusText(status, p.colors, p.width));
    });
}

function registerConflicts(program: Command, rt: Runtime): void {
  const conflicts = program
    .command('conflicts')
    .description('incidents whose fields changed both here and in the source system (both values kept)')
    .action(async () => {
      await requireStaff(rt, 'sync conflicts');
      const rows = conflictRows(await (await readOnlyEngine(rt)).conflicts());
      const p = rt.printer();
      p.result({ items: rows, cursor: null }, () => conflictsText(rows, p.colors, p.width));
    });

  conflicts
    .command('resolve')
    .description('clear a conflict: keep the local value, or take the source system’s')
    .argument('<incident_id>', 'the incident (see incidents conflicts)')
    .argument('<field>', 'the conflicting field: title, description, status, priority, severity, category, labels')
    .addOption(
      new Option('--keep <side>', 'local: keep this value (a status is pushed back); remote: take the source value')
        .choices(['local', 'remote'])
        .makeOptionMandatory(),
    )
    .action(async (incidentId: string, field: string, o: { keep: 'local' | 'remote' }) => {
      const actor = await rt.actor();
      const store = await rt.store();
      const incident = await store.getIncident(incidentId);
      if (!incident) throw new NotFoundError('Incident', incidentId);
      requireCanUpdate(actor, incident);
      const result = await (await readOnlyEngine(rt)).resolveConflict({
        incident_id: incidentId,
        field,
        keep: o.keep,
        actor,
      });
      const p = rt.printer();
      p.result(result, () => resolutionText(result, p.colors));
    });
}

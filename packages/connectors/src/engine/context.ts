/**
 * The shared context of the sync engine's modules (pull, bulk write, push, conflicts): the checked
 * options with their defaults applied, and the few rules every module uses (error reporting, the
 * importer check, progress events). `createSyncEngine` builds it once and hands it to each module.
 *
 * @module
 */
import {
  type Actor,
  ConflictError,
  createIdGenerator,
  hasPermission,
  type IdGenerator,
  type Incident,
  type IncidentStore,
  isIncidentsError,
  systemClock,
} from '@incidents/core';
import type { Connector } from '../connector.js';
import { capText, redactCredentialPatterns } from '../http/redact.js';
import type { DeletionContext } from './deletions.js';
import type { BackoffOption, SyncEngineOptions, SyncProgressEvent } from './options.js';

/** Default look-back window of a pull: 5 minutes. */
export const DEFAULT_LOOKBACK_MS = 5 * 60_000;
/** Default lease of a claimed outbound item: 5 minutes. */
export const DEFAULT_LEASE_MS = 5 * 60_000;
/** The actor the engine writes as by default. */
export const DEFAULT_SYNC_ACTOR: Actor = { id: 'sync@incidents', roles: ['sync'] };

/** Comments written per transaction (DynamoDB caps a transaction at 100 items). */
export const COMMENTS_PER_WRITE = 50;
/** The engine never changes the KB bookkeeping: its writes keep a mark made since their read. */
export const KEEP_KB = { keepKbSyncStatus: true } as const;
/** Attempts of one write when a concurrent writer changed the incident meanwhile. */
export const UPSERT_RETRIES = 5;

/** What every engine module shares. */
export interface EngineContext {
  /** The options as given (checked by `checkSyncEngineOptions`). */
  readonly options: SyncEngineOptions;
  readonly store: IncidentStore;
  readonly ids: Pick<IdGenerator, 'interactionId' | 'incidentId'>;
  /** The actor the engine writes as. */
  readonly actor: Actor;
  /** Lease of a claimed outbound item. */
  readonly leaseMs: number;
  /** Records persisted / items pushed at once, per connector. */
  readonly concurrency: number;
  /** Delay before retry `attempt` of a failed outbound item. */
  readonly backoff: (attempt: number) => number;
  /** The engine clock's time as ISO. */
  nowIso(): string;
  /** The look-back of one connector: its own entry, the common number, or the default. */
  lookbackOf(connector: Connector): number;
  /** What marking a deletion needs. */
  readonly deletionContext: DeletionContext;
  /** Reports a progress event (a throwing callback never breaks a sync). */
  progress(event: SyncProgressEvent): void;
  /**
   * Whether `incident`'s binding to a source record was made by an importer: this engine (or the
   * default sync actor), or a registered, active user whose role holds `incidents.import`. An
   * incident bound by anyone else (e.g. a customer, before the service refused it) is never merged
   * with the vendor's record nor pushed to it.
   */
  boundByImporter(incident: Incident): Promise<boolean>;
}

function backoffFn(option: BackoffOption | undefined): (attempt: number) => number {
  if (typeof option === 'function') return option;
  const base = option?.baseMs ?? 30_000;
  const factor = option?.factor ?? 2;
  const max = option?.maxMs ?? 3_600_000;
  return (attempt) => Math.min(max, base * factor ** Math.max(0, attempt - 1));
}

/** Builds the context of one engine from its (checked) options. */
export function createEngineContext(options: SyncEngineOptions): EngineContext {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const actor = options.actor ?? DEFAULT_SYNC_ACTOR;
  const nowIso = () => clock.now().toISOString();
  /** Whether each creator may bind incidents to source records (`incidents.import`), by creator id. */
  const importers = new Map<string, Promise<boolean>>();
  return {
    options,
    store,
    ids: options.ids ?? createIdGenerator(),
    actor,
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    concurrency: Math.floor(options.concurrency ?? 4),
    backoff: backoffFn(options.backoff),
    nowIso,
    lookbackOf: (connector) =>
      typeof options.lookbackMs === 'number'
        ? options.lookbackMs
        : (options.lookbackMs?.[connector.name] ?? DEFAULT_LOOKBACK_MS),
    deletionContext: { store, actor, now: nowIso },
    progress(event) {
      try {
        options.onProgress?.(event);
      } catch {
        // A progress callback never breaks a sync.
      }
    },
    boundByImporter(incident) {
      const creator = incident.metadata.created_by;
      if (creator === actor.id || creator === DEFAULT_SYNC_ACTOR.id) return Promise.resolve(true);
      let known = importers.get(creator);
      if (!known) {
        known = store
          .getUser(creator)
          .then((user) => !!user && user.active !== false && hasPermission({ roles: [user.role] }, 'incidents.import'));
        importers.set(creator, known);
      }
      return known;
    },
  };
}

/**
 * The code and message of an error as the engine stores and reports it: without the connector's
 * secrets nor anything credential-shaped, and capped (a vendor's error page can be long).
 */
export function errorInfo(err: unknown, connector?: Connector): { code: string; message: string } {
  const raw = isIncidentsError(err) ? err.message : err instanceof Error ? err.message : String(err);
  const code = isIncidentsError(err) ? String(err.code) : 'internal';
  let message = raw;
  try {
    message = connector?.redact ? connector.redact(raw) : raw;
  } catch {
    message = raw;
  }
  return { code, message: capText(redactCredentialPatterns(message)) };
}

/** The HTTP status a connector error carries, if any. */
export const statusOf = (err: unknown): number | undefined =>
  isIncidentsError(err) ? ((err.details as { status?: number } | undefined)?.status ?? undefined) : undefined;

/** A write refused because the incident's revision moved on (someone wrote it meanwhile). */
export const isStale = (err: unknown): boolean =>
  err instanceof ConflictError && err.details.reason === 'stale_revision';

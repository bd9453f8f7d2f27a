/**
 * Options, progress events, summaries and status of the sync engine.
 * @module
 */
import type {
  Actor,
  Clock,
  IdGenerator,
  IncidentStore,
  OutboundCounts,
  OutboundItem,
  SourceSystem,
  SyncConflict,
  SyncCursor,
} from '@incidents/core';
import { parseInput } from '@incidents/core/store-kit';
import * as z from 'zod';
import type { Connector } from '../connector.js';

/** Retry delays of failed outbound items: exponential (`baseMs · factor^(attempt-1)`, capped) or your own function. */
export type BackoffOption = { baseMs?: number; factor?: number; maxMs?: number } | ((attempt: number) => number);

/** Options of {@link createSyncEngine}. */
export interface SyncEngineOptions {
  /** Where incidents, cursors and the outbound queue live. */
  store: IncidentStore;
  /** The connectors to sync, each under its own `name` (names must be unique). */
  connectors: readonly Connector[];
  /** Time source (cursors, queue due times, conflicts). Default: the system clock. */
  clock?: Clock;
  /** Ids of imported comments and timeline entries; core's default generator by default. */
  ids?: Pick<IdGenerator, 'interactionId' | 'incidentId'>;
  /** The `sync` actor writes are recorded with. Default `{ id: 'sync@incidents', roles: ['sync'] }`. */
  actor?: Actor;
  /**
   * How far before the saved high-watermark a pull starts again (clock skew between vendor servers,
   * records committed late, minute-precision queries such as JQL). Default 5 minutes. A number for
   * every connector, or one per connector name (`{ jira: 600_000, slack: 3_600_000 }`; connectors
   * not named get the default).
   */
  lookbackMs?: number | Readonly<Record<string, number>>;
  /** Overrides every outbound item's `max_attempts` (attempts after which it is `DEAD`). */
  maxAttempts?: number;
  /** Delay before retrying a failed outbound item. Default `{ baseMs: 30_000, factor: 2, maxMs: 3_600_000 }`. */
  backoff?: BackoffOption;
  /** Per connector: records persisted at once within a page, and outbound items pushed at once. Default 4. */
  concurrency?: number;
  /** How long a claimed outbound item stays `IN_PROGRESS` before another run may retry it. Default 5 minutes. */
  leaseMs?: number;
  /** Items per vendor request (passed to `pull`). */
  pageSize?: number;
  /** Called for every persisted page, pushed item and finished connector. Exceptions are ignored. */
  onProgress?: (event: SyncProgressEvent) => void;
}

/** A progress event. */
export type SyncProgressEvent =
  | { type: 'page'; connector: string; items: number; summary: ConnectorRunSummary }
  | { type: 'pushed'; connector: string; item: OutboundItem; outcome: 'completed' | 'skipped' | 'failed' | 'dead' }
  | { type: 'done'; connector: string; phase: 'pull' | 'push'; summary: ConnectorRunSummary };

/** Options of {@link SyncEngine.pull} and {@link SyncEngine.run}. */
export interface PullRunOptions {
  /** Pull records changed since this instant instead of the saved cursor (a re-sync). */
  since?: string | Date;
  /** Read and compare, but write nothing (no incident, no cursor). The summary says what would change. */
  dryRun?: boolean;
}

/** The counters of one connector in one run. */
export interface ConnectorRunSummary {
  connector: string;
  /** `false` when the connector stopped on an error (see `error`). */
  ok: boolean;
  pages: number;
  /** Records seen by the pull. */
  records: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Conflicts recorded by this run. */
  conflicts: number;
  commentsImported: number;
  /** Outbound items written to the source system. */
  pushed: number;
  /** Outbound items completed without writing (e.g. INTERNAL comments to a system without internal notes). */
  skipped: number;
  /** Outbound attempts that failed and will be retried. */
  failed: number;
  /** Outbound items that became `DEAD` in this run. */
  dead: number;
  /**
   * Local incidents whose source record was found deleted in the source system by this run (always
   * set by this engine; optional for summaries built by older versions).
   */
  deleted?: number;
  pullMs: number;
  pushMs: number;
  /** Why the connector stopped: the error's code (`connector.auth`, `store`…) and message (never credentials). */
  error?: { code: string; message: string };
  /**
   * What the run worked around without failing, once each (e.g. a saved resume cursor the vendor
   * refused as expired: the pull started again from the watermark minus the look-back).
   */
  warnings?: string[];
}

/** Totals of a run. */
export type SyncTotals = Omit<ConnectorRunSummary, 'connector' | 'ok' | 'error' | 'warnings'>;

/** The summary of `pull`, `push` or `run`. */
export interface SyncRunSummary {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  dryRun: boolean;
  /** One entry per connector, in the order they were given. */
  connectors: ConnectorRunSummary[];
  totals: SyncTotals;
  /** The connectors that stopped on an error. */
  errors: Array<{ connector: string; code: string; message: string }>;
}

/** An incident with unresolved sync conflicts. */
export interface IncidentConflicts {
  incident_id: string;
  source_system: SourceSystem;
  external_id: string;
  conflicts: SyncConflict[];
}

/** Which value wins when a conflict is resolved: the local one, or the one in the source system. */
export type ConflictSide = 'local' | 'remote';

/** Input of {@link SyncEngine.resolveConflict}. */
export interface ResolveConflictInput {
  incident_id: string;
  /** The conflicting field (`status`, `priority`… — one of `REMOTE_FIELDS`). */
  field: string;
  /**
   * `remote` applies the source system's value to the field (a status with its side effects);
   * `local` keeps the local value (a status is then queued to be pushed to the source system).
   */
  keep: ConflictSide;
  /** Who resolves it, recorded as the version's `last_modified_by`. Default: the engine's actor. */
  actor?: Actor;
}

/** What {@link SyncEngine.resolveConflict} did. */
export interface ConflictResolution {
  incident_id: string;
  field: string;
  keep: ConflictSide;
  /** The field's value after the resolution. */
  value: unknown;
  /** When the conflicts were marked resolved (also the new version's `updated_at`). */
  resolved_at: string;
  /** The conflicts marked resolved (several when the field conflicted with more than one remote value). */
  resolved: SyncConflict[];
  /** The incident's revision after the resolution. */
  revision: number;
  /** `true` when a status change was queued to bring the source system to the local value. */
  queued: boolean;
}

/** What {@link SyncEngine.status} reports. */
export interface SyncEngineStatus {
  /** Saved pull cursors (every connector name the store knows). */
  cursors: SyncCursor[];
  /** Outbound items per status. */
  queue: OutboundCounts;
  /** The dead items (first 100), for a person to look at. */
  dead: OutboundItem[];
  /**
   * Unresolved conflicts on incidents of the configured connectors' source systems (of every source
   * system when the engine has no connectors).
   */
  conflicts: number;
}

/** The two-way sync engine. */
export interface SyncEngine {
  /** Pulls one connector (by name) or all of them, in parallel; one connector's failure does not stop the others. */
  pull(target: string | 'all', options?: PullRunOptions): Promise<SyncRunSummary>;
  /** Drains the due outbound items of one connector or all of them. */
  push(target: string | 'all'): Promise<SyncRunSummary>;
  /** `pull` then `push` (a dry run pushes nothing). */
  run(target: string | 'all', options?: PullRunOptions): Promise<SyncRunSummary>;
  /** Cursors, queue counts by status, dead items and the number of unresolved conflicts. */
  status(): Promise<SyncEngineStatus>;
  /**
   * Incidents of the configured connectors' source systems with unresolved conflicts (of every
   * source system when the engine has no connectors: a read-only engine needs no credentials).
   */
  conflicts(): Promise<IncidentConflicts[]>;
  /**
   * Resolves the unresolved conflicts on one field of an incident: writes a new version (with the
   * expected revision; a concurrent write is re-read and retried, then surfaced as `ConflictError`)
   * whose conflicts on that field are `resolved: true` with `resolved_at`.
   *
   * @throws NotFoundError when the incident does not exist; ValidationError (`field`, `keep`) when
   * the field has no unresolved conflict or `keep` is not `local` / `remote`.
   */
  resolveConflict(input: ResolveConflictInput): Promise<ConflictResolution>;
}

/** A finite number ≥ `min`; the message names the bound (the issue's path names the option). */
const atLeast = (min: number) => {
  const error = `expected a number ≥ ${min}`;
  return z.number({ error }).min(min, { error });
};

/** A value of the given `typeof` (functions, objects the engine only calls into). */
const callable = (message: string) =>
  z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', { error: message });

/**
 * The zod schema of {@link SyncEngineOptions}: what `createSyncEngine` checks before it does anything.
 * Every issue names the option (`lookbackMs.jira: expected a number ≥ 0`, `connectors.1.name: two
 * connectors are named jira`). Objects the engine calls into (store, connectors, clock, ids) are
 * checked for the members it uses, not parsed: the engine keeps the caller's instances.
 */
export const SyncEngineOptionsSchema = z.object(
  {
    store: z.custom<IncidentStore>((v) => typeof v === 'object' && v !== null, { error: 'a store is required' }),
    connectors: z
      .array(
        z.custom<Connector>(
          (c) =>
            typeof c === 'object' &&
            c !== null &&
            typeof (c as Partial<Connector>).pull === 'function' &&
            typeof (c as Partial<Connector>).name === 'string',
          { error: 'not a connector (needs name and pull)' },
        ),
        { error: 'expected an array of connectors' },
      )
      .superRefine((connectors, ctx) => {
        const seen = new Set<string>();
        connectors.forEach((c, i) => {
          if (seen.has(c.name)) {
            ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `two connectors are named ${c.name}` });
          }
          seen.add(c.name);
        });
      }),
    clock: z
      .custom<Clock>((v) => typeof (v as Partial<Clock> | null)?.now === 'function', {
        error: 'expected a clock ({ now(): Date })',
      })
      .optional(),
    ids: z
      .custom<Pick<IdGenerator, 'interactionId' | 'incidentId'>>(
        (v) =>
          typeof (v as Partial<IdGenerator> | null)?.interactionId === 'function' &&
          typeof (v as Partial<IdGenerator> | null)?.incidentId === 'function',
        { error: 'expected an id generator ({ interactionId(), incidentId() })' },
      )
      .optional(),
    actor: z
      .object(
        { id: z.string().min(1), roles: z.array(z.string()).readonly() },
        { error: 'expected an actor { id, roles }' },
      )
      .passthrough()
      .optional(),
    lookbackMs: z
      .custom<SyncEngineOptions['lookbackMs']>()
      .superRefine((value, ctx) => {
        // A number for every connector, or one per connector name: each entry's issue names it.
        const entries: Array<[PropertyKey[], unknown]> =
          typeof value === 'object' && value !== null
            ? Object.entries(value).map(([name, ms]) => [[name], ms])
            : [[[], value]];
        for (const [path, ms] of entries) {
          if (ms !== undefined && (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)) {
            ctx.addIssue({ code: 'custom', path, message: 'expected a number ≥ 0' });
          }
        }
      })
      .optional(),
    maxAttempts: atLeast(1).optional(),
    backoff: z
      .union([
        callable('expected a function or { baseMs, factor, maxMs }'),
        z.object({ baseMs: atLeast(0).optional(), factor: atLeast(1).optional(), maxMs: atLeast(0).optional() }),
      ])
      .optional(),
    concurrency: atLeast(1).optional(),
    leaseMs: atLeast(1).optional(),
    pageSize: z.number({ error: 'expected a number' }).optional(),
    onProgress: callable('expected a function').optional(),
  },
  { error: 'expected the engine options { store, connectors, … }' },
);

/**
 * Checks `options` against {@link SyncEngineOptionsSchema}.
 * @throws ValidationError naming each bad option (context `sync engine options`).
 */
export function checkSyncEngineOptions(options: SyncEngineOptions): void {
  parseInput(SyncEngineOptionsSchema, options, 'sync engine options');
}

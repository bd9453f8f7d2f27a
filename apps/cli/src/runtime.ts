/**
 * What every command gets: the resolved configuration, a lazily opened store (closed when the
 * command ends), the incident service, the acting user and the printer.
 *
 * @module
 */
import { isAbsolute, resolve } from 'node:path';
import {
  type Actor,
  type Clock,
  createIncidentService,
  type IdGenerator,
  type IncidentService,
  type IncidentStore,
  IncidentsError,
  type UseCaseContext,
} from '@incidents/core';
import {
  type IncidentsConfig,
  isLocalEndpoint,
  type KbConfig,
  LOCAL_ADMIN,
  loadConfig,
  loadKbConfig,
  type OpenedKnowledgeBase,
  openKnowledgeBase,
  openStore,
  resolveActor,
} from '@incidents/config';
import type { CliOutput, Printer } from './output/printer.js';

/** Global options, as parsed by commander. */
export interface GlobalOptions {
  db?: string;
  as?: string;
  json?: boolean;
  store?: string;
  table?: string;
  endpoint?: string;
  region?: string;
}

/** Dependencies of the CLI after defaults are applied. */
export interface ResolvedDeps {
  env: Readonly<Record<string, string | undefined>>;
  stdout: CliOutput;
  stderr: CliOutput;
  cwd: string;
  clock: Clock | undefined;
  ids: IdGenerator | undefined;
  stdin: AsyncIterable<string | Uint8Array> | undefined;
  stdinIsTTY: boolean;
  onInterrupt: (handler: () => void) => () => void;
}

/** Per-invocation state shared by the commands. */
export interface Runtime {
  readonly deps: ResolvedDeps;
  /** The arguments of this invocation (without `node` and the script). */
  readonly argv: readonly string[];
  /** The global options of this invocation. */
  globals(): GlobalOptions;
  /** The printer for this invocation (`--json` aware). */
  printer(): Printer;
  /** The configuration from flags and environment. */
  config(overrides?: { dbUrl?: string }): IncidentsConfig;
  /** Opens (once) the configured store; it is closed when the command ends. */
  store(): Promise<IncidentStore>;
  /** Opens a store from an explicit configuration; closed when the command ends. */
  openStoreWith(config: IncidentsConfig): Promise<IncidentStore>;
  /** The knowledge-base configuration (`INCIDENTS_KB_*`; local under `INCIDENTS_HOME` by default). */
  kbConfig(): KbConfig;
  /** Opens (once) the configured knowledge base; it is closed when the command ends. */
  knowledgeBase(): Promise<OpenedKnowledgeBase>;
  /**
   * The incident service over {@link Runtime.store}; its `findSimilar` searches the configured
   * knowledge base, opened on first use.
   */
  service(): Promise<IncidentService>;
  /** The acting user: `--as`/`INCIDENTS_ACTOR` resolved through the users table, or the local admin. */
  actor(): Promise<Actor>;
  /** `{ actor }` for the use cases. */
  ctx(notes?: string): Promise<UseCaseContext>;
  /** Closes every store opened during the invocation. */
  close(): Promise<void>;
}

const SCHEME = /^(file|libsql|https?|wss?):/i;

/**
 * Normalises a `--db` value: a bare path becomes a `file:` URL, and relative `file:` paths are
 * resolved against the working directory (not the process's).
 */
export function normalizeDbUrl(value: string, cwd: string): string {
  const v = value.trim();
  if (v === ':memory:' || v === 'file::memory:') return ':memory:';
  if (/^file:/i.test(v)) {
    const path = v.slice(5);
    if (path.startsWith('//')) return v;
    return `file:${isAbsolute(path) ? path : resolve(cwd, path)}`;
  }
  if (SCHEME.test(v)) return v;
  return `file:${isAbsolute(v) ? v : resolve(cwd, v)}`;
}

/** Whether the configured database is on this machine (embedded libSQL or DynamoDB Local). */
export function isLocalDatabase(config: IncidentsConfig): boolean {
  if (config.store === 'dynamo') {
    return isLocalEndpoint(config.dynamo.endpoint);
  }
  return config.dbUrl === ':memory:' || /^file:/i.test(config.dbUrl);
}

/** Creates the runtime of one invocation. */
export function createRuntime(
  deps: ResolvedDeps,
  argv: readonly string[],
  getGlobals: () => GlobalOptions,
  getPrinter: () => Printer,
): Runtime {
  const opened: IncidentStore[] = [];
  let storePromise: Promise<IncidentStore> | undefined;
  let servicePromise: Promise<IncidentService> | undefined;
  let actorPromise: Promise<Actor> | undefined;
  let kbPromise: Promise<OpenedKnowledgeBase> | undefined;

  const requireActorConfigured = (): IncidentsConfig => {
    const config = runtime.config();
    if (!config.actor && !isLocalDatabase(config)) {
      throw new IncidentsError(
        'config',
        'No actor: pass --as <email> or set INCIDENTS_ACTOR (only a local database defaults to the local admin)',
      );
    }
    return config;
  };

  const runtime: Runtime = {
    deps,
    argv,
    globals: getGlobals,
    printer: getPrinter,
    config(overrides = {}) {
      const g = getGlobals();
      const dbUrl = overrides.dbUrl ?? g.db;
      const config = loadConfig({
        env: deps.env as NodeJS.ProcessEnv,
        cwd: deps.cwd,
        overrides: {
          ...(g.store ? { store: g.store } : {}),
          ...(dbUrl ? { dbUrl: normalizeDbUrl(dbUrl, deps.cwd) } : {}),
          ...(g.as ? { actor: g.as } : {}),
          ...(g.table ? { table: g.table } : {}),
          ...(g.endpoint ? { endpoint: g.endpoint } : {}),
          ...(g.region ? { region: g.region } : {}),
        },
      });
      return { ...config, dbUrl: normalizeDbUrl(config.dbUrl, deps.cwd) };
    },
    async openStoreWith(config) {
      const store = await openStore(config);
      opened.push(store);
      return store;
    },
    store() {
      storePromise ??= runtime.openStoreWith(runtime.config());
      return storePromise;
    },
    kbConfig() {
      return loadKbConfig({ home: runtime.config().home, env: deps.env as NodeJS.ProcessEnv, cwd: deps.cwd });
    },
    knowledgeBase() {
      kbPromise ??= Promise.resolve().then(() => openKnowledgeBase(runtime.kbConfig()));
      // A failed open is not cached: close() must not wait on it, and a retry may succeed.
      kbPromise.catch(() => {
        kbPromise = undefined;
      });
      return kbPromise;
    },
    service() {
      // Fail on a missing actor before connecting anywhere.
      servicePromise ??= Promise.resolve()
        .then(requireActorConfigured)
        .then(() => runtime.store())
        .then((store) =>
          createIncidentService({
            store,
            knowledgeBase: {
              async retrieve(request) {
                const kb = await runtime.knowledgeBase();
                if (!kb.knowledgeBase) {
                  throw new IncidentsError(
                    'config',
                    'No knowledge base to search: INCIDENTS_KB_MODE is none (documents only); unset it for the local index',
                  );
                }
                return kb.knowledgeBase.retrieve(request);
              },
            },
            ...(deps.clock ? { clock: deps.clock } : {}),
            ...(deps.ids ? { ids: deps.ids } : {}),
          }),
        );
      return servicePromise;
    },
    actor() {
      actorPromise ??= (async () => {
        const config = requireActorConfigured();
        return resolveActor(await runtime.store(), config.actor, { fallback: LOCAL_ADMIN });
      })();
      return actorPromise;
    },
    async ctx(notes) {
      return { actor: await runtime.actor(), ...(notes ? { notes } : {}) };
    },
    async close() {
      const kb = kbPromise;
      kbPromise = undefined;
      if (kb) await kb.then((k) => k.close()).catch(() => undefined);
      const stores = opened.splice(0);
      await Promise.allSettled(stores.map((s) => s.close()));
    },
  };
  return runtime;
}

/**
 * Progress of `incidents sync` on stderr: one live cli-progress line per connector on a terminal
 * (records, created, updated, unchanged, conflicts, pushed), plain lines otherwise (one per page and
 * per finished phase), nothing with `--json`.
 *
 * @module
 */
import type { ConnectorRunSummary, SyncProgressEvent } from '@incidents/connectors';
import cliProgress from 'cli-progress';
import type { CliOutput } from './printer.js';

/** Receives the engine's progress events; {@link SyncProgress.stop} must be called when the run ends. */
export interface SyncProgress {
  /** The engine's `onProgress`. */
  update(event: SyncProgressEvent): void;
  /** Removes the live lines (if any were drawn). */
  stop(): void;
}

/** Options of {@link createSyncProgress}. */
export interface SyncProgressOptions {
  /** Where progress goes (stderr). */
  stream: CliOutput;
  /** `false` with `--json`: nothing at all. */
  enabled: boolean;
  /** The connectors of the run, in order (one live line each). */
  connectors: readonly string[];
  /** A dry run says so on every line. */
  dryRun?: boolean;
}

const counts = (s: ConnectorRunSummary) =>
  `${s.records} records · ${s.created} created · ${s.updated} updated · ${s.unchanged} unchanged · ${s.conflicts} conflicts`;

/** Creates the progress reporter of a sync run. */
export function createSyncProgress(options: SyncProgressOptions): SyncProgress {
  if (!options.enabled) return { update() {}, stop() {} };
  const prefix = options.dryRun ? '[dry run] ' : '';
  if (options.stream.isTTY !== true) {
    const line = (text: string) => options.stream.write(`${prefix}${text}\n`);
    return {
      update(event) {
        if (event.type === 'page') {
          line(`${event.connector}: page ${event.summary.pages} · ${counts(event.summary)}`);
        } else if (event.type === 'done') {
          const s = event.summary;
          if (event.phase === 'pull') {
            line(
              s.ok
                ? `${event.connector}: pull done · ${counts(s)}`
                : `${event.connector}: pull failed (${s.error?.code})`,
            );
          } else {
            line(
              s.error && s.error.code !== 'connector.auth'
                ? `${event.connector}: push failed (${s.error.code})`
                : `${event.connector}: push done · ${s.pushed} pushed · ${s.failed} failed · ${s.dead} dead`,
            );
          }
        }
      },
      stop() {},
    };
  }
  // The bar shows the phases of each connector (pull, then push): no vendor says how many records
  // a pull will bring, so the records are counted beside it.
  const width = Math.max(...options.connectors.map((n) => n.length), 4);
  const multi = new cliProgress.MultiBar({
    stream: options.stream as unknown as NodeJS.WritableStream,
    noTTYOutput: false,
    clearOnComplete: false,
    hideCursor: true,
    gracefulExit: false,
    barsize: 10,
    format: `${prefix}{connector} [{bar}] {phase} {records} records · {created} created · {updated} updated · {unchanged} unchanged · {conflicts} conflicts · {pushed} pushed`,
  });
  const bars = new Map<string, cliProgress.SingleBar>();
  const payload = (connector: string, phase: string, s?: ConnectorRunSummary) => ({
    connector: connector.padEnd(width),
    phase: phase.padEnd(7),
    records: s?.records ?? 0,
    created: s?.created ?? 0,
    updated: s?.updated ?? 0,
    unchanged: s?.unchanged ?? 0,
    conflicts: s?.conflicts ?? 0,
    pushed: s?.pushed ?? 0,
  });
  for (const name of options.connectors) bars.set(name, multi.create(2, 0, payload(name, 'pulling')));
  return {
    update(event) {
      const bar = bars.get(event.connector);
      if (!bar || event.type === 'pushed') return;
      const s = event.summary;
      if (event.type === 'page') return bar.update(0, payload(event.connector, 'pulling', s));
      // A dry run and a connector whose credentials were refused have no push phase.
      const finished = event.phase === 'push' || options.dryRun === true || s.error?.code === 'connector.auth';
      const phase = !s.ok ? 'failed' : finished ? 'done' : 'pushing';
      bar.update(finished ? 2 : 1, payload(event.connector, phase, s));
    },
    stop() {
      multi.stop();
    },
  };
}

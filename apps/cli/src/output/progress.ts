/**
 * A progress bar on stderr for long knowledge-base runs (cli-progress). It appears only on a TTY,
 * never with `--json`, and only once the run is long: many incidents to export, or more than a
 * second of work. Short runs print nothing but their result.
 *
 * @module
 */
import cliProgress from 'cli-progress';
import type { CliOutput } from './printer.js';

/** A progress update of the knowledge-base job (`KbSyncProgress` of `@incidents/kb-sync`). */
export interface JobProgress {
  phase: 'sync' | 'ingestion';
  done: number;
  total?: number;
}

/** Receives progress updates; {@link ProgressReporter.stop} must be called when the job ends. */
export interface ProgressReporter {
  update(progress: JobProgress): void;
  /** Removes the bar (if one was drawn). */
  stop(): void;
}

/** Options of {@link createProgressReporter}. */
export interface ProgressOptions {
  /** Where the bar is drawn (stderr). */
  stream: CliOutput;
  /** `false` with `--json` (no bar at all). */
  enabled: boolean;
  /** The bar appears once this many incidents are known to be pending (default 50)… */
  minTotal?: number;
  /** …or once the run has taken this long (default 1000 ms). */
  minMs?: number;
  /** Milliseconds clock (tests). */
  now?: () => number;
}

const PHASE_LABEL: Record<JobProgress['phase'], string> = {
  sync: 'Exporting documents',
  ingestion: 'Waiting for the ingestion',
};

/** Creates a progress reporter that draws a cli-progress bar when the run is long and stderr is a TTY. */
export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  const active = options.enabled && options.stream.isTTY === true;
  const now = options.now ?? Date.now;
  const minTotal = options.minTotal ?? 50;
  const minMs = options.minMs ?? 1000;
  const startedAt = now();
  let bar: cliProgress.SingleBar | undefined;

  return {
    update(p) {
      if (!active) return;
      const total = Math.max(p.total ?? 0, p.done, 1);
      const phase = PHASE_LABEL[p.phase];
      if (!bar) {
        if ((p.total ?? 0) < minTotal && now() - startedAt < minMs) return;
        bar = new cliProgress.SingleBar({
          stream: options.stream as unknown as NodeJS.WritableStream,
          noTTYOutput: false,
          clearOnComplete: true,
          hideCursor: true,
          gracefulExit: false,
          barsize: 30,
          format: '{phase} [{bar}] {value}/{total}',
        });
        bar.start(total, p.done, { phase });
        return;
      }
      bar.setTotal(total);
      bar.update(p.done, { phase });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/**
 * Where the CLI writes: human text (coloured only on a TTY, never with `--json` or `NO_COLOR`) or
 * machine JSON on stdout; one-line errors and notes on stderr.
 *
 * @module
 */
import pc from 'picocolors';
import { markedColors, neutralizeControls, restoreColors } from './safe-text.js';

/** A stream the CLI writes to (`process.stdout`, or a buffer in tests). */
export interface CliOutput {
  write(chunk: string): unknown;
  /** Colours are used only when this is `true`. */
  isTTY?: boolean;
  /** Terminal width, when known: tables shrink their widest column to fit. */
  columns?: number;
}

/** The colour functions the formatters use (identity functions when colours are off). */
export type Colors = Pick<
  ReturnType<typeof pc.createColors>,
  'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray' | 'underline'
>;

/** Writes command results in the chosen mode. */
export interface Printer {
  readonly json: boolean;
  readonly colors: Colors;
  /** Terminal width for tables (only on a TTY). */
  readonly width: number | undefined;
  /** Human text to stdout (ignored in `--json` mode). */
  text(text: string): void;
  /** A JSON document to stdout (only in `--json` mode). */
  data(value: unknown): void;
  /** Writes `value` as JSON in `--json` mode, or `render()`'s text otherwise. */
  result(value: unknown, render: () => string): void;
  /** A note on stderr (progress, hints); never mixed into machine output. */
  note(text: string): void;
}

/** Creates a {@link Printer}. */
export function createPrinter(options: {
  stdout: CliOutput;
  stderr: CliOutput;
  json: boolean;
  env: Readonly<Record<string, string | undefined>>;
}): Printer {
  const { stdout, stderr, json, env } = options;
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const force = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0';
  const enabled = !json && !noColor && (force || stdout.isTTY === true);
  // Human text never carries the terminal control characters of the data it shows (titles, comments…),
  // colour escapes included: only the CLI's own colours, written as marks, become real escapes.
  const colors = enabled ? markedColors(pc.createColors(true)) : pc.createColors(false);
  const safe = (t: string) => (enabled ? restoreColors(neutralizeControls(t)) : neutralizeControls(t));
  const withNewline = (t: string) => {
    const text = safe(t);
    return text.endsWith('\n') ? text : `${text}\n`;
  };
  return {
    json,
    colors,
    width: stdout.isTTY && stdout.columns ? stdout.columns : undefined,
    text(text) {
      if (!json) stdout.write(withNewline(text));
    },
    data(value) {
      if (json) stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    result(value, render) {
      if (json) stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else stdout.write(withNewline(render()));
    },
    note(text) {
      stderr.write(withNewline(text));
    },
  };
}

/**
 * A small aligned-table renderer for human output: columns separated by two spaces, header in
 * upper case, cells truncated with `…` to the column's `max` width (and the flexible column shrunk
 * to fit the terminal when its width is known). Colours never affect alignment.
 *
 * @module
 */
import { neutralizeControls } from './safe-text.js';
import { displayWidth, pad, stripAnsi, truncate } from './text-width.js';

/** One column of a {@link renderTable} table. */
export interface TableColumn<T> {
  /** Header text (rendered as given). */
  header: string;
  /** The cell's plain text. */
  value: (row: T) => string;
  /** Right-align (numbers). */
  align?: 'left' | 'right';
  /** Widest the column may get; longer cells end with `…`. */
  max?: number;
  /** Shrinks first when the table is wider than `width`. At most one column should be flexible. */
  flex?: boolean;
  /** Decorates the already truncated cell (colours); must not change its visible width. */
  style?: (text: string, row: T) => string;
}

/** Options of {@link renderTable}. */
export interface TableOptions {
  /** Terminal width; the flexible column shrinks so that lines fit. */
  width?: number;
  /** Decorates the header line (e.g. bold). */
  headerStyle?: (text: string) => string;
  /** Spaces between columns (default 2). */
  gap?: number;
}

const MIN_FLEX = 10;

/** Renders rows as aligned text lines (no trailing spaces, ends with a newline unless empty). */
export function renderTable<T>(
  columns: readonly TableColumn<T>[],
  rows: readonly T[],
  options: TableOptions = {},
): string {
  const gap = ' '.repeat(options.gap ?? 2);
  const cells = rows.map((row) =>
    columns.map((col) => {
      // Data escapes (colours too) become visible text; only the CLI's own colour marks are dropped.
      const raw = stripAnsi(neutralizeControls(col.value(row).replace(/[\r\n\t]+/g, ' ')));
      return col.max ? truncate(raw, col.max) : raw;
    }),
  );
  const widths = columns.map((col, i) =>
    Math.max(displayWidth(col.header), ...cells.map((r) => displayWidth(r[i] ?? ''))),
  );
  if (options.width) {
    const total = widths.reduce((a, b) => a + b, 0) + gap.length * (columns.length - 1);
    const flexIndex = columns.findIndex((c) => c.flex);
    const flexWidth = widths[flexIndex];
    if (total > options.width && flexIndex >= 0 && flexWidth !== undefined) {
      const shrunk = Math.max(MIN_FLEX, flexWidth - (total - options.width));
      widths[flexIndex] = shrunk;
      for (const r of cells) r[flexIndex] = truncate(r[flexIndex] ?? '', shrunk);
    }
  }
  const line = (parts: string[]) => parts.join(gap).replace(/\s+$/, '');
  const header = line(columns.map((col, i) => pad(col.header, widths[i] ?? 0, col.align)));
  const out = [options.headerStyle ? options.headerStyle(header) : header];
  cells.forEach((r, rowIndex) => {
    const row = rows[rowIndex] as T;
    out.push(
      line(
        columns.map((col, i) => {
          const text = r[i] ?? '';
          const styled = col.style ? col.style(text, row) : text;
          return pad(styled, widths[i] ?? 0, col.align);
        }),
      ),
    );
  });
  return `${out.join('\n')}\n`;
}

/** Renders `label: value` pairs with the labels aligned. Pairs whose value is empty are left out. */
export function renderFields(
  pairs: ReadonlyArray<readonly [string, string | undefined | null]>,
  labelStyle: (text: string) => string = (t) => t,
): string {
  const shown = pairs.filter(([, v]) => v !== undefined && v !== null && v !== '') as Array<readonly [string, string]>;
  const width = Math.max(0, ...shown.map(([k]) => displayWidth(k)));
  return shown
    .map(([k, v]) => {
      const [first = '', ...rest] = v.split('\n');
      const indent = ' '.repeat(width + 2);
      return `${labelStyle(pad(`${k}`, width))}  ${first}${rest.map((l) => `\n${indent}${l}`).join('')}`;
    })
    .map((l) => `${l}\n`)
    .join('');
}

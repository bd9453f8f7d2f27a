/**
 * `@incidents/cli` — the `incidents` command. The executable is `dist/bin.js`; this entry exposes the
 * factory, so that the command can be embedded or tested in-process.
 *
 * @packageDocumentation
 */

export { type Cli, type CliDeps, createCli } from './cli.js';
export { EXIT_CODES, UsageError } from './errors.js';
export type { CliOutput } from './output/printer.js';
export { displayWidth, truncate } from './output/text-width.js';
export { renderTable, type TableColumn, type TableOptions } from './output/table.js';

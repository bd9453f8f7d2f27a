/**
 * `--limit`, `--cursor` and `--all` for every listing command, and the "there is more" hint.
 *
 * @module
 */
import { type Command, Option } from 'commander';
import { MAX_PAGE_SIZE, type Page } from '@incidents/core';
import { integer, shellQuote } from '../options.js';
import type { Runtime } from '../runtime.js';

/** Paging options as parsed. */
export interface PagingOptions {
  limit?: number;
  cursor?: string;
  all?: boolean;
}

/** Adds `--limit`, `--cursor` and `--all` to a command. */
export function addPagingOptions(cmd: Command, defaultLimit: number): Command {
  return cmd
    .addOption(
      new Option('--limit <n>', `items per page (1-${MAX_PAGE_SIZE})`)
        .argParser(integer(1, MAX_PAGE_SIZE))
        .default(defaultLimit),
    )
    .addOption(
      new Option('--cursor <cursor>', 'continue after the previous page (printed at its end)').conflicts('all'),
    )
    .option('--all', 'page through everything');
}

/** Fetches one page, or every page with `--all` (the result's cursor is then `null`). */
export async function fetchPaged<T>(
  options: PagingOptions,
  fetch: (page: { limit?: number; cursor?: string | null }) => Promise<Page<T>>,
): Promise<Page<T>> {
  if (!options.all) {
    return fetch({ ...(options.limit ? { limit: options.limit } : {}), cursor: options.cursor ?? null });
  }
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await fetch({ limit: MAX_PAGE_SIZE, cursor });
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return { items, cursor: null };
}

/** The command line that fetches the next page: this invocation with `--cursor <cursor>`. */
export function nextPageCommand(rt: Runtime, cursor: string): string {
  const args: string[] = [];
  for (let i = 0; i < rt.argv.length; i++) {
    const a = rt.argv[i] as string;
    if (a === '--cursor') {
      i++;
      continue;
    }
    if (a.startsWith('--cursor=')) continue;
    args.push(a);
  }
  return ['incidents', ...args, '--cursor', cursor].map(shellQuote).join(' ');
}

/** The summary line under a listing, saying whether there is more and how to get it. */
export function pageFooter(rt: Runtime, count: number, noun: string, what: string, cursor: string | null): string {
  const c = rt.printer().colors;
  const plural = count === 1 ? noun : `${noun}s`;
  if (!cursor) return c.dim(`${count} ${plural} (${what}).`);
  return [
    c.dim(`${count} ${plural} shown (${what}); there are more.`),
    `Next page: ${nextPageCommand(rt, cursor)}`,
    c.dim('Or add --all to list everything.'),
  ].join('\n');
}

/**
 * Helpers shared by the pure mappers: vendor payload validation, timestamp normalisation, lookup
 * tables with overrides, and the final validation of the core input.
 * @module
 */
import {
  type CreateIncidentInput,
  createIncidentInputSchema,
  type Environment,
  type FieldIssue,
  type Priority,
  type Status,
} from '@incidents/core';
import * as z from 'zod';
import type { ImportedComment } from '../connector.js';
import { ConnectorError, invalidResponse } from '../errors.js';

/** Mapping settings every mapper accepts; vendor mappers add their own. */
export interface BaseMappingOptions {
  /** Overrides of the vendor status table (keys are vendor status names or codes, case-insensitive). */
  statuses?: Readonly<Record<string, Status>>;
  /** Overrides of the vendor priority table (keys are vendor priority names or codes, case-insensitive). */
  priorities?: Readonly<Record<string, Priority>>;
  /** Category for records whose vendor category is empty. Default `General`. */
  defaultCategory?: string;
  /** Environment of imported incidents. Default `PRODUCTION`. */
  environment?: Environment;
  /** Team to set on imported incidents (when the vendor has no group/team field). */
  team?: string;
}

/** Case- and space-insensitive key of a vendor value (`"In Progress"` → `in progress`). */
export function tableKey(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Looks `value` up in `overrides`, then `table` (both case-insensitive). */
export function lookup<V>(
  value: string | null | undefined,
  table: Readonly<Record<string, V>>,
  overrides?: Readonly<Record<string, V>>,
): V | undefined {
  if (value === null || value === undefined) return undefined;
  const key = tableKey(value);
  for (const source of [overrides, table]) {
    if (!source) continue;
    for (const [k, v] of Object.entries(source)) if (tableKey(k) === key) return v;
  }
  return undefined;
}

/** A vendor timestamp (any format `Date.parse` understands, e.g. Jira's `+0000` offsets), normalised to ISO UTC. */
export const vendorTimestamp = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), { message: 'expected a date-time' })
  .transform((v) => new Date(v).toISOString());

/** Converts a zod error into field issues, each path prefixed by `prefix`. */
export function zodIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.'),
    message: issue.message,
  }));
}

/** Validates a vendor payload; a mismatch is `connector.invalid_response` naming the fields. */
export function parseVendor<S extends z.ZodType>(
  connector: string,
  schema: S,
  payload: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  throw invalidResponse(connector, what, zodIssues(result.error), {}, result.error);
}

/** Validates the mapped core input with `CreateIncidentInputSchema` (defaults applied). */
export function finishInput(connector: string, what: string, draft: Record<string, unknown>): CreateIncidentInput {
  const clean = Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== undefined && v !== null));
  const result = createIncidentInputSchema().safeParse(clean);
  if (result.success) return result.data;
  throw invalidResponse(connector, `${what} (mapped incident)`, zodIssues(result.error, 'input'), {}, result.error);
}

/**
 * Runs a mapper over the items of a page; an invalid item's issues are prefixed with its position
 * in the body (`issues.3.fields.status: …`) so the error names the exact field.
 */
export function mapEach<T, R>(items: readonly T[], prefix: string, map: (item: T, index: number) => R): R[] {
  return items.map((item, index) => {
    try {
      return map(item, index);
    } catch (err) {
      if (err instanceof ConnectorError && err.code === 'connector.invalid_response' && err.details.issues) {
        const issues = err.details.issues.map((i) => ({
          ...i,
          path: i.path ? `${prefix}.${index}.${i.path}` : `${prefix}.${index}`,
        }));
        throw invalidResponse(err.details.connector, 'record in the response', issues, {}, err);
      }
      throw err;
    }
  });
}

/** First non-empty trimmed string. */
export function firstText(...values: Array<string | null | undefined>): string | undefined {
  for (const v of values) {
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return undefined;
}

/** A title from free text: the first non-empty line, at most 200 characters. */
export function titleFrom(text: string, fallback: string): string {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '');
  if (!line) return fallback;
  return line.length > 200 ? `${line.slice(0, 197)}…` : line;
}

/** The later of two ISO timestamps (either may be null). */
export function maxIso(a: string | null, b: string | null | undefined): string | null {
  if (!b) return a;
  if (!a) return b;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** A comment fetched for a whole page, tagged with the `external_id` of the record it belongs to. */
export interface OwnedComment {
  owner: string;
  comment: ImportedComment;
}

/**
 * Gives each mapped record of a page the comments fetched for the whole page in one request (in the
 * order they came), and its vendor record as `raw` when `raws` is given.
 */
export function attachPageComments<M extends { external_id: string }>(
  mapped: readonly M[],
  comments: readonly OwnedComment[],
  raws?: readonly unknown[],
): Array<M & { comments: ImportedComment[]; raw?: unknown }> {
  const byRecord = new Map<string, ImportedComment[]>(mapped.map((m) => [m.external_id, []]));
  for (const c of comments) byRecord.get(c.owner)?.push(c.comment);
  return mapped.map((m, i) => ({
    ...m,
    comments: byRecord.get(m.external_id) ?? [],
    ...(raws ? { raw: raws[i] } : {}),
  }));
}

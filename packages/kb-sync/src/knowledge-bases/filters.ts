/**
 * Validation of metadata filters (core's `KnowledgeBaseFilters`), shared by both knowledge bases.
 * @module
 */
import { type KnowledgeBaseFilters, ValidationError } from '@incidents/core';

/** One validated filter: the attribute equals one of `values`. */
export interface FilterClause {
  key: string;
  values: Array<string | number | boolean>;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/;

/** Validates filters; a bad attribute name or value is a {@link ValidationError} naming `filters.<key>`. */
export function parseFilters(filters: KnowledgeBaseFilters | undefined): FilterClause[] {
  if (filters === undefined || filters === null) return [];
  if (typeof filters !== 'object' || Array.isArray(filters)) {
    throw new ValidationError([{ path: 'filters', message: 'filters must be an object of attribute → value(s)' }], {
      context: 'filters',
    });
  }
  const clauses: FilterClause[] = [];
  const issues: Array<{ path: string; message: string }> = [];
  for (const [key, raw] of Object.entries(filters)) {
    if (!KEY.test(key)) {
      issues.push({
        path: `filters.${key}`,
        message: 'attribute names are letters, digits, _ . - (starting with a letter or _)',
      });
      continue;
    }
    const values = (Array.isArray(raw) ? raw : [raw]) as unknown[];
    if (values.length === 0) {
      issues.push({ path: `filters.${key}`, message: 'give at least one value' });
      continue;
    }
    if (
      !values.every(
        (v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean',
      )
    ) {
      issues.push({ path: `filters.${key}`, message: 'values must be strings, numbers or booleans' });
      continue;
    }
    clauses.push({ key, values: values as FilterClause['values'] });
  }
  if (issues.length) throw new ValidationError(issues, { context: 'filters' });
  return clauses;
}

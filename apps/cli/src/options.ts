/**
 * Parsers for command-line option values. Malformed values are usage errors (exit code 2);
 * values that are well-formed but wrong for the model are left to the service's validation, whose
 * error names the field.
 *
 * @module
 */
import { InvalidArgumentError } from 'commander';

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Collects a repeatable option whose values may also be comma-separated (`--tags a,b --tags c`). */
export function collectList(value: string, previous: string[] | undefined): string[] {
  const parts = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  return [...(previous ?? []), ...parts];
}

/** Like {@link collectList}, upper-casing each value (statuses, priorities). */
export function collectUpperList(value: string, previous: string[] | undefined): string[] {
  return collectList(value.toUpperCase(), previous);
}

/** Upper-cases an enum value (`--severity high` → `HIGH`). */
export function upper(value: string): string {
  return value.trim().toUpperCase();
}

/** A parser for an integer option within [min, max]. */
export function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`expected a whole number, got "${value}".`);
    }
    if (n < min || n > max) throw new InvalidArgumentError(`expected a number from ${min} to ${max}, got ${n}.`);
    return n;
  };
}

/** A parser for a non-negative number of minutes (decimals allowed), at most a day. */
export function minutes(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`expected a number of minutes, got "${value}".`);
  }
  return n;
}

/**
 * Accepts `YYYY-MM-DD` (midnight UTC) or an ISO 8601 date-time and returns the ISO timestamp the
 * model stores. Anything else is passed through unchanged so that the model's validation names the
 * field it belongs to.
 */
export function when(value: string): string {
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const d = new Date(`${v}T00:00:00.000Z`);
    return Number.isNaN(d.getTime()) ? v : d.toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(v)) {
    const normalized = v.replace(' ', 'T');
    const d = new Date(/(Z|[+-]\d{2}:?\d{2})$/i.test(normalized) ? normalized : `${normalized}Z`);
    return Number.isNaN(d.getTime()) ? v : d.toISOString();
  }
  return v;
}

/** Quotes an argument for display in a suggested command line. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

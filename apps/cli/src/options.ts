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

/** A parser for a whole number of minutes from 0 to a day (1440). */
export function minutes(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n > 24 * 60) {
    throw new InvalidArgumentError(`expected a whole number of minutes from 0 to 1440, got "${value}".`);
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
  // An impossible date (2026-02-30) would roll over to March: pass it through for the model to refuse.
  if (!existingDate(v)) return v;
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

/** Whether `value` starts with a `YYYY-MM-DD` date that exists in the calendar. */
function existingDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** Quotes an argument for display in a suggested command line. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The commander types {@link rejectEmptyValues} reads. */
interface CommandLike {
  options: readonly {
    long?: string | undefined;
    short?: string | undefined;
    required: boolean;
    optional: boolean;
  }[];
  parent: CommandLike | null;
}

/**
 * Refuses an explicitly empty option value (`--as ''`, `--severity=`, `--due ' '`): a script whose
 * variable is unset must fail, not silently get the default (for `--as`, the local admin). Checks
 * the raw arguments against the options of `command` and its parents; a usage error names the flag.
 */
export function rejectEmptyValues(argv: readonly string[], command: CommandLike): void {
  const takesValue = new Map<string, string>();
  for (let c: CommandLike | null = command; c; c = c.parent) {
    for (const opt of c.options) {
      if (!opt.required && !opt.optional) continue;
      const name = opt.long ?? opt.short;
      if (!name) continue;
      if (opt.long) takesValue.set(opt.long, name);
      if (opt.short) takesValue.set(opt.short, name);
    }
  }
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--') break;
    if (!token.startsWith('-')) continue;
    const eq = token.indexOf('=');
    const flag = eq > 0 ? token.slice(0, eq) : token;
    const name = takesValue.get(flag);
    if (!name) continue;
    const value = eq > 0 ? token.slice(eq + 1) : argv[i + 1];
    if (eq < 0) i += 1;
    if (value !== undefined && value.trim() === '') {
      throw new InvalidArgumentError(`option '${name}' was given an empty value; give a value or leave the option out`);
    }
  }
}

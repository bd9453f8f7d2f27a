/**
 * Comparing JSON values by content.
 * @module
 */

/** A canonical JSON text of `value` (object keys sorted at every level; `undefined` members dropped). */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/**
 * Whether two JSON-like values have the same content, whatever the order of their keys (records read
 * from a store, field values of two systems, knowledge-base bookkeeping).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  return a === b || canonicalJson(a) === canonicalJson(b);
}

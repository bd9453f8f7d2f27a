/**
 * Row values by column index, without `Row` objects: `createLocalClient` keeps the values the
 * driver returned with each result set it builds (its `rows` are built only when read), and the store
 * reads its one-column documents through {@link columnValues}.
 *
 * @module
 */
import type { ResultSet } from '@libsql/client';

const VALUES = new WeakMap<ResultSet, readonly (readonly unknown[])[]>();

/** Records the values of each row of `rs` (already converted as its `rows` give them). */
export function keepValues(rs: ResultSet, values: readonly (readonly unknown[])[]): void {
  VALUES.set(rs, values);
}

/**
 * The value of column `index` of each row of `rs`, in row order.
 *
 * A result set of `createLocalClient` builds its `rows` (objects readable by column name and by
 * index) only when they are first read; this reads the driver's values instead, so no `Row` object is
 * built (the store reads its one-column JSON documents this way). For a result set of any other client
 * it reads `rs.rows`.
 *
 * @example
 * ```ts
 * const rs = await client.execute({ sql: 'SELECT doc FROM t WHERE k = ?', args: [k] });
 * const docs = columnValues(rs, 0).map((text) => JSON.parse(String(text)));
 * ```
 */
export function columnValues(rs: ResultSet, index: number): unknown[] {
  const rows: ArrayLike<ArrayLike<unknown>> = VALUES.get(rs) ?? rs.rows;
  const out = new Array<unknown>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = (rows[i] as ArrayLike<unknown>)[index];
  return out;
}

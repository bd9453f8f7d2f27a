/**
 * Every statement the store runs goes through {@link InstrumentedClient}: it counts statements, sums
 * their time and keeps the slow ones (above a threshold, 100 ms by default) in a ring buffer, which
 * `TursoStore.stats()` reports (R-OPS-3: query count, average time, slow statements).
 *
 * @module
 */
import type { Client, InStatement, ResultSet, TransactionMode } from '@libsql/client';

/** A statement (or batch) that took longer than the slow-query threshold. */
export interface SlowQuery {
  /** The SQL (for a batch: its first statement and how many followed). Never the arguments. */
  sql: string;
  /** Wall time in milliseconds. */
  ms: number;
  /** When it finished (ISO 8601). */
  at: string;
}

/** Counters since the store was opened. */
export interface QueryCounters {
  count: number;
  totalMs: number;
  slow: SlowQuery[];
}

const SLOW_RING_SIZE = 50;

function sqlOf(stmt: InStatement): string {
  return typeof stmt === 'string' ? stmt : stmt.sql;
}

function compact(sql: string): string {
  const oneLine = sql.replace(/\s+/g, ' ').trim();
  // Keep both ends: long statements start with a wide SELECT list and end with the FROM/WHERE that matters.
  return oneLine.length > 500 ? `${oneLine.slice(0, 200)} … ${oneLine.slice(-296)}` : oneLine;
}

/** A thin timing wrapper around a libSQL {@link Client}. */
export class InstrumentedClient {
  #count = 0;
  #totalMs = 0;
  #slow: SlowQuery[] = [];
  #slowNext = 0;

  constructor(
    readonly client: Client,
    private readonly slowQueryMs: number,
  ) {}

  async execute(stmt: InStatement): Promise<ResultSet> {
    const started = performance.now();
    try {
      return await this.client.execute(stmt);
    } finally {
      this.#record(1, performance.now() - started, () => sqlOf(stmt));
    }
  }

  async batch(stmts: InStatement[], mode: TransactionMode): Promise<ResultSet[]> {
    const started = performance.now();
    try {
      return await this.client.batch(stmts, mode);
    } finally {
      this.#record(stmts.length, performance.now() - started, () => {
        const first = stmts[0] ? sqlOf(stmts[0]) : '';
        return stmts.length > 1 ? `${compact(first)} (batch of ${stmts.length} statements)` : first;
      });
    }
  }

  async executeMultiple(sql: string): Promise<void> {
    const started = performance.now();
    try {
      await this.client.executeMultiple(sql);
    } finally {
      this.#record(1, performance.now() - started, () => sql);
    }
  }

  counters(): QueryCounters {
    // Oldest first.
    const slow =
      this.#slow.length < SLOW_RING_SIZE
        ? [...this.#slow]
        : [...this.#slow.slice(this.#slowNext), ...this.#slow.slice(0, this.#slowNext)];
    return { count: this.#count, totalMs: this.#totalMs, slow };
  }

  #record(statements: number, ms: number, describe: () => string): void {
    this.#count += statements;
    this.#totalMs += ms;
    if (ms > this.slowQueryMs) {
      const entry: SlowQuery = {
        sql: compact(describe()),
        ms: Math.round(ms * 100) / 100,
        at: new Date().toISOString(),
      };
      if (this.#slow.length < SLOW_RING_SIZE) this.#slow.push(entry);
      else {
        this.#slow[this.#slowNext] = entry;
        this.#slowNext = (this.#slowNext + 1) % SLOW_RING_SIZE;
      }
    }
  }
}

/**
 * Search in the local knowledge base: the query's units (words, identifiers as phrases), BM25
 * ranking kept small by the units' document counts, metadata filters as probes of the attribute key,
 * and — with an embedder — reciprocal-rank fusion of the lexical ranking and vector neighbours.
 *
 * @module
 */
import type { InValue } from '@libsql/client';
import type { KnowledgeBaseFilters, RetrievedIncident } from '@incidents/core';
import { ValidationError } from '@incidents/core';
import { STOPWORDS } from '@incidents/internals';
import { type FilterClause, parseFilters } from '../filters.js';
import { dbFail, type LocalKbContext } from './context.js';
import { vectorJson } from './embedding.js';

/** Units in up to this many times `maxScoredDocuments` documents still narrow the AND step. */
const AND_FACTOR = 5;
/** The AND step uses the rarest few units: BM25 counts every occurrence of each unit for its IDF. */
const MAX_AND_UNITS = 4;

/** Turns free text into an FTS5 query: distinct terms, OR-ed, quoted (no FTS syntax injection). */
export function toFtsQuery(text: string, maxTerms = 32): string | null {
  const terms: string[] = [];
  const seen = new Set<string>();
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}_]+/gu)) {
    const t = m[0];
    if (t.length < 2 || STOPWORDS.has(t) || seen.has(t)) continue;
    seen.add(t);
    terms.push(`"${t}"`);
    if (terms.length >= maxTerms) break;
  }
  return terms.length ? terms.join(' OR ') : null;
}

/**
 * The units of a query: distinct words, and identifiers (`ERR_CONN_RESET`, `billing-api`,
 * `com.acme.Billing.export`) as phrases of their tokens — the way the index tokenizes them — so an
 * identifier matches as a whole. Stop words and one-character words are dropped.
 */
function queryUnits(text: string, maxUnits = 32): string[] {
  const units: string[] = [];
  const seen = new Set<string>();
  for (const chunk of text.toLowerCase().split(/\s+/)) {
    const tokens = chunk.match(/[\p{L}\p{N}]+/gu);
    if (!tokens) continue;
    const candidates =
      tokens.length === 1 || tokens.length > 8
        ? tokens.filter((t) => t.length >= 2 && !STOPWORDS.has(t))
        : [tokens.join(' ')];
    for (const unit of candidates) {
      if (seen.has(unit)) continue;
      seen.add(unit);
      units.push(unit);
      if (units.length >= maxUnits) return units;
    }
  }
  return units;
}

const phrase = (unit: string) => `"${unit}"`;

/** One `AND EXISTS (…)` per filter clause: a probe of the attribute key for the row `rowid` (no scan). */
export function filterSql(clauses: FilterClause[], rowid: string): { sql: string; args: InValue[] } {
  const parts: string[] = [];
  const args: InValue[] = [];
  for (const c of clauses) {
    parts.push(
      `EXISTS (SELECT 1 FROM kb_document_attributes AS a WHERE a.document_id = ${rowid} AND a.name = ? AND a.value IN (${c.values.map(() => '?').join(', ')}))`,
    );
    args.push(c.key, ...c.values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)));
  }
  return { sql: parts.length ? ` AND ${parts.join(' AND ')}` : '', args };
}

export function toResult(ctx: LocalKbContext, row: Record<string, unknown>, score: number): RetrievedIncident {
  const key = String(row.key);
  return {
    incident_id: String(row.incident_id),
    score,
    text: String(row.text),
    location: ctx.objects.uri(key),
    metadata: JSON.parse(String(row.metadata_json)) as Record<string, unknown>,
  };
}

/**
 * Documents per query unit, counted up to `maxScored · AND_FACTOR + 1`, cached until the index
 * changes (its `generation` setting moves with every write) and dropped beyond 10,000 units.
 */
export interface TermCounts {
  /** The (capped) number of documents holding each unit, in order. */
  documentCounts(units: string[]): Promise<number[]>;
}

/** Creates the term-count cache of one knowledge-base object. */
export function createTermCounts(ctx: LocalKbContext): TermCounts {
  let countsGeneration: string | null = null;
  const documentsWith = new Map<string, number>();
  return {
    async documentCounts(units) {
      const { client, maxScored } = ctx;
      const g = await client.execute(`SELECT value FROM kb_settings WHERE name = 'generation'`);
      const generation = g.rows[0] ? String(g.rows[0].value) : '0';
      if (generation !== countsGeneration || documentsWith.size > 10_000) {
        documentsWith.clear();
        countsGeneration = generation;
      }
      const missing = units.filter((u) => !documentsWith.has(u));
      if (missing.length) {
        // A capped count stops after maxScored + 1 matches: a common word costs no more than a rare one.
        const columns = missing.map(() => '(SELECT count(*) FROM (SELECT 1 FROM kb_fts WHERE kb_fts MATCH ? LIMIT ?))');
        const r = await client.execute({
          sql: `SELECT ${columns.join(', ')}`,
          args: missing.flatMap((u) => [phrase(u), maxScored * AND_FACTOR + 1]),
        });
        const row = r.rows[0];
        missing.forEach((u, i) => {
          documentsWith.set(u, Number(row?.[i] ?? 0));
        });
      }
      return units.map((u) => documentsWith.get(u) as number);
    },
  };
}

export const round = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * The lexical search. BM25 ranking costs work for every matching document, so what is ranked is
 * kept small: the query's *selective* units (found in at most `maxScored` documents) are tried
 * all together first (AND); when that finds fewer than `n`, the rest comes from any of them (OR,
 * rarest first, as many as fit in `maxScored` matching documents). Units too common to rank by
 * are left out. A query made only of common
 * words returns the most recently indexed documents containing all of them (then fewer of them),
 * scored by reciprocal position. Filters are probes of the attribute key, evaluated in rank order.
 */
export async function lexical(
  ctx: LocalKbContext,
  counts: TermCounts,
  text: string,
  n: number,
  clauses: FilterClause[],
): Promise<Array<{ row: Record<string, unknown>; score: number }>> {
  const units = queryUnits(text);
  if (units.length === 0) return [];
  // A phrase is evaluated by walking the lists of its words: its cost is that of its rarest word,
  // however rare the phrase itself is ("checkout service" costs what "checkout" costs).
  const words = [...new Set(units.flatMap((u) => (u.includes(' ') ? u.split(' ') : [])))].filter(
    (w) => !units.includes(w),
  );
  const { client, maxScored } = ctx;
  const unitCounts = await counts.documentCounts([...units, ...words]);
  const countOf = new Map([...units, ...words].map((u, i) => [u, unitCounts[i] as number]));
  const present = units
    .map((unit) => ({
      unit,
      documents: countOf.get(unit) as number,
      work: unit.includes(' ')
        ? Math.min(...unit.split(' ').map((w) => countOf.get(w) as number))
        : (countOf.get(unit) as number),
    }))
    .filter((t) => t.documents > 0)
    .sort((a, b) => a.documents - b.documents);
  if (present.length === 0) return [];
  const f = filterSql(clauses, 'kb_fts.rowid');

  const ranked = async (match: string) => {
    const rows = (
      await client.execute({
        sql: `SELECT d.key, d.incident_id, d.text, d.metadata_json, m.rank AS rank
              FROM (SELECT rowid, rank FROM kb_fts WHERE kb_fts MATCH ?${f.sql} ORDER BY rank LIMIT ?) AS m
              JOIN kb_documents AS d ON d.id = m.rowid ORDER BY m.rank`,
        args: [match, ...f.args, n],
      })
    ).rows as unknown as Array<Record<string, unknown>>;
    return rows.map((row) => ({ row, score: round(-Number(row.rank)) }));
  };

  // The AND step takes the cheapest units, moderately common ones included (intersecting skips
  // through their lists, and they are what tells similar documents apart).
  const narrowing = present
    .filter((t) => t.work <= maxScored * AND_FACTOR)
    .sort((a, b) => a.work - b.work)
    .slice(0, MAX_AND_UNITS);
  // The OR step takes the rarest units within the budget, and at least the rarest affordable one.
  const selective = present.filter((t) => t.work <= maxScored);
  if (selective.length === 0 && narrowing.length > 0) selective.push(narrowing[0] as (typeof narrowing)[number]);
  if (selective.length > 0) {
    const all = narrowing.length > 1 ? await ranked(narrowing.map((t) => phrase(t.unit)).join(' AND ')) : [];
    if (all.length >= n) return all;
    const any: string[] = [];
    let budget = 0;
    for (const t of selective) {
      if (any.length > 0 && budget + t.work > maxScored) break;
      budget += t.work;
      any.push(phrase(t.unit));
    }
    // The documents holding every term stay first; the OR ranking fills the rest, its scores
    // capped so that the list never goes up.
    const out = [...all];
    const seen = new Set(all.map((h) => String(h.row.key)));
    for (const hit of await ranked(any.join(' OR '))) {
      if (out.length >= n) break;
      if (seen.has(String(hit.row.key))) continue;
      const floor = out.at(-1)?.score;
      out.push(floor !== undefined && hit.score > floor ? { ...hit, score: floor } : hit);
    }
    return out;
  }

  const found = new Map<string, Record<string, unknown>>();
  for (const k of present.length > 1 ? [present.length, 1] : [1]) {
    if (found.size >= n) break;
    const rows = (
      await client.execute({
        sql: `SELECT d.key, d.incident_id, d.text, d.metadata_json
              FROM (SELECT rowid FROM kb_fts WHERE kb_fts MATCH ?${f.sql} ORDER BY rowid DESC LIMIT ?) AS m
              JOIN kb_documents AS d ON d.id = m.rowid ORDER BY m.rowid DESC`,
        args: [
          present
            .slice(0, k)
            .map((t) => phrase(t.unit))
            .join(' AND '),
          ...f.args,
          n,
        ],
      })
    ).rows as unknown as Array<Record<string, unknown>>;
    for (const row of rows) if (found.size < n && !found.has(String(row.key))) found.set(String(row.key), row);
  }
  return [...found.values()].map((row, i) => ({ row, score: round(1 / (i + 1)) }));
}

/**
 * Retrieval: BM25 (with the relative score floor), or with an embedder the fusion of BM25 and vector
 * neighbours. Filters apply to both.
 */
export async function retrieve(
  ctx: LocalKbContext,
  counts: TermCounts,
  request: {
    text: string;
    limit: number;
    filters?: KnowledgeBaseFilters;
  },
): Promise<RetrievedIncident[]> {
  const { client, embedder, minRelativeScore } = ctx;
  if (!request || typeof request.text !== 'string') {
    throw new ValidationError([{ path: 'text', message: 'text is required' }], { context: 'retrieve request' });
  }
  const limit = Math.max(1, Math.min(Math.floor(Number(request.limit) || 5), 100));
  const clauses = parseFilters(request.filters);
  try {
    const fetch = embedder ? Math.max(limit * 4, 20) : limit;
    const lexicalHits = await lexical(ctx, counts, request.text, fetch, clauses);
    if (!embedder) {
      const floor = (lexicalHits[0]?.score ?? 0) * minRelativeScore;
      return lexicalHits.filter((h) => h.score >= floor).map((h) => toResult(ctx, h.row, h.score));
    }

    // Hybrid: reciprocal-rank fusion of the lexical ranking and vector neighbours.
    const f = filterSql(clauses, 'd.id');
    const [qv] = await embedder.embed([request.text]);
    const k = clauses.length ? Math.max(limit * 20, 100) : fetch;
    const semantic = (
      await client.execute({
        sql: `SELECT d.key, d.incident_id, d.text, d.metadata_json
              FROM vector_top_k('kb_vectors_idx', vector32(?), ?) AS v JOIN kb_documents d ON d.id = v.id
              WHERE 1 = 1${f.sql}`,
        args: [vectorJson(qv as number[]), k, ...f.args],
      })
    ).rows as unknown as Array<Record<string, unknown>>;
    const fused = new Map<string, { row: Record<string, unknown>; score: number }>();
    const add = (rows: Array<Record<string, unknown>>) =>
      rows.forEach((row, rank) => {
        const key = String(row.key);
        const entry = fused.get(key) ?? { row, score: 0 };
        entry.score += 1 / (60 + rank + 1);
        fused.set(key, entry);
      });
    add(lexicalHits.map((h) => h.row));
    add(semantic.slice(0, fetch));
    return [...fused.values()]
      .sort((a, b) => b.score - a.score)
      .slice(0, limit)
      .map((e) => toResult(ctx, e.row, round(e.score)));
  } catch (err) {
    throw dbFail('retrieve', err);
  }
}

/**
 * The options of the local knowledge base: their type, their zod schema, and the values the other
 * modules use (defaults applied).
 *
 * @module
 */
import { type Clock, systemClock } from '@incidents/core';
import { parseInput } from '@incidents/core/store-kit';
import type { Client } from '@libsql/client';
import * as z from 'zod';
import { DEFAULT_KB_PREFIX } from '../../document.js';
import type { Embedder, ObjectStore } from '../../ports.js';

/** Options of {@link createLocalKnowledgeBase}. Give `url` or `client`. */
export interface LocalKnowledgeBaseOptions {
  /** libSQL URL of the index: `file:kb/index.db`, `:memory:`, or a Turso `libsql://` URL. */
  url?: string;
  /** Turso auth token for a remote `url`. */
  authToken?: string;
  /** An existing client (not closed by {@link LocalKnowledgeBase.close}). */
  client?: Client;
  /** Where the documents are (the data source). */
  objectStore: ObjectStore;
  /** Only keys under this prefix are ingested (Bedrock's inclusion prefix); default `incidents/`. */
  prefix?: string;
  /** Enables hybrid retrieval (BM25 + vector similarity, fused by reciprocal rank). */
  embedder?: Embedder;
  /** Documents fetched in parallel during ingestion (default 16). */
  concurrency?: number;
  /**
   * A running job whose heartbeat is older than this is considered abandoned and taken over by the
   * next job (default 60 seconds). A job owned by a process of this machine that no longer exists is
   * taken over at once, whatever its heartbeat.
   */
  staleJobMs?: number;
  /** How often a running job refreshes its heartbeat (default 10 seconds, at most `staleJobMs / 3`). */
  heartbeatMs?: number;
  /**
   * Query terms found in more documents than this are too common to rank by (default 2,000): BM25
   * scores every matching document and counts every occurrence of a term for its IDF, so one word
   * present in most of 100,000 documents costs a full scan while telling little about relevance.
   * Such terms are left out of ranked queries (see {@link LocalKnowledgeBase.retrieve}).
   */
  maxScoredDocuments?: number;
  /**
   * Relevance floor of ranked (BM25) results, relative to the best one (default 0.05; 0 keeps all):
   * a document scoring less than this fraction of the top match is left out. BM25 weighs each
   * matched term by its rarity, and FTS5 gives a term found in more than half of the documents a
   * weight of 1e-6, so such a document shares with the query only words that most documents have —
   * an unrelated incident, not a "similar" one. The floor is relative because BM25 scores have no
   * fixed scale (they grow with the query's length and the corpus).
   */
  minRelativeScore?: number;
  /**
   * Time source of the job bookkeeping (`startedAt`, `updatedAt`, heartbeats, the abandoned-job
   * check) and of `indexed_at`. Default: the system clock.
   */
  clock?: Clock;
}

/** Default of {@link LocalKnowledgeBaseOptions.maxScoredDocuments}. */
export const MAX_SCORED_DOCUMENTS = 2000;

const objectWith = (members: readonly string[], message: string) =>
  z.custom<object>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      members.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
    { error: message },
  );

/**
 * The zod schema of {@link LocalKnowledgeBaseOptions}: each issue names the option. Objects the
 * knowledge base calls into (client, object store, embedder, clock) are checked for the members it
 * uses and kept as given.
 */
export const LocalKnowledgeBaseOptionsSchema = z
  .object(
    {
      url: z.string({ error: 'expected a libSQL URL' }).optional(),
      authToken: z.string({ error: 'expected a string' }).optional(),
      client: objectWith(['execute', 'batch'], 'expected a libSQL client').optional(),
      objectStore: objectWith(['list', 'get'], 'objectStore is required'),
      prefix: z.string({ error: 'expected a string' }).optional(),
      embedder: objectWith(['embed'], 'expected an embedder ({ dimensions, embed(texts) })').optional(),
      concurrency: z.number({ error: 'expected a number ≥ 1' }).min(1, { error: 'expected a number ≥ 1' }).optional(),
      staleJobMs: z.number({ error: 'expected a number ≥ 0' }).min(0, { error: 'expected a number ≥ 0' }).optional(),
      heartbeatMs: z.number({ error: 'expected a number ≥ 0' }).min(0, { error: 'expected a number ≥ 0' }).optional(),
      maxScoredDocuments: z
        .number({ error: 'maxScoredDocuments must be a positive integer' })
        .int({ error: 'maxScoredDocuments must be a positive integer' })
        .min(1, { error: 'maxScoredDocuments must be a positive integer' })
        .optional(),
      minRelativeScore: z
        .number({ error: 'minRelativeScore must be between 0 and 1' })
        .min(0, { error: 'minRelativeScore must be between 0 and 1' })
        .max(1, { error: 'minRelativeScore must be between 0 and 1' })
        .optional(),
      clock: objectWith(['now'], 'expected a clock ({ now(): Date })').optional(),
    },
    { error: 'options are required' },
  )
  .superRefine((o, ctx) => {
    if (!o.client && !o.url) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'give url (file:…, :memory:, libsql://…) or client' });
    }
  });

/** The options with their defaults applied. */
export interface ResolvedLocalOptions {
  readonly objects: ObjectStore;
  readonly prefix: string;
  readonly embedder: Embedder | undefined;
  readonly concurrency: number;
  readonly staleJobMs: number;
  readonly heartbeatMs: number;
  readonly maxScored: number;
  readonly minRelativeScore: number;
  readonly clock: Clock;
}

/**
 * Checks `options` against {@link LocalKnowledgeBaseOptionsSchema} and applies the defaults.
 * @throws ValidationError naming each bad option (context `local knowledge base options`).
 */
export function resolveLocalOptions(options: LocalKnowledgeBaseOptions): ResolvedLocalOptions {
  parseInput(LocalKnowledgeBaseOptionsSchema, options, 'local knowledge base options');
  const staleJobMs = options.staleJobMs ?? 60_000;
  return {
    objects: options.objectStore,
    prefix: options.prefix ?? DEFAULT_KB_PREFIX,
    embedder: options.embedder,
    concurrency: options.concurrency ?? 16,
    staleJobMs,
    heartbeatMs: Math.max(10, Math.min(options.heartbeatMs ?? 10_000, Math.floor(staleJobMs / 3) || 10)),
    maxScored: options.maxScoredDocuments ?? MAX_SCORED_DOCUMENTS,
    minRelativeScore: options.minRelativeScore ?? 0.05,
    clock: options.clock ?? systemClock,
  };
}

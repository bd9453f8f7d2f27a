/**
 * The knowledge-base port used by `findSimilar`: anything that can retrieve past incidents similar
 * to a text (Amazon Bedrock Knowledge Bases, the local libSQL index of `@incidents/kb-sync`).
 *
 * @module
 */

/** Metadata filters: every given attribute must equal the value (or one of the values). */
export type KnowledgeBaseFilters = Record<string, string | number | boolean | readonly (string | number)[]>;

/** One retrieved document. */
export interface RetrievedIncident {
  /** The incident the document was made from. */
  incident_id: string;
  /** Relevance; higher is better. Scales differ between knowledge bases. */
  score: number;
  /** The matching text (a chunk or the whole document). */
  text: string;
  /** Where the document lives (object key or URI). */
  location?: string;
  metadata: Record<string, unknown>;
}

/** Retrieval side of a knowledge base. */
export interface KnowledgeBaseRetriever {
  /** Up to `limit` documents most similar to `text` that match `filters`, best first. */
  retrieve(request: { text: string; limit: number; filters?: KnowledgeBaseFilters }): Promise<RetrievedIncident[]>;
}

/**
 * Embedding for the local knowledge base's hybrid retrieval: texts to vectors in batches of 64, each
 * checked against the embedder's `dimensions`, and the JSON form libSQL's `vector32()` reads.
 *
 * @module
 */
import { KbError } from '../../errors.js';
import type { Embedder } from '../../ports.js';

/** Texts per `embed` call. */
const EMBED_BATCH = 64;

/**
 * The vectors of `texts`, in order (none without an embedder).
 * @throws KbError `kb.embedder` when the embedder returns another number of vectors than texts, or a
 * vector of another dimension than it declares.
 */
export async function embedAll(
  embedder: Embedder | undefined,
  texts: readonly string[],
): Promise<Array<Float32Array | number[]>> {
  if (!embedder || texts.length === 0) return [];
  const out: Array<Float32Array | number[]> = [];
  for (let i = 0; i < texts.length; i += EMBED_BATCH) {
    const vectors = await embedder.embed(texts.slice(i, i + EMBED_BATCH));
    const expected = Math.min(EMBED_BATCH, texts.length - i);
    if (vectors.length !== expected) {
      throw new KbError('kb.embedder', 'the embedder returned a different number of vectors than texts', {
        details: { expected, returned: vectors.length },
      });
    }
    for (const v of vectors) {
      if (v.length !== embedder.dimensions) {
        throw new KbError(
          'kb.embedder',
          `the embedder returned a ${v.length}-dimension vector; expected ${embedder.dimensions}`,
          { details: { expected: embedder.dimensions, returned: v.length } },
        );
      }
      out.push(v);
    }
  }
  return out;
}

/** A vector as the JSON array `vector32(?)` takes. */
export const vectorJson = (v: Float32Array | number[]): string => JSON.stringify(Array.from(v));

/** A small real embedder: feature-hashed bag of words, L2-normalised (deterministic, no model). */
import type { Embedder } from '../../src/index.js';

export function createHashingEmbedder(dimensions = 64): Embedder {
  return {
    dimensions,
    async embed(texts) {
      return texts.map((text) => {
        const v = new Float32Array(dimensions);
        for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
          let h = 2166136261;
          for (const ch of m[0]) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 16777619);
          const i = (h >>> 0) % dimensions;
          v[i] = (v[i] ?? 0) + 1;
        }
        const norm = Math.hypot(...v) || 1;
        return v.map((x) => x / norm);
      });
    },
  };
}

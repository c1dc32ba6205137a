// Deterministic stand-ins for the Embedder and Reranker interfaces, for tests of the pipeline and the
// cache: a feature-hashing bag-of-words embedder and a word-overlap reranker. Not models: they
// exist so tests can assert exact, explainable outcomes without loading ONNX.
import type { Embedder, Reranker } from '../models.ts';

const STOP = new Set(['a', 'an', 'and', 'or', 'the', 'of', 'in', 'on', 'to', 'for', 'with', 'we', 'you', 'our', 'is', 'are', 'be', 'as', 'at', 'by', 'your', 'will']);

export function words(text: string): string[] {
  return (text.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').match(/[\p{L}\p{N}+#]+/gu) ?? []).filter((w) => !STOP.has(w));
}

function fnv1a(s: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class HashingEmbedder implements Embedder {
  calls = 0;
  texts = 0;
  constructor(readonly dims = 64) {}

  async embed(texts: string[]): Promise<Float32Array> {
    this.calls++;
    this.texts += texts.length;
    const out = new Float32Array(texts.length * this.dims);
    texts.forEach((t, i) => {
      const row = out.subarray(i * this.dims, (i + 1) * this.dims);
      for (const w of words(t)) {
        // Two hashed slots per word with signs: collisions stay rare at 64+ dims.
        for (const seed of [1, 2]) {
          const h = fnv1a(w, seed);
          row[h % this.dims] += h & 0x80000000 ? -1 : 1;
        }
      }
      let n = 0;
      for (const v of row) n += v * v;
      if (n === 0) row[0] = 1;
      else for (let d = 0; d < this.dims; d++) row[d] /= Math.sqrt(n);
    });
    return out;
  }
}

export class OverlapReranker implements Reranker {
  calls = 0;
  pairs = 0;
  async rerank(query: string, passages: string[]): Promise<Float32Array> {
    this.calls++;
    this.pairs += passages.length;
    const q = new Set(words(query));
    return Float32Array.from(passages, (p) => {
      const pw = new Set(words(p));
      const overlap = q.size ? [...q].filter((w) => pw.has(w)).length / q.size : 0;
      return 1 / (1 + Math.exp(-(8 * overlap - 4)));
    });
  }
}

// Concept search where a concept may have several rows (a label per row, the skill labels of a
// text's language beside the English vectors): each concept once, scored by its best row, and two
// such results of the same queries joined. Used by the pipeline and the evals.
import { topK, type ConceptMatrix, type SearchOptions, type TopKResult } from './vectors.ts';

/** Rows owned by concepts: row r belongs to concept owners[r] (labelVectors.ts LabelVectors). */
export interface ConceptRows {
  matrix: ConceptMatrix;
  owners: Int32Array;
}

/**
 * topK over concepts: with several rows per concept, asks for more rows and keeps each concept's
 * best one, so the result has the shape of a one-row-per-concept search.
 */
export function conceptTopK(matrix: ConceptMatrix, owners: Int32Array | undefined, queries: Float32Array, count: number, k: number, options?: SearchOptions): TopKResult {
  if (!owners) return topK(matrix, queries, count, k, options);
  return foldRowOwners(topK(matrix, queries, count, rowsPerConceptK(matrix, k), options), owners, count, k);
}

/** How many rows to ask for so that k distinct concepts are very likely among them. */
export function rowsPerConceptK(matrix: ConceptMatrix, k: number): number {
  return Math.min(matrix.rows, k * 8 + 16);
}

/** Keeps each concept's best row of a row-level top-k: the shape of a one-row-per-concept search. */
export function foldRowOwners(wide: TopKResult, owners: Int32Array, count: number, k: number): TopKResult {
  const indices = new Int32Array(count * k).fill(-1);
  const scores = new Float32Array(count * k).fill(-Infinity);
  for (let q = 0; q < count; q++) {
    const seen = new Set<number>();
    let n = 0;
    for (let j = 0; j < wide.k && n < k; j++) {
      const row = wide.indices[q * wide.k + j];
      if (row < 0) break;
      const owner = owners[row];
      if (seen.has(owner)) continue;
      seen.add(owner);
      indices[q * k + n] = owner;
      scores[q * k + n] = wide.scores[q * wide.k + j];
      n++;
    }
  }
  return { k, queries: count, indices, scores };
}

/**
 * Two concept-level top-k results of the same queries as one: each concept's better score, best
 * first (ties keep `a`'s concept first). Both must be one row per concept (folded).
 */
export function mergeConceptHits(a: TopKResult, b: TopKResult, k: number): TopKResult {
  const count = a.queries;
  const indices = new Int32Array(count * k).fill(-1);
  const scores = new Float32Array(count * k).fill(-Infinity);
  for (let q = 0; q < count; q++) {
    const best = new Map<number, number>();
    for (const r of [a, b]) {
      for (let j = 0; j < r.k; j++) {
        const c = r.indices[q * r.k + j];
        if (c < 0) break;
        const s = r.scores[q * r.k + j];
        if (!(s <= (best.get(c) ?? -Infinity))) best.set(c, s);
      }
    }
    // Map order is insertion order, a's first: a stable sort keeps it among equal scores.
    const ranked = [...best].sort((x, y) => y[1] - x[1]).slice(0, k);
    ranked.forEach(([c, s], j) => {
      indices[q * k + j] = c;
      scores[q * k + j] = s;
    });
  }
  return { k, queries: count, indices, scores };
}

/** `hits` joined with the same queries' hits over `rows` (each concept's better score); `hits` alone without rows. */
export function withRows(hits: TopKResult, rows: ConceptRows | undefined, queries: Float32Array, k: number, options?: SearchOptions): TopKResult {
  if (!rows?.matrix.rows) return hits;
  return mergeConceptHits(hits, conceptTopK(rows.matrix, rows.owners, queries, hits.queries, k, options), k);
}

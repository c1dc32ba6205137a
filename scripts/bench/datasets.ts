// Synthetic search data of the real shape for the vector-search benchmark: unit vectors with cluster
// structure (a shared mean direction, 400 clusters, a decaying per-dimension spread and a few outlier
// dimensions, as scripts/measure-storage-error.ts describes), and queries that are noisy copies of
// rows. Pure and deterministic (xorshift32 + Box-Muller, integer PRNG), so Node and the browser page
// build the same data; no Node or DOM imports, because the bench page's worker imports it too.
import { gaussianSource } from '../../src/core/random.ts';

export interface SearchData {
  rows: number;
  dims: number;
  queryCount: number;
  /** rows x dims, row-major, unit rows. */
  matrix: Float32Array;
  /** queryCount x dims, unit rows. */
  queries: Float32Array;
}


function normalize(v: Float32Array): void {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
}

export function clusteredSearchData(rows: number, dims: number, queryCount: number, seed = 2): SearchData {
  const g = gaussianSource(seed);
  const spread = new Float32Array(dims);
  for (let d = 0; d < dims; d++) spread[d] = 1 / Math.sqrt(1 + d / 16);
  for (let i = 0; i < 8; i++) spread[(i * 131 + 7) % dims] *= 6;
  const mean = new Float32Array(dims);
  for (let d = 0; d < dims; d++) mean[d] = g() * spread[d];
  normalize(mean);
  const clusters = 400;
  const centres = new Float32Array(clusters * dims);
  for (let c = 0; c < clusters; c++) {
    const row = centres.subarray(c * dims, (c + 1) * dims);
    for (let d = 0; d < dims; d++) row[d] = g() * spread[d];
    normalize(row);
  }
  const matrix = new Float32Array(rows * dims);
  const noise = new Float32Array(dims);
  for (let r = 0; r < rows; r++) {
    // Skewed cluster sizes: a few large clusters, many small ones, like ESCO's skill groups.
    const c = Math.floor(Math.abs(g() * clusters * 0.4)) % clusters;
    for (let d = 0; d < dims; d++) noise[d] = g() * spread[d];
    normalize(noise);
    const row = matrix.subarray(r * dims, (r + 1) * dims);
    for (let d = 0; d < dims; d++) row[d] = 0.65 * mean[d] + 0.55 * centres[c * dims + d] + 0.55 * noise[d];
    normalize(row);
  }
  const queries = new Float32Array(queryCount * dims);
  for (let q = 0; q < queryCount; q++) {
    const src = (q * 7919) % rows;
    for (let d = 0; d < dims; d++) noise[d] = g() * spread[d];
    normalize(noise);
    const row = queries.subarray(q * dims, (q + 1) * dims);
    for (let d = 0; d < dims; d++) row[d] = matrix[src * dims + d] + 0.7 * noise[d];
    normalize(row);
  }
  return { rows, dims, queryCount, matrix, queries };
}

/** The baseline: one f32 dot product per (query, row) over Float32Arrays, sorted insertion top-k. */
export function naiveTopK(data: SearchData, k: number): Int32Array {
  const { matrix, queries, rows, dims, queryCount } = data;
  const out = new Int32Array(queryCount * k).fill(-1);
  const best = new Float64Array(k);
  for (let q = 0; q < queryCount; q++) {
    best.fill(-Infinity);
    const qo = q * dims;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      const ro = r * dims;
      for (let d = 0; d < dims; d++) s += matrix[ro + d] * queries[qo + d];
      if (s > best[k - 1]) {
        let p = k - 1;
        while (p > 0 && best[p - 1] < s) {
          best[p] = best[p - 1];
          out[q * k + p] = out[q * k + p - 1];
          p--;
        }
        best[p] = s;
        out[q * k + p] = r;
      }
    }
  }
  return out;
}

/** Share of the reference's top-k rows that `got` also returns (per query, order ignored). */
export function recallAgainst(reference: Int32Array, got: ArrayLike<number | bigint>, queryCount: number, k: number): number {
  let hit = 0;
  for (let q = 0; q < queryCount; q++) {
    const mine = new Set<number>();
    for (let i = 0; i < k; i++) mine.add(Number(got[q * k + i]));
    for (let i = 0; i < k; i++) if (mine.has(reference[q * k + i])) hit++;
  }
  return hit / (queryCount * k);
}

/** The rows x dims matrix transposed to dims x rows (the B operand of an ONNX MatMul). */
export function transpose(matrix: Float32Array, rows: number, dims: number): Float32Array {
  const t = new Float32Array(rows * dims);
  for (let r = 0; r < rows; r++) {
    const ro = r * dims;
    for (let d = 0; d < dims; d++) t[d * rows + r] = matrix[ro + d];
  }
  return t;
}

// Measures how far the compact matrix storages (f16, int8 + per-row scale) are from fp32 on data of the
// real size (17,597 concepts x 1024 dims by default): per-row 1 - cos(stored, fp32), the error of the
// scores topK returns (queries go through the same quantisation as in search), and top-10 agreement
// with an fp32 search. Two synthetic sets, because real embeddings are not isotropic:
//   random:    independent unit vectors (isotropic),
//   clustered: a shared mean direction (random texts have cosine ~0.4 with each other under real
//              models), 400 clusters, a decaying per-dimension spectrum and a few outlier dimensions
//              (which hurt a per-row max-abs int8 scale the most); queries are noisy copies of rows,
//              so the top scores are high and close together as they are for real matches.
// Usage: npx tsx scripts/measure-storage-error.ts [--rows 17597] [--dims 1024] [--queries 64]
import { fileURLToPath } from 'node:url';
import { cosine, getRow, l2Normalize, quantizeMatrix, topK, type MatrixStorage } from '../src/core/vectors.ts';
import { gaussianSource } from '../src/core/random.ts';


export interface Dataset {
  name: string;
  rows: number;
  dims: number;
  matrix: Float32Array;
  queries: Float32Array;
  queryCount: number;
}

function normalizeRows(values: Float32Array, dims: number): void {
  for (let o = 0; o < values.length; o += dims) l2Normalize(values.subarray(o, o + dims));
}

export function randomDataset(rows: number, dims: number, queryCount: number, seed = 1): Dataset {
  const g = gaussianSource(seed);
  const matrix = new Float32Array(rows * dims).map(() => g());
  const queries = new Float32Array(queryCount * dims).map(() => g());
  normalizeRows(matrix, dims);
  normalizeRows(queries, dims);
  return { name: 'random', rows, dims, matrix, queries, queryCount };
}

export function clusteredDataset(rows: number, dims: number, queryCount: number, seed = 2): Dataset {
  const g = gaussianSource(seed);
  // Per-dimension spread: a power-law spectrum, plus 8 dimensions ~6x larger than typical.
  const spread = new Float32Array(dims).map((_, d) => 1 / Math.sqrt(1 + d / 16));
  for (let i = 0; i < 8; i++) spread[(i * 131 + 7) % dims] *= 6;
  const mean = l2Normalize(new Float32Array(dims).map((_, d) => g() * spread[d]));
  const clusters = 400;
  const centres = new Float32Array(clusters * dims).map((_, i) => g() * spread[i % dims]);
  normalizeRows(centres, dims);
  const matrix = new Float32Array(rows * dims);
  for (let r = 0; r < rows; r++) {
    const c = Math.floor(Math.abs(g() * clusters * 0.4)) % clusters;
    const row = matrix.subarray(r * dims, (r + 1) * dims);
    const noise = new Float32Array(dims).map((_, d) => g() * spread[d]);
    l2Normalize(noise);
    for (let d = 0; d < dims; d++) row[d] = 0.65 * mean[d] + 0.55 * centres[c * dims + d] + 0.55 * noise[d];
    l2Normalize(row);
  }
  const queries = new Float32Array(queryCount * dims);
  for (let q = 0; q < queryCount; q++) {
    const src = Math.floor(((q * 7919) % rows + rows) % rows);
    const row = queries.subarray(q * dims, (q + 1) * dims);
    const noise = new Float32Array(dims).map((_, d) => g() * spread[d]);
    l2Normalize(noise);
    for (let d = 0; d < dims; d++) row[d] = matrix[src * dims + d] + 0.7 * noise[d];
    l2Normalize(row);
  }
  return { name: 'clustered', rows, dims, matrix, queries, queryCount };
}

/** fp32 reference: exact (double-accumulated) scores and top-k indices. */
export function referenceTopK(ds: Dataset, k: number): { indices: Int32Array; scores: Float64Array; all: Float64Array } {
  const { rows, dims, matrix, queries, queryCount } = ds;
  const all = new Float64Array(queryCount * rows);
  const indices = new Int32Array(queryCount * k);
  const scores = new Float64Array(queryCount * k);
  for (let q = 0; q < queryCount; q++) {
    const qo = q * dims;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      const ro = r * dims;
      for (let d = 0; d < dims; d++) s += matrix[ro + d] * queries[qo + d];
      all[q * rows + r] = s;
    }
    const order = Array.from({ length: rows }, (_, i) => i).sort((a, b) => all[q * rows + b] - all[q * rows + a] || a - b);
    for (let i = 0; i < k; i++) {
      indices[q * k + i] = order[i];
      scores[q * k + i] = all[q * rows + order[i]];
    }
  }
  return { indices, scores, all };
}

function fmt(x: number): string {
  return x.toExponential(2);
}

function measure(ds: Dataset, storage: MatrixStorage, ref: ReturnType<typeof referenceTopK>, k: number): void {
  const { rows, dims, matrix, queries, queryCount } = ds;
  const m = quantizeMatrix(matrix, rows, dims, storage);
  let sum = 0;
  let max = 0;
  for (let r = 0; r < rows; r++) {
    const e = 1 - cosine(getRow(m, r), matrix.subarray(r * dims, (r + 1) * dims));
    sum += e;
    if (e > max) max = e;
  }
  // Score error over the k best of every query (where a threshold actually cuts) and the overlap of
  // the top-k sets with fp32.
  const res = topK(m, queries, queryCount, rows >= 200 ? 200 : rows);
  const kk = res.k;
  let sErr = 0;
  let sMax = 0;
  let n = 0;
  let overlap = 0;
  let topOneSame = 0;
  for (let q = 0; q < queryCount; q++) {
    for (let i = 0; i < kk; i++) {
      const r = res.indices[q * kk + i];
      const e = Math.abs(res.scores[q * kk + i] - ref.all[q * rows + r]);
      sErr += e;
      n++;
      if (e > sMax) sMax = e;
    }
    const mine = new Set(Array.from(res.indices.subarray(q * kk, q * kk + k)));
    for (let i = 0; i < k; i++) if (mine.has(ref.indices[q * k + i])) overlap++;
    if (res.indices[q * kk] === ref.indices[q * k]) topOneSame++;
  }
  console.log(
    `${ds.name.padEnd(9)} ${storage.padEnd(4)}  1-cos mean ${fmt(sum / rows)} max ${fmt(max)}  |score err| mean ${fmt(sErr / n)} max ${fmt(sMax)}` +
      `  top-${k} overlap ${((100 * overlap) / (queryCount * k)).toFixed(2)}%  top-1 same ${topOneSame}/${queryCount}`,
  );
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = arg('rows', 17597);
  const dims = arg('dims', 1024);
  const queryCount = arg('queries', 64);
  const k = 10;
  console.log(`storage error vs fp32: ${rows} x ${dims}, ${queryCount} unit queries (scores over each query's 200 best rows)`);
  for (const ds of [randomDataset(rows, dims, queryCount), clusteredDataset(rows, dims, queryCount)]) {
    const ref = referenceTopK(ds, k);
    const top = Array.from(ref.scores.filter((_, i) => i % k === 0));
    const tenth = Array.from(ref.scores.filter((_, i) => i % k === k - 1));
    const avg = (a: number[]): number => a.reduce((s, x) => s + x, 0) / a.length;
    console.log(`${ds.name}: fp32 best score mean ${avg(top).toFixed(3)}, 10th best mean ${avg(tenth).toFixed(3)}`);
    for (const storage of ['f16', 'int8'] as const) measure(ds, storage, ref, k);
  }
}

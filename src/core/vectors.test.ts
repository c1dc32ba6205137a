// Tests for compact matrices and batched top-k: f16 conversion, the int8 rotation (pinned, it is part of
// the stored format), encode/decode, storage accuracy, top-k against an fp32 brute-force reference
// (int8 with int16 and with 7-bit queries), and bit-identical results from the WebAssembly kernel and
// the JS fallback. vectorKernelRelaxed.test.ts covers the relaxed-SIMD kernel itself.
import { describe, expect, it } from 'vitest';
import {
  cosine,
  decodeMatrix,
  dot,
  encodedByteLength,
  encodeMatrix,
  f16BitsToF32,
  f32ToF16Bits,
  getRow,
  l2Normalize,
  matrixKernel,
  quantizeMatrix,
  rotateForInt8,
  rotationBlock,
  rotationSign,
  scoreAll,
  topK,
  unrotateForInt8,
  wasmSimdAvailable,
  type ConceptMatrix,
  type MatrixStorage,
  type SearchOptions,
} from './vectors.ts';
import { gaussianSource } from './random.ts';

const STORAGES: MatrixStorage[] = ['f16', 'int8'];


function unitRows(rows: number, dims: number, seed: number): Float32Array {
  const g = gaussianSource(seed);
  const v = new Float32Array(rows * dims).map(() => g());
  for (let r = 0; r < rows; r++) l2Normalize(v.subarray(r * dims, (r + 1) * dims));
  return v;
}

/** Queries that are noisy copies of given rows: realistic, well separated best matches. */
function nearQueries(matrix: Float32Array, dims: number, sources: number[], noise: number, seed: number): Float32Array {
  const g = gaussianSource(seed);
  const q = new Float32Array(sources.length * dims);
  sources.forEach((src, i) => {
    const row = q.subarray(i * dims, (i + 1) * dims);
    for (let d = 0; d < dims; d++) row[d] = matrix[src * dims + d] + (noise * g()) / Math.sqrt(dims);
    l2Normalize(row);
  });
  return q;
}

/** Exact scores (double accumulation) of every row for one query. */
function exactScores(matrix: Float32Array, rows: number, dims: number, query: Float32Array): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let d = 0; d < dims; d++) s += matrix[r * dims + d] * query[d];
    out[r] = s;
  }
  return out;
}

function sortedDesc(scores: Float64Array): number[] {
  return Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
}

/**
 * L2 norm of the 7-bit query quantisation error, in the rotated space where it happens (R is
 * orthogonal, so it is also the error norm of the query): |score error| <= |row| * this.
 */
function i7QueryErrorNorm(query: Float32Array): number {
  const rq = rotateForInt8(query, new Float64Array(query.length));
  const step = rq.reduce((m, v) => Math.max(m, Math.abs(v)), 0) / 63;
  return step === 0 ? 0 : Math.sqrt(rq.reduce((e, v) => e + (v - Math.round(v / step) * step) ** 2, 0));
}

/** Largest L2 distance between a stored (dequantised) row and its fp32 original. */
function storageErrorNorm(m: ConceptMatrix, values: Float32Array): number {
  let worst = 0;
  for (let r = 0; r < m.rows; r++) {
    const row = getRow(m, r);
    let e = 0;
    for (let d = 0; d < m.dims; d++) e += (row[d] - values[r * m.dims + d]) ** 2;
    worst = Math.max(worst, Math.sqrt(e));
  }
  return worst;
}

describe('f16 conversion', () => {
  it('handles zeros, infinities and NaN', () => {
    expect(f32ToF16Bits(0)).toBe(0x0000);
    expect(f32ToF16Bits(-0)).toBe(0x8000);
    expect(Object.is(f16BitsToF32(0x8000), -0)).toBe(true);
    expect(Object.is(f16BitsToF32(0x0000), 0)).toBe(true);
    expect(f32ToF16Bits(Infinity)).toBe(0x7c00);
    expect(f32ToF16Bits(-Infinity)).toBe(0xfc00);
    expect(f16BitsToF32(0x7c00)).toBe(Infinity);
    expect(f16BitsToF32(0xfc00)).toBe(-Infinity);
    const nan = f32ToF16Bits(NaN);
    expect(nan & 0x7c00).toBe(0x7c00);
    expect(nan & 0x3ff).not.toBe(0);
    expect(f16BitsToF32(0x7e00)).toBeNaN();
  });

  it('converts ordinary values exactly', () => {
    expect(f32ToF16Bits(1)).toBe(0x3c00);
    expect(f32ToF16Bits(-2)).toBe(0xc000);
    expect(f32ToF16Bits(0.5)).toBe(0x3800);
    expect(f16BitsToF32(0x3555)).toBe(0.333251953125);
    expect(f16BitsToF32(0xc000)).toBe(-2);
  });

  it('keeps the largest half, rounds above it to infinity at the IEEE boundary', () => {
    expect(f32ToF16Bits(65504)).toBe(0x7bff);
    expect(f16BitsToF32(0x7bff)).toBe(65504);
    expect(f32ToF16Bits(65519)).toBe(0x7bff);
    expect(f32ToF16Bits(65520)).toBe(0x7c00);
    expect(f32ToF16Bits(-1e6)).toBe(0xfc00);
  });

  it('handles subnormals and underflow', () => {
    expect(f32ToF16Bits(2 ** -24)).toBe(0x0001);
    expect(f16BitsToF32(0x0001)).toBe(2 ** -24);
    expect(f32ToF16Bits(1023 * 2 ** -24)).toBe(0x03ff);
    expect(f16BitsToF32(0x03ff)).toBe(1023 * 2 ** -24);
    expect(f32ToF16Bits(2 ** -14)).toBe(0x0400);
    expect(f32ToF16Bits(2 ** -25)).toBe(0x0000); // tie, rounds to even (zero)
    expect(f32ToF16Bits(1.5 * 2 ** -25)).toBe(0x0001);
    expect(f32ToF16Bits(3 * 2 ** -25)).toBe(0x0002); // tie between 1 and 2 ulps, even wins
    expect(f32ToF16Bits(2 ** -26)).toBe(0x0000);
    expect(f32ToF16Bits(-(2 ** -30))).toBe(0x8000);
  });

  it('rounds to nearest, ties to even', () => {
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(f32ToF16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    expect(f32ToF16Bits(1 + 2 ** -11 - 2 ** -20)).toBe(0x3c00);
    expect(f32ToF16Bits(1 - 2 ** -11)).toBe(0x3bff);
    expect(f32ToF16Bits(1 - 2 ** -12)).toBe(0x3c00); // tie, odd mantissa rounds up and carries into the exponent
  });

  it('round-trips every finite half', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue;
      const back = f32ToF16Bits(f16BitsToF32(h));
      if (back !== h) throw new Error(`half 0x${h.toString(16)} came back as 0x${back.toString(16)}`);
    }
  });
});

describe('int8 rotation (part of the stored format)', () => {
  it('is pinned: block sizes, signs and one encoded matrix', () => {
    expect([1024, 256, 768, 100, 7, 8192].map(rotationBlock)).toEqual([1024, 256, 256, 4, 1, 4096]);
    expect(Array.from({ length: 16 }, (_, i) => rotationSign(i))).toEqual([1, 1, -1, 1, -1, 1, 1, 1, -1, -1, -1, 1, -1, -1, -1, 1]);
    const v = new Float32Array([0.5, -0.25, 0.125, 0, 1, -1, 0.75, 0.3, -0.1, 0.2, 0.4, -0.6, 0, 0, 0.05, -0.05]);
    expect(Array.from(encodeMatrix(quantizeMatrix(v, 2, 8, 'int8')))).toEqual([
      224, 55, 28, 60, 225, 40, 157, 16, 40, 6, 127, 49, 109, 176, 72, 59, 152, 0, 127, 187, 152, 233, 127, 210,
    ]);
    expect(Array.from(encodeMatrix(quantizeMatrix(v, 2, 8, 'f16')))).toEqual([
      0, 56, 0, 180, 0, 48, 0, 0, 0, 60, 0, 188, 0, 58, 205, 52, 102, 174, 102, 50, 102, 54, 205, 184, 0, 0, 0, 0, 102, 42, 102, 170,
    ]);
  });

  it('is orthogonal: keeps norms and dot products, and inverts', () => {
    for (const dims of [1024, 256, 100, 7]) {
      const [a, b] = [unitRows(1, dims, dims), unitRows(1, dims, dims + 1)];
      const ra = rotateForInt8(a, new Float64Array(dims));
      const rb = rotateForInt8(b, new Float64Array(dims));
      let dr = 0;
      let nr = 0;
      for (let i = 0; i < dims; i++) {
        dr += ra[i] * rb[i];
        nr += ra[i] * ra[i];
      }
      expect(nr).toBeCloseTo(1, 6);
      expect(dr).toBeCloseTo(dot(a, b), 6);
      const back = unrotateForInt8(ra);
      for (let i = 0; i < dims; i++) expect(back[i]).toBeCloseTo(a[i], 6);
    }
  });

  it('spreads an outlier dimension over the whole row', () => {
    const v = new Float32Array(256);
    v[17] = 1;
    const r = rotateForInt8(v, new Float64Array(256));
    for (const x of r) expect(Math.abs(x)).toBeCloseTo(1 / 16, 9);
  });
});

describe('encode / decode', () => {
  it('states the byte length of each layout', () => {
    expect(encodedByteLength(3, 100, 'f16')).toBe(600);
    expect(encodedByteLength(3, 100, 'int8')).toBe(312);
    expect(encodedByteLength(17597, 1024, 'f16')).toBe(36_038_656);
    expect(encodedByteLength(17597, 1024, 'int8')).toBe(18_089_716);
    expect(() => encodedByteLength(3, 0, 'f16')).toThrow(/dims/);
    expect(() => encodedByteLength(-1, 4, 'int8')).toThrow(/rows/);
    expect(() => encodedByteLength(3, 4, 'f32' as MatrixStorage)).toThrow(/storage/);
  });

  for (const storage of STORAGES) {
    it(`round-trips ${storage} bytes, rows and scores`, () => {
      const rows = 37;
      const dims = 100;
      const values = unitRows(rows, dims, 5);
      const m = quantizeMatrix(values, rows, dims, storage);
      expect([m.rows, m.dims, m.storage]).toEqual([rows, dims, storage]);
      const bytes = encodeMatrix(m);
      expect(bytes.byteLength).toBe(encodedByteLength(rows, dims, storage));
      const back = decodeMatrix(bytes, rows, dims, storage);
      expect(encodeMatrix(back)).toEqual(bytes);
      for (const r of [0, 17, rows - 1]) expect(getRow(back, r)).toEqual(getRow(m, r));
      const q = unitRows(3, dims, 6);
      expect(scoreAll(back, q, 3)).toEqual(scoreAll(m, q, 3));

      // Not aligned for a Uint16Array view: the slow path must give the same matrix.
      const shifted = new Uint8Array(bytes.byteLength + 1);
      shifted.set(bytes, 1);
      expect(encodeMatrix(decodeMatrix(shifted.subarray(1), rows, dims, storage))).toEqual(bytes);
    });

    it(`encodes ${storage} row chunks that concatenate to the whole matrix`, () => {
      const dims = 64;
      const values = unitRows(10, dims, 9);
      const whole = encodeMatrix(quantizeMatrix(values, 10, dims, storage));
      const a = encodeMatrix(quantizeMatrix(values.subarray(0, 4 * dims), 4, dims, storage));
      const b = encodeMatrix(quantizeMatrix(values.subarray(4 * dims), 6, dims, storage));
      expect(Uint8Array.from([...a, ...b])).toEqual(whole);
    });

    it(`refuses ${storage} bytes of the wrong length with a clear message`, () => {
      const bytes = encodeMatrix(quantizeMatrix(unitRows(4, 10, 1), 4, 10, storage));
      const want = encodedByteLength(4, 10, storage);
      expect(() => decodeMatrix(bytes.subarray(1), 4, 10, storage)).toThrow(`expected ${want} for 4 x 10 ${storage}`);
      expect(() => decodeMatrix(bytes, 5, 10, storage)).toThrow(/expected \d+ for 5 x 10/);
      expect(() => decodeMatrix(new Uint8Array(0), 0, 10, storage).rows).not.toThrow();
    });
  }

  it('refuses corrupt content', () => {
    const f16 = encodeMatrix(quantizeMatrix(unitRows(2, 8, 1), 2, 8, 'f16'));
    f16[2 * 11] = 0x00;
    f16[2 * 11 + 1] = 0x7c; // +infinity at row 1, dim 3
    expect(() => decodeMatrix(f16, 2, 8, 'f16')).toThrow(/row 1 dim 3 is infinite or NaN/);
    const int8 = encodeMatrix(quantizeMatrix(unitRows(2, 8, 1), 2, 8, 'int8'));
    new DataView(int8.buffer).setFloat32(12, -1, true);
    expect(() => decodeMatrix(int8, 2, 8, 'int8')).toThrow(/row 1 has an invalid scale/);
    new DataView(int8.buffer).setFloat32(12, NaN, true);
    expect(() => decodeMatrix(int8, 2, 8, 'int8')).toThrow(/invalid scale/);
  });

  it('refuses values it cannot store', () => {
    expect(() => quantizeMatrix(new Float32Array(5), 2, 3, 'f16')).toThrow(/expected 2 x 3 = 6, got 5/);
    expect(() => quantizeMatrix(Float32Array.of(1, NaN), 1, 2, 'int8')).toThrow(/non-finite/);
    expect(() => quantizeMatrix(Float32Array.of(1, 70000), 1, 2, 'f16')).toThrow(/does not fit f16/);
    expect(() => getRow(quantizeMatrix(new Float32Array(4), 2, 2, 'f16'), 2)).toThrow(/out of range/);
    expect(() => topK({ rows: 1, dims: 2, storage: 'f16' }, new Float32Array(2), 1, 1)).toThrow(/not a ConceptMatrix/);
  });

  it('stores zero rows and avoids subnormal halves', () => {
    const m = quantizeMatrix(Float32Array.of(0, 0, 0, 0, 1e-6, -4e-5, 2e-5, 1), 2, 4, 'int8');
    expect(getRow(m, 0)).toEqual(new Float32Array(4));
    const h = quantizeMatrix(Float32Array.of(1e-6, -4e-5, 2e-5, 3.5e-5, 1), 1, 5, 'f16');
    expect(Array.from(getRow(h, 0))).toEqual([0, -(2 ** -14), 0, 2 ** -14, 1]);
  });
});

describe('storage accuracy', () => {
  // Unit vectors of 1024 dims. Rounding to f16 errs by at most 2^-11 relative; int8 by half a step of
  // max|R(row)| / 127 per value: for Gaussian-like rows max ~ 4 / sqrt(dims), so the error norm is about
  // 4 / 127 / sqrt(12) ~ 0.009 and 1 - cos = |err|^2 / 2 ~ 4e-5 (measure-storage-error.ts agrees).
  it('keeps dequantised rows close to fp32', () => {
    const dims = 1024;
    const values = unitRows(200, dims, 11);
    const worst: Record<MatrixStorage, number> = { f16: 0, int8: 0 };
    for (const storage of STORAGES) {
      const m = quantizeMatrix(values, 200, dims, storage);
      for (let r = 0; r < 200; r++) worst[storage] = Math.max(worst[storage], 1 - cosine(getRow(m, r), values.subarray(r * dims, (r + 1) * dims)));
    }
    expect(worst.f16).toBeLessThan(1e-7);
    expect(worst.int8).toBeLessThan(1.5e-4);
    expect(worst.int8).toBeGreaterThan(worst.f16); // the figures are real, not both zero
  });
});

describe('topK', () => {
  /**
   * Checks topK against an fp32 brute-force search. Tolerance per score: Cauchy-Schwarz on the actual
   * storage error (max |stored row - row| * |q|) plus the query quantisation (int16: half a step of
   * max|R(q)| / 32767 per value; 7 bits: the actual error norm), times the row norm, plus f32
   * accumulation slack. Indices must match the reference except where the reference scores are within
   * two tolerances of each other.
   */
  function checkAgainstReference(storage: MatrixStorage, rows: number, dims: number, queryCount: number, k: number, seed: number, int8Query: 'i16' | 'i7' = 'i16'): void {
    const values = unitRows(rows, dims, seed);
    const sources = Array.from({ length: queryCount }, (_, i) => (i * 7919 + 13) % rows);
    const queries = nearQueries(values, dims, sources, 0.8, seed + 1);
    const m = quantizeMatrix(values, rows, dims, storage);
    let queryTol = 0;
    if (storage === 'int8' && int8Query === 'i16') queryTol = Math.sqrt(dims) / 32767;
    if (storage === 'int8' && int8Query === 'i7') {
      for (let q = 0; q < queryCount; q++) queryTol = Math.max(queryTol, i7QueryErrorNorm(queries.subarray(q * dims, (q + 1) * dims)));
    }
    const tol = storageErrorNorm(m, values) + queryTol + 1e-5;
    const res = topK(m, queries, queryCount, k, { int8Query });
    expect(res.k).toBe(k);
    expect(res.queries).toBe(queryCount);
    expect(res.indices.length).toBe(queryCount * k);
    let same = 0;
    for (let q = 0; q < queryCount; q++) {
      const exact = exactScores(values, rows, dims, queries.subarray(q * dims, (q + 1) * dims));
      const order = sortedDesc(exact);
      const got = Array.from(res.indices.subarray(q * k, (q + 1) * k));
      const valid = Math.min(k, rows);
      for (let i = 0; i < k; i++) {
        if (i >= valid) {
          expect(got[i]).toBe(-1);
          expect(res.scores[q * k + i]).toBe(-Infinity);
          continue;
        }
        const r = got[i];
        expect(Math.abs(res.scores[q * k + i] - exact[r])).toBeLessThanOrEqual(tol);
        expect(Math.abs(exact[r] - exact[order[i]])).toBeLessThanOrEqual(2 * tol);
        if (i > 0) expect(res.scores[q * k + i]).toBeLessThanOrEqual(res.scores[q * k + i - 1]);
        if (r === order[i]) same++;
      }
      // Every row clearly inside the reference top-k is found.
      const cut = valid < rows ? exact[order[valid - 1]] : -Infinity;
      for (let i = 0; i < valid; i++) if (exact[order[i]] > cut + 2 * tol) expect(got).toContain(order[i]);
      expect(got[0]).toBe(sources[q]); // the query is a noisy copy of that row
    }
    // Where reference neighbours are further apart than 2 tol the checks above force the exact index;
    // random rows below the best match are often closer than that, so only most positions agree.
    expect(same / (queryCount * Math.min(k, rows))).toBeGreaterThan(0.6);
  }

  for (const storage of STORAGES) {
    it(`${storage}: matches fp32 brute force, dims 100 (not a multiple of 16), 7 queries, k = 10`, () => {
      checkAgainstReference(storage, 500, 100, 7, 10, 21);
    });
    it(`${storage}: matches fp32 brute force with fewer rows than k (padded with -1 / -Infinity)`, () => {
      checkAgainstReference(storage, 5, 64, 3, 10, 22);
    });
    it(`${storage}: matches fp32 brute force for k = 1 and a single query`, () => {
      checkAgainstReference(storage, 300, 48, 1, 1, 23);
    });
    it(`${storage}: matches fp32 brute force at real shape (17,597 x 256, 8 queries)`, () => {
      checkAgainstReference(storage, 17597, 256, 8, 10, 24);
    });
    it(`${storage}: matches fp32 brute force at 1024 dims`, () => {
      checkAgainstReference(storage, 2000, 1024, 5, 10, 25);
    });
  }
  it('int8 with 7-bit queries: matches fp32 brute force, dims 100, at real shape and at 1024 dims', () => {
    checkAgainstReference('int8', 500, 100, 7, 10, 21, 'i7');
    checkAgainstReference('int8', 17597, 256, 8, 10, 24, 'i7');
    checkAgainstReference('int8', 2000, 1024, 5, 10, 25, 'i7');
  });

  it('breaks ties by the lower row index, also beyond the insertion buffer size', () => {
    const dims = 32;
    const values = unitRows(300, dims, 3);
    values.copyWithin(200 * dims, 7 * dims, 8 * dims); // row 200 duplicates row 7
    const query = values.slice(7 * dims, 8 * dims);
    for (const storage of STORAGES) {
      const m = quantizeMatrix(values, 300, dims, storage);
      const small = topK(m, query, 1, 2);
      expect(Array.from(small.indices)).toEqual([7, 200]);
      expect(small.scores[0]).toBe(small.scores[1]);
      const large = topK(m, query, 1, 250);
      expect(Array.from(large.indices.subarray(0, 10))).toEqual(Array.from(topK(m, query, 1, 10).indices));
      expect(Array.from(large.scores.subarray(0, 10))).toEqual(Array.from(topK(m, query, 1, 10).scores));
      const all = topK(m, query, 1, 400);
      expect(Array.from(all.indices.subarray(300))).toEqual(new Array(100).fill(-1));
      expect(new Set(all.indices.subarray(0, 300)).size).toBe(300);
    }
  });

  it('gives score 0 to a zero query and never selects NaN scores', () => {
    const dims = 20;
    const values = unitRows(6, dims, 4);
    const queries = new Float32Array(2 * dims);
    queries[dims + 3] = NaN;
    for (const storage of STORAGES) {
      const res = topK(quantizeMatrix(values, 6, dims, storage), queries, 2, 3);
      expect(Array.from(res.indices)).toEqual([0, 1, 2, -1, -1, -1]);
      expect(Array.from(res.scores)).toEqual([0, 0, 0, -Infinity, -Infinity, -Infinity]);
    }
  });

  it('handles empty inputs and checks its arguments', () => {
    const m = quantizeMatrix(unitRows(3, 8, 1), 3, 8, 'int8');
    expect(topK(m, new Float32Array(0), 0, 5).indices.length).toBe(0);
    expect(topK(m, new Float32Array(8), 1, 0).indices.length).toBe(0);
    const empty = quantizeMatrix(new Float32Array(0), 0, 8, 'f16');
    expect(Array.from(topK(empty, new Float32Array(8), 1, 2).indices)).toEqual([-1, -1]);
    expect(() => topK(m, new Float32Array(7), 1, 2)).toThrow(/expected 1 x 8 = 8 values, got 7/);
    expect(() => topK(m, new Float32Array(8), 1, 1.5)).toThrow(/k must be/);
  });

  it('cannot overflow its int32 sums, even for long rows aligned with the query', () => {
    // R(x) = all +-1 makes every stored int8 value +-127; with q = x the int16 query values all share
    // one sign pattern too, the worst case for the sum. The exact score is |x|^2 = dims.
    const dims = 4096;
    const y = new Float64Array(dims).map((_, i) => (i % 3 === 0 ? -1 : 1));
    const x = Float32Array.from(unrotateForInt8(y));
    const m = quantizeMatrix(x, 1, dims, 'int8');
    for (const int8Query of ['i16', 'i7'] as const) {
      const res = topK(m, x, 1, 1, { int8Query });
      expect(res.scores[0] / dims).toBeCloseTo(1, 3);
      expect(scoreAll(m, x, 1, { kernel: 'js', int8Query })[0]).toBe(res.scores[0]);
    }
  });
});

describe('WebAssembly kernel and JS fallback', () => {
  it('has the SIMD kernel in Node', () => {
    expect(wasmSimdAvailable()).toBe(true);
    expect(matrixKernel(quantizeMatrix(unitRows(2, 16, 1), 2, 16, 'int8'))).toBe('wasm-simd');
  });

  for (const storage of STORAGES) {
    it(`${storage}: gives bit-identical scores and top-k on both paths`, () => {
      for (const [rows, dims, queryCount] of [[257, 100, 5], [64, 1024, 4], [33, 16, 1], [1, 7, 3], [0, 24, 2]] as const) {
        const values = unitRows(rows, dims, rows + dims);
        // Some rows with large and tiny values so rounding paths differ from plain unit vectors.
        for (let i = 0; i < values.length; i += 37) values[i] *= i % 2 ? 40 : 1e-4;
        const m = quantizeMatrix(values, rows, dims, storage);
        const queries = unitRows(queryCount, dims, 99);
        const modes: SearchOptions['int8Query'][] = storage === 'int8' ? ['i16', 'i7'] : [undefined];
        for (const int8Query of modes) {
          const wasm = scoreAll(m, queries, queryCount, { kernel: 'wasm', int8Query });
          const js = scoreAll(m, queries, queryCount, { kernel: 'js', int8Query });
          expect(wasm).toEqual(js);
          const a = topK(m, queries, queryCount, 10, { kernel: 'wasm', int8Query });
          const b = topK(m, queries, queryCount, 10, { kernel: 'js', int8Query });
          expect(a).toEqual(b);
        }
      }
    });
  }

  it('agrees on subnormal halves from decoded bytes', () => {
    const bytes = new Uint8Array(2 * 16);
    const view = new DataView(bytes.buffer);
    for (let d = 0; d < 16; d++) view.setUint16(2 * d, d % 2 ? 0x0001 + d * 60 : 0x8000 | (0x0300 + d), true);
    const m = decodeMatrix(bytes, 1, 16, 'f16');
    const q = new Float32Array(16).map((_, d) => (d + 1) * 1000);
    expect(scoreAll(m, q, 1, { kernel: 'wasm' })).toEqual(scoreAll(m, q, 1, { kernel: 'js' }));
    expect(scoreAll(m, q, 1)[0]).toBeCloseTo(dot(getRow(m, 0), q), 6);
  });
});

describe('vector helpers', () => {
  it('computes dot, norm and cosine', () => {
    expect(dot(Float32Array.of(1, 2, 3), Float32Array.of(4, 5, 6))).toBe(32);
    const v = l2Normalize(Float32Array.of(3, 4));
    expect(Array.from(v)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(l2Normalize(new Float32Array(3))).toEqual(new Float32Array(3));
    expect(cosine(Float32Array.of(1, 0), Float32Array.of(0, 2))).toBe(0);
    expect(cosine(Float32Array.of(1, 1), Float32Array.of(2, 2))).toBeCloseTo(1, 12);
    expect(cosine(new Float32Array(2), Float32Array.of(1, 1))).toBe(0);
    expect(() => dot(new Float32Array(2), new Float32Array(3))).toThrow(/length mismatch/);
  });
});

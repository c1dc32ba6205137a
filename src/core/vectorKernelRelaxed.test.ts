// Tests for the relaxed-SIMD int8 kernel (kernels/vectorKernelRelaxed.wat, used for int8Query: 'i7'):
// the known-answer feature test, exact integer results at the documented layout, bit-identical search
// results with the JS twin of the 7-bit path, and the accuracy cost of 7-bit queries against int16
// ones, measured against an fp32 reference (the figures quoted in vectors.ts).
// Node 20's V8 (11.3) has relaxed SIMD only behind a flag (Node 22 ships it), so this file turns the
// flag on before anything validates the module (the kernels compile lazily, on first use). That
// flagged implementation is wrong in V8's baseline compiler, Liftoff, which the known-answer test in
// vectorKernel.ts catches (checked below); the rest runs with Liftoff off, on the optimising tier.
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { gaussianSource } from './random.ts';
import { instantiateRelaxedKernel, relaxedKernelBytes, relaxedKernelModule, relaxedKernelWorks } from './vectorKernel.ts';
import { l2Normalize, matrixKernel, quantizeMatrix, relaxedSimdAvailable, scoreAll, topK } from './vectors.ts';

const V8_11_3 = process.versions.v8.startsWith('11.3.');
setFlagsFromString('--experimental-wasm-relaxed-simd');

function unitRows(rows: number, dims: number, seed: number): Float32Array {
  const g = gaussianSource(seed);
  const v = new Float32Array(rows * dims).map(() => g());
  for (let r = 0; r < rows; r++) l2Normalize(v.subarray(r * dims, (r + 1) * dims));
  return v;
}

/** Queries that are noisy copies of rows (as in vectors.test.ts): a realistic best match each. */
function nearQueries(matrix: Float32Array, rows: number, dims: number, count: number, seed: number): Float32Array {
  const g = gaussianSource(seed);
  const q = new Float32Array(count * dims);
  for (let i = 0; i < count; i++) {
    const src = (i * 7919 + 13) % rows;
    const row = q.subarray(i * dims, (i + 1) * dims);
    for (let d = 0; d < dims; d++) row[d] = matrix[src * dims + d] + (0.8 * g()) / Math.sqrt(dims);
    l2Normalize(row);
  }
  return q;
}

describe('relaxed-SIMD int8 kernel', () => {
  it('refuses an engine that validates the module but computes wrong sums (Node 20 Liftoff)', () => {
    // V8 caches compiled modules by their bytes: a trailing custom section makes this probe a distinct
    // module, so the shipped bytes are first compiled after Liftoff is off.
    const probe = new Uint8Array([...relaxedKernelBytes(), 0x00, 0x06, 0x05, ...new TextEncoder().encode('probe')]);
    expect(WebAssembly.validate(probe)).toBe(true);
    if (V8_11_3) expect(relaxedKernelWorks(new WebAssembly.Module(probe))).toBe(false);
    setFlagsFromString('--no-liftoff');
    expect(relaxedKernelWorks(new WebAssembly.Module(relaxedKernelBytes()))).toBe(true);
  });

  it('validates and passes its known-answer test here; int8 search still defaults to int16 queries', () => {
    expect(relaxedKernelModule()).not.toBeNull();
    expect(relaxedSimdAvailable()).toBe(true);
    expect(matrixKernel(quantizeMatrix(unitRows(2, 16, 1), 2, 16, 'int8'))).toBe('wasm-simd');
  });

  it('computes exact integer dot products with the offset 7-bit query, including the extreme values', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const k = instantiateRelaxedKernel(memory)!;
    const buf = memory.buffer;
    const rows = 3;
    const stride = 32;
    const row = new Int8Array(buf, 0, rows * stride);
    const g = gaussianSource(5);
    for (let i = 0; i < row.length; i++) row[i] = Math.max(-128, Math.min(127, Math.round(g() * 60)));
    row.fill(-128, 0, 16); // pmaddubsw's worst case for i16 saturation: -128 * 127 twice
    row.fill(127, stride, stride + 16);
    new Float32Array(buf, 1024, rows).set([1, 0.5, -2]);
    const q = new Int8Array(4 * stride); // query j, dim d: 7-bit values in [-63, 63]
    for (let i = 0; i < q.length; i++) q[i] = i % 5 === 0 ? 63 : i % 7 === 0 ? -63 : Math.round(g() * 20) % 64;
    const qb = new Uint8Array(buf, 2048, 4 * stride);
    for (let j = 0; j < 4; j++) for (let d = 0; d < stride; d++) qb[((d >> 4) << 6) + (j << 4) + (d & 15)] = q[j * stride + d] + 64;
    k.sumsI8(0, rows, stride, 4096);
    const corr = new Int32Array(buf, 4096, rows);
    k.dotI8Relaxed(0, 1024, rows, stride, 2048, 8192, 4096);
    const out = new Float32Array(buf, 8192, rows * 4);
    const scales = [1, 0.5, -2];
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let d = 0; d < stride; d++) sum += row[r * stride + d];
      expect(corr[r]).toBe(64 * sum);
      for (let j = 0; j < 4; j++) {
        let exact = 0;
        for (let d = 0; d < stride; d++) exact += row[r * stride + d] * q[j * stride + d];
        expect(out[r * 4 + j]).toBe(Math.fround(exact) * scales[r]);
      }
    }
  });

  it('gives bit-identical scores and top-k to the JS twin of the 7-bit path', () => {
    for (const [rows, dims, queryCount] of [[257, 100, 5], [64, 1024, 4], [33, 16, 1], [1, 7, 3], [0, 24, 2]] as const) {
      const values = unitRows(rows, dims, rows + dims);
      for (let i = 0; i < values.length; i += 37) values[i] *= i % 2 ? 40 : 1e-4;
      const m = quantizeMatrix(values, rows, dims, 'int8');
      const queries = unitRows(queryCount, dims, 99);
      const relaxed = scoreAll(m, queries, queryCount, { kernel: 'wasm', int8Query: 'i7' });
      expect(relaxed).toEqual(scoreAll(m, queries, queryCount, { kernel: 'js', int8Query: 'i7' }));
      expect(topK(m, queries, queryCount, 10, { int8Query: 'i7' })).toEqual(topK(m, queries, queryCount, 10, { kernel: 'js', int8Query: 'i7' }));
      // the default (int16 queries) is unaffected by the relaxed kernel being there
      expect(scoreAll(m, queries, queryCount)).toEqual(scoreAll(m, queries, queryCount, { kernel: 'js' }));
    }
  });

  it('costs little accuracy: 7-bit against int16 queries, measured against fp32', () => {
    // Shape of the real skills matrix with a bge-m3-sized embedding would be 17,597 x 1024; 4,000 rows
    // keep this quick and give the same per-score error (it does not depend on the row count).
    const report: string[] = [];
    for (const [rows, dims] of [[17597, 256], [4000, 1024]] as const) {
      const values = unitRows(rows, dims, dims);
      const queryCount = 16;
      const queries = nearQueries(values, rows, dims, queryCount, dims + 1);
      const m = quantizeMatrix(values, rows, dims, 'int8');
      const k = 10;
      const stats = { i16: { sum: 0, max: 0, hits: 0 }, i7: { sum: 0, max: 0, hits: 0 } };
      const exactTop: number[][] = [];
      const exact = new Float64Array(queryCount * rows);
      for (let q = 0; q < queryCount; q++) {
        for (let r = 0; r < rows; r++) {
          let s = 0;
          for (let d = 0; d < dims; d++) s += values[r * dims + d] * queries[q * dims + d];
          exact[q * rows + r] = s;
        }
        const order = Array.from({ length: rows }, (_, r) => r).sort((a, b) => exact[q * rows + b] - exact[q * rows + a]);
        exactTop.push(order.slice(0, k));
      }
      for (const mode of ['i16', 'i7'] as const) {
        const scores = scoreAll(m, queries, queryCount, { int8Query: mode });
        const top = topK(m, queries, queryCount, k, { int8Query: mode });
        for (let i = 0; i < scores.length; i++) {
          const e = Math.abs(scores[i] - exact[i]);
          stats[mode].sum += e;
          stats[mode].max = Math.max(stats[mode].max, e);
        }
        for (let q = 0; q < queryCount; q++) for (const r of top.indices.subarray(q * k, (q + 1) * k)) if (exactTop[q].includes(r)) stats[mode].hits++;
      }
      const n = queryCount * rows;
      const line = (mode: 'i16' | 'i7'): string =>
        `${mode}: mean |err| ${(stats[mode].sum / n).toExponential(2)}, max ${stats[mode].max.toExponential(2)}, recall@${k} ${(stats[mode].hits / (queryCount * k)).toFixed(3)}`;
      report.push(`${rows} x ${dims}: ${line('i16')}; ${line('i7')}`);
      // Storage error dominates int16 queries; 7-bit queries add an error of about the same size.
      expect(stats.i7.sum / n).toBeLessThan(2.5 * (stats.i16.sum / n));
      expect(stats.i7.max).toBeLessThan(1e-2);
      expect(stats.i7.hits).toBeGreaterThanOrEqual(stats.i16.hits - queryCount); // at most ~1 swap per query more
    }
    console.log(`7-bit query accuracy (int8 storage):\n  ${report.join('\n  ')}`);
  });
});

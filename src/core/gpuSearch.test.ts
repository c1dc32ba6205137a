import { describe, expect, it } from 'vitest';
import shaderSource from './kernels/searchKernel.wgsl?raw';
import {
  MAX_PASS_QUERIES,
  QUERY_BLOCK,
  WORKGROUP_SIZE,
  checkInt8Bytes,
  chooseGpuSearch,
  emptyTopK,
  packInt8Chunk,
  packRotatedQueries,
  planGpuSearch,
  selectTopKInto,
  type GpuSearchLimits,
} from './gpuSearch.ts';
import { mulberry32 } from './random.ts';
import { decodeMatrix, encodeMatrix, quantizeMatrix, scoreAll, topK } from './vectors.ts';

/** WebGPU's default limits (what a device gets without requiredLimits). */
const DEFAULT_LIMITS: GpuSearchLimits = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20, maxComputeWorkgroupsPerDimension: 65535 };

function unitRows(rows: number, dims: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const v = new Float32Array(rows * dims);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let d = 0; d < dims; d++) {
      const x = rand() * 2 - 1 + (d % 37 === 0 ? 2 : 0); // a few large dims, as real embeddings have
      v[r * dims + d] = x;
      n += x * x;
    }
    for (let d = 0; d < dims; d++) v[r * dims + d] /= Math.sqrt(n);
  }
  return v;
}

/** The kernel's int8 unpack (shift left, arithmetic shift right) in JS. */
const unpackByte = (word: number, lane: number) => (word << (24 - 8 * lane)) >> 24;

/** The WGSL kernel's arithmetic in JS (f32 vec4 dots, f32 running sums), over the packed layout. */
function emulateKernel(bytes: Uint8Array, rows: number, dims: number, queries: Float32Array, queryCount: number, limits = DEFAULT_LIMITS): Float32Array {
  const plan = planGpuSearch(rows, dims, limits);
  const f = Math.fround;
  const out = new Float32Array(queryCount * rows);
  const q = packRotatedQueries(queries, dims, 0, queryCount, new Float32Array(queryCount * plan.words * 4));
  for (const c of plan.chunks) {
    const { words, scales } = packInt8Chunk(bytes, dims, c);
    for (let i = 0; i < c.rows; i++) {
      for (let j = 0; j < queryCount; j++) {
        let acc = 0;
        for (let w = 0; w < plan.words; w++) {
          const word = words[w * c.rowStride + i];
          const qb = (j * plan.words + w) * 4;
          let d = 0;
          for (let lane = 0; lane < 4; lane++) d = f(d + f(unpackByte(word, lane) * q[qb + lane]));
          acc = f(acc + d);
        }
        out[j * rows + c.start + i] = f(acc * scales[i]);
      }
    }
  }
  return out;
}

describe('chooseGpuSearch', () => {
  const gpu = { adapter: true, hasShaderF16: false, isFallbackAdapter: false };
  it('uses the WGSL kernel only on a hardware adapter with int8 storage, and says why', () => {
    expect(chooseGpuSearch(gpu, 'int8')).toEqual({ use: true, reason: 'a hardware WebGPU adapter: search runs on the WGSL kernel' });
    const swiftShader = chooseGpuSearch({ ...gpu, isFallbackAdapter: true }, 'int8');
    expect(swiftShader.use).toBe(false);
    expect(swiftShader.reason).toMatch(/fallback \(software\) adapter such as SwiftShader/);
    expect(chooseGpuSearch({ adapter: false, hasShaderF16: false, isFallbackAdapter: false, error: 'this browser has no WebGPU' }, 'int8')).toEqual({
      use: false,
      reason: 'no WebGPU adapter (this browser has no WebGPU): search runs on the CPU kernel',
    });
    expect(chooseGpuSearch(gpu, 'f16')).toMatchObject({ use: false, reason: expect.stringMatching(/int8 storage only \(this matrix is f16\)/) });
    expect(chooseGpuSearch(gpu, 'int8', true)).toMatchObject({ use: false, reason: expect.stringMatching(/WASM chosen in settings/) });
  });
});

describe('planGpuSearch', () => {
  it('keeps the real shape in one chunk with 64-query passes under the default limits', () => {
    const plan = planGpuSearch(17_597, 1024, DEFAULT_LIMITS);
    expect(plan).toMatchObject({ words: 256, passQueries: MAX_PASS_QUERIES, chunks: [{ start: 0, rows: 17_597, rowStride: 17_600 }] });
  });

  it('splits rows into contiguous chunks whose buffers each fit the binding limit', () => {
    const limits = { ...DEFAULT_LIMITS, maxStorageBufferBindingSize: 100_000 };
    const plan = planGpuSearch(3000, 384, limits);
    expect(plan.chunks.length).toBeGreaterThan(10);
    let next = 0;
    for (const c of plan.chunks) {
      expect(c.start).toBe(next);
      expect(c.rowStride % WORKGROUP_SIZE).toBe(0);
      expect(c.rowStride).toBeGreaterThanOrEqual(c.rows);
      expect(c.rowStride * plan.words * 4).toBeLessThanOrEqual(100_000);
      expect(c.rows * plan.passQueries * 4).toBeLessThanOrEqual(100_000);
      next += c.rows;
    }
    expect(next).toBe(3000);
    expect(planGpuSearch(0, 384, limits).chunks).toEqual([]);
  });

  it('shrinks the pass to fit the readback, and refuses clearly when nothing fits', () => {
    expect(planGpuSearch(1000, 64, { ...DEFAULT_LIMITS, maxBufferSize: 1000 * 4 * 20 }).passQueries).toBe(16);
    expect(() => planGpuSearch(1000, 64, { ...DEFAULT_LIMITS, maxBufferSize: 1000 * 4 * 7 })).toThrow(/over this device's maxBufferSize/);
    expect(() => planGpuSearch(100, 4096, { ...DEFAULT_LIMITS, maxStorageBufferBindingSize: 100_000 })).toThrow(/queries of 4096 dims need .* over this device's storage binding limit/);
    expect(() => planGpuSearch(100, 1024, { ...DEFAULT_LIMITS, maxStorageBufferBindingSize: 60_000 })).toThrow(/64 rows of 1024 int8 dims need 65536 bytes, over this device.s storage binding limit \(60000 bytes\)/);
  });
});

describe('packInt8Chunk and checkInt8Bytes', () => {
  it('lays out each row as little-endian int8 words in the transposed order, zero padded', () => {
    const rows = 70;
    const dims = 10; // not a multiple of 4: the last word of every row is half padding
    const bytes = encodeMatrix(quantizeMatrix(unitRows(rows, dims, 3), rows, dims, 'int8'));
    const chunk = { start: 5, rows: 65, rowStride: 128 };
    const { words, scales } = packInt8Chunk(bytes, dims, chunk);
    expect(words.length).toBe(3 * 128);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < chunk.rows; i++) {
      const o = (chunk.start + i) * (4 + dims);
      expect(scales[i]).toBe(view.getFloat32(o, true));
      for (let d = 0; d < 12; d++) {
        const expected = d < dims ? view.getInt8(o + 4 + d) : 0;
        expect(unpackByte(words[(d >> 2) * chunk.rowStride + i], d & 3)).toBe(expected);
      }
    }
    for (let i = chunk.rows; i < chunk.rowStride; i++) {
      expect(scales[i]).toBe(0);
      expect(words[i]).toBe(0);
    }
  });

  it('refuses f16 storage, f16-sized bytes and corrupt scales with a clear message', () => {
    const bytes = encodeMatrix(quantizeMatrix(unitRows(4, 8, 1), 4, 8, 'int8'));
    expect(() => checkInt8Bytes(bytes, 4, 8)).not.toThrow();
    expect(() => checkInt8Bytes(bytes, 4, 8, 'f16')).toThrow(/supports int8 storage only; this matrix is f16/);
    expect(() => checkInt8Bytes(new Uint8Array(4 * 8 * 2), 4, 8)).toThrow(/expected 48 .* got 64 \(that is the f16 size/);
    const bad = bytes.slice();
    new DataView(bad.buffer).setFloat32(12, NaN, true);
    expect(() => packInt8Chunk(bad, 8, { start: 0, rows: 4, rowStride: 64 })).toThrow(/row 1 has an invalid scale/);
  });
});

describe("the kernel's arithmetic (emulated in JS) on the packed layout", () => {
  it('matches the CPU scores of the same bytes within the int16 query rounding, also split into chunks', () => {
    for (const dims of [384, 100]) {
      const rows = 500;
      const bytes = encodeMatrix(quantizeMatrix(unitRows(rows, dims, dims), rows, dims, 'int8'));
      const queries = unitRows(5, dims, 99);
      const cpu = scoreAll(decodeMatrix(bytes, rows, dims, 'int8'), queries, 5);
      const gpu = emulateKernel(bytes, rows, dims, queries, 5);
      let max = 0;
      for (let i = 0; i < cpu.length; i++) max = Math.max(max, Math.abs(cpu[i] - gpu[i]));
      expect(max).toBeLessThan(2e-5);
      expect(max).toBeGreaterThan(0); // the two paths round differently: a bit-identical result would mean the same path ran
      const split = emulateKernel(bytes, rows, dims, queries, 5, { ...DEFAULT_LIMITS, maxStorageBufferBindingSize: 30_000 });
      expect(planGpuSearch(rows, dims, { ...DEFAULT_LIMITS, maxStorageBufferBindingSize: 30_000 }).chunks.length).toBeGreaterThan(1);
      expect(split).toEqual(gpu);
    }
  });
});

describe('selectTopKInto', () => {
  it('selects exactly what topK selects from the same scores, ties and missing results included', () => {
    const dims = 32;
    const base = unitRows(40, dims, 7);
    // Rows 40..59 repeat rows 0..19: equal scores, where topK keeps the lower row first.
    const values = new Float32Array(60 * dims);
    values.set(base);
    values.set(base.subarray(0, 20 * dims), 40 * dims);
    const m = quantizeMatrix(values, 60, dims, 'int8');
    const queries = unitRows(6, dims, 8);
    const scores = scoreAll(m, queries, 6);
    for (const k of [1, 10, 59, 60, 75, 200]) {
      const expected = topK(m, queries, 6, k);
      const got = emptyTopK(6, k);
      // In two calls, as the passes of a search fill the result.
      selectTopKInto(scores.subarray(0, 4 * 60), 60, 4, got, 0);
      selectTopKInto(scores.subarray(4 * 60), 60, 2, got, 4);
      expect(got).toEqual(expected);
    }
    const ties = emptyTopK(1, 3);
    selectTopKInto(new Float32Array([0.5, NaN, 0.7, 0.5, -Infinity]), 5, 1, ties, 0);
    expect(Array.from(ties.indices)).toEqual([2, 0, 3]);
    const short = emptyTopK(1, 4);
    selectTopKInto(new Float32Array([NaN, 0.1, -Infinity]), 3, 1, short, 0);
    expect(Array.from(short.indices)).toEqual([1, -1, -1, -1]);
    expect(Array.from(short.scores)).toEqual([Math.fround(0.1), -Infinity, -Infinity, -Infinity]);
  });
});

describe('searchKernel.wgsl', () => {
  it('declares the block sizes that the host code dispatches with, and uses no optional language extension', () => {
    expect(shaderSource).toMatch(new RegExp(`const QUERY_BLOCK: u32 = ${QUERY_BLOCK}u;`));
    expect(shaderSource).toMatch(new RegExp(`const WORKGROUP_SIZE: u32 = ${WORKGROUP_SIZE}u;`));
    expect(shaderSource).toMatch(/@compute @workgroup_size\(WORKGROUP_SIZE\)\s*fn main/);
    const code = shaderSource.replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(/\b(requires|enable|unpack4xI8|dot4I8Packed)\b/);
  });
});

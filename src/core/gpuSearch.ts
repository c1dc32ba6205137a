// The pure half of the WebGPU int8 search (src/runtime/webgpuSearch.ts runs it, kernels/searchKernel.wgsl
// scores): whether to use it at all, how a matrix is split to fit a device's buffer limits, the
// transposed word layout the kernel reads, query packing and the CPU top-k selection with topK's tie
// rule. Kept free of the WebGPU API so that Node unit tests cover everything but the dispatch itself.
import type { GpuProbe } from './device.ts';
import type { MatrixStorage } from './embeddingManifest.ts';
import { encodedByteLength, rotateForInt8, selectTopRows, type TopKResult } from './vectors.ts';

/** Queries one kernel invocation scores (searchKernel.wgsl QUERY_BLOCK). */
export const QUERY_BLOCK = 8;
/** Rows per workgroup (searchKernel.wgsl WORKGROUP_SIZE); chunk row strides are multiples of it. */
export const WORKGROUP_SIZE = 64;
/** Most queries per submission: the readback of scores grows with it, and 64 covers a typical ad. */
export const MAX_PASS_QUERIES = 64;

// ---------------------------------------------------------------------------------------------
// the decision

export interface GpuSearchChoice {
  use: boolean;
  /** Why, for the model panel and logs (either way). */
  reason: string;
}

/**
 * Whether concept search should run on the WGSL kernel. Only on a real GPU: a fallback adapter
 * (SwiftShader, a CPU rasteriser behind the WebGPU API) runs the kernel on the same CPU cores as the
 * WASM SIMD kernel, behind a copy to and from "GPU" memory, so it cannot win; it is used for
 * correctness tests only. Only int8 storage has a WGSL kernel.
 */
export function chooseGpuSearch(probe: GpuProbe, storage: MatrixStorage, forceWasm = false): GpuSearchChoice {
  if (forceWasm) return { use: false, reason: 'WASM chosen in settings: search runs on the CPU kernel' };
  if (!probe.adapter) return { use: false, reason: `no WebGPU adapter${probe.error ? ` (${probe.error})` : ''}: search runs on the CPU kernel` };
  if (probe.isFallbackAdapter) {
    return { use: false, reason: 'the WebGPU adapter is a fallback (software) adapter such as SwiftShader, no faster than the CPU kernel: search runs on the CPU kernel' };
  }
  if (storage !== 'int8') return { use: false, reason: `the WGSL search kernel supports int8 storage only (this matrix is ${storage}): search runs on the CPU kernel` };
  return { use: true, reason: 'a hardware WebGPU adapter: search runs on the WGSL kernel' };
}

// ---------------------------------------------------------------------------------------------
// splitting to fit the device

/** The device limits the search has to respect (GPUSupportedLimits has them all). */
export interface GpuSearchLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupsPerDimension: number;
}

export interface GpuSearchChunk {
  /** First matrix row of the chunk. */
  start: number;
  rows: number;
  /** Row stride of the chunk's transposed words: rows rounded up to WORKGROUP_SIZE. */
  rowStride: number;
}

export interface GpuSearchPlan {
  rows: number;
  dims: number;
  /** u32 words per row: ceil(dims / 4). */
  words: number;
  /** Queries per submission (a multiple of QUERY_BLOCK). */
  passQueries: number;
  /** Consecutive row ranges, each bound and dispatched on its own; empty when rows = 0. */
  chunks: GpuSearchChunk[];
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

/**
 * Splits the matrix into row chunks whose buffers (transposed words, scales, scores of one pass) each
 * fit one storage binding, and picks how many queries a submission scores so that the query buffer
 * fits a binding and the score readback fits a buffer. Throws, naming the limit, when even the
 * smallest split (QUERY_BLOCK queries, WORKGROUP_SIZE rows) does not fit.
 */
export function planGpuSearch(rows: number, dims: number, limits: GpuSearchLimits): GpuSearchPlan {
  if (!Number.isInteger(rows) || rows < 0) throw new Error(`matrix rows must be a non-negative integer, got ${rows}`);
  if (!Number.isInteger(dims) || dims <= 0) throw new Error(`matrix dims must be a positive integer, got ${dims}`);
  const words = Math.ceil(dims / 4);
  const binding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const queryBytes = (q: number) => q * words * 16;
  const readbackBytes = (q: number) => q * Math.max(rows, 1) * 4;
  let passQueries = MAX_PASS_QUERIES;
  while (passQueries > QUERY_BLOCK && (queryBytes(passQueries) > binding || readbackBytes(passQueries) > limits.maxBufferSize)) passQueries -= QUERY_BLOCK;
  if (queryBytes(passQueries) > binding) {
    throw new Error(`WebGPU search: ${QUERY_BLOCK} queries of ${dims} dims need ${queryBytes(passQueries)} bytes, over this device's storage binding limit (${binding} bytes)`);
  }
  if (readbackBytes(passQueries) > limits.maxBufferSize) {
    throw new Error(`WebGPU search: the scores of ${QUERY_BLOCK} queries x ${rows} rows need ${mib(readbackBytes(passQueries))}, over this device's maxBufferSize (${mib(limits.maxBufferSize)}); search this matrix on the CPU`);
  }
  // Per row of a chunk: its words, its scale, its scores of one pass, each in its own binding.
  const perRow = Math.max(words * 4, passQueries * 4);
  const maxStride = Math.min(Math.floor(binding / perRow / WORKGROUP_SIZE) * WORKGROUP_SIZE, limits.maxComputeWorkgroupsPerDimension * WORKGROUP_SIZE);
  if (maxStride < WORKGROUP_SIZE) {
    throw new Error(`WebGPU search: ${WORKGROUP_SIZE} rows of ${dims} int8 dims need ${WORKGROUP_SIZE * perRow} bytes, over this device's storage binding limit (${binding} bytes)`);
  }
  const chunks: GpuSearchChunk[] = [];
  for (let start = 0; start < rows; start += maxStride) {
    const n = Math.min(maxStride, rows - start);
    chunks.push({ start, rows: n, rowStride: Math.ceil(n / WORKGROUP_SIZE) * WORKGROUP_SIZE });
  }
  return { rows, dims, words, passQueries, chunks };
}

// ---------------------------------------------------------------------------------------------
// layouts

/** Checks the encoded int8 bytes (vectors.ts layout) and says so clearly when they look like f16. */
export function checkInt8Bytes(bytes: Uint8Array, rows: number, dims: number, storage: MatrixStorage = 'int8'): void {
  if (storage !== 'int8') throw new Error(`WebGPU search supports int8 storage only; this matrix is ${storage} (search it with the CPU topK)`);
  const expected = encodedByteLength(rows, dims, 'int8');
  if (bytes.byteLength === expected) return;
  const f16 = bytes.byteLength === encodedByteLength(rows, dims, 'f16') ? ' (that is the f16 size: WebGPU search supports int8 storage only)' : '';
  throw new Error(`matrix bytes: expected ${expected} for ${rows} x ${dims} int8 ((4 + ${dims}) bytes per row), got ${bytes.byteLength}${f16}`);
}

/**
 * One chunk of the encoded int8 matrix in the kernel's layout: word w of chunk row i at
 * words[w * rowStride + i] (4 int8 values, the lowest dim in the low byte; zero padding), and the
 * row scales (zero for padding rows). Invalid scales are refused as decodeMatrix refuses them.
 */
export function packInt8Chunk(bytes: Uint8Array, dims: number, chunk: GpuSearchChunk): { words: Uint32Array; scales: Float32Array } {
  const nWords = Math.ceil(dims / 4);
  const { start, rows, rowStride } = chunk;
  const words = new Uint32Array(nWords * rowStride);
  const scales = new Float32Array(rowStride);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rowBytes = 4 + dims;
  const full = dims >> 2;
  for (let i = 0; i < rows; i++) {
    const o = (start + i) * rowBytes;
    const scale = view.getFloat32(o, true);
    if (!(scale >= 0) || !Number.isFinite(scale)) throw new Error(`matrix bytes: row ${start + i} has an invalid scale (${scale}); the data is corrupt`);
    scales[i] = scale;
    const v = o + 4;
    for (let w = 0; w < full; w++) {
      const b = v + 4 * w;
      words[w * rowStride + i] = bytes[b] | (bytes[b + 1] << 8) | (bytes[b + 2] << 16) | (bytes[b + 3] << 24);
    }
    if (full < nWords) {
      let word = 0;
      for (let d = full * 4; d < dims; d++) word |= bytes[v + d] << ((d & 3) * 8);
      words[full * rowStride + i] = word;
    }
  }
  return { words, scales };
}

/**
 * Queries q0 .. q0+count-1 rotated by R (the int8 format's rotation) as f32, query j at
 * [j * words * 4, (j + 1) * words * 4), dims padded with zeros; `out` holds at least count such rows.
 */
export function packRotatedQueries(queries: Float32Array, dims: number, q0: number, count: number, out: Float32Array, scratch = new Float64Array(dims)): Float32Array {
  const stride = Math.ceil(dims / 4) * 4;
  out.fill(0, 0, count * stride);
  for (let j = 0; j < count; j++) {
    const src = (q0 + j) * dims;
    const rq = rotateForInt8(queries.subarray(src, src + dims), scratch);
    out.set(rq, j * stride);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// selection

/** An empty TopKResult (every slot -1 / -Infinity), as topK returns it before selection. */
export function emptyTopK(queryCount: number, k: number): TopKResult {
  return { k, queries: queryCount, indices: new Int32Array(queryCount * k).fill(-1), scores: new Float32Array(queryCount * k).fill(-Infinity) };
}

/**
 * Selects the k best rows of each of `count` score rows (scores[j * rows + r]) into result's queries
 * firstQuery .. firstQuery+count-1, with vectors.ts topK's rules: best first, equal scores keep the
 * lower row first, NaN and -Infinity never selected.
 */
export function selectTopKInto(scores: Float32Array, rows: number, count: number, result: TopKResult, firstQuery: number): void {
  const { k, indices, scores: best } = result;
  if (k === 0) return;
  for (let j = 0; j < count; j++) selectTopRows(scores, j * rows, 1, 1, rows, k, indices, best, (firstQuery + j) * k);
}

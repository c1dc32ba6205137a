// Compact concept-embedding matrices and batched exact top-k search by dot product.
//
// Storage: `f16` keeps every value as an IEEE half (2 bytes); `int8` keeps each row as int8 values
// with one f32 scale per row (symmetric: value ~= q * scale, scale = max|row| / 127), 1 byte per value
// plus 4 per row. Before int8 quantisation every row goes through a fixed orthogonal transform R
// (sign flips, then a normalised Walsh-Hadamard transform within power-of-two blocks, see
// `rotationBlock`): embedding models have a few dimensions much larger than the rest, which would set
// every row's max-abs scale and waste most of the 8 bits; after R the energy is spread evenly. Dot
// products are unchanged (R is orthogonal): search applies R to the queries, getRow undoes it. On the
// clustered synthetic set of scripts/measure-storage-error.ts (which has outlier dimensions) R cuts
// int8's mean 1 - cos from 8.8e-4 to 2.5e-5 at 1024 dims; that script prints the current figures.
//
// Encoded byte layout (encodeMatrix / decodeMatrix), no header: rows, dims and storage come from the
// embedding manifest; all numbers little-endian, rows in order, no padding:
//   f16:  rows x dims  uint16 half bit patterns                        -> rows * dims * 2 bytes
//   int8: rows x ( f32 scale, then dims x int8 of R(row) )              -> rows * (4 + dims) bytes
// R is part of the int8 format: changing `rotationSign` or `rotationBlock` invalidates stored caches
// (vectors.test.ts pins it with fixed values).
// Each row is self-contained, so encoding row chunks separately and concatenating the bytes gives the
// encoding of the whole matrix (resumable regeneration can write chunk by chunk).
//
// Search: topK scores queries in blocks of 4 with the WebAssembly SIMD kernels of kernels/*.wat, or
// with a pure-JS fallback that performs the same float operations in the same order and therefore
// gives bit-identical results. int8 search quantises each query (its own scale, chosen so the i32 sums
// cannot overflow) and multiplies the exact integer dot product by both scales. Queries are int16 by
// default; `int8Query: 'i7'` quantises them to 7 bits ([-63, 63]) instead, which lets engines with
// relaxed SIMD use its 8-bit dot product (kernels/vectorKernelRelaxed.wat; other paths give the same
// results). It trades accuracy for speed: on the bench's 17,597 x 1024 search topK took 24.1 ms
// instead of 38.8 in a Chromium worker (71 vs 82 ms in Node 20 with the flag), while the 7-bit query
// error (at most max|R(q)| / 126 per value) measured 2.2-2.3x int16's mean score error (4.4e-4 vs
// 2.0e-4 at 1024 dims, 8.0e-4 vs 3.5e-4 at 256; vectorKernelRelaxed.test.ts) and recall@10 against
// fp32 fell from 99.4% to 99.1% on synthetic data. On the labelled validation data with bge-small-en
// it moved no aggregate figure beyond ties (`npm run eval -- --model bge-small-en --baseline none
// [--int8-query i7]`: skills MRR 57.1 -> 57.3 / 49.1 -> 49.1, occupations MRR 0.661 -> 0.663, whole
// postings identical), but it does flip borderline results: with it, e2e/realModel.spec.ts's
// paraphrase on WebGPU embeddings is no longer found. So 'i16' stays the default everywhere
// (pipeline.ts ExtractOptions.int8Query). f16 search converts halves exactly and accumulates in f32.
// Internally a matrix lives in its own WebAssembly.Memory (rows zero padded to a multiple of 16
// values) together with the scratch the kernels need, so a search allocates nothing per row or value. A ConceptMatrix is bound to the
// realm that made it: send its encoded bytes to another worker, not the object. The exception is a
// copy made by shareMatrix, in a shared memory: a SearchPool (searchPool.ts) then has helper workers
// score shares of its rows for each kernel call, with the same results.
import type { MatrixStorage } from './embeddingManifest.ts';
import {
  instantiateKernel,
  instantiateRelaxedKernel,
  relaxedKernelModule,
  runKernelCall,
  wasmKernelModule,
  type KernelCall,
  type KernelInstance,
  type RelaxedKernelInstance,
} from './vectorKernel.ts';

export type { MatrixStorage };

export interface ConceptMatrix {
  readonly rows: number;
  readonly dims: number;
  readonly storage: MatrixStorage;
}

/** Row-major queries x k, best first; ties keep the lower row index first. Missing results are -1 / -Infinity. */
export interface TopKResult {
  k: number;
  queries: number;
  indices: Int32Array;
  scores: Float32Array;
}

export type VectorKernel = 'wasm-simd' | 'js';

/**
 * Runs a matrix's kernel calls, possibly split by rows across workers that share its memory
 * (searchPool.ts); `here` runs a part in this realm. Results must be those of `here(call)`.
 */
export interface KernelTeam {
  run(call: KernelCall, here: (part: KernelCall) => void): void;
}

export interface SearchOptions {
  /** 'auto' (default) uses the WebAssembly SIMD kernel when this matrix has one; 'wasm' insists on it. */
  kernel?: 'auto' | 'wasm' | 'js';
  /**
   * int8 query quantisation: 'i16' (default) or 'i7' (7 bits: the relaxed-SIMD kernel on the
   * WebAssembly path where the engine has it, bit-identical results from the other paths).
   */
  int8Query?: 'i16' | 'i7';
}

const QUERY_BLOCK = 4;
const ROW_ALIGN = 16;
/** Up to this k, a sorted insertion buffer per query; above it a full sort is cheaper than shifting. */
const INSERTION_MAX_K = 128;
const I32_MAX = 2147483647;
/** 7-bit queries: values in [-I7_MAX, I7_MAX]; the relaxed kernel gets them offset by I7_OFFSET. */
const I7_MAX = 63;
const I7_OFFSET = 64;

function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}

class PackedMatrix implements ConceptMatrix {
  /** Stored values per row: dims rounded up to 16, the tail zero. */
  readonly stride: number;
  readonly data: Int8Array | Uint16Array;
  /** int8: one scale per row; f16: empty. */
  readonly scales: Float32Array;
  /** int8: 64 * (sum of the row's values), for the relaxed kernel; filled on its first use. */
  readonly corr: Int32Array;
  /** Scratch for one query block, read by the kernels (interleaved) or the JS path (contiguous). */
  readonly qI16: Int16Array;
  /** The same scratch as offset 7-bit bytes for the relaxed kernel. */
  readonly qU8: Uint8Array;
  readonly qF32: Float32Array;
  /** Kernel output for one query block: rows x 4 f32. */
  readonly out: Float32Array;
  readonly kernel: KernelInstance | null;
  /** The matrix's WebAssembly.Memory (null on the JS path), for binding the relaxed kernel lazily. */
  readonly memory: WebAssembly.Memory | null;
  private relaxedKernel: RelaxedKernelInstance | null | undefined;
  /** Helpers that share this matrix's memory (searchPool.ts), or null: every call runs here. */
  team: KernelTeam | null = null;
  /** int8: R(query) of the query being prepared. */
  readonly rotatedQuery: Float64Array;
  readonly dataOffset = 0;
  readonly scalesOffset: number;
  readonly corrOffset: number;
  readonly queryOffset: number;
  readonly outOffset: number;

  constructor(
    readonly rows: number,
    readonly dims: number,
    readonly storage: MatrixStorage,
    /** Whether the memory is a shared WebAssembly.Memory (SharedArrayBuffer) that workers can search together. */
    readonly shared = false,
  ) {
    this.stride = Math.ceil(dims / ROW_ALIGN) * ROW_ALIGN;
    const elemBytes = storage === 'int8' ? 1 : 2;
    this.scalesOffset = align16(rows * this.stride * elemBytes);
    this.corrOffset = align16(this.scalesOffset + (storage === 'int8' ? rows * 4 : 0));
    this.queryOffset = align16(this.corrOffset + (storage === 'int8' ? rows * 4 : 0));
    this.outOffset = align16(this.queryOffset + this.stride * QUERY_BLOCK * 4);
    const total = this.outOffset + rows * QUERY_BLOCK * 4;

    let buffer: ArrayBuffer | undefined;
    let kernel: KernelInstance | null = null;
    let wasmMemory: WebAssembly.Memory | null = null;
    const module = wasmKernelModule(shared);
    if (shared && !module) throw new Error('shared WebAssembly memory is not available here');
    if (module) {
      try {
        const pages = Math.max(1, Math.ceil(total / 65536));
        const memory = new WebAssembly.Memory(shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages });
        kernel = instantiateKernel(module, memory);
        wasmMemory = memory;
        buffer = memory.buffer;
      } catch (e) {
        if (shared) throw e;
        // Memory beyond what this engine grants: the JS path works on an ordinary buffer.
        kernel = null;
      }
    }
    buffer ??= new ArrayBuffer(total);
    this.kernel = kernel;
    this.memory = wasmMemory;
    this.data = storage === 'int8' ? new Int8Array(buffer, 0, rows * this.stride) : new Uint16Array(buffer, 0, rows * this.stride);
    this.scales = new Float32Array(buffer, this.scalesOffset, storage === 'int8' ? rows : 0);
    this.corr = new Int32Array(buffer, this.corrOffset, storage === 'int8' ? rows : 0);
    this.qI16 = new Int16Array(buffer, this.queryOffset, this.stride * QUERY_BLOCK);
    this.qU8 = new Uint8Array(buffer, this.queryOffset, this.stride * QUERY_BLOCK);
    this.qF32 = new Float32Array(buffer, this.queryOffset, this.stride * QUERY_BLOCK);
    this.out = new Float32Array(buffer, this.outOffset, rows * QUERY_BLOCK);
    this.rotatedQuery = new Float64Array(storage === 'int8' ? dims : 0);
  }

  /** int8 only: the relaxed kernel with this matrix's row corrections ready, or null. */
  relaxed(): RelaxedKernelInstance | null {
    if (this.relaxedKernel === undefined) {
      this.relaxedKernel = this.storage === 'int8' && this.memory ? instantiateRelaxedKernel(this.memory, this.shared) : null;
      // Rows are final once a search can run (quantizeMatrix / decodeMatrix filled them).
      this.relaxedKernel?.sumsI8(this.dataOffset, this.rows, this.stride, this.corrOffset);
    }
    return this.relaxedKernel;
  }

  /** Runs a kernel call: through the team when there is one, else here. */
  call(c: KernelCall): void {
    const here = (part: KernelCall): void => runKernelCall(this.kernel!, part.kernel === 'dotI8Relaxed' ? this.relaxed() : null, part);
    if (this.team) this.team.run(c, here);
    else here(c);
  }

  /** Byte length of everything the kernels read and write (data, scales, corrections, scratch). */
  get byteLength(): number {
    return this.outOffset + this.rows * QUERY_BLOCK * 4;
  }
}

function checkShape(rows: number, dims: number, storage: MatrixStorage): void {
  if (!Number.isInteger(rows) || rows < 0) throw new Error(`matrix rows must be a non-negative integer, got ${rows}`);
  if (!Number.isInteger(dims) || dims <= 0) throw new Error(`matrix dims must be a positive integer, got ${dims}`);
  if (storage !== 'f16' && storage !== 'int8') throw new Error(`unknown matrix storage "${String(storage)}"`);
}

function asPacked(m: ConceptMatrix): PackedMatrix {
  if (!(m instanceof PackedMatrix)) throw new Error('not a ConceptMatrix made by quantizeMatrix/decodeMatrix in this realm');
  return m;
}

// ---------------------------------------------------------------------------------------------
// f16 conversion

const convF32 = new Float32Array(1);
const convU32 = new Uint32Array(convF32.buffer);

/** IEEE half bits of x (first rounded to f32), round to nearest even; overflow gives infinity. */
export function f32ToF16Bits(x: number): number {
  convF32[0] = x;
  const b = convU32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1) !== 0)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent, up to infinity.
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) !== 0)) h++;
  return sign | h;
}

export function f16BitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m === 0 ? sign * Infinity : NaN;
  return sign * (1024 + m) * 2 ** (e - 25);
}

let halfTable: Float32Array | undefined;
/** All 65,536 half values as f32 (256 KB, built once): the JS path converts by lookup. */
function halfToF32Table(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = f16BitsToF32(h);
  }
  return halfTable;
}

// ---------------------------------------------------------------------------------------------
// the int8 rotation R (part of the stored format)

/** Walsh-Hadamard block length for `dims`: the largest power of two dividing it, at most 4096. */
export function rotationBlock(dims: number): number {
  let b = 1;
  while (b < 4096 && dims % (b * 2) === 0) b *= 2;
  return b;
}

/** Fixed pseudo-random sign of dimension i: top bit of MurmurHash3's 32-bit finaliser (same in every engine). */
export function rotationSign(i: number): 1 | -1 {
  let h = i + 1;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 31 === 1 ? -1 : 1;
}

const signCache = new Map<number, Float64Array>();
function signsFor(dims: number): Float64Array {
  let s = signCache.get(dims);
  if (!s) {
    s = new Float64Array(dims);
    for (let i = 0; i < dims; i++) s[i] = rotationSign(i);
    signCache.set(dims, s);
  }
  return s;
}

/** Normalised (orthonormal, self-inverse) Walsh-Hadamard transform of each block of v, in place. */
function hadamardBlocks(v: Float64Array, block: number): void {
  for (let start = 0; start < v.length; start += block) {
    for (let h = 1; h < block; h *= 2) {
      for (let i = start; i < start + block; i += 2 * h) {
        for (let j = i; j < i + h; j++) {
          const a = v[j];
          const b = v[j + h];
          v[j] = a + b;
          v[j + h] = a - b;
        }
      }
    }
  }
  const norm = 1 / Math.sqrt(block);
  if (block > 1) for (let i = 0; i < v.length; i++) v[i] *= norm;
}

/** out = R(src): sign flips, then the block Hadamard transform. */
export function rotateForInt8(src: ArrayLike<number>, out: Float64Array): Float64Array {
  const dims = out.length;
  const signs = signsFor(dims);
  for (let i = 0; i < dims; i++) out[i] = src[i] * signs[i];
  hadamardBlocks(out, rotationBlock(dims));
  return out;
}

/** v = R^-1(v) in place: the Hadamard blocks are their own inverse, then the same sign flips. */
export function unrotateForInt8(v: Float64Array): Float64Array {
  const signs = signsFor(v.length);
  hadamardBlocks(v, rotationBlock(v.length));
  for (let i = 0; i < v.length; i++) v[i] *= signs[i];
  return v;
}

// ---------------------------------------------------------------------------------------------
// building, encoding, decoding

export function encodedByteLength(rows: number, dims: number, storage: MatrixStorage): number {
  checkShape(rows, dims, storage);
  return storage === 'int8' ? rows * (4 + dims) : rows * dims * 2;
}

export function quantizeMatrix(values: Float32Array, rows: number, dims: number, storage: MatrixStorage): ConceptMatrix {
  checkShape(rows, dims, storage);
  if (values.length !== rows * dims) throw new Error(`matrix values: expected ${rows} x ${dims} = ${rows * dims}, got ${values.length}`);
  const m = new PackedMatrix(rows, dims, storage);
  const { stride } = m;
  const rotated = new Float64Array(storage === 'int8' ? dims : 0);
  for (let r = 0; r < rows; r++) {
    const src = r * dims;
    const dst = r * stride;
    if (storage === 'int8') {
      for (let d = 0; d < dims; d++) {
        const v = values[src + d];
        if (!Number.isFinite(v)) throw new Error(`matrix row ${r} has a non-finite value (${v}) at dim ${d}`);
      }
      rotateForInt8(values.subarray(src, src + dims), rotated);
      let maxAbs = 0;
      for (let d = 0; d < dims; d++) {
        const a = Math.abs(rotated[d]);
        if (a > maxAbs) maxAbs = a;
      }
      const scale = Math.fround(maxAbs / 127);
      m.scales[r] = scale;
      if (scale === 0) continue;
      const data = m.data as Int8Array;
      for (let d = 0; d < dims; d++) {
        // Dividing by the stored (f32) scale keeps each value's error within half a step of it.
        const q = Math.round(rotated[d] / scale);
        data[dst + d] = q > 127 ? 127 : q < -127 ? -127 : q;
      }
    } else {
      const data = m.data as Uint16Array;
      for (let d = 0; d < dims; d++) {
        let h = f32ToF16Bits(values[src + d]);
        if ((h & 0x7c00) === 0x7c00) throw new Error(`matrix row ${r} dim ${d}: ${values[src + d]} does not fit f16 (finite, |x| < 65520)`);
        // No subnormal halves: the kernel's conversion makes them f32 subnormals, which cost x86 a
        // microcode assist per multiply (searches ~30% slower at 0.3% subnormals). Rounding |x| < 2^-14
        // to 0 or +-2^-14 instead errs by at most 2^-15 = 3e-5 on those few values.
        if ((h & 0x7c00) === 0 && (h & 0x3ff) !== 0) h = (h & 0x8000) | ((h & 0x3ff) >= 0x200 ? 0x0400 : 0);
        data[dst + d] = h;
      }
    }
  }
  return m;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeMatrix(matrix: ConceptMatrix): Uint8Array<ArrayBuffer> {
  const m = asPacked(matrix);
  const { rows, dims, stride } = m;
  const out = new Uint8Array(encodedByteLength(rows, dims, m.storage));
  const view = new DataView(out.buffer);
  if (m.storage === 'int8') {
    const data = m.data as Int8Array;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.length);
    for (let r = 0; r < rows; r++) {
      const o = r * (4 + dims);
      view.setFloat32(o, m.scales[r], true);
      out.set(bytes.subarray(r * stride, r * stride + dims), o + 4);
    }
  } else {
    const data = m.data as Uint16Array;
    if (LITTLE_ENDIAN) {
      const dst = new Uint16Array(out.buffer);
      for (let r = 0; r < rows; r++) dst.set(data.subarray(r * stride, r * stride + dims), r * dims);
    } else {
      for (let r = 0; r < rows; r++) for (let d = 0; d < dims; d++) view.setUint16((r * dims + d) * 2, data[r * stride + d], true);
    }
  }
  return out;
}

export function decodeMatrix(bytes: Uint8Array, rows: number, dims: number, storage: MatrixStorage): ConceptMatrix {
  const expected = encodedByteLength(rows, dims, storage);
  if (bytes.byteLength !== expected) {
    const per = storage === 'int8' ? `(4 + ${dims}) bytes per row` : `2 bytes per value`;
    throw new Error(`matrix bytes: expected ${expected} for ${rows} x ${dims} ${storage} (${per}), got ${bytes.byteLength}`);
  }
  const m = new PackedMatrix(rows, dims, storage);
  const { stride } = m;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (storage === 'int8') {
    const data = m.data as Int8Array;
    const src = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let r = 0; r < rows; r++) {
      const o = r * (4 + dims);
      const scale = view.getFloat32(o, true);
      if (!(scale >= 0) || !Number.isFinite(scale)) throw new Error(`matrix bytes: row ${r} has an invalid scale (${scale}); the data is corrupt`);
      m.scales[r] = scale;
      data.set(src.subarray(o + 4, o + 4 + dims), r * stride);
    }
  } else {
    const data = m.data as Uint16Array;
    if (LITTLE_ENDIAN && bytes.byteOffset % 2 === 0) {
      const src = new Uint16Array(bytes.buffer, bytes.byteOffset, rows * dims);
      for (let r = 0; r < rows; r++) data.set(src.subarray(r * dims, (r + 1) * dims), r * stride);
    } else {
      for (let r = 0; r < rows; r++) for (let d = 0; d < dims; d++) data[r * stride + d] = view.getUint16((r * dims + d) * 2, true);
    }
    // The kernel assumes finite halves (see kernels/vectorKernel.wat); refusing them here keeps both search
    // paths identical and catches corrupt data early.
    for (let i = 0; i < data.length; i++) {
      if ((data[i] & 0x7c00) === 0x7c00) {
        const r = Math.floor(i / stride);
        throw new Error(`matrix bytes: row ${r} dim ${i - r * stride} is infinite or NaN; the data is corrupt`);
      }
    }
  }
  return m;
}

export function getRow(matrix: ConceptMatrix, i: number): Float32Array {
  const m = asPacked(matrix);
  if (!Number.isInteger(i) || i < 0 || i >= m.rows) throw new Error(`row ${i} out of range 0..${m.rows - 1}`);
  const row = new Float32Array(m.dims);
  const base = i * m.stride;
  if (m.storage === 'int8') {
    const scale = m.scales[i];
    if (scale === 0) return row;
    const v = new Float64Array(m.dims);
    for (let d = 0; d < m.dims; d++) v[d] = m.data[base + d] * scale;
    row.set(unrotateForInt8(v));
  } else {
    const table = halfToF32Table();
    for (let d = 0; d < m.dims; d++) row[d] = table[m.data[base + d]];
  }
  return row;
}

/** Which kernel topK uses for this matrix by default (for the model panel and benchmarks). */
export function matrixKernel(matrix: ConceptMatrix): VectorKernel {
  return asPacked(matrix).kernel ? 'wasm-simd' : 'js';
}

/**
 * A copy of the matrix in a shared WebAssembly.Memory, for searching it from several workers
 * (searchPool.ts), or null where that is impossible: no shared memory or threads feature (a page
 * that is not cross-origin isolated), or a matrix on the JS path. Search results are the same.
 */
export function shareMatrix(matrix: ConceptMatrix): ConceptMatrix | null {
  const m = asPacked(matrix);
  if (m.shared) return m;
  if (!m.memory || typeof SharedArrayBuffer === 'undefined' || !wasmKernelModule(true)) return null;
  let copy: PackedMatrix;
  try {
    copy = new PackedMatrix(m.rows, m.dims, m.storage, true);
  } catch {
    return null;
  }
  // Same shape, same layout: one copy of the bytes carries rows, scales and (if filled) corrections.
  new Uint8Array(copy.memory!.buffer, 0, m.byteLength).set(new Uint8Array(m.memory.buffer, 0, m.byteLength));
  return copy;
}

/** The shared memory of a matrix made by shareMatrix (null for any other). */
export function sharedMatrixMemory(matrix: ConceptMatrix): WebAssembly.Memory | null {
  const m = asPacked(matrix);
  return m.shared ? m.memory : null;
}

/** Gives a shared matrix the team its kernel calls go through (null: back to this realm alone). */
export function setMatrixTeam(matrix: ConceptMatrix, team: KernelTeam | null): void {
  const m = asPacked(matrix);
  if (team && !m.shared) throw new Error('only a matrix made by shareMatrix can be searched by a team');
  m.team = team;
}

/** Whether `int8Query: 'i7'` searches run the relaxed-SIMD kernel in this realm. */
export function relaxedSimdAvailable(): boolean {
  return wasmKernelModule() !== null && relaxedKernelModule() !== null;
}

/** Whether this realm can run the WebAssembly SIMD kernel at all. */
export function wasmSimdAvailable(): boolean {
  return wasmKernelModule() !== null;
}

// ---------------------------------------------------------------------------------------------
// scoring

function checkQueries(m: PackedMatrix, queries: Float32Array, queryCount: number): void {
  if (!Number.isInteger(queryCount) || queryCount < 0) throw new Error(`queryCount must be a non-negative integer, got ${queryCount}`);
  if (queries.length !== queryCount * m.dims) {
    throw new Error(`queries: expected ${queryCount} x ${m.dims} = ${queryCount * m.dims} values, got ${queries.length}`);
  }
}

/** How one search runs: which code, and (int8) whether queries are quantised to 7 bits. */
interface SearchPath {
  wasm: boolean;
  i7: boolean;
  relaxed: boolean;
}

function searchPath(m: PackedMatrix, options: SearchOptions | undefined): SearchPath {
  const want = options?.kernel ?? 'auto';
  if (want === 'wasm' && !m.kernel) throw new Error('the WebAssembly SIMD kernel is not available here');
  const wasm = want !== 'js' && m.kernel !== null;
  const i7 = m.storage === 'int8' && options?.int8Query === 'i7';
  return { wasm, i7, relaxed: i7 && wasm && m.relaxed() !== null };
}

const blockScales = new Float64Array(QUERY_BLOCK);

/**
 * Scores queries q0 .. q0+count-1 (count <= 4) against every row into m.out (row * 4 + j) and returns
 * the factor each query's column must still be multiplied by (int8: the query scale; f16: 1).
 */
function scoreBlock(m: PackedMatrix, queries: Float32Array, q0: number, count: number, path: SearchPath): Float64Array {
  const { dims, stride, rows } = m;
  const { wasm, i7, relaxed } = path;
  if (m.storage === 'int8') {
    const q = m.qI16;
    const qU8 = m.qU8;
    if (relaxed) qU8.fill(I7_OFFSET); // padding dims: value 0
    else q.fill(0);
    for (let j = 0; j < QUERY_BLOCK; j++) {
      blockScales[j] = 0;
      if (j >= count) continue;
      const src = (q0 + j) * dims;
      const rq = rotateForInt8(queries.subarray(src, src + dims), m.rotatedQuery);
      let maxAbs = 0;
      let l1 = 0;
      for (let d = 0; d < dims; d++) {
        const a = Math.abs(rq[d]);
        if (a > maxAbs) maxAbs = a;
        l1 += a;
      }
      if (!Number.isFinite(l1)) {
        blockScales[j] = NaN; // NaN scores are never selected, like the f16 path does with NaN queries
        continue;
      }
      if (maxAbs === 0) continue;
      // |int8| <= 128 and sum |q_int| <= l1 / scale + dims / 2, so this scale keeps every partial and
      // total i32 sum below 2^31; for unit vectors up to ~2k dims the int16 range is the binding limit.
      // 7 bits: 128 * 63 * dims stays below 2^31 up to 266k dims, so only the range limits the scale.
      const scale = i7 ? maxAbs / I7_MAX : Math.max(maxAbs / 32767, (128 * l1) / (I32_MAX - 64 * stride));
      const inv = 1 / scale;
      blockScales[j] = scale;
      if (relaxed) {
        // interleaved: 16-dim chunk c, query j -> 16 bytes at (c * 4 + j) * 16, offset into [1, 127]
        for (let d = 0; d < dims; d++) qU8[((d >> 4) << 6) + (j << 4) + (d & 15)] = Math.round(rq[d] * inv) + I7_OFFSET;
      } else if (wasm) {
        // interleaved: 8-dim chunk c, query j -> 8 int16 at (c * 4 + j) * 8
        for (let d = 0; d < dims; d++) q[((d >> 3) << 5) + (j << 3) + (d & 7)] = Math.round(rq[d] * inv);
      } else {
        const base = j * stride;
        for (let d = 0; d < dims; d++) q[base + d] = Math.round(rq[d] * inv);
      }
    }
    if (wasm) m.call({ kernel: relaxed ? 'dotI8Relaxed' : 'dotI8', row: m.dataOffset, scale: m.scalesOffset, rows, stride, q: m.queryOffset, out: m.outOffset, corr: m.corrOffset });
    else jsDotI8(m);
  } else {
    const q = m.qF32;
    q.fill(0);
    for (let j = 0; j < QUERY_BLOCK; j++) {
      blockScales[j] = 1;
      if (j >= count) continue;
      const src = (q0 + j) * dims;
      if (wasm) {
        // interleaved: 4-dim chunk c, query j -> 4 f32 at (c * 4 + j) * 4
        for (let d = 0; d < dims; d++) q[((d >> 2) << 4) + (j << 2) + (d & 3)] = queries[src + d];
      } else {
        q.set(queries.subarray(src, src + dims), j * stride);
      }
    }
    if (wasm) m.call({ kernel: 'dotF16', row: m.dataOffset, scale: 0, rows, stride: stride * 2, q: m.queryOffset, out: m.outOffset, corr: 0 });
    else jsDotF16(m);
  }
  return blockScales;
}

/** JS twin of dotI8: exact integer sums, then the same two f32 roundings. */
function jsDotI8(m: PackedMatrix): void {
  const { rows, stride, scales, out } = m;
  const data = m.data as Int8Array;
  const q = m.qI16;
  const o1 = stride;
  const o2 = 2 * stride;
  const o3 = 3 * stride;
  for (let r = 0; r < rows; r++) {
    const base = r * stride;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let d = 0; d < stride; d++) {
      const x = data[base + d];
      a0 += x * q[d];
      a1 += x * q[o1 + d];
      a2 += x * q[o2 + d];
      a3 += x * q[o3 + d];
    }
    const s = scales[r];
    // The store into a Float32Array is the second rounding, as f32x4.mul does in the kernel.
    out[r * 4] = Math.fround(a0) * s;
    out[r * 4 + 1] = Math.fround(a1) * s;
    out[r * 4 + 2] = Math.fround(a2) * s;
    out[r * 4 + 3] = Math.fround(a3) * s;
  }
}

/** JS twin of dotF16: 4 f32 lanes per query, each product and sum rounded to f32, lanes summed as (0+2)+(1+3). */
function jsDotF16(m: PackedMatrix): void {
  const { rows, stride, out } = m;
  const data = m.data as Uint16Array;
  const q = m.qF32;
  const t = halfToF32Table();
  const f = Math.fround;
  for (let r = 0; r < rows; r++) {
    const base = r * stride;
    for (let j = 0; j < QUERY_BLOCK; j++) {
      const qb = j * stride;
      let l0 = 0;
      let l1 = 0;
      let l2 = 0;
      let l3 = 0;
      for (let d = 0; d < stride; d += 4) {
        l0 = f(l0 + f(t[data[base + d]] * q[qb + d]));
        l1 = f(l1 + f(t[data[base + d + 1]] * q[qb + d + 1]));
        l2 = f(l2 + f(t[data[base + d + 2]] * q[qb + d + 2]));
        l3 = f(l3 + f(t[data[base + d + 3]] * q[qb + d + 3]));
      }
      out[r * 4 + j] = f(l0 + l2) + f(l1 + l3);
    }
  }
}

function selectTop(m: PackedMatrix, j: number, factor: number, k: number, indices: Int32Array, scores: Float32Array, base: number): void {
  selectTopRows(m.out, j, QUERY_BLOCK, factor, m.rows, k, indices, scores, base);
}

/**
 * The k best of `rows` scores f32(values[offset + r * stride] * factor) into indices/scores[base ..
 * base + k): best first, equal scores keep the lower row first, NaN and -Infinity never selected.
 * topK's selection, shared with the GPU search (gpuSearch.ts) so both rank exactly alike.
 */
export function selectTopRows(values: Float32Array, offset: number, stride: number, factor: number, rows: number, k: number, indices: Int32Array, scores: Float32Array, base: number): void {
  if (k <= INSERTION_MAX_K) {
    // Sorted buffer, best first; strict comparisons keep the earlier row first among equal scores.
    let threshold = -Infinity;
    const last = base + k - 1;
    for (let r = 0, o = offset; r < rows; r++, o += stride) {
      const s = Math.fround(values[o] * factor);
      if (s > threshold) {
        let p = last;
        while (p > base && scores[p - 1] < s) {
          scores[p] = scores[p - 1];
          indices[p] = indices[p - 1];
          p--;
        }
        scores[p] = s;
        indices[p] = r;
        threshold = scores[last];
      }
    }
    return;
  }
  const all = new Float32Array(rows);
  const order: number[] = [];
  for (let r = 0; r < rows; r++) {
    const s = Math.fround(values[offset + r * stride] * factor);
    all[r] = s;
    if (s > -Infinity) order.push(r);
  }
  order.sort((a, b) => all[b] - all[a] || a - b);
  const n = Math.min(k, order.length);
  for (let i = 0; i < n; i++) {
    indices[base + i] = order[i];
    scores[base + i] = all[order[i]];
  }
}

/** The k best rows per query by (dequantised) dot product. */
export function topK(matrix: ConceptMatrix, queries: Float32Array, queryCount: number, k: number, options?: SearchOptions): TopKResult {
  const m = asPacked(matrix);
  checkQueries(m, queries, queryCount);
  if (!Number.isInteger(k) || k < 0) throw new Error(`k must be a non-negative integer, got ${k}`);
  const indices = new Int32Array(queryCount * k).fill(-1);
  const scores = new Float32Array(queryCount * k).fill(-Infinity);
  const result: TopKResult = { k, queries: queryCount, indices, scores };
  if (k === 0 || m.rows === 0) return result;
  const path = searchPath(m, options);
  for (let q0 = 0; q0 < queryCount; q0 += QUERY_BLOCK) {
    const count = Math.min(QUERY_BLOCK, queryCount - q0);
    const factors = scoreBlock(m, queries, q0, count, path);
    for (let j = 0; j < count; j++) selectTop(m, j, factors[j], k, indices, scores, (q0 + j) * k);
  }
  return result;
}

/** Every score, queries x rows (row-major): for histograms and tests; topK is the fast path. */
export function scoreAll(matrix: ConceptMatrix, queries: Float32Array, queryCount: number, options?: SearchOptions): Float32Array {
  const m = asPacked(matrix);
  checkQueries(m, queries, queryCount);
  const result = new Float32Array(queryCount * m.rows);
  if (m.rows === 0) return result;
  const path = searchPath(m, options);
  for (let q0 = 0; q0 < queryCount; q0 += QUERY_BLOCK) {
    const count = Math.min(QUERY_BLOCK, queryCount - q0);
    const factors = scoreBlock(m, queries, q0, count, path);
    for (let j = 0; j < count; j++) {
      const base = (q0 + j) * m.rows;
      const f = factors[j];
      for (let r = 0; r < m.rows; r++) result[base + r] = Math.fround(m.out[r * QUERY_BLOCK + j] * f);
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// small vector helpers

export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`dot: length mismatch ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Scales v to unit length in place and returns it; a zero vector stays zero. */
export function l2Normalize(v: Float32Array): Float32Array {
  const n = Math.sqrt(dot(v, v));
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

/** Cosine similarity; 0 when either vector is zero. */
export function cosine(a: Float32Array, b: Float32Array): number {
  const n = Math.sqrt(dot(a, a) * dot(b, b));
  return n > 0 ? dot(a, b) / n : 0;
}

// Loads the WebAssembly SIMD scoring kernels and binds them to a matrix's own WebAssembly.Memory.
// Their source is kernels/*.wat; the bytes come from kernels/vectorKernel.generated.ts, which
// `npm run build:kernel` generates from it with wabt (vectorKernel.test.ts checks it is fresh).
// Compilation is synchronous and happens once per realm (page, worker, Node process): each module is
// about 1 KB, well under the 4 KB limit browsers put on synchronous compilation on a main thread.
// Where WebAssembly or its SIMD extension is missing, or a content security policy forbids compiling,
// `wasmKernelModule()` returns null and vectors.ts uses its pure-JS fallback, which gives the same
// results. The relaxed-SIMD int8 kernel (kernels/vectorKernelRelaxed.wat) is a second, optional
// module: where it does not validate (no relaxed SIMD, e.g. Node 20 without a flag), or fails a
// known-answer test, dotI8 is used. The test is there because validating proves only that the engine
// parses the instruction: Node 20's flagged implementation validates but its baseline compiler
// (Liftoff) computes wrong sums (doubled, accumulator ignored), while its optimising tier is right.
// Each module also comes in a shared-memory build (the same source, its memory import declared
// shared) for matrices that several workers search together (searchPool.ts): `shared` selects it.
import {
  VECTOR_KERNEL_RELAXED_SHARED_WASM,
  VECTOR_KERNEL_RELAXED_WASM,
  VECTOR_KERNEL_SHARED_WASM,
  VECTOR_KERNEL_WASM,
} from './kernels/vectorKernel.generated.ts';

/** (row, scale, rows, stride, q, out): all byte addresses / counts, see kernels/vectorKernel.wat. */
export type DotKernel = (row: number, scale: number, rows: number, stride: number, q: number, out: number) => void;
/** dotI8Relaxed: DotKernel's parameters plus corr, see kernels/vectorKernelRelaxed.wat. */
export type RelaxedDotKernel = (row: number, scale: number, rows: number, stride: number, q: number, out: number, corr: number) => void;
/** sumsI8: (row, rows, stride, corr), writes 64 * (sum of each row's int8 values) as i32. */
export type RowSumKernel = (row: number, rows: number, stride: number, corr: number) => void;

export interface RelaxedKernelInstance {
  readonly dotI8Relaxed: RelaxedDotKernel;
  readonly sumsI8: RowSumKernel;
}

export interface KernelInstance {
  readonly dotI8: DotKernel;
  readonly dotF16: DotKernel;
}

export type KernelName = 'dotI8' | 'dotF16' | 'dotI8Relaxed';

/**
 * One kernel call's arguments (byte addresses and counts, see kernels/*.wat). Rows are independent,
 * so rows [r0, r1) of a call are the call with row + r0 * stride, scale + r0 * 4, out + r0 * 16 and
 * corr + r0 * 4 (`sliceRows`): that is how searchPool.ts splits one call across workers.
 */
export interface KernelCall {
  kernel: KernelName;
  row: number;
  scale: number;
  rows: number;
  stride: number;
  q: number;
  out: number;
  corr: number;
}

/** Rows [r0, r1) of a call. */
export function sliceRows(call: KernelCall, r0: number, r1: number): KernelCall {
  return { ...call, row: call.row + r0 * call.stride, scale: call.scale + r0 * 4, rows: r1 - r0, out: call.out + r0 * 16, corr: call.corr + r0 * 4 };
}

/** Runs a call on kernels bound to the memory its addresses refer to. */
export function runKernelCall(base: KernelInstance, relaxed: RelaxedKernelInstance | null, c: KernelCall): void {
  if (c.kernel === 'dotI8Relaxed') {
    if (!relaxed) throw new Error('the relaxed-SIMD kernel is not available here');
    relaxed.dotI8Relaxed(c.row, c.scale, c.rows, c.stride, c.q, c.out, c.corr);
  } else {
    base[c.kernel](c.row, c.scale, c.rows, c.stride, c.q, c.out);
  }
}

const bytesCache = new Map<string, Uint8Array<ArrayBuffer>>();
const moduleCache = new Map<string, WebAssembly.Module | null>();

function memoBytes(key: string, base64: string): Uint8Array<ArrayBuffer> {
  let bytes = bytesCache.get(key);
  if (!bytes) bytesCache.set(key, (bytes = decodeBase64(base64)));
  return bytes;
}

/** The kernel binary (memoised), decoded from the generated module. */
export function vectorKernelBytes(shared = false): Uint8Array<ArrayBuffer> {
  return shared ? memoBytes('shared', VECTOR_KERNEL_SHARED_WASM) : memoBytes('own', VECTOR_KERNEL_WASM);
}

/** The relaxed-SIMD int8 kernel binary (memoised). */
export function relaxedKernelBytes(shared = false): Uint8Array<ArrayBuffer> {
  return shared ? memoBytes('relaxed-shared', VECTOR_KERNEL_RELAXED_SHARED_WASM) : memoBytes('relaxed-own', VECTOR_KERNEL_RELAXED_WASM);
}

// atob exists in browsers, workers and Node >= 16; Uint8Array.fromBase64 is not yet everywhere.
function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function compileIfValid(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  try {
    if (typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function') {
      // validate() is false on engines without the feature; compiling then would throw a less clear error.
      if (WebAssembly.validate(bytes)) return new WebAssembly.Module(bytes);
    }
  } catch {
    // CSP without 'wasm-unsafe-eval', or a main-thread size limit: the caller falls back.
  }
  return null;
}

function memoModule(key: string, make: () => WebAssembly.Module | null): WebAssembly.Module | null {
  if (!moduleCache.has(key)) moduleCache.set(key, make());
  return moduleCache.get(key) ?? null;
}

/**
 * The compiled kernel module, or null where WebAssembly SIMD cannot be used here (shared: also
 * where shared WebAssembly memory, i.e. the threads feature, is missing).
 */
export function wasmKernelModule(shared = false): WebAssembly.Module | null {
  return memoModule(shared ? 'shared' : 'own', () => compileIfValid(vectorKernelBytes(shared)));
}

/**
 * The compiled relaxed-SIMD int8 kernel, or null where relaxed SIMD is missing. Validating this very
 * module is the feature test: an engine that accepts it runs exactly these instructions.
 */
export function relaxedKernelModule(shared = false): WebAssembly.Module | null {
  return memoModule(shared ? 'relaxed-shared' : 'relaxed-own', () => {
    const module = wasmKernelModule(shared) ? compileIfValid(relaxedKernelBytes(shared)) : null;
    return module && relaxedKernelWorks(module, shared) ? module : null;
  });
}

/**
 * Known-answer test of a compiled relaxed kernel: 2 rows x 32 dims with the extreme int8 values and
 * 7-bit queries, against exact integer sums. True when both kernels give exactly those.
 */
export function relaxedKernelWorks(relaxed: WebAssembly.Module, shared = false): boolean {
  try {
    const memory = new WebAssembly.Memory(shared ? { initial: 1, maximum: 1, shared: true } : { initial: 1 });
    const { dotI8Relaxed, sumsI8 } = new WebAssembly.Instance(relaxed, { env: { memory } }).exports as unknown as RelaxedKernelInstance;
    const rows = 2;
    const stride = 32;
    const buf = memory.buffer;
    const data = new Int8Array(buf, 0, rows * stride);
    for (let i = 0; i < data.length; i++) data[i] = i < 16 ? -128 : i < 24 ? 127 : ((i * 37) % 255) - 127;
    new Float32Array(buf, 64, rows).set([1, 1]);
    const q = (j: number, d: number): number => (((d + 11 * j) * 29) % 127) - 63; // [-63, 63]
    const qb = new Uint8Array(buf, 128, 4 * stride);
    for (let j = 0; j < 4; j++) for (let d = 0; d < stride; d++) qb[((d >> 4) << 6) + (j << 4) + (d & 15)] = q(j, d) + 64;
    sumsI8(0, rows, stride, 256);
    dotI8Relaxed(0, 64, rows, stride, 128, 512, 256);
    const corr = new Int32Array(buf, 256, rows);
    const out = new Float32Array(buf, 512, rows * 4);
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let d = 0; d < stride; d++) sum += data[r * stride + d];
      if (corr[r] !== 64 * sum) return false;
      for (let j = 0; j < 4; j++) {
        let exact = 0;
        for (let d = 0; d < stride; d++) exact += data[r * stride + d] * q(j, d);
        if (out[r * 4 + j] !== exact) return false;
      }
    }
    return true;
  } catch {
    return false;
  }
}

export function instantiateKernel(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelInstance {
  const { dotI8, dotF16 } = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelInstance;
  return { dotI8, dotF16 };
}

/** The relaxed-SIMD kernel bound to `memory`, or null where relaxed SIMD is missing or wrong here. */
export function instantiateRelaxedKernel(memory: WebAssembly.Memory, shared = false): RelaxedKernelInstance | null {
  const module = relaxedKernelModule(shared);
  if (!module) return null;
  const { dotI8Relaxed, sumsI8 } = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as RelaxedKernelInstance;
  return { dotI8Relaxed, sumsI8 };
}

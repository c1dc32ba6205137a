// Loads the WebAssembly SIMD scoring kernels (source: vectorKernelWat.ts) and binds them to a
// matrix's own WebAssembly.Memory. Compilation is synchronous and happens once per realm (page,
// worker, Node process): the module is about 1 KB, well under the 4 KB limit browsers put on
// synchronous compilation on a main thread. Where WebAssembly or its SIMD extension is missing, or a
// content security policy forbids compiling, `wasmKernelModule()` returns null and vectors.ts uses its
// pure-JS fallback, which gives the same results.
import { assembleWat } from './vectorKernelAsm.ts';
import { VECTOR_KERNEL_WAT } from './vectorKernelWat.ts';

/** (row, scale, rows, stride, q, out): all byte addresses / counts, see vectorKernelWat.ts. */
export type DotKernel = (row: number, scale: number, rows: number, stride: number, q: number, out: number) => void;

export interface KernelInstance {
  readonly dotI8: DotKernel;
  readonly dotF16: DotKernel;
}

let cachedBytes: Uint8Array<ArrayBuffer> | undefined;
let cachedModule: WebAssembly.Module | null | undefined;

/** The kernel binary, assembled from its WAT source (memoised). */
export function vectorKernelBytes(): Uint8Array<ArrayBuffer> {
  cachedBytes ??= assembleWat(VECTOR_KERNEL_WAT);
  return cachedBytes;
}

/** The compiled kernel module, or null where WebAssembly SIMD cannot be used here. */
export function wasmKernelModule(): WebAssembly.Module | null {
  if (cachedModule !== undefined) return cachedModule;
  cachedModule = null;
  try {
    if (typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function') {
      const bytes = vectorKernelBytes();
      // validate() is false on engines without SIMD; compiling then would throw a less clear error.
      if (WebAssembly.validate(bytes)) cachedModule = new WebAssembly.Module(bytes);
    }
  } catch {
    // CSP without 'wasm-unsafe-eval', or a main-thread size limit: the JS fallback takes over.
    cachedModule = null;
  }
  return cachedModule;
}

export function instantiateKernel(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelInstance {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const { dotI8, dotF16 } = instance.exports as unknown as KernelInstance;
  return { dotI8, dotF16 };
}

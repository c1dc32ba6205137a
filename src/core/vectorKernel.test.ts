// Tests for the kernel module: the shipped bytes are what wabt makes of the .wat sources today (so a
// stale `npm run build:kernel` fails here), and the kernels compute at the documented layout.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileKernel, GENERATED_FILE, KERNEL_SOURCES, renderKernelModule } from '../../scripts/build-kernel.ts';
import { instantiateKernel, vectorKernelBytes, wasmKernelModule } from './vectorKernel.ts';

describe('vector kernel module', () => {
  it('ships exactly the bytes wat2wasm makes of kernels/*.wat (run npm run build:kernel if not)', async () => {
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(await renderKernelModule());
    const main = KERNEL_SOURCES.find((k) => k.wat === 'vectorKernel.wat')!;
    expect(vectorKernelBytes()).toEqual(new Uint8Array(await compileKernel(main)));
  });

  it('is a valid SIMD module small enough for synchronous compilation', () => {
    const bytes = vectorKernelBytes();
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(bytes.length).toBeLessThan(4096); // synchronous compilation stays allowed on a browser main thread
    expect(wasmKernelModule()).not.toBeNull();
  });

  it('computes int8 x int16 dot products and f16 x f32 products at the documented layout', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const k = instantiateKernel(wasmKernelModule()!, memory);
    const buf = memory.buffer;
    // one int8 row of 16 dims (stride 16) with scale 0.5; query j has value (j + 1) at every dim
    new Int8Array(buf, 0, 16).set(Array.from({ length: 16 }, (_, d) => d - 8));
    new Float32Array(buf, 64, 1)[0] = 0.5;
    const q = new Int16Array(buf, 128, 64);
    for (let d = 0; d < 16; d++) for (let j = 0; j < 4; j++) q[((d >> 3) << 5) + (j << 3) + (d & 7)] = j + 1;
    k.dotI8(0, 64, 1, 16, 128, 1024);
    const rowSum = Array.from({ length: 16 }, (_, d) => d - 8).reduce((a, b) => a + b, 0); // -8
    expect(Array.from(new Float32Array(buf, 1024, 4))).toEqual([1, 2, 3, 4].map((j) => rowSum * j * 0.5));

    // one f16 row of 8 dims (stride 16 bytes): 1, -2, 0.5, 2^-24 (subnormal), -0, 65504, 0.25, 3
    new Uint16Array(buf, 2048, 8).set([0x3c00, 0xc000, 0x3800, 0x0001, 0x8000, 0x7bff, 0x3400, 0x4200]);
    const qf = new Float32Array(buf, 4096, 32);
    for (let d = 0; d < 8; d++) for (let j = 0; j < 4; j++) qf[((d >> 2) << 4) + (j << 2) + (d & 3)] = d === 5 ? 0 : j + 1;
    k.dotF16(2048, 0, 1, 16, 4096, 8192);
    const sum = 1 - 2 + 0.5 + 2 ** -24 - 0 + 0 + 0.25 + 3;
    expect(Array.from(new Float32Array(buf, 8192, 4))).toEqual([1, 2, 3, 4].map((j) => Math.fround(sum * j)));
  });
});

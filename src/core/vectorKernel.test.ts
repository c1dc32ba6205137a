// Tests for the WAT assembler (against encodings fixed by the spec and produced by standard tools) and
// for the assembled kernel module itself.
import { describe, expect, it } from 'vitest';
import { assembleWat, WatError } from './vectorKernelAsm.ts';
import { instantiateKernel, vectorKernelBytes, wasmKernelModule } from './vectorKernel.ts';
import { VECTOR_KERNEL_WAT } from './vectorKernelWat.ts';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function readUleb(bytes: number[], at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [value, at];
  }
}

/** The instruction bytes of the single function in a module with one `() -> ()` function `wat`. */
function bodyBytes(wat: string): number[] {
  const bytes = Array.from(assembleWat(`(module (import "env" "memory" (memory 1)) (func ${wat}))`));
  let at = HEADER.length;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, content] = readUleb(bytes, at + 1);
    if (id === 10) {
      const [, afterCount] = readUleb(bytes, content); // one body
      const [bodySize, body] = readUleb(bytes, afterCount);
      expect(bytes[body]).toBe(0); // no locals
      expect(bytes[body + bodySize - 1]).toBe(0x0b);
      return bytes.slice(body + 1, body + bodySize - 1);
    }
    at = content + size;
  }
  throw new Error('no code section');
}

describe('assembleWat', () => {
  it('encodes a function module exactly as wat2wasm does', () => {
    const wasm = assembleWat(`(module
      (func (export "add") (param $a i32) (param $b i32) (result i32)
        local.get $a  local.get $b  i32.add))`);
    expect(Array.from(wasm)).toEqual([
      ...HEADER,
      0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, // type section: (i32, i32) -> i32
      0x03, 0x02, 0x01, 0x00, // function section
      0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, // export "add" = func 0
      0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, // code
    ]);
    const add = new WebAssembly.Instance(new WebAssembly.Module(wasm)).exports.add as (a: number, b: number) => number;
    expect(add(2, 40)).toBe(42);
  });

  it('encodes SIMD memory and lane instructions like LLVM does', () => {
    // Encodings from LLVM's simd-encodings.s: v128.load 48 -> fd 00 04 30, load8x8_s 32 -> fd 01 03 20.
    expect(bodyBytes('i32.const 0 v128.load offset=48 drop')).toEqual([0x41, 0x00, 0xfd, 0x00, 0x04, 0x30, 0x1a]);
    expect(bodyBytes('i32.const 0 v128.load8x8_s offset=32 drop')).toEqual([0x41, 0x00, 0xfd, 0x01, 0x03, 0x20, 0x1a]);
    expect(bodyBytes('i32.const 0 v128.load16x4_s align=2 drop')).toEqual([0x41, 0x00, 0xfd, 0x03, 0x01, 0x00, 0x1a]);
    // Opcodes above 0x7f take two LEB128 bytes: dot_i16x8_s = 0xba, convert_i32x4_s = 0xfa.
    expect(bodyBytes('v128.const i32x4 1 2 3 4 v128.const i32x4 0 0 0 0 i32x4.dot_i16x8_s f32x4.convert_i32x4_s drop').slice(-7)).toEqual([
      0xfd, 0xba, 0x01, 0xfd, 0xfa, 0x01, 0x1a,
    ]);
    expect(bodyBytes('v128.const i32x4 -1 0x8fffffff 0 1 drop')).toEqual([
      0xfd, 0x0c, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x8f, 0, 0, 0, 0, 1, 0, 0, 0, 0x1a,
    ]);
    expect(bodyBytes('i32.const -129 drop i32.const 0x7fffffff drop')).toEqual([0x41, 0xff, 0x7e, 0x1a, 0x41, 0xff, 0xff, 0xff, 0xff, 0x07, 0x1a]);
  });

  it('resolves labels to relative depths', () => {
    expect(bodyBytes('block $out loop $in br $in br $out i32.const 1 br_if $in end end')).toEqual([
      0x02, 0x40, 0x03, 0x40, 0x0c, 0x00, 0x0c, 0x01, 0x41, 0x01, 0x0d, 0x00, 0x0b, 0x0b,
    ]);
  });

  it('rejects what it does not support instead of guessing', () => {
    expect(() => assembleWat('(module (func i32.frobnicate))')).toThrow(WatError);
    expect(() => assembleWat('(module (func br $nowhere))')).toThrow(/unknown label/);
    expect(() => assembleWat('(module (func (i32.add (i32.const 1) (i32.const 2)) drop))')).toThrow(/folded/);
    expect(() => assembleWat('(module (func local.get $x drop))')).toThrow(/unknown local/);
    expect(() => assembleWat('(module (func block))')).toThrow(/unclosed/);
    expect(() => assembleWat('(module (func)')).toThrow(/unbalanced/);
    expect(() => assembleWat('(module (table 1 funcref))')).toThrow(/unsupported module field/);
  });
});

describe('vector kernel module', () => {
  it('assembles deterministically from its WAT source into a valid SIMD module', () => {
    const bytes = vectorKernelBytes();
    expect(bytes).toEqual(assembleWat(VECTOR_KERNEL_WAT));
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

import { describe, expect, it } from 'vitest';
import { chooseDevice, wasmThreads } from './device.ts';
import { BGE_M3, TEST_EMBEDDER } from './models.ts';

const gpu = (hasShaderF16: boolean) => ({ adapter: true, hasShaderF16, isFallbackAdapter: false });

describe('device policy', () => {
  it('uses WebGPU fp16 when the adapter has shader-f16', () => {
    expect(chooseDevice(BGE_M3, gpu(true))).toEqual({ backend: 'webgpu', dtype: 'fp16' });
  });

  it('falls back to WASM q8 with a reason when there is no adapter or no shader-f16 for bge-m3', () => {
    const none = chooseDevice(BGE_M3, { adapter: false, hasShaderF16: false, isFallbackAdapter: false, error: 'requestAdapter() returned no adapter' });
    expect(none).toEqual({ backend: 'wasm', dtype: 'q8', reason: 'no WebGPU adapter (requestAdapter() returned no adapter)' });
    const noF16 = chooseDevice(BGE_M3, gpu(false));
    expect(noF16.backend).toBe('wasm');
    expect(noF16.reason).toMatch(/shader-f16/);
  });

  it('runs the fp32-graph test model on an adapter without shader-f16 (the SwiftShader test adapter)', () => {
    expect(chooseDevice(TEST_EMBEDDER, gpu(false))).toEqual({ backend: 'webgpu', dtype: 'fp32' });
  });

  it('honours a forced WASM setting', () => {
    expect(chooseDevice(BGE_M3, gpu(true), true)).toMatchObject({ backend: 'wasm', dtype: 'q8' });
  });

  it('uses every core for WASM threads only when cross-origin isolated', () => {
    expect(wasmThreads(8, true)).toBe(8);
    expect(wasmThreads(8, false)).toBe(1);
    expect(wasmThreads(undefined, true)).toBe(1);
    expect(wasmThreads(64, true)).toBe(8);
  });
});

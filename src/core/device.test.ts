import { describe, expect, it } from 'vitest';
import { chooseDevice, FALLBACK_ADAPTER_REASON, wasmThreads } from './device.ts';
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

  it('runs the fp32-graph test model on a hardware adapter without shader-f16', () => {
    expect(chooseDevice(TEST_EMBEDDER, gpu(false))).toEqual({ backend: 'webgpu', dtype: 'fp32' });
  });

  // Chromium with --enable-unsafe-webgpu and no GPU offers SwiftShader: the models loaded on it took
  // 23 s to ready (issue 21). Models that could run there (the fp32 test model) must not by default.
  it('refuses a software (fallback) adapter such as SwiftShader and says why', () => {
    const swiftShader = { adapter: true, hasShaderF16: false, isFallbackAdapter: true };
    expect(chooseDevice(TEST_EMBEDDER, swiftShader)).toEqual({ backend: 'wasm', dtype: 'q8', reason: FALLBACK_ADAPTER_REASON });
    expect(chooseDevice(BGE_M3, { ...swiftShader, hasShaderF16: true })).toEqual({ backend: 'wasm', dtype: 'q8', reason: FALLBACK_ADAPTER_REASON });
    expect(FALLBACK_ADAPTER_REASON).toMatch(/software \(fallback\) adapter/);
  });

  it('uses a software adapter when WebGPU is forced (the WebGPU e2e tests), still only with a dtype it can run', () => {
    const swiftShader = { adapter: true, hasShaderF16: false, isFallbackAdapter: true };
    expect(chooseDevice(TEST_EMBEDDER, swiftShader, { forceWebGpu: true })).toEqual({ backend: 'webgpu', dtype: 'fp32' });
    expect(chooseDevice(BGE_M3, swiftShader, { forceWebGpu: true }).reason).toMatch(/shader-f16/);
    expect(chooseDevice(TEST_EMBEDDER, { adapter: false, hasShaderF16: false, isFallbackAdapter: false }, { forceWebGpu: true }).backend).toBe('wasm');
  });

  it('honours a forced WASM setting', () => {
    expect(chooseDevice(BGE_M3, gpu(true), { forceWasm: true })).toMatchObject({ backend: 'wasm', dtype: 'q8' });
  });

  it('uses every core for WASM threads only when cross-origin isolated', () => {
    expect(wasmThreads(8, true)).toBe(8);
    expect(wasmThreads(8, false)).toBe(1);
    expect(wasmThreads(undefined, true)).toBe(1);
    expect(wasmThreads(64, true)).toBe(8);
  });
});

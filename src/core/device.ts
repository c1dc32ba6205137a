// Device policy (DESIGN.md): WebGPU when an adapter works (fp16 when it has shader-f16), else WASM
// with q8. Pure: the worker probes navigator.gpu and passes what it found; this decides and says why.
import { dtypeFor, type Dtype, type EmbedderSpec, type RerankerSpec } from './models.ts';

export interface GpuProbe {
  /** An adapter was returned by navigator.gpu.requestAdapter(). */
  adapter: boolean;
  hasShaderF16: boolean;
  isFallbackAdapter: boolean;
  /** Why there is no adapter (no navigator.gpu, requestAdapter returned null or threw). */
  error?: string;
}

export interface DeviceChoice {
  backend: 'webgpu' | 'wasm';
  dtype: Dtype;
  /** Set when WASM was chosen although WebGPU was considered: shown in the UI. */
  reason?: string;
}

export function chooseDevice(spec: EmbedderSpec | RerankerSpec, probe: GpuProbe, forceWasm = false): DeviceChoice {
  const wasm = (reason?: string): DeviceChoice => ({ backend: 'wasm', dtype: spec.dtype.wasm, reason });
  if (forceWasm) return wasm('WASM chosen in settings');
  if (!probe.adapter) return wasm(`no WebGPU adapter${probe.error ? ` (${probe.error})` : ''}`);
  const dtype = dtypeFor(spec, 'webgpu', probe.hasShaderF16);
  if (!dtype) return wasm(`the WebGPU adapter lacks shader-f16, which ${spec.id} needs for fp16`);
  return { backend: 'webgpu', dtype };
}

/** Threads for onnxruntime-web: all cores when cross-origin isolated (SharedArrayBuffer), else 1. */
export function wasmThreads(hardwareConcurrency: number | undefined, crossOriginIsolated: boolean): number {
  if (!crossOriginIsolated) return 1;
  return Math.max(1, Math.min(8, hardwareConcurrency ?? 1));
}

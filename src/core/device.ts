// Device policy (DESIGN.md): WebGPU when a hardware adapter works (fp16 when it has shader-f16),
// else WASM with q8. Pure: the worker probes navigator.gpu and passes what it found; this decides
// and says why, so the model panel can show the reason whenever WebGPU is not used.
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

/** What the user (setting) or the URL (`?backend=wasm|webgpu`: tests, diagnosis) asks for. */
export interface DeviceOverrides {
  /** WASM even where a WebGPU adapter works. */
  forceWasm?: boolean;
  /**
   * WebGPU even on a software (fallback) adapter such as SwiftShader: the WebGPU e2e tests run the
   * WebGPU code path there. A missing adapter or a missing dtype still means WASM.
   */
  forceWebGpu?: boolean;
}

/** The reason shown when a software adapter is refused (the e2e suite and the model panel match on it). */
export const FALLBACK_ADAPTER_REASON =
  'the WebGPU adapter is a software (fallback) adapter such as SwiftShader, many times slower than WASM on this CPU (add ?backend=webgpu to the address to use it anyway)';

export function chooseDevice(spec: EmbedderSpec | RerankerSpec, probe: GpuProbe, overrides: DeviceOverrides = {}): DeviceChoice {
  const wasm = (reason?: string): DeviceChoice => ({ backend: 'wasm', dtype: spec.dtype.wasm, reason });
  if (overrides.forceWasm) return wasm('WASM chosen in settings');
  if (!probe.adapter) return wasm(`no WebGPU adapter${probe.error ? ` (${probe.error})` : ''}`);
  // Chromium offers SwiftShader with --enable-unsafe-webgpu and no GPU: it computes correctly but
  // about 50x slower than the WASM backend (ENVIRONMENT.md), so a user never gets it by default.
  if (probe.isFallbackAdapter && !overrides.forceWebGpu) return wasm(FALLBACK_ADAPTER_REASON);
  const dtype = dtypeFor(spec, 'webgpu', probe.hasShaderF16);
  if (!dtype) return wasm(`the WebGPU adapter lacks shader-f16, which ${spec.id} needs for fp16`);
  return { backend: 'webgpu', dtype };
}

/** Threads for onnxruntime-web: all cores when cross-origin isolated (SharedArrayBuffer), else 1. */
export function wasmThreads(hardwareConcurrency: number | undefined, crossOriginIsolated: boolean): number {
  if (!crossOriginIsolated) return 1;
  return Math.max(1, Math.min(8, hardwareConcurrency ?? 1));
}

// The engine's model session: probes the GPU adapter, picks the device by the policy in
// src/core/device.ts, starts onnxruntime-web's binary for it, loads the embedder (WebGPU, else
// WASM, with the reason), checks it against the cache's reference vectors, loads the reranker on
// the embedder's device, and turns a WebGPU failure during inference into ENGINE_WEBGPU_LOST.
// Every model call goes through its one queue: concurrent WebGPU sessions fail ("Session already started").
// Start-up: the runtime starts as soon as its binary is known (the last start's choice, remembered,
// lets it start while the adapter is probed), with a one-node session, so its download and
// compilation overlap with the tokenizer, the model file and the taxonomy instead of waiting for
// the model's bytes (the 'gpuProbe' and 'runtime' phases of the model panel).
import { env } from '@huggingface/transformers';
import { InferenceSession } from 'onnxruntime-web/webgpu';
import ortAsyncifyMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortAsyncifyWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { keepFetchedForOffline } from '../src/app/onDemandAssets.ts';
import { selfCheckCosines, SELF_CHECK_MIN_COSINE } from '../src/core/cacheAsset.ts';
import { chooseDevice, type DeviceChoice, type GpuProbe } from '../src/core/device.ts';
import { SELF_CHECK_TEXTS } from '../src/core/embeddingManifest.ts';
import { errorText as errorMessage } from '../src/core/errors.ts';
import { dtypeFor, type ModelPreset, type RerankerSpec } from '../src/core/models.ts';
import { SerialQueue } from '../src/core/serialQueue.ts';
import type { ActiveCache } from '../src/db/cacheManager.ts';
import { configureTransformers, loadEmbedder, loadReranker, loadTokenizer, type FileProgress, type LoadedEmbedder, type LoadedReranker, type RuntimeOptions } from '../src/runtime/transformersModels.ts';
import { ENGINE_WEBGPU_LOST, type EngineConfig } from './engineApi.ts';
import type { StatusReporter } from './engineStatus.ts';

/** A one-node ONNX graph (Identity on a float[1]): creating a session of it starts onnxruntime-web's WASM module. */
const WARM_UP_MODEL = 'CAg6OgoQCgF4EgF5IghJZGVudGl0eRIEd2FybVoPCgF4EgoKCAgBEgQKAggBYg8KAXkSCgoICAESBAoCCAFCBAoAEA0=';

/** Where the worker remembers which ONNX runtime binary the last start chose (Cache Storage: workers have no localStorage). */
const RUNTIME_MEMORY = { cache: 'esco-engine-state', key: 'esco-engine-state/onnx-runtime' } as const;

async function rememberedRuntime(): Promise<'webgpu' | 'wasm' | undefined> {
  try {
    const res = await (await caches.open(RUNTIME_MEMORY.cache)).match(new URL(RUNTIME_MEMORY.key, self.location.href).href);
    const v = res ? await res.text() : '';
    return v === 'webgpu' || v === 'wasm' ? v : undefined;
  } catch {
    return undefined; // no Cache Storage: the probe decides first, as before
  }
}

function rememberRuntime(backend: 'webgpu' | 'wasm'): void {
  if (typeof caches === 'undefined') return;
  void caches
    .open(RUNTIME_MEMORY.cache)
    .then((c) => c.put(new URL(RUNTIME_MEMORY.key, self.location.href).href, new Response(backend)))
    .catch(() => {});
}

const NO_ADAPTER: GpuProbe = { adapter: false, hasShaderF16: false, isFallbackAdapter: false };

async function probeGpu(): Promise<GpuProbe> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { ...NO_ADAPTER, error: 'this browser has no WebGPU' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { ...NO_ADAPTER, error: 'requestAdapter() returned no adapter' };
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    return { adapter: true, hasShaderF16: adapter.features.has('shader-f16'), isFallbackAdapter: Boolean(info?.isFallbackAdapter) };
  } catch (e) {
    return { ...NO_ADAPTER, error: errorMessage(e) };
  }
}

export interface ModelSessionDeps {
  config: EngineConfig;
  preset: ModelPreset;
  status: StatusReporter;
  /** A model is ready on a backend, before the status goes out (the reranker setting is resolved then). */
  onLoaded(): void;
}

export class ModelSession {
  /** The one inference queue: the embedder, the reranker, the regeneration's estimate all go through it. */
  readonly queue = new SerialQueue();
  embedder?: LoadedEmbedder;
  /** What the adapter probe found (a no-adapter stand-in when WASM is forced or WebGPU failed before). */
  gpu?: GpuProbe;
  /** The load in progress or last made: retryModels() waits for it instead of starting a second one. */
  loading?: Promise<void>;
  /** Which onnxruntime-web binary this worker runs: set by its first model load, fixed after it. */
  private ortRuntime?: 'webgpu' | 'wasm';
  /** The runtime's warm-up (warmUpRuntime), started once per worker. */
  private runtimeWarm?: Promise<void>;
  private runtimeSettled!: () => void;
  /**
   * Settles when the runtime's warm-up has (its binary fetched, compiled, instantiated), or when the
   * first load ended without one: the engine holds work that would take this thread meanwhile.
   */
  readonly runtimeStarted = new Promise<void>((resolve) => (this.runtimeSettled = resolve));

  constructor(private readonly deps: ModelSessionDeps) {}

  private get s() {
    return this.deps.status.s;
  }

  load(): Promise<void> {
    this.loading = this.loadEmbedder();
    void this.loading.finally(this.runtimeSettled);
    return this.loading;
  }

  /** Download progress of every model file, for the model panel's bars. */
  readonly onProgress = (p: FileProgress): void => {
    // Whole-model events ('ready') carry no file name: only files get a progress bar.
    if (!p.file) return;
    const name = `${p.model}/${p.file}`;
    let f = this.s.files.find((x) => `${x.model}/${x.file}` === name);
    if (!f) {
      f = { model: p.model, file: p.file, loaded: 0, total: 0, done: false };
      this.s.files.push(f);
    }
    if (p.total) f.total = p.total;
    if (p.loaded) f.loaded = p.loaded;
    if (p.status === 'done') {
      f.done = true;
      if (f.total) f.loaded = f.total;
    }
    this.deps.status.emit();
  };

  private async loadEmbedder(): Promise<void> {
    const { config, preset } = this.deps;
    const spec = preset.embedder;
    this.s.embedder.phase = 'loading';
    this.s.embedder.error = undefined;
    this.deps.status.emit(true);
    // The tokenizer needs no device: it loads while the adapter is probed (250-600 ms in headless Chromium here).
    const tokenizer = loadTokenizer(spec, { modelHost: config.modelHost, onProgress: this.onProgress });
    tokenizer.catch(() => {}); // awaited by loadOn; a failure must not be reported as unhandled meanwhile
    const probes = !config.forceWasm && !config.webgpuFailure;
    const probing = probes ? this.deps.status.time('gpuProbe', probeGpu) : Promise.resolve(NO_ADAPTER);
    // The last visit's decision starts the runtime while the adapter is probed: the probe decides
    // the device, the memory only which binary starts (either runs WASM; only the asyncify one runs
    // WebGPU). Not when WebGPU is forced (tests, diagnosis): that asks for the WebGPU binary.
    const remembered = probes && !config.forceWebGpu ? await rememberedRuntime() : undefined;
    if (remembered) {
      this.startOrtRuntime(remembered);
      this.warmUpRuntime(remembered);
    }
    this.gpu = await probing;
    const lost = config.webgpuFailure;
    let choice: DeviceChoice = lost
      ? { backend: 'wasm', dtype: spec.dtype.wasm, reason: `WebGPU failed during inference (${lost}); WASM until you try WebGPU again` }
      : chooseDevice(spec, this.gpu, { forceWasm: config.forceWasm, forceWebGpu: config.forceWebGpu });
    if (probes) rememberRuntime(choice.backend);
    if (choice.backend === 'webgpu' && this.ortRuntime === 'wasm') {
      const why = remembered ? 'WebGPU was not available on the last visit, so this one started its ONNX runtime without it' : 'this engine started its ONNX runtime without WebGPU';
      choice = { backend: 'wasm', dtype: spec.dtype.wasm, reason: `${why}; reload the page to use WebGPU` };
    }
    this.startOrtRuntime(choice.backend);
    this.warmUpRuntime(choice.backend);
    let reason = choice.reason;
    if (choice.backend === 'webgpu') {
      try {
        this.embedder = await this.loadOn(choice, undefined, tokenizer);
        return;
      } catch (e) {
        reason = `WebGPU failed: ${errorMessage(e)}`;
      }
    }
    try {
      this.embedder = await this.loadOn({ backend: 'wasm', dtype: spec.dtype.wasm }, reason, tokenizer);
    } catch (e) {
      this.s.embedder.phase = 'failed';
      this.s.embedder.error = errorMessage(e);
      this.deps.status.emit(true);
    }
  }

  /**
   * Points onnxruntime-web at its binary before the first session. The WASM-only build is 14.3 MB
   * against the WebGPU-capable (asyncify) build's 26.9 MB, and compiles faster (BENCHMARKS.md 2h), so
   * a worker that will not use WebGPU starts the small one. A WebGPU worker that falls back to WASM
   * keeps the asyncify build, which runs both. The runtime starts once per worker: the first choice stays.
   */
  private startOrtRuntime(backend: 'webgpu' | 'wasm'): void {
    if (this.ortRuntime) return;
    this.ortRuntime = backend;
    const [wasm, mjs] = backend === 'webgpu' ? [ortAsyncifyWasm, ortAsyncifyMjs] : [ortWasm, ortMjs];
    const wasmPaths = { wasm: new URL(wasm, self.location.href).href, mjs: new URL(mjs, self.location.href).href };
    // The binary is not precached (vite.config.ts): the one this worker downloads is kept for offline use as it streams in.
    if (import.meta.env.PROD) keepFetchedForOffline([wasmPaths.wasm]);
    // transformers.js would fetch the binary itself (its useWasmCache, a second copy in its own
    // cache) and hand onnxruntime-web the bytes: compiled from an ArrayBuffer, on every visit, with
    // no code cache. Left to onnxruntime-web, it is compiled while it streams in, and from the
    // service worker's cache on a returning visit, so Chromium can reuse the compiled code.
    env.useWasmCache = false;
    configureTransformers({ modelHost: this.deps.config.modelHost, wasmPaths, numThreads: this.s.threads });
  }

  /**
   * Starts onnxruntime-web now (its binary's fetch, compilation and instantiation; on WebGPU the
   * device too), not when the model's session is created: transformers.js first reads the model
   * file (34 MB for bge-small-en, from Cache Storage or the network), and only then would the
   * 14-27 MB binary start to download and compile. The warm-up session uses the backend the model
   * will use (two backends initialising at once fail: "multiple calls to 'initWasm()'"), and every
   * later session creation waits for it (the WebGPU build refuses two at once: "another WebGPU EP
   * inference session is being created"), so the model's files still load meanwhile. A failure here
   * is not reported: the model's own session meets it and says it with the model's name.
   */
  private warmUpRuntime(backend: 'webgpu' | 'wasm'): void {
    if (this.runtimeWarm) return;
    const bytes = Uint8Array.from(atob(WARM_UP_MODEL), (c) => c.charCodeAt(0));
    const create = InferenceSession.create.bind(InferenceSession) as (...args: unknown[]) => Promise<InferenceSession>;
    const warm = (this.runtimeWarm = this.deps.status
      .time('runtime', async () => {
        const session = await create(bytes, { executionProviders: [backend] });
        await session.release();
      })
      .catch(() => {})
      .finally(this.runtimeSettled));
    // transformers.js calls InferenceSession.create on the same (shared) class.
    (InferenceSession as unknown as { create: (...args: unknown[]) => Promise<InferenceSession> }).create = async (...args: unknown[]) => {
      await warm;
      return create(...args);
    };
  }

  private async loadOn(choice: DeviceChoice, fallbackReason?: string, tokenizer?: RuntimeOptions['tokenizer']): Promise<LoadedEmbedder> {
    const embedder = await loadEmbedder(this.deps.preset.embedder, { backend: choice.backend, dtype: choice.dtype, modelHost: this.deps.config.modelHost, onProgress: this.onProgress, tokenizer });
    if (choice.backend === 'webgpu') {
      // Device loss after loading also sends us to WASM.
      await this.queue.run(() => embedder.embed(['warm-up'])).catch(async (e) => {
        await embedder.dispose();
        throw e;
      });
    }
    this.s.backend = choice.backend;
    this.s.dtype = choice.dtype;
    this.deps.onLoaded();
    this.s.fallbackReason = fallbackReason;
    this.s.embedder.phase = 'ready';
    this.deps.status.emit(true);
    return embedder;
  }

  /** Compares the loaded model with the cache's reference vectors; on WebGPU a mismatch falls back to WASM. */
  async runSelfCheck(cache: ActiveCache | undefined): Promise<void> {
    if (!this.embedder || !cache) return;
    const ref = cache.manifest.selfCheck;
    if (!ref.vectors.length) return;
    const dims = this.deps.preset.embedder.dims;
    const check = async (e: LoadedEmbedder) => selfCheckCosines(ref.vectors, await this.queue.run(() => e.embed(ref.texts.length ? ref.texts : SELF_CHECK_TEXTS)), dims);
    let cosines = await check(this.embedder);
    let ok = cosines.every((c) => c >= SELF_CHECK_MIN_COSINE);
    if (!ok && this.s.backend === 'webgpu') {
      const min = Math.min(...cosines).toFixed(3);
      await this.embedder.dispose();
      this.embedder = await this.loadOn({ backend: 'wasm', dtype: this.deps.preset.embedder.dtype.wasm }, `self-check failed on WebGPU (cosine ${min} < ${SELF_CHECK_MIN_COSINE})`);
      cosines = await check(this.embedder);
      ok = cosines.every((c) => c >= SELF_CHECK_MIN_COSINE);
    }
    this.s.selfCheck = { cosines, ok };
    if (!ok) this.s.embedder.error = `the model's output does not match the embedding cache (self-check cosine ${Math.min(...cosines).toFixed(3)}): regenerate the cache`;
    this.deps.status.emit(true);
  }

  /** Loads the reranker on the embedder's device; WASM when it cannot run on this adapter. */
  loadReranker(spec: RerankerSpec): Promise<LoadedReranker> {
    const onGpu = this.s.backend === 'webgpu' ? dtypeFor(spec, 'webgpu', this.gpu?.hasShaderF16) : null;
    const choice = onGpu ? { backend: 'webgpu' as const, dtype: onGpu } : { backend: 'wasm' as const, dtype: spec.dtype.wasm };
    return loadReranker(spec, { ...choice, modelHost: this.deps.config.modelHost, onProgress: this.onProgress });
  }

  /** Every embedding goes through the one queue. */
  async embed(texts: string[]): Promise<Float32Array> {
    const e = this.embedder;
    if (!e) throw new Error(this.s.embedder.error ?? 'the embedding model is not loaded yet');
    return this.onWebGpu(() => this.queue.run(() => e.embed(texts)));
  }

  /**
   * A WebGPU failure during inference (a lost device, a driver reset) leaves onnxruntime-web's
   * module unusable for this worker, WASM sessions included (measured: they fail on the lost
   * device's buffers too). So it is reported as ENGINE_WEBGPU_LOST and the page starts a fresh
   * worker on WASM, which stays on WASM until the user asks for WebGPU again.
   */
  async onWebGpu<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      // extract() runs embed() inside: an error already marked once is passed on as it is.
      if (this.s.backend !== 'webgpu' || errorMessage(err).startsWith(ENGINE_WEBGPU_LOST)) throw err;
      throw new Error(`${ENGINE_WEBGPU_LOST}: ${errorMessage(err)}`);
    }
  }

  /** Test hook (e2e): destroys the WebGPU device onnxruntime-web runs on, as a driver reset would. */
  async loseGpuDevice(): Promise<boolean> {
    const webgpu = (env.backends.onnx as { webgpu?: { device?: GPUDevice | Promise<GPUDevice> } }).webgpu;
    const device = await webgpu?.device;
    if (!device) return false;
    device.destroy();
    return true;
  }
}

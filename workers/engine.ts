// The engine behind the worker: loads the taxonomy, picks the device (WebGPU, else WASM) and loads
// the models with fallback and a self-check, resolves the embedding cache, and serves extraction,
// regeneration and cache backup through one inference queue. Pipeline, cache and device logic live
// in src/core and src/db; this class wires them to browser APIs and reports status.
import { errorText as errorMessage } from '../src/core/errors.ts';
import { selfCheckCosines, SELF_CHECK_MIN_COSINE } from '../src/core/cacheAsset.ts';
import { chooseDevice, wasmThreads, type DeviceChoice, type GpuProbe } from '../src/core/device.ts';
import { SELF_CHECK_TEXTS } from '../src/core/embeddingManifest.ts';
import { buildLexicalIndex, type LexicalIndex, type LexicalMatch } from '../src/core/lexical.ts';
import { dtypeFor, findPreset, PRESETS, queryEmbedder, type ModelPreset } from '../src/core/models.ts';
import { modelHash, modelHashInputs } from '../src/core/modelHash.ts';
import { DEFAULT_EXTRACT_OPTIONS, extract, rerankPassage, type ExtractionProgress, type ExtractOptions, type ExtractionResult } from '../src/core/pipeline.ts';
import { automaticReranker, RERANK_BUDGET_MS } from '../src/core/rerankShortlist.ts';
import { defaultThresholds } from '../src/core/thresholds.ts';
import { SerialQueue } from '../src/core/serialQueue.ts';
import { validateTaxonomy, type Taxonomy } from '../src/core/taxonomy.ts';
import {
  estimateRegeneration,
  exportCache,
  importCache,
  regenerateCache,
  RegenerationBusyError,
  regenerationLockName,
  resolveCache,
  type ActiveCache,
  type CacheExpectation,
} from '../src/db/cacheManager.ts';
import { openCacheStore, type CacheStore } from '../src/db/cacheStore.ts';
import { env } from '@huggingface/transformers';
import { configureTransformers, loadEmbedder, loadReranker, loadTokenizer, type FileProgress, type LoadedEmbedder, type LoadedReranker, type RuntimeOptions } from '../src/runtime/transformersModels.ts';
import ortAsyncifyMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortAsyncifyWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { BatchJobs } from './batchJobs.ts';
import { ConceptSearchBackends } from './conceptSearch.ts';
import type { InputFile } from '../src/db/batchStore.ts';
import { ENGINE_WEBGPU_LOST, type BatchView, type CacheView, type EngineApi, type EngineConfig, type EngineStatus, type ExtractRequest, type RegenerationView, type StaleCacheView } from './engineApi.ts';

const DEFAULT_STORAGE = 'int8' as const;
/** The least time between two partial results sent to the page while the reranker refines one text. */
const PARTIAL_MIN_INTERVAL_MS = 250;
/** How long an automatic-mode extraction waits for the reranker's first timing before finishing without it. */
const RERANK_DECISION_WAIT_MS = 10_000;
/** Pairs timed after the reranker loads (two queries of two passages, as the shortlist's calls are small). */
const RERANK_TIMING_PAIRS = 4;


async function probeGpu(): Promise<GpuProbe> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { adapter: false, hasShaderF16: false, isFallbackAdapter: false, error: 'this browser has no WebGPU' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { adapter: false, hasShaderF16: false, isFallbackAdapter: false, error: 'requestAdapter() returned no adapter' };
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    return { adapter: true, hasShaderF16: adapter.features.has('shader-f16'), isFallbackAdapter: Boolean(info?.isFallbackAdapter) };
  } catch (e) {
    return { adapter: false, hasShaderF16: false, isFallbackAdapter: false, error: errorMessage(e) };
  }
}

/** What the worker needs of the taxonomy before the asset itself is parsed (scripts/build-taxonomy.ts build-info.json). */
interface TaxonomyInfo {
  escoVersion: string;
  language: string;
  contentHash: string;
  counts: { skills: number; occupations: number };
}

/** build-info.json beside the taxonomy asset, or null when it cannot be had (offline, older build): start-up then waits for the asset. */
async function fetchTaxonomyInfo(taxonomyUrl: string): Promise<TaxonomyInfo | null> {
  try {
    const res = await fetch(new URL('build-info.json', taxonomyUrl));
    if (!res.ok) return null;
    const v = (await res.json()) as Partial<TaxonomyInfo> | null;
    const ok = v && typeof v.escoVersion === 'string' && typeof v.language === 'string' && typeof v.contentHash === 'string' && Number.isInteger(v.counts?.skills) && Number.isInteger(v.counts?.occupations);
    return ok ? (v as TaxonomyInfo) : null;
  } catch {
    return null;
  }
}

function sameTaxonomy(info: TaxonomyInfo, t: Taxonomy): boolean {
  return info.contentHash === t.contentHash && info.escoVersion === t.escoVersion && info.language === t.language && info.counts.skills === t.skills.length && info.counts.occupations === t.occupations.length;
}

type TabMessage =
  | { type: 'progress'; hash: string | undefined; done: number; total: number; rate: number; etaSeconds: number; resumed: boolean }
  | { type: 'deleted'; hash: string };

export class Engine implements EngineApi {
  private config!: EngineConfig;
  private preset!: ModelPreset;
  private onStatus: (s: EngineStatus) => void = () => {};
  private taxonomy?: Taxonomy;
  private lexical?: Promise<LexicalIndex>;
  private store?: CacheStore;
  private hash?: string;
  /** Row counts the cache is checked against: from build-info.json until the taxonomy is parsed. */
  private rows?: CacheExpectation['rows'];
  private cache?: ActiveCache;
  private embedder?: LoadedEmbedder;
  private reranker?: LoadedReranker;
  private rerankerLoad?: Promise<LoadedReranker | undefined>;
  private readonly queue = new SerialQueue();
  private regenAbort?: AbortController;
  private statusTimer: ReturnType<typeof setTimeout> | undefined;
  private modelsLoading?: Promise<void>;
  private s!: EngineStatus;
  private tabChannel?: BroadcastChannel;
  /** e2e hook: a pause per regeneration chunk, so a test can act while a (fast test-model) job runs. */
  testRegenerationDelayMs = 0;
  /** e2e hook: a pause per reranked pair, so a test can make the (fast) test reranker as slow as a real one. */
  testRerankDelayMsPerPair = 0;
  private following = false;
  private gpu?: GpuProbe;
  /** Which onnxruntime-web binary this worker runs: set by its first model load, fixed after it. */
  private ortRuntime?: 'webgpu' | 'wasm';
  /** Where concept search runs: helper workers on every core, the WGSL kernel on a hardware GPU. */
  private readonly conceptSearch = new ConceptSearchBackends(() => this.emit());

  async init(config: EngineConfig, onStatus: (s: EngineStatus) => void): Promise<EngineStatus> {
    this.config = config;
    this.onStatus = onStatus;
    this.preset = findPreset(config.presetId);
    const isolated = Boolean(globalThis.crossOriginIsolated);
    this.s = {
      taxonomy: 'loading',
      embedder: { id: this.preset.embedder.id, displayName: this.preset.embedder.displayName, isTestModel: this.preset.embedder.isTestModel, phase: 'idle' },
      reranker: this.preset.reranker
        ? { id: this.preset.reranker.id, displayName: this.preset.reranker.displayName, isTestModel: this.preset.reranker.isTestModel, available: true, enabled: false, automatic: config.rerankerEnabled === 'auto', phase: 'idle', budgetMs: RERANK_BUDGET_MS, limit: DEFAULT_EXTRACT_OPTIONS.rerankLimit }
        : { id: '', displayName: 'none for this preset', isTestModel: false, available: false, enabled: false, automatic: false, phase: 'idle', budgetMs: RERANK_BUDGET_MS, limit: DEFAULT_EXTRACT_OPTIONS.rerankLimit },
      backend: null,
      dtype: null,
      threads: wasmThreads(globalThis.navigator?.hardwareConcurrency, isolated),
      crossOriginIsolated: isolated,
      search: this.conceptSearch.current(),
      files: [],
      cache: { hash: null, state: 'unknown' },
      regeneration: { state: 'idle', done: 0, total: 0, rate: 0, etaSeconds: 0, resumed: false },
      denseReady: false,
      timings: {},
    };
    const t0 = performance.now();
    const time = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
      const start = performance.now();
      try {
        return await work();
      } finally {
        this.s.timings[phase] = Math.round(performance.now() - start);
      }
    };
    this.emit();
    configureTransformers({ modelHost: config.modelHost, numThreads: this.s.threads });

    // The model does not need the taxonomy: its download and compilation overlap with the taxonomy and cache.
    const models = time('model', () => (this.modelsLoading = this.loadModels()));
    // Neither does the cache: it is keyed by the taxonomy's contentHash and checked against its row
    // counts, which the taxonomy's small build-info.json (written beside it by scripts/build-taxonomy.ts)
    // gives before the 12 MB asset is fetched and parsed. The full asset must agree with it (below).
    const taxonomyLoad = time('taxonomy', async () => {
      const res = await fetch(config.taxonomyUrl);
      if (!res.ok) throw new Error(`HTTP ${res.status} for ${config.taxonomyUrl}`);
      return validateTaxonomy(await res.json());
    });
    taxonomyLoad.catch(() => {}); // awaited below; a failure must not be reported as unhandled meanwhile
    const meta = await time('taxonomyInfo', () => fetchTaxonomyInfo(config.taxonomyUrl));
    let cacheLoad: Promise<void> | undefined;
    if (meta) cacheLoad = this.startCache(meta, { skill: meta.counts.skills, occupation: meta.counts.occupations }, time);
    let taxonomy: Taxonomy;
    try {
      taxonomy = await taxonomyLoad;
      this.taxonomy = taxonomy;
      this.s.taxonomy = 'ready';
      this.s.escoVersion = taxonomy.escoVersion;
    } catch (e) {
      this.s.taxonomy = 'failed';
      this.s.error = `taxonomy could not be loaded: ${errorMessage(e)}`;
      this.emit(true);
      return this.s;
    }
    const rows = { skill: taxonomy.skills.length, occupation: taxonomy.occupations.length };
    if (!meta || !sameTaxonomy(meta, taxonomy)) {
      // No build-info, or one of another build (a stale copy): the cache is resolved from the asset itself.
      await cacheLoad;
      this.setCache(undefined);
      cacheLoad = this.startCache(taxonomy, rows, time);
    }
    this.emit(true);

    await Promise.all([cacheLoad, models]);
    await time('selfCheck', () => this.runSelfCheck());
    this.s.timings.ready = Math.round(performance.now() - t0);
    this.emit(true);
    // The page has its own label index for instant results; this one (merged into dense results)
    // is built after start-up so it does not delay it. extract() waits for it if it comes first.
    this.lexical = time('lexicalIndex', async () => buildLexicalIndex(taxonomy));
    this.timeRerankerIfAutomatic();
    return this.s;
  }

  /** Computes the model hash for this taxonomy identity and starts resolving the embedding cache. */
  private startCache(
    identity: Pick<Taxonomy, 'escoVersion' | 'language' | 'contentHash'>,
    rows: CacheExpectation['rows'],
    time: <T>(phase: string, work: () => Promise<T>) => Promise<T>,
  ): Promise<void> {
    return (async () => {
      this.hash = await modelHash(modelHashInputs(this.preset.embedder, identity));
      this.rows = rows;
      this.s.cache = { hash: this.hash, state: 'loading' };
      this.emit(true);
      this.tabs(); // listen to other tabs from the start (deleted caches, regeneration progress)
      await time('cache', () => this.loadCache());
    })();
  }

  /**
   * The automatic setting decides on a measurement: after start-up the reranker is loaded in the
   * background and timed (rerankerModel()), then resolveRerankerSetting() turns it on or leaves the
   * page to offer it. Extractions meanwhile show their embedding-stage results and wait a little for
   * the decision (rerankerDecided()); the page refines a text left unrefined once it turns on.
   */
  private timeRerankerIfAutomatic(): void {
    if (this.config.rerankerEnabled === 'auto' && this.preset.reranker && this.s.backend && !this.s.reranker.timing) void this.rerankerModel();
  }

  async status(): Promise<EngineStatus> {
    return this.s;
  }

  private emit(now = false): void {
    // Progress events can arrive hundreds of times a second; the UI needs a few per second.
    if (now) {
      clearTimeout(this.statusTimer);
      this.statusTimer = undefined;
      this.s.denseReady = Boolean(this.taxonomy && this.embedder && this.cache && this.s.selfCheck?.ok !== false);
      this.s.search = this.conceptSearch.current();
      this.onStatus(structuredClone(this.s));
      return;
    }
    this.statusTimer ??= setTimeout(() => this.emit(true), 100);
  }

  private expectation(): CacheExpectation {
    const t = this.taxonomy;
    const rows = t ? { skill: t.skills.length, occupation: t.occupations.length } : this.rows!;
    return { hash: this.hash!, modelId: this.preset.embedder.id, dims: this.preset.embedder.dims, rows };
  }

  private useCache(cache: ActiveCache, notice?: string): void {
    this.setCache(cache);
    this.s.cache = this.cacheView(cache, notice);
  }

  /** The one place the active cache changes, so concept search always runs over exactly its matrices. */
  private setCache(cache: ActiveCache | undefined): void {
    const mode = this.config.forceWasm ? 'off' : (this.config.gpuSearch ?? 'auto');
    const matrices = this.conceptSearch.use(cache?.matrices, cache?.manifest.storage ?? 'int8', mode, this.gpu);
    this.cache = cache && matrices ? { ...cache, matrices } : cache;
  }

  private cacheView(cache: ActiveCache, message?: string): CacheView {
    return {
      hash: cache.manifest.hash,
      state: 'ready',
      source: cache.source,
      bytes: cache.bytes,
      storage: cache.manifest.storage,
      computedDtype: cache.manifest.model.computedDtype,
      createdAt: cache.manifest.createdAt,
      message,
    };
  }

  /** The IndexedDB store; a newer app version in another tab closes it, and the status says so. */
  private openStore(): Promise<CacheStore> {
    return openCacheStore({
      onVersionChange: () => {
        this.s.error = 'A newer version of this app is open in another tab: reload this tab. (The embedding cache stays stored; semantic matching keeps working until then.)';
        this.emit(true);
      },
    });
  }

  private async loadCache(): Promise<void> {
    try {
      this.store ??= await this.openStore();
      const r = await resolveCache(this.store, this.expectation(), { baseUrl: this.config.embeddingsBaseUrl });
      // A cache this browser had stored before is gone: the browser cleared or evicted site data.
      const lost = this.config.knownCaches?.includes(this.hash!) ? 'the cache stored in this browser was gone (site data cleared or evicted by the browser)' : '';
      if (r.state === 'ready') this.useCache(r.cache, [lost && r.fetched ? `${lost}: restored from the shipped copy` : '', r.notice ?? ''].filter(Boolean).join('; ') || undefined);
      else this.s.cache = { hash: this.hash!, state: 'missing', message: lost ? `${lost}, and the app ships no copy: regenerate it or import a backup` : r.message };
    } catch (e) {
      this.s.cache = { hash: this.hash!, state: 'failed', message: errorMessage(e) };
    }
    await this.refreshStorageEstimate();
    this.emit(true);
  }

  /** Origin storage use and quota for the cache panel (and for quota messages). */
  private async refreshStorageEstimate(): Promise<void> {
    try {
      const est = await globalThis.navigator?.storage?.estimate?.();
      if (est?.quota !== undefined && est.usage !== undefined) this.s.storage = { usage: est.usage, quota: est.quota };
    } catch {
      // Not available here: the panel shows no figures.
    }
  }

  private onProgress = (p: FileProgress): void => {
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
    this.emit();
  };

  private async loadModels(): Promise<void> {
    const spec = this.preset.embedder;
    this.s.embedder.phase = 'loading';
    this.s.embedder.error = undefined;
    this.emit(true);
    // The tokenizer needs no device: it loads while the adapter is probed (250-600 ms in headless Chromium here).
    const tokenizer = loadTokenizer(spec, { modelHost: this.config.modelHost, onProgress: this.onProgress });
    tokenizer.catch(() => {}); // awaited by loadOn; a failure must not be reported as unhandled meanwhile
    this.gpu = this.config.forceWasm || this.config.webgpuFailure ? { adapter: false, hasShaderF16: false, isFallbackAdapter: false } : await probeGpu();
    const lost = this.config.webgpuFailure;
    let choice: DeviceChoice = lost
      ? { backend: 'wasm', dtype: spec.dtype.wasm, reason: `WebGPU failed during inference (${lost}); WASM until you try WebGPU again` }
      : chooseDevice(spec, this.gpu, { forceWasm: this.config.forceWasm, forceWebGpu: this.config.forceWebGpu });
    if (choice.backend === 'webgpu' && this.ortRuntime === 'wasm') {
      choice = { backend: 'wasm', dtype: spec.dtype.wasm, reason: 'this engine started its ONNX runtime without WebGPU; reload the page to use WebGPU' };
    }
    this.startOrtRuntime(choice.backend);
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
      this.emit(true);
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
    configureTransformers({
      modelHost: this.config.modelHost,
      wasmPaths: { wasm: new URL(wasm, self.location.href).href, mjs: new URL(mjs, self.location.href).href },
      numThreads: this.s.threads,
    });
  }

  private async loadOn(choice: DeviceChoice, fallbackReason?: string, tokenizer?: RuntimeOptions['tokenizer']): Promise<LoadedEmbedder> {
    const embedder = await loadEmbedder(this.preset.embedder, { backend: choice.backend, dtype: choice.dtype, modelHost: this.config.modelHost, onProgress: this.onProgress, tokenizer });
    if (choice.backend === 'webgpu') {
      // Device loss after loading also sends us to WASM.
      await this.queue.run(() => embedder.embed(['warm-up'])).catch(async (e) => {
        await embedder.dispose();
        throw e;
      });
    }
    this.s.backend = choice.backend;
    this.s.dtype = choice.dtype;
    this.resolveRerankerSetting();
    this.s.fallbackReason = fallbackReason;
    this.s.embedder.phase = 'ready';
    this.emit(true);
    return embedder;
  }

  /** Compares the loaded model with the cache's reference vectors; on WebGPU a mismatch falls back to WASM. */
  private async runSelfCheck(): Promise<void> {
    if (!this.embedder || !this.cache) return;
    const ref = this.cache.manifest.selfCheck;
    if (!ref.vectors.length) return;
    const dims = this.preset.embedder.dims;
    const check = async (e: LoadedEmbedder) => selfCheckCosines(ref.vectors, await this.queue.run(() => e.embed(ref.texts.length ? ref.texts : SELF_CHECK_TEXTS)), dims);
    let cosines = await check(this.embedder);
    let ok = cosines.every((c) => c >= SELF_CHECK_MIN_COSINE);
    if (!ok && this.s.backend === 'webgpu') {
      const min = Math.min(...cosines).toFixed(3);
      await this.embedder.dispose();
      this.embedder = await this.loadOn({ backend: 'wasm', dtype: this.preset.embedder.dtype.wasm }, `self-check failed on WebGPU (cosine ${min} < ${SELF_CHECK_MIN_COSINE})`);
      cosines = await check(this.embedder);
      ok = cosines.every((c) => c >= SELF_CHECK_MIN_COSINE);
    }
    this.s.selfCheck = { cosines, ok };
    if (!ok) this.s.embedder.error = `the model's output does not match the embedding cache (self-check cosine ${Math.min(...cosines).toFixed(3)}): regenerate the cache`;
    this.emit(true);
  }

  private async rerankerIfEnabled(): Promise<LoadedReranker | undefined> {
    if (!this.s.reranker.enabled) return undefined;
    return this.rerankerModel();
  }

  /**
   * The reranker for an extraction under the current setting. Automatic and still being loaded and
   * timed: waits for the decision up to RERANK_DECISION_WAIT_MS (the embedding-stage results are on
   * screen meanwhile); a decision that comes later re-runs the text from the page.
   */
  private async rerankerDecided(): Promise<LoadedReranker | undefined> {
    const pending = this.config.rerankerEnabled === 'auto' && !this.s.reranker.timing ? this.rerankerLoad : undefined;
    if (pending) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([pending, new Promise((r) => (timer = setTimeout(r, RERANK_DECISION_WAIT_MS)))]);
      clearTimeout(timer);
    }
    return this.rerankerIfEnabled();
  }

  /** Loads the reranker once (following the embedder's device) and times it; undefined when it cannot load. */
  private async rerankerModel(): Promise<LoadedReranker | undefined> {
    if (!this.preset.reranker || !this.s.backend) return undefined;
    if (this.reranker) return this.reranker;
    this.rerankerLoad ??= (async () => {
      this.s.reranker.phase = 'loading';
      this.s.reranker.error = undefined;
      this.emit(true);
      const spec = this.preset.reranker!;
      try {
        // The reranker follows the embedder's device; WASM when it cannot run on this adapter.
        const onGpu = this.s.backend === 'webgpu' ? dtypeFor(spec, 'webgpu', this.gpu?.hasShaderF16) : null;
        const choice = onGpu ? { backend: 'webgpu' as const, dtype: onGpu } : { backend: 'wasm' as const, dtype: spec.dtype.wasm };
        const loaded = await loadReranker(spec, { ...choice, modelHost: this.config.modelHost, onProgress: this.onProgress });
        this.reranker = {
          ...loaded,
          rerank: async (q, p) => {
            if (this.testRerankDelayMsPerPair) await new Promise((r) => setTimeout(r, this.testRerankDelayMsPerPair * p.length));
            return loaded.rerank(q, p);
          },
        };
        await this.measureReranker();
        this.s.reranker.phase = 'ready';
        return this.reranker;
      } catch (e) {
        this.s.reranker.phase = 'failed';
        this.s.reranker.error = `reranker unavailable, extraction continues without it: ${errorMessage(e)}`;
        return undefined;
      } finally {
        this.emit(true);
      }
    })();
    return this.rerankerLoad;
  }

  /**
   * Times the loaded reranker on RERANK_TIMING_PAIRS realistic pairs (sentences of an ad against the
   * passages the pipeline sends: label, alternative labels and description), after one untimed pair
   * that pays the first run's set-up. The result goes to the status and decides the automatic setting.
   * Public for the e2e suite (re-measure after setting testRerankDelayMsPerPair).
   */
  async measureReranker(): Promise<void> {
    const r = this.reranker;
    if (!r) return;
    const skills = this.taxonomy?.skills ?? [];
    const passages = Array.from({ length: RERANK_TIMING_PAIRS }, (_, i) =>
      skills.length ? rerankPassage(skills[Math.floor(((i + 0.5) * skills.length) / RERANK_TIMING_PAIRS)]) : SELF_CHECK_TEXTS[i % SELF_CHECK_TEXTS.length],
    );
    const queries = [SELF_CHECK_TEXTS[0], SELF_CHECK_TEXTS[2]];
    await this.queue.run(() => r.rerank(queries[0], passages.slice(0, 1)));
    const t0 = performance.now();
    const half = RERANK_TIMING_PAIRS / 2;
    for (let q = 0; q < queries.length; q++) await this.queue.run(() => r.rerank(queries[q], passages.slice(q * half, (q + 1) * half)));
    const ms = performance.now() - t0;
    this.s.reranker.timing = { perPairMs: ms / RERANK_TIMING_PAIRS, pairs: RERANK_TIMING_PAIRS, backend: r.device === 'webgpu' ? 'webgpu' : 'wasm', dtype: r.dtype };
    this.resolveRerankerSetting();
    this.emit(true);
  }

  async extract(text: string, request?: ExtractRequest, onProgress?: ExtractionProgress): Promise<ExtractionResult> {
    if (!this.taxonomy) throw new Error('the taxonomy is not loaded yet');
    const lexical = await (this.lexical ??= Promise.resolve(buildLexicalIndex(this.taxonomy)));
    const dense = this.s.denseReady && this.embedder && this.cache;
    // The page's mentions (text's language + English) replace the English-only label stage; the
    // pipeline may analyse a prefix of the text, so spans beyond it are dropped there.
    const { mentions, refine, ...options } = request ?? {};
    // Asked for after the embedding-stage result went out: semantic results never wait for the reranker.
    const reranker = dense ? () => (refine ? this.rerankerModel() : this.rerankerDecided()) : undefined;
    const given = mentions ? (t: string) => mentions.filter((m) => m.end <= t.length) : undefined;
    // The shortlist centres on the preset's cuts unless the page sends the user's.
    const cuts = defaultThresholds(this.preset.id);
    const withFocus = { rerankFocus: { skill: cuts.skillThreshold, occupation: cuts.occupationThreshold }, ...options };
    // Over comlink the callback returns a promise; a page that went away must not leave it unhandled.
    // A fast reranker finishes batches faster than the page can render them: at most one partial per
    // PARTIAL_MIN_INTERVAL_MS after the embedding-stage one.
    let last = -Infinity;
    const progress: ExtractionProgress | undefined =
      onProgress &&
      ((p, d, t) => {
        const at = performance.now();
        if (d > 0 && at - last < PARTIAL_MIN_INTERVAL_MS) return;
        last = at;
        void Promise.resolve(onProgress(p, d, t) as unknown).catch(() => {});
      });
    const result = await this.onWebGpu(() => this.extractWith(text, lexical, dense ? this.cache! : undefined, reranker, withFocus, given, progress));
    if (this.conceptSearch.hasHelpers) this.emit(); // the model panel's search counters
    return result;
  }

  /**
   * A WebGPU failure during inference (a lost device, a driver reset) leaves onnxruntime-web's
   * module unusable for this worker, WASM sessions included (measured: they fail on the lost
   * device's buffers too). So it is reported as ENGINE_WEBGPU_LOST and the page starts a fresh
   * worker on WASM, which stays on WASM until the user asks for WebGPU again.
   */
  private async onWebGpu<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      // extract() runs embed() inside: an error already marked once is passed on as it is.
      if (this.s.backend !== 'webgpu' || errorMessage(err).startsWith(ENGINE_WEBGPU_LOST)) throw err;
      throw new Error(`${ENGINE_WEBGPU_LOST}: ${errorMessage(err)}`);
    }
  }

  private extractWith(
    text: string,
    lexical: LexicalIndex,
    cache: ActiveCache | undefined,
    reranker: (() => Promise<LoadedReranker | undefined>) | undefined,
    options?: Partial<ExtractOptions>,
    mentions?: (text: string) => LexicalMatch[],
    onProgress?: ExtractionProgress,
  ): Promise<ExtractionResult> {
    const dense = Boolean(cache);
    return extract(
      text,
      {
        taxonomy: this.taxonomy!,
        lexical,
        matrices: cache?.matrices,
        embedder: dense ? queryEmbedder({ dims: this.preset.embedder.dims, embed: (t) => this.embed(t) }, this.preset.embedder) : undefined,
        rerankerWhenReady: reranker
          ? async () => {
              const r = await reranker();
              return r ? { rerank: (q, p) => this.queue.run(() => r.rerank(q, p)) } : undefined;
            }
          : undefined,
        ...(mentions ? { mentions } : {}),
        search: this.conceptSearch.search(),
      },
      options,
      onProgress,
    );
  }

  /** Every model call goes through the one queue. */
  async embed(texts: string[]): Promise<Float32Array> {
    const e = this.embedder;
    if (!e) throw new Error(this.s.embedder.error ?? 'the embedding model is not loaded yet');
    return this.onWebGpu(() => this.queue.run(() => e.embed(texts)));
  }

  /**
   * Test hook (e2e): destroys the WebGPU device onnxruntime-web runs on, as a driver reset or a
   * lost GPU would. The next inference fails and the page moves the engine to WASM (see onWebGpu()).
   */
  async loseGpuDeviceForTest(): Promise<boolean> {
    const webgpu = (env.backends.onnx as { webgpu?: { device?: GPUDevice | Promise<GPUDevice> } }).webgpu;
    const device = await webgpu?.device;
    if (!device) return false;
    device.destroy();
    return true;
  }

  async rerank(query: string, passages: string[]): Promise<Float32Array> {
    const r = await this.rerankerIfEnabled();
    if (!r) throw new Error(this.s.reranker.error ?? 'the reranker is disabled');
    return this.queue.run(() => r.rerank(query, passages));
  }

  async setRerankerEnabled(enabled: boolean | 'auto'): Promise<void> {
    this.config = { ...this.config, rerankerEnabled: enabled };
    this.resolveRerankerSetting();
    if ((this.s.reranker.enabled || enabled === 'auto') && this.s.reranker.phase === 'failed') this.rerankerLoad = undefined;
    this.timeRerankerIfAutomatic();
    this.emit(true);
  }

  private resolveRerankerSetting(): void {
    const setting = this.config.rerankerEnabled;
    this.s.reranker.automatic = setting === 'auto';
    const automatic = automaticReranker(this.s.reranker.timing, this.s.reranker.limit, this.s.reranker.budgetMs) === true;
    this.s.reranker.enabled = Boolean(this.preset.reranker) && (setting === 'auto' ? automatic : setting);
  }

  async retryModels(): Promise<void> {
    if (this.s.embedder.phase === 'loading') return this.modelsLoading;
    this.s.files = [];
    this.rerankerLoad = undefined;
    if (this.s.reranker.phase === 'failed') this.s.reranker.phase = 'idle';
    if (this.s.cache.state !== 'ready') await this.loadCache();
    if (!this.embedder) await (this.modelsLoading = this.loadModels());
    await this.runSelfCheck();
    this.timeRerankerIfAutomatic();
  }

  private regen(view: Partial<RegenerationView>): RegenerationView {
    this.s.regeneration = { ...this.s.regeneration, ...view };
    this.emit(true);
    return this.s.regeneration;
  }

  async estimateRegeneration(): Promise<RegenerationView> {
    const e = this.embedder;
    if (!e || !this.taxonomy) throw new Error(this.s.embedder.error ?? 'the embedding model is not loaded yet');
    this.regen({ state: 'estimating', message: undefined });
    const est = await this.queue.run(() => estimateRegeneration(e, this.taxonomy!));
    const job = await this.store?.getJob(this.hash!);
    const remaining = job ? est.total - job.doneRows : est.total;
    return this.regen({
      state: 'awaiting-confirmation',
      total: est.total,
      done: job?.doneRows ?? 0,
      rate: est.rate,
      etaSeconds: remaining / est.rate,
      resumed: Boolean(job?.doneRows),
      message: `about ${Math.ceil(remaining / est.rate / 60)} min on ${this.s.backend?.toUpperCase()} (${est.rate.toFixed(1)} texts/s measured on a sample)`,
    });
  }

  async regenerate(): Promise<RegenerationView> {
    const e = this.embedder;
    if (!e || !this.taxonomy || !this.hash) throw new Error(this.s.embedder.error ?? 'the embedding model is not loaded yet');
    this.store ??= await this.openStore();
    this.regenAbort = new AbortController();
    this.regen({ state: 'running', message: undefined });
    try {
      const cache = await regenerateCache({
        store: this.store,
        embedder: {
          dims: e.dims,
          embed: async (t) => {
            if (this.testRegenerationDelayMs) await new Promise((r) => setTimeout(r, this.testRegenerationDelayMs));
            return this.embed(t);
          },
        },
        spec: this.preset.embedder,
        taxonomy: this.taxonomy!,
        hash: this.hash,
        inputs: modelHashInputs(this.preset.embedder, this.taxonomy),
        dtype: e.dtype,
        computedOn: `browser ${this.s.backend}`,
        storage: DEFAULT_STORAGE,
        signal: this.regenAbort.signal,
        onProgress: (p) => {
          this.regen({ ...p, state: 'running' });
          this.tabs()?.postMessage({ type: 'progress', hash: this.hash, ...p } satisfies TabMessage);
        },
      });
      this.useCache(cache);
      this.s.selfCheck = undefined;
      await this.runSelfCheck();
      return this.regen({ state: 'done', message: 'the new cache is active' });
    } catch (err) {
      if (err instanceof RegenerationBusyError) {
        void this.followOtherTab(this.hash);
        return this.regen({ state: 'busy-elsewhere', done: 0, total: 0, message: 'regenerating in another tab; this tab takes over if that one closes' });
      }
      if (this.regenAbort.signal.aborted) return this.regen({ state: 'cancelled', message: 'cancelled; the chunks written so far are kept and a new run resumes from them' });
      await this.refreshStorageEstimate();
      return this.regen({ state: 'failed', message: `the previous cache stays in use. ${errorMessage(err)}` });
    } finally {
      this.regenAbort = undefined;
    }
  }

  /** Messages between tabs of this origin: regeneration progress and deleted caches. */
  private tabs(): BroadcastChannel | undefined {
    if (typeof BroadcastChannel === 'undefined') return undefined;
    if (!this.tabChannel) {
      this.tabChannel = new BroadcastChannel('esco-embedding-cache');
      this.tabChannel.addEventListener('message', (ev: MessageEvent<TabMessage>) => void this.onTabMessage(ev.data));
    }
    return this.tabChannel;
  }

  private async onTabMessage(m: TabMessage): Promise<void> {
    if (m.type === 'progress' && m.hash === this.hash && this.s.regeneration.state === 'busy-elsewhere') {
      this.regen({ done: m.done, total: m.total, rate: m.rate, etaSeconds: m.etaSeconds, resumed: m.resumed });
    } else if (m.type === 'deleted' && m.hash === this.hash && this.cache) {
      // Never keep using a cache another tab deleted: drop it and resolve again (shipped asset, or regenerate).
      this.setCache(undefined);
      this.s.cache = { hash: this.hash, state: 'loading', message: 'this cache was deleted in another tab' };
      this.emit(true);
      await this.loadCache();
      if (this.s.cache.state === 'ready') this.s.cache.message = 'the cache was deleted in another tab and has been restored from the shipped copy';
      this.emit(true);
    }
  }

  /**
   * Another tab holds the regeneration lock: show its progress, wait for the lock, then either use
   * the cache it finished or, if it went away mid-run, take over from the chunks it wrote.
   */
  private async followOtherTab(hash: string): Promise<void> {
    this.tabs();
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    if (!locks || this.following) return;
    this.following = true;
    try {
      await locks.request(regenerationLockName(hash), async () => {});
    } finally {
      this.following = false;
    }
    if (hash !== this.hash || this.s.regeneration.state !== 'busy-elsewhere') return;
    if (await this.store?.getJob(hash)) {
      await this.regenerate();
      return;
    }
    await this.loadCache();
    this.s.selfCheck = undefined;
    await this.runSelfCheck();
    this.regen({ state: 'done', message: 'regenerated in another tab; the new cache is active here too' });
  }

  async cancelRegeneration(): Promise<void> {
    this.regenAbort?.abort();
  }

  async exportCache(): Promise<{ fileName: string; bytes: Uint8Array }> {
    if (!this.store || !this.hash) throw new Error('no cache is active');
    return exportCache(this.store, this.hash);
  }

  async importCache(bytes: Uint8Array): Promise<CacheView> {
    if (!this.taxonomy) throw new Error('the taxonomy is not loaded yet');
    this.store ??= await this.openStore();
    let cache: ActiveCache;
    try {
      cache = await importCache(this.store, bytes, this.expectation());
    } finally {
      await this.refreshStorageEstimate();
      this.emit(true);
    }
    this.useCache(cache);
    this.s.selfCheck = undefined;
    await this.runSelfCheck();
    this.emit(true);
    return this.s.cache;
  }

  async listStaleCaches(): Promise<StaleCacheView[]> {
    if (!this.hash) return [];
    this.store ??= await this.openStore();
    // A cache that another preset uses on this taxonomy is kept for that preset, not stale.
    const current = new Map<string, string>();
    if (this.taxonomy) for (const p of Object.values(PRESETS)) current.set(await modelHash(modelHashInputs(p.embedder, this.taxonomy)), p.id);
    return (await this.store.listStale(this.hash)).map((c) => ({
      hash: c.hash,
      modelId: c.manifest.model.id,
      usedByPreset: current.get(c.hash) ?? null,
      source: c.source,
      bytes: c.bytes,
      storedAt: c.storedAt,
      escoVersion: c.manifest.inputs.taxonomy.escoVersion,
    }));
  }

  async deleteCache(hash: string): Promise<void> {
    if (hash === this.hash) throw new Error('the active cache cannot be deleted while in use');
    this.store ??= await this.openStore();
    await this.store.deleteCache(hash);
    this.tabs()?.postMessage({ type: 'deleted', hash } satisfies TabMessage);
  }

  // ---- batch jobs (the logic is in workers/batchJobs.ts and src/core/batch) ----

  private batchJobs?: BatchJobs;

  private batch(): BatchJobs {
    return (this.batchJobs ??= new BatchJobs({
      presetId: this.preset.id,
      taxonomy: () => this.taxonomy,
      ready: (signal) => this.denseReadyOrReason(signal),
      analyse: (text) => this.extract(text),
      onView: (view, now) => {
        this.s.batch = view;
        this.emit(now);
      },
    }));
  }

  /** Waits until semantic extraction works, so a batch never mixes label-only and semantic results. */
  private async denseReadyOrReason(signal: AbortSignal): Promise<void> {
    while (!this.s.denseReady && !signal.aborted) {
      const s = this.s;
      const reason =
        s.taxonomy === 'failed' ? s.error : s.embedder.phase === 'failed' ? s.embedder.error : s.cache.state === 'missing' || s.cache.state === 'failed' ? `the embedding cache is ${s.cache.state}: ${s.cache.message ?? ''}` : s.selfCheck?.ok === false ? s.embedder.error : undefined;
      if (reason) throw new Error(`semantic matching is not available (${reason})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async startBatch(jobId: string, files?: InputFile[]): Promise<BatchView> {
    return this.batch().start(jobId, files);
  }

  async pauseBatch(): Promise<void> {
    this.batchJobs?.pause();
  }

  async cancelBatch(): Promise<void> {
    this.batchJobs?.cancel();
  }

  async batchStatus(): Promise<BatchView | null> {
    return this.batchJobs?.status() ?? null;
  }
}

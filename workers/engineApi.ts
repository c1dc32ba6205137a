// The engine worker's typed API, shared by the worker (workers/engine.worker.ts) and the app's
// comlink client (src/app/engineClient.ts). Types, plus the out-of-memory check both sides share.
import type { ExtractionProgress, ExtractOptions, ExtractionResult, TitleReading } from '../src/core/pipeline.ts';
import type { InputFile } from '../src/db/batchStore.ts';
import type { CacheSource } from '../src/db/cacheStore.ts';
import type { LexicalMatch } from '../src/core/lexical.ts';
import type { RerankTiming } from '../src/core/rerankShortlist.ts';

export type EngineBackend = 'webgpu' | 'wasm';

/**
 * Options of one extraction. `mentions`: label mentions the page already found in the text's language
 * plus English (src/app/languages.ts); the worker uses them as its lexical stage instead of its
 * English-only matcher, so it never loads label packs itself. Offsets refer to the text sent.
 */
/**
 * `refine`: score the shortlist with the reranker even though the automatic setting left it off on
 * this device (the "Refine with the reranker" button); loads the reranker if needed.
 */
export type ExtractRequest = Partial<ExtractOptions> & {
  mentions?: LexicalMatch[];
  refine?: boolean;
  titleOccupation?: TitleReading;
  /**
   * The text's language and its label pack (LabelPack.contentHash): the worker searches that
   * language's skill label vectors too, where the build made them (src/core/labelVectors.ts).
   */
  labelPack?: { language: string; contentHash: string };
};

export interface EngineConfig {
  /** Model preset id from src/core/models.ts PRESETS ('bge-m3' by default; chosen by the user in the model panel). */
  presetId: string;
  /** Where models are downloaded from, hub URL layout; default https://huggingface.co/. */
  modelHost: string;
  /** Absolute URL of the taxonomy asset. */
  taxonomyUrl: string;
  /** Absolute URL of the folder holding shipped embedding assets (<hash>/manifest.json). */
  embeddingsBaseUrl: string;
  /** Folder of the span taggers (`<preset>.json`, precached); a preset without a file there has none. */
  taggersBaseUrl?: string;
  /** Folder of the skill label vectors (`<model hash>/<language>.{json,bin}`, fetched on first use). */
  labelVectorsBaseUrl?: string;
  /** Hashes of caches this browser had active before (persisted by the page): one missing now was evicted. */
  knownCaches?: string[];
  /** WebGPU failed during inference in a previous worker of this session: start on WASM and say why. */
  webgpuFailure?: string;
  /** Skip WebGPU even when an adapter exists (user setting and tests). */
  forceWasm?: boolean;
  /**
   * Use WebGPU even on a software (fallback) adapter such as SwiftShader, which the device policy
   * refuses by default (src/core/device.ts). `?backend=webgpu`: the WebGPU e2e tests, diagnosis.
   */
  forceWebGpu?: boolean;
  /** Concept search on the WGSL kernel: 'auto' on hardware adapters; 'always' on any (?search=gpu: tests, diagnosis). */
  gpuSearch?: 'auto' | 'always';
  /**
   * 'auto': the reranker is loaded and timed on this device after start-up, and used when refining a
   * full shortlist takes under RERANK_BUDGET_MS (src/core/rerankShortlist.ts); else the page offers it.
   */
  rerankerEnabled: boolean | 'auto';
}

/** The reranker timed on a small batch of realistic pairs right after it loaded (workers/extraction.ts measureReranker). */
export interface RerankerTiming extends RerankTiming {
  backend: EngineBackend;
  dtype: string;
}

export interface FileProgressView {
  model: string;
  file: string;
  loaded: number;
  total: number;
  done: boolean;
}

export type LoadPhase = 'idle' | 'loading' | 'ready' | 'failed';

export interface CacheView {
  hash: string | null;
  state: 'unknown' | 'loading' | 'ready' | 'missing' | 'failed';
  source?: CacheSource;
  bytes?: number;
  storage?: string;
  computedDtype?: string;
  createdAt?: string;
  message?: string;
}

export interface StaleCacheView {
  hash: string;
  modelId: string;
  /** The preset whose current cache this is (kept for when the user switches back); null: stale. */
  usedByPreset: string | null;
  source: CacheSource;
  bytes: number;
  storedAt: number;
  escoVersion: string;
}

export interface RegenerationView {
  state: 'idle' | 'estimating' | 'awaiting-confirmation' | 'running' | 'cancelled' | 'done' | 'failed' | 'busy-elsewhere';
  done: number;
  total: number;
  /** Texts per second, measured. */
  rate: number;
  etaSeconds: number;
  /** True when the job continues chunks written before a reload or crash. */
  resumed: boolean;
  message?: string;
}

export interface EngineStatus {
  taxonomy: LoadPhase;
  escoVersion?: string;
  embedder: { id: string; displayName: string; isTestModel: boolean; phase: LoadPhase; error?: string };
  /** `available: false`: the preset has no cross-encoder (the small English presets). */
  reranker: {
    id: string;
    displayName: string;
    isTestModel: boolean;
    available: boolean;
    enabled: boolean;
    automatic: boolean;
    phase: LoadPhase;
    error?: string;
    /** Measured once the reranker loaded: milliseconds per (segment, concept) pair on this device. */
    timing?: RerankerTiming;
    /** The automatic setting's budget for refining one text, and the shortlist cap it is costed at. */
    budgetMs: number;
    limit: number;
  };
  backend: EngineBackend | null;
  dtype: string | null;
  threads: number;
  /**
   * Vector search: the kernel and why; threads (this worker plus helper workers) and the row shares
   * the helpers scored so far (searchPool.ts).
   */
  search: { kernel: 'wgsl' | 'wasm-simd' | 'js' | null; reason: string; threads: number; helperShares: number; fallbacks: number };
  crossOriginIsolated: boolean;
  /** Why WebGPU is not used, when it is not. */
  fallbackReason?: string;
  selfCheck?: { cosines: number[]; ok: boolean };
  /**
   * The preset's span tagger (skill and knowledge phrases as queries of their own): 'none' when the
   * preset ships none (clause-level candidates only, e.g. bge-m3 until a tagger is trained for it);
   * absent until the first semantic extraction asks for it.
   */
  tagger?: { phase: 'ready' | 'none' | 'failed'; message?: string };
  /**
   * The skill label vectors of the last text's language (src/core/labelVectors.ts): 'none' where the
   * build made none for this preset and language; absent until a text with a label pack asks.
   */
  labelVectors?: { language: string; phase: 'ready' | 'none' | 'failed'; rows?: number; message?: string };
  files: FileProgressView[];
  cache: CacheView;
  regeneration: RegenerationView;
  /** Extraction can use embeddings (model loaded and cache ready). */
  denseReady: boolean;
  /** The origin's storage use and quota (navigator.storage.estimate), when the browser tells. */
  storage?: { usage: number; quota: number };
  /**
   * Milliseconds spent in each start-up phase, from init(): taxonomyInfo (build-info.json), taxonomy
   * (asset fetched and parsed), model, cache (resolved; overlaps taxonomy and model), selfCheck, and
   * ready (init to semantic-ready); lexicalIndex (built after ready). The model panel shows them.
   */
  timings: Record<string, number>;
  error?: string;
  /** The batch job this worker runs or last ran (workers/batchJobs.ts); absent: none since start. */
  batch?: BatchView;
}

/** Progress of a batch job in the worker, as the batch view shows it. */
export interface BatchView {
  jobId: string;
  name: string;
  /** 'waiting': for the model and cache to be ready (a batch never mixes label-only and semantic results). */
  state: 'waiting' | 'running' | 'paused' | 'done' | 'cancelled' | 'failed';
  /** Documents analysed, rows skipped, input records handled: over all sessions of the job. */
  documents: number;
  skipped: number;
  recordsConsumed: number;
  /** Documents a resumed session found already done. */
  resumedDocuments: number;
  /** Input bytes read so far in this session (a resume reads from the start again) and in all. */
  bytesRead: number;
  totalBytes: number;
  /** This session's throughput. */
  docsPerMinute: number;
  /** From the bytes still to read at this session's rate; null until it can be told. */
  etaSeconds: number | null;
  message?: string;
}

export interface EngineApi {
  init(config: EngineConfig, onStatus: (status: EngineStatus) => void): Promise<EngineStatus>;
  status(): Promise<EngineStatus>;
  /**
   * Full extraction (lexical + dense + rerank as available); candidate indices refer to the taxonomy.
   * `onProgress` (a comlink proxy) gets the partial results while the reranker refines them.
   */
  extract(text: string, options?: ExtractRequest, onProgress?: ExtractionProgress): Promise<ExtractionResult>;
  embed(texts: string[]): Promise<Float32Array>;
  rerank(query: string, passages: string[]): Promise<Float32Array>;
  /**
   * The embedding model's `k` nearest occupations of each text embedded as a query (the active
   * cache's occupation matrix), best first: the page's title ranking reads the ad's title with it
   * (src/core/titleModel.ts). Empty lists while semantic matching is not ready.
   */
  nearestOccupations(texts: string[], k: number): Promise<{ index: number; score: number }[][]>;
  setRerankerEnabled(enabled: boolean | 'auto'): Promise<void>;
  /** Retries loading the models after a failure (e.g. host was down). */
  retryModels(): Promise<void>;
  /** Measures a sample and reports the estimated time; the UI asks to confirm on WASM. */
  estimateRegeneration(): Promise<RegenerationView>;
  regenerate(): Promise<RegenerationView>;
  cancelRegeneration(): Promise<void>;
  exportCache(): Promise<{ fileName: string; bytes: Uint8Array }>;
  importCache(bytes: Uint8Array): Promise<CacheView>;
  listStaleCaches(): Promise<StaleCacheView[]>;
  deleteCache(hash: string): Promise<void>;
  /**
   * Starts or resumes a stored batch job (src/db/batchStore.ts); returns at once, progress comes with
   * the status. `files`: the input files the user opened, for a job whose files are not stored.
   */
  startBatch(jobId: string, files?: InputFile[]): Promise<BatchView>;
  /** Stops after the current document and commits; startBatch(jobId) resumes. */
  pauseBatch(): Promise<void>;
  /** Stops the job for good (its results so far stay stored). */
  cancelBatch(): Promise<void>;
  batchStatus(): Promise<BatchView | null>;
}

/** Prefix of the error a worker answers with before it closes after running out of memory. */
export const ENGINE_OUT_OF_MEMORY = 'the engine ran out of memory';

export function isOutOfMemory(e: unknown): boolean {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return /out of memory|allocation failed|RangeError: (Array buffer|WebAssembly\.Memory)/i.test(text);
}

/** Prefix of the error an inference failure on WebGPU is answered with; the page restarts the engine on WASM. */
export const ENGINE_WEBGPU_LOST = 'WebGPU failed during inference';

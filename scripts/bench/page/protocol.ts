// Messages between the benchmark runner (Node, through Playwright), the bench page and its workers.
// Types only. Everything crossing page.evaluate is plain JSON: timings come back as Samples.
import type { Sample } from '../stats.ts';

export interface SearchRequest {
  rows: number;
  dims: number;
  queryCount: number;
  k: number;
  runs: number;
  /** Cap on the timed runs of the slow (JS) paths, in ms of total run time. */
  slowBudgetMs: number;
  /** URL of the MatMul+TopK model for onnxruntime-web; omitted: that row is skipped. */
  ortModelUrl?: string;
  ort: OrtUrls;
  numThreads: number;
}

export interface OrtUrls {
  /** The ORT JS API module (the build transformers.js uses: onnxruntime-web/webgpu). */
  module: string;
  wasm: string;
  mjs: string;
}

export interface SearchCase {
  name: string;
  sample: Sample;
  /** Top-k agreement with the naive fp32 search on the same data (1 = identical sets). */
  recall?: number;
  note?: string;
}

export interface SearchResponse {
  kernel: string;
  crossOriginIsolated: boolean;
  setupMs: number;
  cases: SearchCase[];
  errors: string[];
}

export interface InferenceRequest {
  /** name -> model URL, and the vocabulary size the synthetic token ids must stay below. */
  models: { name: string; url: string; vocab: number }[];
  /** Batches to run per measured unit: each is [batch, sequence length] plus the real token counts per row. */
  workloads: { name: string; batches: { lengths: number[] }[] }[];
  runs: number;
  numThreads: number;
  ort: OrtUrls;
}

export interface InferenceCase {
  model: string;
  workload: string;
  sample: Sample;
  /** Fetch + session creation, ms. */
  sessionMs: number;
  /** The session's inputs, as fed (e.g. input_ids, attention_mask, token_type_ids). */
  inputs: string[];
}

export interface InferenceResponse {
  crossOriginIsolated: boolean;
  numThreads: number;
  cases: InferenceCase[];
  errors: string[];
}

/** One synthetic matrix for the WGSL kernel's correctness check (scripts/bench/page/gpuSearch.ts). */
export interface GpuCheckCase {
  name: string;
  rows: number;
  dims: number;
  queryCount: number;
  k: number;
  seed: number;
  /** Rows at the end that repeat the queries' source rows: exact ties, where the lower row must come first. */
  duplicates: number;
  /** Lower buffer limits, to force several chunks and passes. */
  limits?: { maxStorageBufferBindingSize?: number; maxBufferSize?: number };
}

export interface GpuCheckRequest {
  cases: GpuCheckCase[];
}

/** A top-k result as JSON: -Infinity scores and the exact scores of missing (-1) rows are null. */
export interface GpuCheckTopK {
  indices: number[];
  scores: (number | null)[];
  /** The exact (f64) score of each returned row. */
  exact: (number | null)[];
}

export interface GpuCheckCaseResult {
  name: string;
  chunks: number;
  passes: number;
  k: number;
  gpu: GpuCheckTopK;
  cpu: GpuCheckTopK;
  /** Over every (query, row): |score - exact| of the WGSL kernel, of the CPU topK path, and between them. */
  maxGpuError: number;
  maxCpuError: number;
  maxGpuCpuDiff: number;
}

export interface GpuCheckResponse {
  isFallbackAdapter: boolean;
  adapter: string;
  cases: GpuCheckCaseResult[];
}

export interface BenchApi {
  search(req: SearchRequest): Promise<SearchResponse>;
  inference(req: InferenceRequest): Promise<InferenceResponse>;
  gpuSearchCheck(req: GpuCheckRequest): Promise<GpuCheckResponse>;
}

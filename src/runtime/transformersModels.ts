// The one place where transformers.js is configured and models are loaded. Used unchanged by the
// browser engine worker (WebGPU or WASM through onnxruntime-web) and by Node CLIs and tests (CPU
// through onnxruntime-node). It turns a model spec from src/core/models.ts into the small `Embedder` /
// `Reranker` interfaces the extraction pipeline is written against:
//  - embedder: AutoTokenizer + AutoModel, CLS (first-token) or mean pooling (per spec), L2 normalisation, internal
//    batching sorted by length (less padding), results in input order;
//  - reranker: AutoTokenizer + AutoModelForSequenceClassification on (query, passage) pairs through the
//    tokenizer's pair encoding, sigmoid of the single logit (not the text-classification pipeline,
//    which silently drops sentence pairs in transformers.js 4.3.1: see ../shared/ENVIRONMENT.md);
//  - failures while loading (404, server errors, lost connections, truncated or corrupt files, a
//    device that cannot run the dtype) surface as `ModelLoadError` naming the model and, where it can
//    be known, the file.
import { errorText } from '../core/errors.ts';
import {
  AutoModel,
  AutoModelForSequenceClassification,
  AutoTokenizer,
  env,
  type DeviceType,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type ProgressInfo,
  type Tensor,
} from '@huggingface/transformers';
import {
  DEFAULT_MODEL_HOST,
  type Backend,
  type Dtype,
  type Embedder,
  type EmbedderSpec,
  type Reranker,
  type RerankerSpec,
} from '../core/models.ts';

export interface FileProgress {
  model: string;
  /** Repository-relative file, e.g. `onnx/model_quantized.onnx`; '' for the model-level 'ready'. */
  file: string;
  status: 'initiate' | 'download' | 'progress' | 'done' | 'ready';
  /** Bytes so far (0 when unknown; for 'done' the file's size when a progress event told it). */
  loaded: number;
  /** Bytes in all (0 when unknown). */
  total: number;
}

export interface RuntimeOptions {
  backend: Backend;
  dtype: Dtype;
  /** Hub-layout host, e.g. `http://127.0.0.1:4174/`; default https://huggingface.co/ (or what configureTransformers set). */
  modelHost?: string;
  /** Node: load from a folder in hub layout (`<dir>/<org>/<name>/...`), no network. */
  localModelPath?: string;
  onProgress?: (p: FileProgress) => void;
  /** Texts (or pairs) per inference call; default 32 in Node, 16 in the browser. */
  batchSize?: number;
  /** This model's tokenizer, already loading (loadTokenizer), e.g. while the device is probed. */
  tokenizer?: Promise<PreTrainedTokenizer>;
}

export interface TransformersConfig {
  modelHost?: string;
  /** Load from this folder only (no network): wins over modelHost. */
  localModelPath?: string;
  /** onnxruntime-web's wasm and its loader as absolute URLs (offline: import them with Vite's `?url`). */
  wasmPaths?: { wasm: string; mjs: string };
  numThreads?: number;
  /** Run onnxruntime-web's WASM backend in its own worker (not needed inside our engine worker). */
  proxy?: boolean;
  /** Node: folder for downloaded files (transformers.js' default is inside node_modules). */
  cacheDir?: string;
  /** Browser: keep downloaded files in the Cache API (default true where it exists). */
  useBrowserCache?: boolean;
}

export type ModelLoadFailure =
  /** 401/403/404 from the host, or missing in the local folder. */
  | 'not-found'
  /** Another HTTP error status (e.g. 500). */
  | 'http'
  /** The request failed or the connection dropped. */
  | 'network'
  /** The body ended before its announced Content-Length. */
  | 'truncated'
  /** The file arrived but could not be parsed (corrupt ONNX or JSON). */
  | 'invalid'
  /** The device cannot run this model or dtype (e.g. fp16 on a WebGPU adapter without shader-f16). */
  | 'unsupported'
  | 'unknown';

const DOWNLOAD_FAILURES: ReadonlySet<ModelLoadFailure> = new Set(['not-found', 'http', 'network', 'truncated']);

/** A model could not be loaded. `file` names the repository file when it is known. */
export class ModelLoadError extends Error {
  readonly model: string;
  readonly file?: string;
  readonly reason: ModelLoadFailure;
  /** HTTP status when the failure was an HTTP answer. */
  readonly status?: number;

  constructor(init: { model: string; file?: string; reason: ModelLoadFailure; detail: string; status?: number; cause?: unknown }) {
    const what = DOWNLOAD_FAILURES.has(init.reason)
      ? 'model download failed'
      : init.reason === 'invalid'
        ? 'model file invalid'
        : 'model load failed';
    super(`${what}: ${init.file ? `${init.file}: ` : ''}${init.detail} (model ${init.model})`, { cause: init.cause });
    this.name = 'ModelLoadError';
    this.model = init.model;
    if (init.file !== undefined) this.file = init.file;
    this.reason = init.reason;
    if (init.status !== undefined) this.status = init.status;
  }

  /** Plain data, e.g. to send across a worker boundary (comlink keeps only name, message and stack of errors). */
  toJSON(): { name: string; message: string; model: string; file?: string; reason: ModelLoadFailure; status?: number } {
    return { name: this.name, message: this.message, model: this.model, file: this.file, reason: this.reason, status: this.status };
  }
}

// ---------------------------------------------------------------------------------------------
// Configuration

/** The onnxruntime env as transformers.js exposes it (its `wasm` object is the live ORT one). */
function ortWasmEnv(): { wasmPaths?: unknown; numThreads?: number; proxy?: boolean } | undefined {
  return env.backends.onnx.wasm as { wasmPaths?: unknown; numThreads?: number; proxy?: boolean } | undefined;
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** Points transformers.js at a model source: a local folder (no network) or a hub-layout host. */
function applySource(o: { modelHost?: string; localModelPath?: string }): void {
  if (o.localModelPath) {
    env.localModelPath = withTrailingSlash(o.localModelPath);
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
  } else if (o.modelHost) {
    env.remoteHost = withTrailingSlash(o.modelHost);
    env.allowRemoteModels = true;
    // Otherwise Node would first look under node_modules/@huggingface/transformers/models/, and a
    // browser under /models/ of the app's own origin.
    env.allowLocalModels = false;
  }
}

export function configureTransformers(o: TransformersConfig = {}): void {
  installFetchGuard();
  if (o.localModelPath) applySource({ localModelPath: o.localModelPath });
  else applySource({ modelHost: o.modelHost ?? DEFAULT_MODEL_HOST });
  const wasm = ortWasmEnv();
  if (wasm) {
    if (o.wasmPaths) wasm.wasmPaths = { wasm: o.wasmPaths.wasm, mjs: o.wasmPaths.mjs };
    if (o.numThreads !== undefined) wasm.numThreads = o.numThreads;
    if (o.proxy !== undefined) wasm.proxy = o.proxy;
  }
  if (o.cacheDir !== undefined) {
    env.cacheDir = o.cacheDir;
    env.useFSCache = true;
  }
  if (o.useBrowserCache !== undefined) env.useBrowserCache = o.useBrowserCache && typeof caches !== 'undefined';
}

// ---------------------------------------------------------------------------------------------
// Fetch guard: names the file when a download fails below transformers.js (it rethrows fetch and
// stream errors without the URL), and keeps the HTTP status of failed answers for the error message.

type FetchFn = (input: string | URL, init?: RequestInit) => Promise<Response>;

let baseFetch: FetchFn | null = null;
/** Recent failed answers by URL (transformers.js' messages name the URL but not always the status). */
const failedStatus = new Map<string, number>();
/**
 * Recent failed answers for hub files, in order. Some failures reach the caller only as a later
 * TypeError (a 404 on tokenizer_config.json's size probe makes transformers.js skip the tokenizer
 * files and then read a property of undefined), so the tracker looks here last.
 */
const failures: { seq: number; model: string; file: string; status: number }[] = [];
let failureSeq = 0;

/** `{ model, file }` when the URL is a hub-layout file under the configured host. */
export function locateHubFile(url: string): { model: string; file: string } | null {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  let rest = path;
  try {
    const hostPath = new URL(env.remoteHost).pathname;
    if (hostPath !== '/' && rest.startsWith(hostPath)) rest = `/${rest.slice(hostPath.length)}`;
  } catch {
    // remoteHost is not a URL: match the whole path.
  }
  const m = /^\/(.+?)\/resolve\/[^/]+\/(.+)$/.exec(rest);
  if (!m) return null;
  try {
    return { model: decodeURIComponent(m[1]), file: decodeURIComponent(m[2]) };
  } catch {
    return { model: m[1], file: m[2] };
  }
}


function guardBody(res: Response, where: { model: string; file: string }): Response {
  const body = res.body;
  if (!body) return res;
  const declared = Number(res.headers.get('content-length') ?? NaN);
  const reader = body.getReader();
  let received = 0;
  const guarded = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else {
          received += value.byteLength;
          controller.enqueue(value);
        }
      } catch (e) {
        const truncated = Number.isFinite(declared) && received < declared;
        controller.error(
          new ModelLoadError({
            model: where.model,
            file: where.file,
            reason: truncated ? 'truncated' : 'network',
            detail: truncated
              ? `connection lost after ${received} of ${declared} bytes (${errorText(e)})`
              : `connection lost after ${received} bytes (${errorText(e)})`,
            cause: e,
          }),
        );
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(guarded, { status: res.status, statusText: res.statusText, headers: res.headers });
}

const guardedFetch: FetchFn = async (input, init) => {
  const url = String(input);
  const where = locateHubFile(url);
  const fetchImpl = baseFetch ?? ((i: string | URL, n?: RequestInit) => globalThis.fetch(i, n));
  let res: Response;
  try {
    res = await fetchImpl(input, init);
  } catch (e) {
    if (!where) throw e;
    throw new ModelLoadError({ model: where.model, file: where.file, reason: 'network', detail: `request failed: ${errorText(e)}`, cause: e });
  }
  if (!res.ok) {
    if (failedStatus.size > 200) failedStatus.clear();
    failedStatus.set(url, res.status);
    if (where) {
      failures.push({ seq: ++failureSeq, model: where.model, file: where.file, status: res.status });
      if (failures.length > 50) failures.shift();
    }
  }
  // Only whole-file downloads are guarded (size probes with `Range: bytes=0-0` answer 206).
  return where && res.status === 200 ? guardBody(res, where) : res;
};

function installFetchGuard(): void {
  if (env.fetch === guardedFetch) return;
  baseFetch = env.fetch as FetchFn;
  env.fetch = guardedFetch;
}

// ---------------------------------------------------------------------------------------------
// Progress and error attribution while one model loads

class LoadTracker {
  private readonly sizes = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private readonly done: string[] = [];
  /** Failed answers recorded before this load started are not its own. */
  private readonly firstFailureSeq = failureSeq + 1;

  constructor(
    private readonly model: string,
    private readonly revision: string,
    private readonly onProgress: ((p: FileProgress) => void) | undefined,
  ) {}

  readonly callback = (info: ProgressInfo): void => {
    if (info.status === 'progress_total' || info.status === 'ready') return;
    const file = info.file;
    if (info.status === 'initiate' || info.status === 'download') this.inFlight.add(file);
    if (info.status === 'progress') this.sizes.set(file, info.total || info.loaded);
    if (info.status === 'done') {
      this.inFlight.delete(file);
      this.done.push(file);
    }
    if (!this.onProgress) return;
    const size = this.sizes.get(file) ?? 0;
    const loaded = info.status === 'progress' ? info.loaded : info.status === 'done' ? size : 0;
    const total = info.status === 'progress' ? info.total : size;
    this.emit({ model: this.model, file, status: info.status, loaded, total });
  };

  ready(): void {
    let total = 0;
    for (const s of this.sizes.values()) total += s;
    this.emit({ model: this.model, file: '', status: 'ready', loaded: total, total });
  }

  private emit(p: FileProgress): void {
    try {
      this.onProgress?.(p);
    } catch {
      // A failing progress listener must not break loading.
    }
  }

  /** Turns whatever loading threw into a ModelLoadError naming the file where it can be told. */
  toLoadError(e: unknown, onnxFile: string): ModelLoadError {
    if (e instanceof ModelLoadError) return e;
    const text = errorText(e);
    const quoted = /"([^"]+)"/.exec(text)?.[1];
    const model = this.model;

    // HTTP answers: transformers.js names the URL ("Could not locate file: "<url>".").
    const hub = quoted && /^https?:/.test(quoted) ? locateHubFile(quoted) : null;
    if (hub) {
      const statusProp = (e as { status?: unknown }).status;
      const status = typeof statusProp === 'number' ? statusProp : failedStatus.get(quoted ?? '');
      const notFound = status === undefined ? /could not locate|not found/i.test(text) : [401, 403, 404].includes(status);
      return new ModelLoadError({
        model,
        file: hub.file,
        reason: notFound ? 'not-found' : 'http',
        detail: status ? `HTTP ${status}` : text,
        ...(status ? { status } : {}),
        cause: e,
      });
    }
    // A local folder without the file: "... file was not found locally at "<path>"."
    if (/not found locally/i.test(text) && quoted) {
      const marker = `${model}/`;
      const i = quoted.lastIndexOf(marker);
      const file = i >= 0 ? quoted.slice(i + marker.length) : quoted;
      return new ModelLoadError({ model, file, reason: 'not-found', detail: `missing in the local model folder (${quoted})`, cause: e });
    }
    if (/does not support fp16|unsupported device|no available backend|webgpu is not supported|failed to get (a )?gpu adapter|no (gpu|webgpu) adapter/i.test(text)) {
      return new ModelLoadError({ model, reason: 'unsupported', detail: text, cause: e });
    }
    // JSON.parse right after a file arrived: the most recent JSON file is the broken one.
    if (e instanceof SyntaxError) {
      const file = [...this.done].reverse().find((f) => f.endsWith('.json'));
      if (file) void evictCachedFile(model, this.revision, file);
      return new ModelLoadError({ model, ...(file ? { file } : {}), reason: 'invalid', detail: `not valid JSON (${text})`, cause: e });
    }
    // A file still in flight failed in a way the fetch guard did not see (e.g. a local read error).
    const pending = [...this.inFlight][0];
    if (pending) return new ModelLoadError({ model, file: pending, reason: 'network', detail: text, cause: e });
    // After every file arrived, ONNX Runtime creates the session: a failure there means the graph
    // file is corrupt or cannot run here.
    if (this.done.includes(onnxFile)) {
      void evictCachedFile(model, this.revision, onnxFile);
      return new ModelLoadError({ model, file: onnxFile, reason: 'invalid', detail: `ONNX Runtime could not load it (${text})`, cause: e });
    }
    // An HTTP failure that transformers.js turned into something unrelated (see `failures`): one of
    // this load first; else the model's last one before it, since a retry can be answered from
    // transformers.js' memory of a file it could not get, without asking the network again.
    const failed =
      failures.find((f) => f.seq >= this.firstFailureSeq && f.model === model) ?? [...failures].reverse().find((f) => f.model === model && /\bundefined\b/.test(text));
    if (failed) {
      return new ModelLoadError({
        model,
        file: failed.file,
        reason: [401, 403, 404].includes(failed.status) ? 'not-found' : 'http',
        detail: `HTTP ${failed.status}`,
        status: failed.status,
        cause: e,
      });
    }
    return new ModelLoadError({ model, reason: 'unknown', detail: text, cause: e });
  }
}

/**
 * A corrupt file that arrived whole would be served from the browser's Cache API on every later load:
 * drop it so the next attempt downloads it again. Best effort; Node's file cache is left alone.
 */
async function evictCachedFile(model: string, revision: string, file: string): Promise<void> {
  if (typeof caches === 'undefined' || !env.useBrowserCache) return;
  try {
    const cache = await caches.open(env.cacheKey);
    await cache.delete(`${withTrailingSlash(env.remoteHost)}${model}/resolve/${encodeURIComponent(revision)}/${file}`);
  } catch {
    // Nothing to evict, or the Cache API is not accessible here.
  }
}

// ---------------------------------------------------------------------------------------------
// Loading

const DTYPE_SUFFIX: Record<Dtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized' };

/** The ONNX file transformers.js picks for a dtype (it chooses by file name only). */
export function onnxFileFor(dtype: Dtype): string {
  return `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`;
}

export function deviceFor(backend: Backend): 'webgpu' | 'wasm' | 'cpu' {
  return backend === 'node' ? 'cpu' : backend;
}

interface Loaded<M> {
  tokenizer: PreTrainedTokenizer;
  model: M;
  device: 'webgpu' | 'wasm' | 'cpu';
}

// transformers.js shares a file load still in flight with any later request for the same model,
// revision and cache folder; naming the (Node) cache folder keeps a load after a reconfiguration
// from joining a stale download of the previous one. The browser has no cache folder (null).
function cacheFolder(): { cache_dir?: string } {
  return env.useFSCache && env.cacheDir ? { cache_dir: env.cacheDir } : {};
}

/** A model's tokenizer alone: it needs no device, so it can load while the device is still being chosen. */
export async function loadTokenizer(spec: EmbedderSpec | RerankerSpec, o: Pick<RuntimeOptions, 'modelHost' | 'localModelPath' | 'onProgress'>): Promise<PreTrainedTokenizer> {
  installFetchGuard();
  if (o.localModelPath || o.modelHost) applySource(o);
  const tracker = new LoadTracker(spec.id, spec.revision, o.onProgress);
  try {
    return await AutoTokenizer.from_pretrained(spec.id, { revision: spec.revision, progress_callback: tracker.callback, ...cacheFolder() });
  } catch (e) {
    throw tracker.toLoadError(e, '');
  }
}

async function loadParts<M extends PreTrainedModel>(
  spec: EmbedderSpec | RerankerSpec,
  o: RuntimeOptions,
  loadModel: (opts: { revision: string; dtype: Dtype; device: DeviceType; progress_callback: (i: ProgressInfo) => void; cache_dir?: string }) => Promise<M>,
): Promise<Loaded<M>> {
  installFetchGuard();
  if (o.localModelPath || o.modelHost) applySource(o);
  // One after the other: the tokenizer is small, and a failed tokenizer then never leaves a large
  // model download running in the background.
  const tokenizer = await (o.tokenizer ?? loadTokenizer(spec, o));
  const device = deviceFor(o.backend);
  const tracker = new LoadTracker(spec.id, spec.revision, o.onProgress);
  const cacheDir = cacheFolder();
  try {
    const model = await loadModel({ revision: spec.revision, dtype: o.dtype, device, progress_callback: tracker.callback, ...cacheDir });
    tracker.ready();
    return { tokenizer, model, device };
  } catch (e) {
    throw tracker.toLoadError(e, onnxFileFor(o.dtype));
  }
}

/** Only the inputs the ONNX session declares (a BERT tokenizer adds token_type_ids that XLM-R graphs lack). */
function feedsFor(model: PreTrainedModel, enc: Record<string, Tensor | undefined>): Record<string, Tensor> {
  const session = model.sessions.model as { inputNames?: string[] } | undefined;
  const names = session?.inputNames ?? ['input_ids', 'attention_mask'];
  const feeds: Record<string, Tensor> = {};
  for (const n of names) {
    const t = enc[n];
    if (t) feeds[n] = t;
  }
  return feeds;
}

/** IEEE half to float (Node 20 has no Float16Array: fp16 outputs arrive as raw 16-bit integers). */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function floatData(t: Tensor): ArrayLike<number> {
  const data: unknown = t.data;
  if (t.type === 'float32' || t.type === 'float64') return data as Float32Array | Float64Array;
  if (t.type === 'float16') {
    if (data instanceof Uint16Array) return Float32Array.from(data, halfToFloat);
    return data as ArrayLike<number>; // a Float16Array where the runtime has one
  }
  throw new Error(`unexpected model output type ${t.type}`);
}

/**
 * Batches of input indices, ordered by length (of the texts, in characters), so each batch pads
 * little: a batch ends at `batchSize` items or when the next is over twice as long as the batch's first
 * (plus slack for very short ones). Without the second rule a few 500-token document chunks padded a
 * batch of 6-token segments to 500 tokens each, tripling the work (measured by npm run bench).
 */
export function lengthBatches(lengths: readonly number[], batchSize: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
  const batches: number[][] = [];
  let batch: number[] = [];
  for (const i of order) {
    if (batch.length === batchSize || (batch.length > 0 && lengths[i] > 2 * lengths[batch[0]] + 32)) {
      batches.push(batch);
      batch = [];
    }
    batch.push(i);
  }
  if (batch.length) batches.push(batch);
  return batches;
}

function defaultBatchSize(o: RuntimeOptions): number {
  return o.batchSize ?? (o.backend === 'node' ? 32 : 16);
}

/** The attention mask as numbers (the tokenizer returns int64 as BigInt64Array). */
function maskData(mask: Tensor | undefined, expected: number): Float64Array {
  if (!mask || mask.size !== expected) throw new Error('mean pooling needs the attention mask of the batch');
  return Float64Array.from(mask.data as ArrayLike<number | bigint>, Number);
}

/**
 * One text vector from the token vectors of row `r` into `out` at `dst`, L2-normalised: the first
 * token's vector (CLS pooling; DESIGN.md: mean pooling is wrong for BGE-M3 and bge-small) when `mask`
 * is null, else the mean over the tokens the attention mask keeps (sentence-transformers' pooling for
 * all-MiniLM-L6-v2). An all-zero vector stays zero rather than becoming NaN.
 */
export function poolRow(data: ArrayLike<number>, mask: ArrayLike<number> | null, r: number, seq: number, d: number, out: Float32Array, dst: number): void {
  const base = r * seq * d;
  if (!mask) {
    for (let j = 0; j < d; j++) out[dst + j] = data[base + j];
  } else {
    const acc = new Float64Array(d);
    let kept = 0;
    for (let t = 0; t < seq; t++) {
      if (!mask[r * seq + t]) continue;
      kept++;
      const off = base + t * d;
      for (let j = 0; j < d; j++) acc[j] += data[off + j];
    }
    for (let j = 0; j < d; j++) out[dst + j] = kept ? acc[j] / kept : 0;
  }
  let norm = 0;
  for (let j = 0; j < d; j++) norm += out[dst + j] * out[dst + j];
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let j = 0; j < d; j++) out[dst + j] *= inv;
}

export interface LoadedEmbedder extends Embedder {
  readonly spec: EmbedderSpec;
  readonly dtype: Dtype;
  readonly device: string;
  /** The loaded tokenizer and graph, so token states (tokenStates.ts) reuse them instead of loading the model twice. */
  readonly parts: { tokenizer: PreTrainedTokenizer; model: PreTrainedModel; batchSize: number };
  dispose(): Promise<void>;
}

export interface LoadedReranker extends Reranker {
  readonly spec: RerankerSpec;
  readonly dtype: Dtype;
  readonly device: string;
  dispose(): Promise<void>;
}

export async function loadEmbedder(spec: EmbedderSpec, o: RuntimeOptions): Promise<LoadedEmbedder> {
  const { tokenizer, model, device } = await loadParts(spec, o, (opts) => AutoModel.from_pretrained(spec.id, opts));
  const dims = spec.dims;
  const batchSize = defaultBatchSize(o);

  async function embed(texts: string[]): Promise<Float32Array> {
    const out = new Float32Array(texts.length * dims);
    for (const idx of lengthBatches(texts.map((t) => t.length), batchSize)) {
      const enc = tokenizer(
        idx.map((i) => texts[i]),
        { padding: true, truncation: true, max_length: spec.maxLength },
      );
      const outputs = (await model(feedsFor(model, enc))) as { last_hidden_state?: Tensor };
      const hidden = outputs.last_hidden_state;
      if (!hidden) throw new Error(`${spec.id}: the model returned no last_hidden_state`);
      const [b, seq, d] = hidden.dims;
      if (d !== dims) throw new Error(`${spec.id}: the model returned ${d} dimensions, the spec says ${dims}`);
      const data = floatData(hidden);
      const mask = spec.pooling === 'mean' ? maskData(enc.attention_mask, b * seq) : null;
      for (let r = 0; r < b; r++) poolRow(data, mask, r, seq, d, out, idx[r] * dims);
    }
    return out;
  }

  return {
    spec,
    dtype: o.dtype,
    device,
    dims,
    embed,
    parts: { tokenizer, model, batchSize },
    dispose: async () => {
      await model.dispose();
    },
  };
}

export async function loadReranker(spec: RerankerSpec, o: RuntimeOptions): Promise<LoadedReranker> {
  const { tokenizer, model, device } = await loadParts(spec, o, (opts) => AutoModelForSequenceClassification.from_pretrained(spec.id, opts));
  const batchSize = defaultBatchSize(o);

  async function rerank(query: string, passages: string[]): Promise<Float32Array> {
    const out = new Float32Array(passages.length);
    for (const idx of lengthBatches(passages.map((t) => t.length), batchSize)) {
      // Pair encoding (`[CLS] q [SEP] p [SEP]`, `<s> q </s></s> p </s>` for XLM-R); truncation cuts
      // the end of the pair, so the query survives long passages.
      const enc = tokenizer(
        idx.map(() => query),
        { text_pair: idx.map((i) => passages[i]), padding: true, truncation: true, max_length: spec.maxLength },
      );
      const outputs = (await model(feedsFor(model, enc))) as { logits?: Tensor };
      const logits = outputs.logits;
      if (!logits) throw new Error(`${spec.id}: the model returned no logits`);
      const [b, labels] = logits.dims;
      const data = floatData(logits);
      for (let r = 0; r < b; r++) out[idx[r]] = 1 / (1 + Math.exp(-data[r * (labels ?? 1)]));
    }
    return out;
  }

  return {
    spec,
    dtype: o.dtype,
    device,
    rerank,
    dispose: async () => {
      await model.dispose();
    },
  };
}

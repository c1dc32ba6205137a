// Node integration tests: the generated test models run for real through transformers.js and
// onnxruntime-node, loaded both from a local folder and over HTTP from the local model host.
// They check what the app relies on: CLS pooling + L2 norm of the embedder (against a reference
// computed from the generator's own token table), batching that neither reorders nor changes
// vectors, every dtype file name loading, the reranker's pair encoding and overlap ordering, and
// download failures surfacing as ModelLoadError naming the file.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoTokenizer } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestModelFiles,
  buildTokenTable,
  DEFAULT_MODELS_DIR,
  dequantizeTable,
  EMBEDDER_DIMS,
  generateTestModels,
  loadSourceTokenizer,
  quantizeTable,
  referenceEmbedding,
} from '../../scripts/generate-test-models.ts';
import { startModelHost, type ModelHost, type ModelHostFaults } from '../../scripts/serve-models.ts';
import { TEST_EMBEDDER, TEST_RERANKER, type Dtype } from '../core/models.ts';
import {
  lengthBatches,
  configureTransformers,
  loadEmbedder,
  loadReranker,
  loadTokenizer,
  locateHubFile,
  ModelLoadError,
  type FileProgress,
  type LoadedEmbedder,
  type LoadedReranker,
} from './transformersModels.ts';

const DIMS = EMBEDDER_DIMS;
const tempDirs: string[] = [];

function freshCacheDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hf-cache-'));
  tempDirs.push(d);
  return d;
}

function row(v: Float32Array, i: number): Float32Array {
  return v.subarray(i * DIMS, (i + 1) * DIMS);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let j = 0; j < a.length; j++) m = Math.max(m, Math.abs(a[j] - b[j]));
  return m;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Token ids as the model sees them (with [CLS]/[SEP]), from the generated tokenizer. */
async function tokenIds(text: string): Promise<number[]> {
  const tok = await AutoTokenizer.from_pretrained(TEST_EMBEDDER.id);
  return tok.encode(text);
}

const TEXTS = [
  'Java programming',
  'Develop software applications in Java and Python for a large logistics company.',
  'nursing care',
  'Java (computer programming)',
  'Provide nursing care to patients in a hospital ward, working night shifts.',
  'SQL',
];

beforeAll(() => {
  // Skips the work when the generated models are present and current.
  generateTestModels(DEFAULT_MODELS_DIR);
});

afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

describe('length batching', () => {
  it('keeps input order recoverable, caps batch size, and never pads short texts to a long one', () => {
    const texts = ['a long document chunk '.repeat(40), 'sql', 'java', 'python and more', 'x'.repeat(30), 'another long document chunk '.repeat(35)];
    const batches = lengthBatches(texts.map((t) => t.length), 3);
    expect(batches.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(batches.every((b) => b.length <= 3)).toBe(true);
    const longOnes = batches.find((b) => b.includes(0))!;
    expect(longOnes.every((i) => texts[i].length > 500)).toBe(true);
    expect(batches.find((b) => b.includes(1))!.every((i) => texts[i].length < 100)).toBe(true);
  });
});

describe('generate-test-models', () => {
  it('is deterministic: the same bytes on every build', () => {
    const tok = loadSourceTokenizer();
    const hash = (files: Map<string, Uint8Array>) =>
      [...files].map(([p, b]) => `${p}:${createHash('sha256').update(b).digest('hex')}`).join('\n');
    expect(hash(buildTestModelFiles(tok))).toBe(hash(buildTestModelFiles(tok)));
  });

  it('skips when the outputs are current', () => {
    const r = generateTestModels(DEFAULT_MODELS_DIR);
    expect(r.skipped).toBe(true);
    expect(r.files.map((f) => f.path)).toContain('esco-test/bag-of-tokens-embedder/onnx/model_quantized.onnx');
  });
});

describe('embedder from a local folder', () => {
  const progress: FileProgress[] = [];
  let q8: LoadedEmbedder;
  let fp32: LoadedEmbedder;
  let table: Float32Array;

  beforeAll(async () => {
    configureTransformers({ localModelPath: DEFAULT_MODELS_DIR });
    q8 = await loadEmbedder(TEST_EMBEDDER, { backend: 'node', dtype: 'q8', onProgress: (p) => progress.push(p) });
    fp32 = await loadEmbedder(TEST_EMBEDDER, { backend: 'node', dtype: 'fp32', batchSize: 2 });
    table = buildTokenTable(loadSourceTokenizer());
  });

  afterAll(async () => {
    await q8?.dispose();
    await fp32?.dispose();
  });

  it('reports what it runs', () => {
    expect(q8.dims).toBe(256);
    expect(q8.dtype).toBe('q8');
    expect(q8.device).toBe('cpu');
    expect(q8.spec).toBe(TEST_EMBEDDER);
  });

  it('returns [n, 256] unit vectors in one row-major Float32Array', async () => {
    const v = await q8.embed(TEXTS);
    expect(v).toBeInstanceOf(Float32Array);
    expect(v.length).toBe(TEXTS.length * DIMS);
    for (let i = 0; i < TEXTS.length; i++) expect(Math.sqrt(dot(row(v, i), row(v, i)))).toBeCloseTo(1, 5);
    expect((await q8.embed([])).length).toBe(0);
  });

  it('pools the first token: the normalised mean of the token table rows (fp32 exact, q8 close)', async () => {
    const text = 'Develop software applications in Java';
    const ids = await tokenIds(text);
    expect(ids[0]).toBe(101); // [CLS]
    const fp32Ref = referenceEmbedding(table, ids);
    expect(maxAbsDiff(await fp32.embed([text]), fp32Ref)).toBeLessThan(1e-5);

    const q8Ref = referenceEmbedding(dequantizeTable(quantizeTable(table)), ids);
    const got = await q8.embed([text]);
    expect(maxAbsDiff(got, q8Ref)).toBeLessThan(1e-5);
    // The q8 file genuinely differs from fp32, but only by quantisation noise.
    expect(maxAbsDiff(got, fp32Ref)).toBeGreaterThan(0);
    expect(dot(got, fp32Ref)).toBeGreaterThan(0.999);
  });

  it('is a bag of tokens: word order does not matter, shared words bring texts together', async () => {
    const v = await q8.embed(['Java programming', 'programming Java', 'Java (computer programming)', 'nursing care']);
    expect(dot(row(v, 0), row(v, 1))).toBeCloseTo(1, 5);
    const toSkill = dot(row(v, 0), row(v, 2));
    const toNursing = dot(row(v, 0), row(v, 3));
    expect(toSkill).toBeGreaterThan(0.7);
    expect(Math.abs(toNursing)).toBeLessThan(0.2);
    expect(toSkill).toBeGreaterThan(toNursing + 0.5);
  });

  it('gives the same vectors in a batch as one at a time (padding changes nothing, order is kept)', async () => {
    for (const e of [q8, fp32]) {
      const batch = await e.embed(TEXTS);
      for (let i = 0; i < TEXTS.length; i++) {
        expect(maxAbsDiff(row(batch, i), await e.embed([TEXTS[i]]))).toBeLessThan(1e-6);
      }
    }
  });

  it('truncates to the spec max length instead of failing', async () => {
    const long = Array.from({ length: 700 }, (_, i) => `word${i}`).join(' ');
    const v = await q8.embed([long, 'Java']);
    expect(Math.sqrt(dot(row(v, 0), row(v, 0)))).toBeCloseTo(1, 5);
  });

  it('reports per-file progress and then ready', () => {
    const files = new Set(progress.map((p) => p.file));
    for (const f of ['tokenizer.json', 'tokenizer_config.json', 'config.json', 'onnx/model_quantized.onnx']) expect(files).toContain(f);
    expect(progress.every((p) => p.model === TEST_EMBEDDER.id)).toBe(true);
    const onnxDone = progress.find((p) => p.file === 'onnx/model_quantized.onnx' && p.status === 'done');
    expect(onnxDone?.total).toBeGreaterThan(1_000_000);
    expect(progress.at(-1)).toMatchObject({ status: 'ready', file: '' });
  });

  it('loads every dtype file name: fp16 is the fp32 graph, so it matches fp32 exactly', async () => {
    const fp16 = await loadEmbedder(TEST_EMBEDDER, { backend: 'node', dtype: 'fp16', onProgress: (p) => progress.push(p) });
    try {
      expect(fp16.dtype).toBe('fp16');
      expect(progress.some((p) => p.file === 'onnx/model_fp16.onnx' && p.status === 'done')).toBe(true);
      expect(maxAbsDiff(await fp16.embed(TEXTS), await fp32.embed(TEXTS))).toBeLessThan(1e-6);
    } finally {
      await fp16.dispose();
    }
  });

  it('names the missing file when the local folder lacks it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-models-'));
    tempDirs.push(empty);
    configureTransformers({ localModelPath: empty, cacheDir: freshCacheDir() });
    try {
      const err = await loadEmbedder(TEST_EMBEDDER, { backend: 'node', dtype: 'q8' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModelLoadError);
      expect(err).toMatchObject({ model: TEST_EMBEDDER.id, reason: 'not-found' });
      expect((err as ModelLoadError).file).toMatch(/^tokenizer(_config)?\.json$/);
    } finally {
      configureTransformers({ localModelPath: DEFAULT_MODELS_DIR });
    }
  });
});

describe('reranker from a local folder', () => {
  let reranker: LoadedReranker;

  beforeAll(async () => {
    configureTransformers({ localModelPath: DEFAULT_MODELS_DIR });
    reranker = await loadReranker(TEST_RERANKER, { backend: 'node', dtype: 'q8', batchSize: 2 });
  });

  afterAll(async () => {
    await reranker?.dispose();
  });

  it('scores every passage with a probability in (0, 1)', async () => {
    const passages = ['nursing care', 'Java (computer programming)', 'programming in Python', 'Java', 'SQL'];
    const s = await reranker.rerank('Java programming', passages);
    expect(s).toBeInstanceOf(Float32Array);
    expect(s.length).toBe(passages.length);
    for (const x of s) {
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(1);
    }
    expect(reranker.device).toBe('cpu');
  });

  it('ranks by token overlap with the query: sigmoid(8 * overlap - 4)', async () => {
    const passages = ['nursing care', 'Java (computer programming)', 'programming in Python'];
    const s = await reranker.rerank('Java programming', passages);
    const ranked = [...s.keys()].sort((a, b) => s[b] - s[a]).map((i) => passages[i]);
    expect(ranked).toEqual(['Java (computer programming)', 'programming in Python', 'nursing care']);
    expect(s[1]).toBeCloseTo(sigmoid(4), 5);
    expect(s[2]).toBeCloseTo(sigmoid(0), 5);
    expect(s[0]).toBeCloseTo(sigmoid(-4), 5);
  });

  it('uses the pair encoding: query and passage are not interchangeable', async () => {
    const [qp] = await reranker.rerank('Java programming', ['Java']);
    const [pq] = await reranker.rerank('Java', ['Java programming']);
    expect(qp).toBeCloseTo(sigmoid(0), 5); // half of the query found
    expect(pq).toBeCloseTo(sigmoid(4), 5); // all of the query found
  });

  it('ignores stopwords in the query', async () => {
    const [s] = await reranker.rerank('the Java of', ['Java']);
    expect(s).toBeCloseTo(sigmoid(4), 5);
  });

  it('gives the same scores in batches as one at a time, in input order', async () => {
    const passages = ['SQL databases', 'Java', 'nursing', 'Java programming and SQL', 'care for patients with Java'];
    const all = await reranker.rerank('Java SQL', passages);
    for (let i = 0; i < passages.length; i++) {
      const [one] = await reranker.rerank('Java SQL', [passages[i]]);
      expect(all[i]).toBeCloseTo(one, 6);
    }
    expect((await reranker.rerank('Java', [])).length).toBe(0);
  });
});

describe('over HTTP from the local model host', () => {
  let host: ModelHost;
  let localVectors: Float32Array;

  beforeAll(async () => {
    configureTransformers({ localModelPath: DEFAULT_MODELS_DIR });
    const local = await loadEmbedder(TEST_EMBEDDER, { backend: 'node', dtype: 'q8' });
    localVectors = await local.embed(TEXTS);
    await local.dispose();
    host = await startModelHost({ dir: DEFAULT_MODELS_DIR, port: 0 });
  });

  afterAll(async () => {
    await host?.close();
  });

  it('downloads the files and gives the same vectors as the local folder', async () => {
    // A fresh file cache each time: Node's transformers.js cache is keyed by model and file, not host.
    configureTransformers({ modelHost: host.url, cacheDir: freshCacheDir() });
    const before = host.requests.length;
    const progress: FileProgress[] = [];
    const e = await loadEmbedder(TEST_EMBEDDER, { backend: 'node', dtype: 'q8', onProgress: (p) => progress.push(p) });
    try {
      const got = host.requests.slice(before);
      for (const f of ['tokenizer.json', 'tokenizer_config.json', 'config.json', 'onnx/model_quantized.onnx']) {
        expect(got).toContain(`GET /${TEST_EMBEDDER.id}/resolve/main/${f}`);
      }
      expect(maxAbsDiff(await e.embed(TEXTS), localVectors)).toBe(0);
      expect(progress.find((p) => p.file === 'onnx/model_quantized.onnx' && p.status === 'done')?.total).toBeGreaterThan(1_000_000);
    } finally {
      await e.dispose();
    }
  });

  it('a tokenizer loaded ahead (as the engine does while it probes the device) is the one the embedder uses', async () => {
    configureTransformers({ modelHost: host.url, cacheDir: freshCacheDir() });
    const before = host.requests.length;
    // Counted calls prove the embedder tokenizes with this instance (a second load would come from the file cache unseen).
    let calls = 0;
    const tokenizer = loadTokenizer(TEST_EMBEDDER, { modelHost: host.url }).then(
      (t) => new Proxy(t, { apply: (target, self, args) => (calls++, Reflect.apply(target as unknown as (...a: unknown[]) => unknown, self, args)) }),
    );
    await tokenizer;
    const afterTokenizer = host.requests.slice(before);
    expect(afterTokenizer).toContain(`GET /${TEST_EMBEDDER.id}/resolve/main/tokenizer.json`);
    expect(afterTokenizer).not.toContain(`GET /${TEST_EMBEDDER.id}/resolve/main/onnx/model_quantized.onnx`);
    const e = await loadEmbedder(TEST_EMBEDDER, { backend: 'node', dtype: 'q8', tokenizer });
    try {
      const got = host.requests.slice(before);
      expect(got.filter((r) => r.endsWith('/tokenizer.json'))).toHaveLength(1);
      expect(got).toContain(`GET /${TEST_EMBEDDER.id}/resolve/main/onnx/model_quantized.onnx`);
      expect(maxAbsDiff(await e.embed(TEXTS), localVectors)).toBe(0);
      expect(calls).toBeGreaterThan(0);
    } finally {
      await e.dispose();
    }
  });

  it('a tokenizer that failed ahead fails the embedder load with its own error, before the model is asked for', async () => {
    const faulty = await startModelHost({ dir: DEFAULT_MODELS_DIR, port: 0, faults: { notFound: /bag-of-tokens-embedder\/tokenizer\.json$/ } });
    try {
      configureTransformers({ modelHost: faulty.url, cacheDir: freshCacheDir() });
      const tokenizer = loadTokenizer(TEST_EMBEDDER, { modelHost: faulty.url });
      const err = await loadEmbedder(TEST_EMBEDDER, { backend: 'node', dtype: 'q8', tokenizer }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ModelLoadError);
      expect(err).toMatchObject({ model: TEST_EMBEDDER.id, file: 'tokenizer.json', reason: 'not-found' });
      expect(faulty.requests.some((r) => r.includes('onnx/'))).toBe(false);
    } finally {
      await faulty.close();
    }
  });

  it('loads the reranker and the fp16 file name over HTTP too', async () => {
    configureTransformers({ modelHost: host.url, cacheDir: freshCacheDir() });
    const r = await loadReranker(TEST_RERANKER, { backend: 'node', dtype: 'fp16' });
    try {
      const s = await r.rerank('Java programming', ['nursing care', 'Java (computer programming)']);
      expect(s[1]).toBeGreaterThan(s[0]);
      expect(host.requests).toContain(`GET /${TEST_RERANKER.id}/resolve/main/onnx/model_fp16.onnx`);
    } finally {
      await r.dispose();
    }
  });

  async function failure(faults: ModelHostFaults, dtype: Dtype = 'q8'): Promise<ModelLoadError> {
    const faulty = await startModelHost({ dir: DEFAULT_MODELS_DIR, port: 0, faults });
    try {
      configureTransformers({ modelHost: faulty.url, cacheDir: freshCacheDir() });
      const err = await loadEmbedder(TEST_EMBEDDER, { backend: 'node', dtype }).then(
        async (e) => {
          await e.dispose();
          return null;
        },
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ModelLoadError);
      return err as ModelLoadError;
    } finally {
      await faulty.close();
    }
  }

  it('a 404 gives ModelLoadError naming the file', async () => {
    const err = await failure({ notFound: /onnx\/model_quantized\.onnx$/ });
    expect(err).toMatchObject({ model: TEST_EMBEDDER.id, file: 'onnx/model_quantized.onnx', reason: 'not-found', status: 404 });
    expect(err.message).toContain('model download failed: onnx/model_quantized.onnx');
  });

  it('a missing tokenizer is named too', async () => {
    const err = await failure({ notFound: /bag-of-tokens-embedder\/tokenizer\.json$/ });
    expect(err).toMatchObject({ file: 'tokenizer.json', reason: 'not-found' });
  });

  it('a truncated download gives ModelLoadError naming the file', async () => {
    const err = await failure({ truncate: /onnx\/model_quantized\.onnx$/ });
    expect(err).toMatchObject({ file: 'onnx/model_quantized.onnx', reason: 'truncated' });
    expect(err.message).toMatch(/^model download failed: onnx\/model_quantized\.onnx: connection lost after \d+ of \d+ bytes/);
  });

  it('a server error gives ModelLoadError with the status', async () => {
    const err = await failure({ status500: /bag-of-tokens-embedder\/config\.json$/ });
    expect(err).toMatchObject({ file: 'config.json', reason: 'http', status: 500 });
  });

  it('a corrupt ONNX file that arrives whole is reported as invalid, naming the file', async () => {
    const err = await failure({ corrupt: /onnx\/model_fp16\.onnx$/ }, 'fp16');
    expect(err).toMatchObject({ file: 'onnx/model_fp16.onnx', reason: 'invalid' });
    expect(err.message).toContain('model file invalid: onnx/model_fp16.onnx');
  });

  it('a corrupt JSON file is reported as invalid, naming the file', async () => {
    const err = await failure({ corrupt: /bag-of-tokens-embedder\/config\.json$/ });
    expect(err).toMatchObject({ file: 'config.json', reason: 'invalid' });
  });

  it('a model the host does not have is reported as not found, naming the first file asked for', async () => {
    configureTransformers({ modelHost: host.url, cacheDir: freshCacheDir() });
    const err = await loadEmbedder({ ...TEST_EMBEDDER, id: 'esco-test/no-such-model' }, { backend: 'node', dtype: 'q8' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err).toMatchObject({ model: 'esco-test/no-such-model', file: 'tokenizer_config.json', reason: 'not-found', status: 404 });
  });

  it('a retry of a model the host does not have is still reported as not found (transformers.js may not ask again)', async () => {
    configureTransformers({ modelHost: host.url, cacheDir: freshCacheDir() });
    const spec = { ...TEST_EMBEDDER, id: 'esco-test/still-no-such-model' };
    for (let attempt = 0; attempt < 2; attempt++) {
      const err = await loadEmbedder(spec, { backend: 'node', dtype: 'q8' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModelLoadError);
      expect(err).toMatchObject({ model: spec.id, reason: 'not-found', status: 404 });
    }
  });

  it('an unreachable host is a network failure naming the file', async () => {
    const closed = await startModelHost({ dir: DEFAULT_MODELS_DIR, port: 0 });
    const url = closed.url;
    await closed.close();
    configureTransformers({ modelHost: url, cacheDir: freshCacheDir() });
    const err = await loadEmbedder(TEST_EMBEDDER, { backend: 'node', dtype: 'q8' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err).toMatchObject({ reason: 'network' });
    expect((err as ModelLoadError).file).toMatch(/^tokenizer(_config)?\.json$/);
  });
});

describe('locateHubFile', () => {
  it('reads model and file from hub URLs under the configured host', () => {
    configureTransformers({ modelHost: 'http://127.0.0.1:4174/' });
    expect(locateHubFile('http://127.0.0.1:4174/Xenova/bge-m3/resolve/main/onnx/model_quantized.onnx')).toEqual({
      model: 'Xenova/bge-m3',
      file: 'onnx/model_quantized.onnx',
    });
    configureTransformers({ modelHost: 'https://example.org/mirror/' });
    expect(locateHubFile('https://example.org/mirror/onnx-community/bge-reranker-v2-m3-ONNX/resolve/main/config.json')).toEqual({
      model: 'onnx-community/bge-reranker-v2-m3-ONNX',
      file: 'config.json',
    });
    expect(locateHubFile('https://example.org/other/path.json')).toBeNull();
  });
});

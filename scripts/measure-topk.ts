// Times batched top-k search (default 64 queries x 17,597 rows x 1024 dims, k = 10) for the compact
// matrices of src/core/vectors.ts (WebAssembly SIMD kernel and its JS fallback, int8 and f16) against a
// naive Float32Array double loop, and, where installed, against an ONNX MatMul + TopK graph on an fp32
// matrix in onnxruntime-node (native, AVX-512 where the CPU has it) and onnxruntime-web (WASM, as in a
// browser). Prints best and median wall time of several runs after a warm-up; a quick
// figure for development, the project's benchmark suite is the place for tracked numbers.
// Usage: npx tsx scripts/measure-topk.ts [--rows 17597] [--dims 1024] [--queries 64] [--k 10] [--runs 7] [--no-ort] [--no-js]
import { clusteredDataset } from './measure-storage-error.ts';
import { matrixKernel, quantizeMatrix, topK, type SearchOptions } from '../src/core/vectors.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function time(label: string, runs: number, fn: () => unknown): Promise<number> {
  await fn(); // warm-up (JIT, first touch of memory)
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(44)} best ${ms[0].toFixed(1).padStart(8)} ms   median ${ms[ms.length >> 1].toFixed(1).padStart(8)} ms`);
  return ms[0];
}

/** The baseline: one dot product per (query, row) over Float32Arrays, insertion top-k. */
function naiveTopK(matrix: Float32Array, rows: number, dims: number, queries: Float32Array, queryCount: number, k: number): Int32Array {
  const out = new Int32Array(queryCount * k).fill(-1);
  const best = new Float64Array(k);
  for (let q = 0; q < queryCount; q++) {
    best.fill(-Infinity);
    const qo = q * dims;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      const ro = r * dims;
      for (let d = 0; d < dims; d++) s += matrix[ro + d] * queries[qo + d];
      if (s > best[k - 1]) {
        let p = k - 1;
        while (p > 0 && best[p - 1] < s) {
          best[p] = best[p - 1];
          out[q * k + p] = out[q * k + p - 1];
          p--;
        }
        best[p] = s;
        out[q * k + p] = r;
      }
    }
  }
  return out;
}

/** The subset of the onnxruntime-node / onnxruntime-web API used here (both share it). */
interface OrtLike {
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<{ run(feeds: Record<string, unknown>): Promise<unknown>; release(): Promise<void> }> };
  env: { wasm: { numThreads?: number } };
}

async function ortTopK(matrix: Float32Array, rows: number, dims: number, queries: Float32Array, queryCount: number, k: number, runs: number): Promise<void> {
  let onnx: typeof import('onnx-proto').onnx;
  try {
    // CommonJS: depending on the loader the API is the namespace itself or its default export.
    const protoModule = await import('onnx-proto');
    onnx = (protoModule.default ?? protoModule).onnx;
  } catch {
    console.log('onnx-proto not installed: ORT comparison skipped');
    return;
  }
  const tensor = (name: string, dim: (number | string)[]) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: dim.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
  const model = onnx.ModelProto.encode(
    onnx.ModelProto.fromObject({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'topk',
        node: [
          { opType: 'MatMul', input: ['q', 'mT'], output: ['s'] },
          { opType: 'TopK', input: ['s', 'k'], output: ['v', 'i'], attribute: [{ name: 'axis', i: -1, type: 2 }] },
        ],
        input: [tensor('q', ['n', dims]), tensor('mT', [dims, rows])],
        initializer: [{ name: 'k', dataType: 7, dims: [1], int64Data: [k] }],
        output: [{ name: 'v', type: { tensorType: { elemType: 1 } } }, { name: 'i', type: { tensorType: { elemType: 7 } } }],
      },
    }),
  ).finish();
  const transposed = new Float32Array(rows * dims);
  for (let r = 0; r < rows; r++) for (let d = 0; d < dims; d++) transposed[d * rows + r] = matrix[r * dims + d];

  const runtimes: { label: string; load: () => Promise<unknown>; sessions: Record<string, unknown>[] }[] = [
    { label: 'onnxruntime-node', load: () => import('onnxruntime-node'), sessions: [{ intraOpNumThreads: 1 }, {}] },
    // What a browser would run without this kernel: onnxruntime-web's WASM backend, one thread.
    { label: 'onnxruntime-web wasm', load: () => import('onnxruntime-web'), sessions: [{ executionProviders: ['wasm'] }] },
  ];
  for (const runtime of runtimes) {
    let ort: OrtLike;
    try {
      const loaded = (await runtime.load()) as OrtLike & { default?: OrtLike };
      ort = loaded.default ?? loaded;
    } catch {
      console.log(`${runtime.label} not installed: skipped`);
      continue;
    }
    if (runtime.label.includes('web')) ort.env.wasm.numThreads = 1;
    const mT = new ort.Tensor('float32', transposed, [dims, rows]);
    for (const options of runtime.sessions) {
      const session = await ort.InferenceSession.create(model, options);
      const threads = runtime.label.includes('web') || options.intraOpNumThreads ? '1 thread' : 'default threads';
      await time(`${runtime.label} MatMul+TopK fp32 (${threads})`, runs, () =>
        session.run({ q: new ort.Tensor('float32', queries, [queryCount, dims]), mT }),
      );
      await session.release();
    }
  }
}

const rows = arg('rows', 17597);
const dims = arg('dims', 1024);
const queryCount = arg('queries', 64);
const k = arg('k', 10);
const runs = arg('runs', 7);
const ds = clusteredDataset(rows, dims, queryCount);
console.log(`top-${k}: ${queryCount} queries x ${rows} rows x ${dims} dims`);
const int8 = quantizeMatrix(ds.matrix, rows, dims, 'int8');
const f16 = quantizeMatrix(ds.matrix, rows, dims, 'f16');
const wasm: SearchOptions = { kernel: 'auto' };
const js: SearchOptions = { kernel: 'js' };
console.log(`kernel available: ${matrixKernel(int8)}`);
if (matrixKernel(int8) === 'wasm-simd') {
  await time('int8 WebAssembly SIMD', runs, () => topK(int8, ds.queries, queryCount, k, wasm));
  await time('f16  WebAssembly SIMD', runs, () => topK(f16, ds.queries, queryCount, k, wasm));
}
if (!process.argv.includes('--no-js')) {
  await time('int8 JS fallback', Math.min(runs, 3), () => topK(int8, ds.queries, queryCount, k, js));
  await time('f16  JS fallback', Math.min(runs, 3), () => topK(f16, ds.queries, queryCount, k, js));
}
await time('naive Float32Array double loop (fp32)', Math.min(runs, 3), () => naiveTopK(ds.matrix, rows, dims, ds.queries, queryCount, k));
if (!process.argv.includes('--no-ort')) await ortTopK(ds.matrix, rows, dims, ds.queries, queryCount, k, runs);

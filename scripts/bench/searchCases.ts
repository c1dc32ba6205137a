// The vector-search cases, shared by Node (scripts/bench/search.ts) and the bench page's worker, so
// both realms time exactly the same calls: the project's topK in int8 and f16 storage with the
// WebAssembly SIMD kernel (int8 also with 7-bit queries on the relaxed-SIMD kernel, where the engine
// has it) and the JS fallback, the naive Float32Array double loop, and an ONNX
// Runtime MatMul + TopK supplied by the caller (onnxruntime-node or onnxruntime-web). Each case also
// reports its top-k agreement with the naive fp32 search (quantised storage may swap near ties).
import type { SearchPool } from '../../src/core/searchPool.ts';
import { matrixKernel, quantizeMatrix, relaxedSimdAvailable, topK, type ConceptMatrix } from '../../src/core/vectors.ts';
import { naiveTopK, recallAgainst, type SearchData } from './datasets.ts';
import { timeRuns, type Sample } from './stats.ts';

export interface SearchCaseResult {
  name: string;
  sample: Sample;
  recall?: number;
  note?: string;
}

export interface OrtSearchCase {
  name: string;
  /** One search of all queries; returns the top-k row indices, row-major. */
  run(): Promise<ArrayLike<number | bigint>>;
}

export interface SearchCaseOptions {
  k: number;
  runs: number;
  /** Total timed ms after which the slow (JS, naive) cases stop adding runs (at least 3 runs each). */
  slowBudgetMs: number;
  ort?: OrtSearchCase[];
  /** Progress line per finished case. */
  log?: (line: string) => void;
  /** Helper workers of this realm (src/core/searchPool.ts): adds the multi-threaded cases. */
  pool?: SearchPool | null;
}

/** Case names, shared so the report can find them in both realms. */
export const CASE = {
  int8Wasm: 'project topK, int8, WASM SIMD kernel',
  int8Relaxed: 'project topK, int8, WASM relaxed SIMD kernel, 7-bit queries',
  int8Pool: 'project topK, int8, WASM SIMD kernel, rows split over all cores',
  int8RelaxedPool: 'project topK, int8, WASM relaxed SIMD kernel, 7-bit queries, rows split over all cores',
  f16Wasm: 'project topK, f16, WASM SIMD kernel',
  int8Js: 'project topK, int8, JS fallback',
  f16Js: 'project topK, f16, JS fallback',
  naive: 'naive Float32Array double loop (fp32)',
} as const;

export async function runSearchCases(data: SearchData, o: SearchCaseOptions): Promise<{ kernel: string; cases: SearchCaseResult[] }> {
  const { k } = o;
  const log = o.log ?? (() => {});
  const cases: SearchCaseResult[] = [];
  const reference = naiveTopK(data, k);
  const matrices: Record<'int8' | 'f16', ConceptMatrix> = {
    int8: quantizeMatrix(data.matrix, data.rows, data.dims, 'int8'),
    f16: quantizeMatrix(data.matrix, data.rows, data.dims, 'f16'),
  };
  const kernel = matrixKernel(matrices.int8);
  const add = (c: SearchCaseResult): void => {
    cases.push(c);
    log(`${c.name}: median ${c.sample.median.toFixed(1)} ms`);
  };
  const project = async (name: string, storage: 'int8' | 'f16', which: 'wasm' | 'js', slow: boolean, int8Query: 'i16' | 'i7' = 'i16', m = matrices[storage], note?: string): Promise<void> => {
    if (which === 'wasm' && kernel !== 'wasm-simd') {
      add({ name, sample: { runs: [], median: NaN, min: NaN, max: NaN }, note: 'n/a: WebAssembly SIMD kernel unavailable here' });
      return;
    }
    const options = { kernel: which, int8Query } as const;
    const recall = recallAgainst(reference, topK(m, data.queries, data.queryCount, k, options).indices, data.queryCount, k);
    const sample = await timeRuns(() => topK(m, data.queries, data.queryCount, k, options), {
      runs: o.runs,
      // The recall call above was the first run; the fast kernels get one more untimed run.
      warmup: slow ? 0 : 1,
      ...(slow ? { budgetMs: o.slowBudgetMs, minRuns: 3 } : {}),
    });
    add({ name, sample, recall, note });
  };
  await project(CASE.int8Wasm, 'int8', 'wasm', false);
  if (relaxedSimdAvailable()) await project(CASE.int8Relaxed, 'int8', 'wasm', false, 'i7');
  else add({ name: CASE.int8Relaxed, sample: { runs: [], median: NaN, min: NaN, max: NaN }, note: 'n/a: no (working) relaxed SIMD here' });
  const pool = o.pool;
  if (pool && kernel === 'wasm-simd') {
    const shared = pool.adopt(matrices.int8);
    // The helpers read the new matrix when they next yield; give them a moment so no timed run pays for it.
    for (let i = 0; i < 50 && pool.readyHelpers < pool.size; i++) await new Promise((r) => setTimeout(r, 20));
    const threads = `${pool.readyHelpers + 1} threads`;
    await project(CASE.int8Pool, 'int8', 'wasm', false, 'i16', shared, threads);
    if (relaxedSimdAvailable()) await project(CASE.int8RelaxedPool, 'int8', 'wasm', false, 'i7', shared, threads);
    pool.release(shared);
  } else {
    const why = pool ? 'WebAssembly SIMD kernel unavailable here' : 'no helper workers here (one core, or no shared memory)';
    add({ name: CASE.int8Pool, sample: { runs: [], median: NaN, min: NaN, max: NaN }, note: `n/a: ${why}` });
  }
  await project(CASE.f16Wasm, 'f16', 'wasm', false);
  await project(CASE.int8Js, 'int8', 'js', true);
  await project(CASE.f16Js, 'f16', 'js', true);
  // The naive loop's warm-up is the reference search above (same code, same JIT state).
  add({ name: CASE.naive, sample: await timeRuns(() => naiveTopK(data, k), { runs: o.runs, warmup: 0, budgetMs: o.slowBudgetMs, minRuns: 3 }), recall: 1 });
  for (const c of o.ort ?? []) {
    try {
      // The first run (ORT allocates its buffers then) doubles as the warm-up.
      const recall = recallAgainst(reference, await c.run(), data.queryCount, k);
      add({ name: c.name, sample: await timeRuns(() => c.run(), { runs: o.runs, warmup: 0 }), recall });
    } catch (e) {
      add({ name: c.name, sample: { runs: [], median: NaN, min: NaN, max: NaN }, note: `n/a: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
  return { kernel, cases };
}

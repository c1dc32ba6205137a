// Bench worker for vector search in Chromium: builds the synthetic data here (no 72 MB transfer),
// then runs the shared cases (scripts/bench/searchCases.ts, with helper workers for the multi-core
// rows), when asked onnxruntime-web's WASM MatMul + TopK on the same shape, and the WGSL kernel where
// the adapter is a real GPU (gpuSearch.ts).
import { browserSearchPool } from '../../../workers/browserSearchPool.ts';
import { clusteredSearchData } from '../datasets.ts';
import { gpuSearchCase } from './gpuSearch.ts';
import { runSearchCases, type OrtSearchCase } from '../searchCases.ts';
import { loadOrt } from './ort.ts';
import type { SearchRequest, SearchResponse } from './protocol.ts';

async function run(req: SearchRequest): Promise<SearchResponse> {
  const errors: string[] = [];
  const t0 = performance.now();
  const data = clusteredSearchData(req.rows, req.dims, req.queryCount);
  const setupMs = performance.now() - t0;
  const ortCases: OrtSearchCase[] = [];
  let release: (() => Promise<void>) | undefined;
  if (req.ortModelUrl) {
    try {
      const ort = await loadOrt(req.ort, req.numThreads);
      const bytes = new Uint8Array(await (await fetch(req.ortModelUrl)).arrayBuffer());
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
      release = () => session.release();
      ortCases.push({
        name: `onnxruntime-web WASM MatMul+TopK fp32 (${req.numThreads} threads)`,
        run: async () => {
          const out = await session.run({ q: new ort.Tensor('float32', data.queries, [req.queryCount, req.dims]) });
          return out.indices.data as BigInt64Array;
        },
      });
    } catch (e) {
      errors.push(`onnxruntime-web MatMul+TopK: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const pool = browserSearchPool();
  const { kernel, cases } = await runSearchCases(data, { k: req.k, runs: req.runs, slowBudgetMs: req.slowBudgetMs, ort: ortCases, pool });
  pool?.close();
  await release?.();
  // After the CPU cases, so that the GPU's upload and its threads do not disturb their timings.
  cases.push(await gpuSearchCase(data, req.k, req.runs));
  return { kernel, crossOriginIsolated: self.crossOriginIsolated, setupMs, cases, errors };
}

self.onmessage = (e: MessageEvent<SearchRequest>) => {
  run(e.data).then(
    (r) => self.postMessage({ ok: true, result: r }),
    (err: unknown) => self.postMessage({ ok: false, error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) }),
  );
};

// The bench page's entry: exposes window.benchApi, which runs each request in a fresh module worker
// (like the app's engine worker) and terminates it afterwards, so one benchmark's memory and JIT
// state never leak into the next.
import type { BenchApi, GpuCheckRequest, GpuCheckResponse, InferenceRequest, InferenceResponse, SearchRequest, SearchResponse } from './protocol.ts';

function inWorker<Req, Res>(make: () => Worker, req: Req): Promise<Res> {
  const worker = make();
  return new Promise<Res>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ ok: true; result: Res } | { ok: false; error: string }>) => {
      worker.terminate();
      if (e.data.ok) resolve(e.data.result);
      else reject(new Error(e.data.error));
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`worker failed: ${e.message}`));
    };
    worker.postMessage(req);
  });
}

const api: BenchApi = {
  search: (req: SearchRequest) =>
    inWorker<SearchRequest, SearchResponse>(() => new Worker(new URL('./search.worker.ts', import.meta.url), { type: 'module' }), req),
  inference: (req: InferenceRequest) =>
    inWorker<InferenceRequest, InferenceResponse>(() => new Worker(new URL('./inference.worker.ts', import.meta.url), { type: 'module' }), req),
  gpuSearchCheck: (req: GpuCheckRequest) =>
    inWorker<GpuCheckRequest, GpuCheckResponse>(() => new Worker(new URL('./gpuSearch.worker.ts', import.meta.url), { type: 'module' }), req),
};

(globalThis as unknown as { benchApi: BenchApi }).benchApi = api;
document.getElementById('state')!.textContent = `ready (crossOriginIsolated: ${String(globalThis.crossOriginIsolated)})`;

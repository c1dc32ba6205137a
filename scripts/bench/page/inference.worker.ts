// Bench worker for encoder inference in Chromium: onnxruntime-web WASM (threads as the app sets them)
// on the same ONNX files and the same batches that Node runs, timing one workload (all its batches)
// per run. Feeds follow the session's declared inputs (the real BERT graphs also take token_type_ids).
import { timeRuns } from '../stats.ts';
import { encodeBatch, feedArrays } from '../workloads.ts';
import { loadOrt, type Ort } from './ort.ts';
import type { InferenceCase, InferenceRequest, InferenceResponse } from './protocol.ts';

async function run(req: InferenceRequest): Promise<InferenceResponse> {
  const ort = await loadOrt(req.ort, req.numThreads);
  const errors: string[] = [];
  const cases: InferenceCase[] = [];
  for (const m of req.models) {
    try {
      const t = performance.now();
      const bytes = new Uint8Array(await (await fetch(m.url)).arrayBuffer());
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
      const sessionMs = performance.now() - t;
      for (const w of req.workloads) {
        const feeds = w.batches.map((b) => {
          const arrays = feedArrays(session.inputNames, encodeBatch(b, m.vocab));
          const f: Record<string, InstanceType<Ort['Tensor']>> = {};
          for (const [name, a] of Object.entries(arrays)) f[name] = new ort.Tensor('int64', a.data, a.dims);
          return f;
        });
        const sample = await timeRuns(
          async () => {
            for (const f of feeds) {
              const out = await session.run(f);
              for (const t of Object.values(out)) t.dispose();
            }
          },
          { runs: req.runs, warmup: 1 },
        );
        cases.push({ model: m.name, workload: w.name, sample, sessionMs, inputs: [...session.inputNames] });
      }
      await session.release();
    } catch (e) {
      errors.push(`${m.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { crossOriginIsolated: self.crossOriginIsolated, numThreads: ort.env.wasm.numThreads ?? 0, cases, errors };
}

self.onmessage = (e: MessageEvent<InferenceRequest>) => {
  run(e.data).then(
    (r) => self.postMessage({ ok: true, result: r }),
    (err: unknown) => self.postMessage({ ok: false, error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) }),
  );
};

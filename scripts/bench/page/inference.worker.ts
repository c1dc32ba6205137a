// Bench worker for encoder inference in Chromium: onnxruntime-web WASM (threads as the app sets them)
// on the same ONNX files and the same batches that Node runs, timing one workload (all its batches)
// per run.
import { timeRuns } from '../stats.ts';
import { encodeBatch } from '../workloads.ts';
import { loadOrt } from './ort.ts';
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
          const enc = encodeBatch(b, req.vocab);
          return {
            input_ids: new ort.Tensor('int64', enc.ids, [enc.batch, enc.seq]),
            attention_mask: new ort.Tensor('int64', enc.mask, [enc.batch, enc.seq]),
          };
        });
        const sample = await timeRuns(
          async () => {
            for (const f of feeds) {
              const out = await session.run(f);
              out.last_hidden_state.dispose();
            }
          },
          { runs: req.runs, warmup: 1 },
        );
        cases.push({ model: m.name, workload: w.name, sample, sessionMs });
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

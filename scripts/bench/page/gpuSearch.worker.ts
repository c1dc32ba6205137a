// Bench worker for the WGSL search kernel's correctness check (gpuSearch.ts gpuSearchCheck), in a
// worker like the app's engine, which is where the search would run.
import { gpuSearchCheck } from './gpuSearch.ts';
import type { GpuCheckRequest } from './protocol.ts';

self.onmessage = (e: MessageEvent<GpuCheckRequest>) => {
  gpuSearchCheck(e.data).then(
    (r) => self.postMessage({ ok: true, result: r }),
    (err: unknown) => self.postMessage({ ok: false, error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) }),
  );
};

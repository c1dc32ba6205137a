// The engine worker entry: exposes one Engine over comlink. The logic is in workers/engine.ts and
// the modules it wires (model session, cache lifecycle, extraction, batch jobs, concept search).
// Out-of-memory is fatal for a worker: a call that fails with an allocation error is answered with
// an "engine out of memory" error and the worker closes, so the page restarts a fresh one (lexical
// results on the page are not affected). A progress callback the page passes to extract() (a comlink
// proxy) is released when the call ends, so its message port does not outlive the request.
// After init and each extraction, the on-demand files this worker fetched (the ONNX runtime's
// binary, language detection) are stored for offline use when no service worker saw them
// (src/app/onDemandAssets.ts: a first visit's worker is never controlled by one).
import * as Comlink from 'comlink';
import { keepForOffline, usedOnDemandAssets } from '../src/app/onDemandAssets.ts';
import { Engine } from './engine.ts';
import { ENGINE_OUT_OF_MEMORY, isOutOfMemory } from './engineApi.ts';

const engine = new Engine();
const testHooks = { oomNextCallMb: 0 };

/** e2e hook: holds real allocations of up to `mb` (in 64 MB buffers), then fails as an allocation would. */
function allocatePastLimit(mb: number): never {
  const held: ArrayBuffer[] = [];
  for (let total = 0; total < mb; total += 64) held.push(new ArrayBuffer(64 * 1024 * 1024));
  throw new RangeError(`Array buffer allocation failed (test limit of ${mb} MB reached, ${held.length} buffers held)`);
}

const guarded = new Proxy(engine, {
  get(target, prop, receiver) {
    const value: unknown = Reflect.get(target, prop, receiver);
    if (typeof value !== 'function') return value;
    return async (...args: unknown[]) => {
      try {
        if (testHooks.oomNextCallMb && prop === 'extract') {
          const mb = testHooks.oomNextCallMb;
          testHooks.oomNextCallMb = 0;
          allocatePastLimit(mb);
        }
        const result = await (value as (...a: unknown[]) => unknown).apply(target, args);
        if (import.meta.env.PROD && (prop === 'init' || prop === 'extract')) void keepForOffline(usedOnDemandAssets());
        return result;
      } catch (e) {
        if (!isOutOfMemory(e)) throw e;
        // Answer first, then stop: the page sees the reason and starts a new worker.
        setTimeout(() => self.close(), 0);
        throw new Error(`${ENGINE_OUT_OF_MEMORY}: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        if (prop === 'extract') releaseCallback(args[2]);
      }
    };
  },
});

function releaseCallback(callback: unknown): void {
  const release = (callback as { [Comlink.releaseProxy]?: () => void } | undefined)?.[Comlink.releaseProxy];
  if (typeof release === 'function') release();
}

// e2e builds only: lets Playwright call the engine inside the worker (worker.evaluate).
if (import.meta.env.MODE === 'e2e') Object.assign(self, { __engine: engine, __engineTestHooks: testHooks });
Comlink.expose(guarded);

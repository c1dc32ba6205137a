// A search pool (src/core/searchPool.ts) of nested module workers, for the engine worker and the
// bench page's search worker. Needs a cross-origin isolated page (shared memory); elsewhere there is
// no pool and search runs in the calling worker alone, as it does with one core.
import { canBlock, SearchPool } from '../src/core/searchPool.ts';

/** Helpers for this device: one per logical core beyond the caller's, at most 3 (more gained nothing measurable on small matrices). */
export function browserHelperCount(cores = globalThis.navigator?.hardwareConcurrency ?? 1): number {
  return Math.max(0, Math.min(3, cores - 1));
}

/** A pool of `helpers` workers, or null where helpers could not share memory with this realm. */
export function browserSearchPool(helpers = browserHelperCount()): SearchPool | null {
  if (helpers === 0 || !globalThis.crossOriginIsolated || !canBlock()) return null;
  const ports = Array.from({ length: helpers }, () => new Worker(new URL('./searchHelper.worker.ts', import.meta.url), { type: 'module', name: 'search-helper' }));
  return new SearchPool(ports);
}

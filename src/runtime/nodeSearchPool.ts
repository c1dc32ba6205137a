// A search pool (src/core/searchPool.ts) of worker_threads helpers for Node: one per core beyond
// the caller's by default. The helpers are TypeScript run through tsx's loader, as the scripts are.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SearchPool, type SearchPoolOptions } from '../core/searchPool.ts';

/** Helpers for a machine: one per core beyond the caller's, at most 7. */
export function defaultHelperCount(cores = availableParallelism()): number {
  return Math.max(0, Math.min(7, cores - 1));
}

export function nodeSearchPool(helpers = defaultHelperCount(), options?: SearchPoolOptions): SearchPool {
  const entry = new URL('./nodeSearchHelper.bootstrap.mjs', import.meta.url);
  const ports = Array.from({ length: helpers }, () => {
    const worker = new Worker(entry);
    // Helpers hold no state worth a crash report; a failed one is replaced by the caller scoring its share.
    worker.on('error', () => undefined);
    worker.unref(); // an idle helper must not keep a finished CLI run alive
    return worker;
  });
  return new SearchPool(ports, options);
}

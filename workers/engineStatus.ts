// The engine's status, in one place: the EngineStatus object every part of the engine writes to
// (model session, cache lifecycle, extraction, batch jobs), how it is sent to the page (throttled
// for progress, at once for state changes) and how start-up phases are timed into it.
import { DEFAULT_EXTRACT_OPTIONS } from '../src/core/pipeline.ts';
import { wasmThreads } from '../src/core/device.ts';
import type { ModelPreset } from '../src/core/models.ts';
import { RERANK_BUDGET_MS } from '../src/core/rerankShortlist.ts';
import type { EngineConfig, EngineStatus } from './engineApi.ts';

/** The status before anything has loaded. */
export function initialStatus(preset: ModelPreset, config: EngineConfig, search: EngineStatus['search']): EngineStatus {
  const isolated = Boolean(globalThis.crossOriginIsolated);
  const reranker = preset.reranker;
  return {
    taxonomy: 'loading',
    embedder: { id: preset.embedder.id, displayName: preset.embedder.displayName, isTestModel: preset.embedder.isTestModel, phase: 'idle' },
    reranker: reranker
      ? { id: reranker.id, displayName: reranker.displayName, isTestModel: reranker.isTestModel, available: true, enabled: false, automatic: config.rerankerEnabled === 'auto', phase: 'idle', budgetMs: RERANK_BUDGET_MS, limit: DEFAULT_EXTRACT_OPTIONS.rerankLimit }
      : { id: '', displayName: 'none for this preset', isTestModel: false, available: false, enabled: false, automatic: false, phase: 'idle', budgetMs: RERANK_BUDGET_MS, limit: DEFAULT_EXTRACT_OPTIONS.rerankLimit },
    backend: null,
    dtype: null,
    threads: wasmThreads(globalThis.navigator?.hardwareConcurrency, isolated),
    crossOriginIsolated: isolated,
    search,
    files: [],
    cache: { hash: null, state: 'unknown' },
    regeneration: { state: 'idle', done: 0, total: 0, rate: 0, etaSeconds: 0, resumed: false },
    denseReady: false,
    timings: {},
  };
}

export class StatusReporter {
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `publish`: sends a copy to the page. `refresh`: brings the derived fields (denseReady, search
   * counters) up to date just before each send, so no part of the engine has to remember them.
   */
  constructor(
    readonly s: EngineStatus,
    private readonly publish: (s: EngineStatus) => void,
    private readonly refresh: (s: EngineStatus) => void,
  ) {}

  emit(now = false): void {
    // Progress events can arrive hundreds of times a second; the UI needs a few per second.
    if (now) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.refresh(this.s);
      this.publish(structuredClone(this.s));
      return;
    }
    this.timer ??= setTimeout(() => this.emit(true), 100);
  }

  /** Runs one start-up phase and records its milliseconds in `timings` (the model panel shows them). */
  readonly time = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.s.timings[phase] = Math.round(performance.now() - start);
    }
  };
}

/**
 * Waits until semantic extraction works, so a batch never mixes label-only and semantic results;
 * rejects with the reason when it cannot come (a failed taxonomy, model, cache or self-check).
 */
export async function semanticReady(status: () => EngineStatus, signal: AbortSignal): Promise<void> {
  while (!status().denseReady && !signal.aborted) {
    const s = status();
    const reason =
      s.taxonomy === 'failed' ? s.error : s.embedder.phase === 'failed' ? s.embedder.error : s.cache.state === 'missing' || s.cache.state === 'failed' ? `the embedding cache is ${s.cache.state}: ${s.cache.message ?? ''}` : s.selfCheck?.ok === false ? s.embedder.error : undefined;
    if (reason) throw new Error(`semantic matching is not available (${reason})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

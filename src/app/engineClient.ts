// Thin comlink client for the engine worker. It owns the worker's lifetime: creates it, runs
// `init` with the app's config, counts calls (the e2e suite checks that sliders make none), and
// restarts the worker after a crash (an 'error' event or a failed call from a worker that no longer
// answers), re-running `init` with the same config. Calls in flight when a worker dies are
// rejected with EngineRestartedError rather than left hanging.
import { errorText } from '../core/errors.ts';
import * as Comlink from 'comlink';
import type { InputFile } from './batchJobsStore.ts';
import { ENGINE_OUT_OF_MEMORY, ENGINE_WEBGPU_LOST, type BatchView, type CacheView, type EngineApi, type EngineConfig, type EngineStatus, type ExtractRequest, type RegenerationView, type StaleCacheView } from '../../workers/engineApi.ts';
import type { ExtractionProgress, ExtractionResult } from '../core/pipeline.ts';

export class EngineRestartedError extends Error {
  override name = 'EngineRestartedError';
}

export interface EngineClientEvents {
  onStatus(status: EngineStatus): void;
  /** The worker was replaced after a crash (not after a config change). */
  onRestart(reason: string): void;
  /** init failed, or the worker keeps crashing; lexical matching still works. */
  onError(message: string): void;
  /** Every call made to the worker, for the e2e call counter. */
  onCall?(name: string): void;
}

/** A worker that does not answer a status request within this time counts as dead. */
const PING_TIMEOUT_MS = 20_000;
/** More crashes than this within CRASH_WINDOW_MS stop the automatic restarts. */
const MAX_RESTARTS = 3;
const CRASH_WINDOW_MS = 120_000;

interface Generation {
  id: number;
  worker: Worker;
  remote: Comlink.Remote<EngineApi>;
  initialized: boolean;
  dead: boolean;
  pending: Set<(e: Error) => void>;
}

export function createEngineWorker(): Worker {
  return new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'esco-engine' });
}

export class EngineClient {
  private gen: Generation | null = null;
  private nextId = 0;
  private crashes: number[] = [];
  private checking = false;
  calls = 0;

  constructor(
    private config: EngineConfig,
    private readonly events: EngineClientEvents,
    private readonly makeWorker: () => Worker = createEngineWorker,
  ) {}

  get currentConfig(): EngineConfig {
    return this.config;
  }

  /** Starts the worker and runs init; resolves with the first status (or null when init failed). */
  start(): Promise<EngineStatus | null> {
    return this.spawn();
  }

  /** Replaces the worker with one initialised from a new config (model host, backend choice). */
  reconfigure(config: EngineConfig): Promise<EngineStatus | null> {
    this.config = config;
    this.kill(new EngineRestartedError('the engine is restarting with new settings'));
    return this.spawn();
  }

  dispose(): void {
    this.kill(new EngineRestartedError('the engine was stopped'));
  }

  /** `onProgress` receives the partial results while the reranker refines them (the worker releases it when the call ends). */
  extract(text: string, options?: ExtractRequest, onProgress?: ExtractionProgress): Promise<ExtractionResult> {
    return this.invoke('extract', (r) => r.extract(text, options, onProgress ? Comlink.proxy(onProgress) : undefined));
  }
  nearestOccupations(texts: string[], k: number): Promise<{ index: number; score: number }[][]> {
    return this.invoke('nearestOccupations', (r) => r.nearestOccupations(texts, k));
  }
  status(): Promise<EngineStatus> {
    return this.invoke('status', (r) => r.status());
  }
  setRerankerEnabled(enabled: boolean | 'auto'): Promise<void> {
    this.config = { ...this.config, rerankerEnabled: enabled };
    return this.invoke('setRerankerEnabled', (r) => r.setRerankerEnabled(enabled));
  }
  retryModels(): Promise<void> {
    return this.invoke('retryModels', (r) => r.retryModels());
  }
  estimateRegeneration(): Promise<RegenerationView> {
    return this.invoke('estimateRegeneration', (r) => r.estimateRegeneration());
  }
  regenerate(): Promise<RegenerationView> {
    return this.invoke('regenerate', (r) => r.regenerate());
  }
  cancelRegeneration(): Promise<void> {
    return this.invoke('cancelRegeneration', (r) => r.cancelRegeneration());
  }
  exportCache(): Promise<{ fileName: string; bytes: Uint8Array }> {
    return this.invoke('exportCache', (r) => r.exportCache());
  }
  importCache(bytes: Uint8Array): Promise<CacheView> {
    // Transferred, not copied: cache files are tens of megabytes.
    return this.invoke('importCache', (r) => r.importCache(Comlink.transfer(bytes, [bytes.buffer])));
  }
  listStaleCaches(): Promise<StaleCacheView[]> {
    return this.invoke('listStaleCaches', (r) => r.listStaleCaches());
  }
  deleteCache(hash: string): Promise<void> {
    return this.invoke('deleteCache', (r) => r.deleteCache(hash));
  }
  startBatch(jobId: string, files?: InputFile[]): Promise<BatchView> {
    return this.invoke('startBatch', (r) => r.startBatch(jobId, files));
  }
  pauseBatch(): Promise<void> {
    return this.invoke('pauseBatch', (r) => r.pauseBatch());
  }
  cancelBatch(): Promise<void> {
    return this.invoke('cancelBatch', (r) => r.cancelBatch());
  }
  batchStatus(): Promise<BatchView | null> {
    return this.invoke('batchStatus', (r) => r.batchStatus());
  }

  /** Test hook: kills the worker as a crash would, to exercise the restart path. */
  simulateCrash(): void {
    const gen = this.gen;
    if (!gen) return;
    gen.worker.terminate();
    void this.handleCrash(gen, 'simulated crash', true);
  }

  private async spawn(): Promise<EngineStatus | null> {
    const worker = this.makeWorker();
    const gen: Generation = { id: ++this.nextId, worker, remote: Comlink.wrap<EngineApi>(worker), initialized: false, dead: false, pending: new Set() };
    this.gen = gen;
    worker.addEventListener('error', (ev: ErrorEvent) => {
      ev.preventDefault();
      // Before init returns the worker cannot be trusted to come back; after, check it still answers.
      void this.handleCrash(gen, ev.message || 'the engine worker failed', !gen.initialized);
    });
    worker.addEventListener('messageerror', () => void this.handleCrash(gen, 'the engine worker sent an unreadable message', false));
    const onStatus = (status: EngineStatus) => {
      // The first status proves the worker module loaded and runs; init itself may take minutes.
      gen.initialized = true;
      if (this.gen === gen && !gen.dead) this.events.onStatus(status);
    };
    try {
      const status = await this.invokeOn(gen, 'init', (r) => r.init(this.config, Comlink.proxy(onStatus)));
      gen.initialized = true;
      if (this.gen === gen) this.events.onStatus(status);
      return status;
    } catch (e) {
      if (e instanceof EngineRestartedError) return null;
      if (this.gen === gen) this.events.onError(`Engine failed to start: ${errorText(e)}`);
      return null;
    }
  }

  private invoke<T>(name: string, fn: (remote: Comlink.Remote<EngineApi>) => Promise<T>): Promise<T> {
    const gen = this.gen;
    if (!gen) return Promise.reject(new EngineRestartedError('the engine is not running'));
    return this.invokeOn(gen, name, fn).catch(async (e: unknown) => {
      // A failed call from a worker that still answers is an ordinary error; from one that
      // does not, it is a crash.
      if (!(e instanceof EngineRestartedError) && !gen.dead && this.gen === gen) {
        // A worker that ran out of memory says so and closes: restart at once instead of waiting for a ping to time out.
        if (errorText(e).startsWith(ENGINE_OUT_OF_MEMORY)) await this.handleCrash(gen, errorText(e), true);
        else if (errorText(e).startsWith(ENGINE_WEBGPU_LOST)) {
          // Not a crash: this session continues on WASM in a fresh worker (the old one's runtime is unusable).
          const reason = errorText(e).slice(ENGINE_WEBGPU_LOST.length).replace(/^:\s*/, '').slice(0, 300);
          void this.reconfigure({ ...this.config, webgpuFailure: reason });
          throw new EngineRestartedError('WebGPU failed: the engine restarts on WASM');
        }
        else if (!(await this.isAlive(gen))) await this.handleCrash(gen, `${name} failed and the worker stopped answering: ${errorText(e)}`, true);
      }
      throw e;
    });
  }

  private invokeOn<T>(gen: Generation, name: string, fn: (remote: Comlink.Remote<EngineApi>) => Promise<T>): Promise<T> {
    this.calls++;
    this.events.onCall?.(name);
    if (gen.dead) return Promise.reject(new EngineRestartedError('the engine restarted'));
    return new Promise<T>((resolve, reject) => {
      gen.pending.add(reject);
      fn(gen.remote).then(
        (v) => {
          gen.pending.delete(reject);
          resolve(v);
        },
        (e: unknown) => {
          gen.pending.delete(reject);
          reject(e instanceof Error ? e : new Error(errorText(e)));
        },
      );
    });
  }

  private async isAlive(gen: Generation): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
    });
    try {
      return await Promise.race([gen.remote.status().then(() => true, () => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async handleCrash(gen: Generation, reason: string, certain: boolean): Promise<void> {
    if (gen.dead || this.gen !== gen || this.checking) return;
    if (!certain) {
      this.checking = true;
      try {
        if (await this.isAlive(gen)) return;
      } finally {
        this.checking = false;
      }
      if (gen.dead || this.gen !== gen) return;
    }
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    this.kill(new EngineRestartedError(`the engine crashed (${reason}) and is restarting`));
    if (this.crashes.length > MAX_RESTARTS) {
      this.events.onError(`The engine crashed ${this.crashes.length} times in a row and was stopped: ${reason}. Lexical matching still works; reload to try again.`);
      return;
    }
    this.events.onRestart(reason);
    await this.spawn();
  }

  private kill(reason: Error): void {
    const gen = this.gen;
    if (!gen) return;
    gen.dead = true;
    for (const reject of gen.pending) reject(reason);
    gen.pending.clear();
    gen.remote[Comlink.releaseProxy]();
    gen.worker.terminate();
    this.gen = null;
  }
}

export { errorText };

// The engine behind the worker, as a facade: it implements the comlink API (engineApi.ts) and wires
// the parts, each in its own module:
//   modelSession.ts   device choice, ONNX runtime, model loading, self-check, GPU loss, the one queue
//   cacheLifecycle.ts model hash, cache resolution, regeneration, other tabs, import/export
//   extraction.ts     the pipeline run, partial results, the reranker policy
//   batchJobs.ts      stored batch jobs, each document read in its language (documentLanguages.ts)
//   conceptSearch.ts  where concept search runs (helper workers, the WGSL kernel)
//   engineStatus.ts   the status object they all write and how it reaches the page
// Start-up order lives here (init): what overlaps with what is the one thing no part can decide alone.
import { buildLexicalIndex } from '../src/core/lexical.ts';
import { findPreset, type ModelPreset } from '../src/core/models.ts';
import type { ExtractionProgress, ExtractionResult } from '../src/core/pipeline.ts';
import type { Taxonomy } from '../src/core/taxonomy.ts';
import { errorText as errorMessage } from '../src/core/errors.ts';
import type { InputFile } from '../src/db/batchStore.ts';
import { configureTransformers } from '../src/runtime/transformersModels.ts';
import { BatchJobs } from './batchJobs.ts';
import { CacheLifecycle } from './cacheLifecycle.ts';
import { ConceptSearchBackends } from './conceptSearch.ts';
import type { BatchView, CacheView, EngineApi, EngineConfig, EngineStatus, ExtractRequest, RegenerationView, StaleCacheView } from './engineApi.ts';
import { initialStatus, semanticReady, StatusReporter } from './engineStatus.ts';
import { Extraction } from './extraction.ts';
import { ModelSession } from './modelSession.ts';
import { fetchTaxonomy, fetchTaxonomyInfo, sameTaxonomy } from './taxonomyInfo.ts';

export class Engine implements EngineApi {
  /** e2e hook: a pause per regeneration chunk, so a test can act while a (fast test-model) job runs. */
  testRegenerationDelayMs = 0;
  /** e2e hook: a pause per reranked pair, so a test can make the (fast) test reranker as slow as a real one. */
  testRerankDelayMsPerPair = 0;
  private preset!: ModelPreset;
  private taxonomy?: Taxonomy;
  private taxonomyLoaded: Promise<Taxonomy | undefined> = Promise.resolve(undefined);
  private reporter?: StatusReporter;
  private session!: ModelSession;
  private caches!: CacheLifecycle;
  private extraction!: Extraction;
  private batchJobs?: BatchJobs;
  /** Start-up's self-check, run after "ready" (init); model calls wait for it. */
  private selfChecking?: Promise<void>;
  /** Where concept search runs; made with the worker so its helper workers start before init. */
  private readonly conceptSearch = new ConceptSearchBackends(() => this.reporter?.emit());

  /** The status object (written by every part); init() makes it. */
  private get s(): EngineStatus {
    return this.reporter!.s;
  }

  async init(config: EngineConfig, onStatus: (s: EngineStatus) => void): Promise<EngineStatus> {
    const preset = (this.preset = findPreset(config.presetId));
    const reporter = (this.reporter = new StatusReporter(initialStatus(preset, config, this.conceptSearch.current()), onStatus, (s) => {
      s.denseReady = Boolean(this.taxonomy && this.session.embedder && this.caches.active && s.selfCheck?.ok !== false);
      s.search = this.conceptSearch.current();
    }));
    this.session = new ModelSession({ config, preset, status: reporter, onLoaded: () => this.extraction.resolveRerankerSetting() });
    this.caches = new CacheLifecycle({
      config,
      preset,
      status: reporter,
      session: this.session,
      search: this.conceptSearch,
      taxonomy: () => this.taxonomy,
      taxonomyLoaded: () => this.taxonomyLoaded,
      regenerationDelayMs: () => this.testRegenerationDelayMs,
    });
    this.extraction = new Extraction({
      preset,
      status: reporter,
      session: this.session,
      search: this.conceptSearch,
      rerankerSetting: config.rerankerEnabled,
      taxonomy: () => this.taxonomy,
      cache: () => this.caches.active,
      rerankDelayMsPerPair: () => this.testRerankDelayMsPerPair,
      assets: { taggers: config.taggersBaseUrl, labelVectors: config.labelVectorsBaseUrl, taxonomy: config.taxonomyUrl },
    });
    const { time } = reporter;
    const t0 = performance.now();
    reporter.emit();
    configureTransformers({ modelHost: config.modelHost, numThreads: this.s.threads });

    const models = time('model', () => this.session.load());
    // Neither the model nor the cache needs the taxonomy: the cache is keyed by its contentHash and
    // checked against its row counts, which the small build-info.json gives before the 12 MB asset is
    // fetched and parsed (taxonomyInfo.ts); the full asset must agree (below). Reading and parsing it
    // take this thread for 0.3-0.5 s: after the runtime has started (its binary's fetch and compilation
    // would wait for the thread).
    const taxonomyLoad = this.session.runtimeStarted.then(() => time('taxonomy', () => fetchTaxonomy(config.taxonomyUrl)));
    this.taxonomyLoaded = taxonomyLoad.catch(() => undefined); // also keeps a failure from being reported as unhandled
    const meta = await time('taxonomyInfo', () => fetchTaxonomyInfo(config.taxonomyUrl));
    let cacheLoad: Promise<void> | undefined;
    if (meta) cacheLoad = this.caches.start(meta, { skill: meta.counts.skills, occupation: meta.counts.occupations });
    let taxonomy: Taxonomy;
    try {
      taxonomy = await taxonomyLoad;
      this.taxonomy = taxonomy;
      this.s.taxonomy = 'ready';
      this.s.escoVersion = taxonomy.escoVersion;
    } catch (e) {
      this.s.taxonomy = 'failed';
      this.s.error = `taxonomy could not be loaded: ${errorMessage(e)}`;
      reporter.emit(true);
      return this.s;
    }
    if (!meta || !sameTaxonomy(meta, taxonomy)) {
      // No build-info, or one of another build (a stale copy): the cache is resolved from the asset itself.
      await cacheLoad;
      this.caches.setActive(undefined);
      cacheLoad = this.caches.start(taxonomy, { skill: taxonomy.skills.length, occupation: taxonomy.occupations.length });
    }
    reporter.emit(true);

    await Promise.all([cacheLoad, models]);
    this.s.timings.ready = Math.round(performance.now() - t0);
    reporter.emit(true);
    // The self-check (the model against the cache's reference vectors) runs after "ready" is
    // reported, not before: it embeds a few texts (0.2-0.5 s with bge-small-en on WASM) and passes
    // on every start but a broken WebGPU driver's. extract() and embed() wait for it, so no result
    // is computed before it; a mismatch still turns semantic matching off with the reason, or
    // moves WebGPU to WASM, as before.
    this.selfChecking = time('selfCheck', () => this.session.runSelfCheck(this.caches.active));
    await this.selfChecking;
    // The page has its own label index for instant results; this one (merged into dense results)
    // is built after start-up so it does not delay it. extract() waits for it if it comes first.
    this.extraction.useLexicalIndex(time('lexicalIndex', async () => buildLexicalIndex(taxonomy)));
    this.extraction.timeRerankerIfAutomatic();
    return this.s;
  }

  /** Undefined until init() (the e2e suite polls for that). */
  async status(): Promise<EngineStatus> {
    return this.reporter?.s as EngineStatus;
  }

  // ---- models and extraction ----

  async extract(text: string, request?: ExtractRequest, onProgress?: ExtractionProgress): Promise<ExtractionResult> {
    await this.afterSelfCheck();
    return this.extraction.extract(text, request, onProgress);
  }

  async embed(texts: string[]): Promise<Float32Array> {
    await this.afterSelfCheck();
    return this.session.embed(texts);
  }

  /**
   * Start-up's self-check runs after "ready": a model call waits for it, since it may replace the
   * embedder (WebGPU -> WASM) or turn semantic matching off (extraction then gives label matches only).
   */
  private async afterSelfCheck(): Promise<void> {
    await this.selfChecking?.catch(() => {});
  }

  async nearestOccupations(texts: string[], k: number): Promise<{ index: number; score: number }[][]> {
    await this.afterSelfCheck();
    return this.extraction.nearestOccupations(texts, k);
  }

  async rerank(query: string, passages: string[]): Promise<Float32Array> {
    return this.extraction.rerank(query, passages);
  }

  async setRerankerEnabled(enabled: boolean | 'auto'): Promise<void> {
    this.extraction.setRerankerSetting(enabled);
    this.reporter!.emit(true);
  }

  async retryModels(): Promise<void> {
    if (this.s.embedder.phase === 'loading') return this.session.loading;
    this.s.files = [];
    this.extraction.forgetRerankerLoad();
    if (this.s.cache.state !== 'ready') await this.caches.load();
    if (!this.session.embedder) await this.session.load();
    await this.session.runSelfCheck(this.caches.active);
    this.extraction.timeRerankerIfAutomatic();
  }

  /** e2e: re-times the reranker (after setting testRerankDelayMsPerPair). */
  async measureReranker(): Promise<void> {
    return this.extraction.measureReranker();
  }

  /** e2e: destroys the WebGPU device onnxruntime-web runs on; the next inference moves the page to WASM. */
  async loseGpuDeviceForTest(): Promise<boolean> {
    return this.session.loseGpuDevice();
  }

  // ---- the embedding cache ----

  async estimateRegeneration(): Promise<RegenerationView> {
    return this.caches.estimateRegeneration();
  }

  async regenerate(): Promise<RegenerationView> {
    return this.caches.regenerate();
  }

  async cancelRegeneration(): Promise<void> {
    this.caches.cancelRegeneration();
  }

  async exportCache(): Promise<{ fileName: string; bytes: Uint8Array }> {
    return this.caches.exportCache();
  }

  async importCache(bytes: Uint8Array): Promise<CacheView> {
    return this.caches.importCache(bytes);
  }

  async listStaleCaches(): Promise<StaleCacheView[]> {
    return this.caches.listStaleCaches();
  }

  async deleteCache(hash: string): Promise<void> {
    return this.caches.deleteCache(hash);
  }

  // ---- batch jobs (workers/batchJobs.ts) ----

  private batch(): BatchJobs {
    return (this.batchJobs ??= new BatchJobs({
      presetId: this.preset.id,
      taxonomy: () => this.taxonomy,
      ready: (signal) => semanticReady(() => this.s, signal),
      analyse: (text) => this.afterSelfCheck().then(() => this.extraction.extractDocument(text)),
      onView: (view, now) => {
        this.s.batch = view;
        this.reporter!.emit(now);
      },
    }));
  }

  async startBatch(jobId: string, files?: InputFile[]): Promise<BatchView> {
    return this.batch().start(jobId, files);
  }

  async pauseBatch(): Promise<void> {
    this.batchJobs?.pause();
  }

  async cancelBatch(): Promise<void> {
    this.batchJobs?.cancel();
  }

  async batchStatus(): Promise<BatchView | null> {
    return this.batchJobs?.status() ?? null;
  }
}

// The embedding cache's life in the engine worker: computes the model hash, resolves the cache
// (IndexedDB, else the shipped asset, else "regenerate"), keeps concept search on exactly the
// active cache's matrices, regenerates it in the browser (resumable, one tab at a time, the others
// following its progress), imports and exports backups, lists and deletes stale caches, and hears
// from other tabs when one of them deletes or regenerates a cache. The cache logic itself is
// src/db/cacheManager.ts; this wires it to the worker's status, model session and tabs.
import { errorText as errorMessage } from '../src/core/errors.ts';
import { PRESETS, servedEmbedderSpec, type EmbedderSpec, type ModelPreset } from '../src/core/models.ts';
import { modelHash, modelHashInputs } from '../src/core/modelHash.ts';
import type { Taxonomy } from '../src/core/taxonomy.ts';
import {
  estimateRegeneration,
  exportCache,
  importCache,
  regenerateCache,
  RegenerationBusyError,
  regenerationLockName,
  resolveCache,
  type ActiveCache,
  type CacheExpectation,
} from '../src/db/cacheManager.ts';
import { openCacheStore, type CacheStore } from '../src/db/cacheStore.ts';
import type { ConceptSearchBackends } from './conceptSearch.ts';
import type { CacheView, EngineConfig, RegenerationView, StaleCacheView } from './engineApi.ts';
import type { StatusReporter } from './engineStatus.ts';
import type { ModelSession } from './modelSession.ts';

/** Storage of a cache regenerated in the browser (int8 with a per-row scale: 18 MB for bge-m3). */
const DEFAULT_STORAGE = 'int8' as const;

type TabMessage =
  | { type: 'progress'; hash: string | undefined; done: number; total: number; rate: number; etaSeconds: number; resumed: boolean }
  | { type: 'deleted'; hash: string };

export interface CacheLifecycleDeps {
  config: EngineConfig;
  preset: ModelPreset;
  status: StatusReporter;
  session: ModelSession;
  search: ConceptSearchBackends;
  taxonomy(): Taxonomy | undefined;
  /** The taxonomy once start-up has read it (undefined if it failed): it is read after the cache's hash is known. */
  taxonomyLoaded(): Promise<Taxonomy | undefined>;
  /** e2e hook: a pause per regeneration chunk, so a test can act while a (fast test-model) job runs. */
  regenerationDelayMs(): number;
}

export class CacheLifecycle {
  /** The model hash of this preset on this taxonomy: the cache's key. */
  hash?: string;
  /** The cache in use, its matrices shared with concept search. */
  active?: ActiveCache;
  private store?: CacheStore;
  /** Row counts the cache is checked against: from build-info.json until the taxonomy is parsed. */
  private rows?: CacheExpectation['rows'];
  private regenAbort?: AbortController;
  private tabChannel?: BroadcastChannel;
  private following = false;

  /** The embedder as the host serves it (servedEmbedderSpec): what the hash and a regenerated cache describe. */
  private spec: EmbedderSpec;

  constructor(private readonly deps: CacheLifecycleDeps) {
    this.spec = deps.preset.embedder;
  }

  /** A new cache became active (regenerated, imported, another tab's): the self-check runs again against its reference vectors. */
  private async recheck(): Promise<void> {
    this.s.selfCheck = undefined;
    await this.deps.session.runSelfCheck(this.active);
  }

  /** Reads the model's config.json from the host only for a preset whose weights may differ by host. */
  private async servedSpec(): Promise<EmbedderSpec> {
    const spec = this.deps.preset.embedder;
    if (!spec.weightsRevision) return spec;
    try {
      const r = await fetch(`${this.deps.config.modelHost}${spec.id}/resolve/${spec.revision}/config.json`);
      return servedEmbedderSpec(spec, r.ok ? await r.json() : undefined);
    } catch {
      return spec;
    }
  }

  private get s() {
    return this.deps.status.s;
  }

  private emit(): void {
    this.deps.status.emit(true);
  }

  /** Computes the model hash for this taxonomy identity and resolves the embedding cache. */
  async start(identity: Pick<Taxonomy, 'escoVersion' | 'language' | 'contentHash'>, rows: CacheExpectation['rows']): Promise<void> {
    this.spec = await this.servedSpec();
    this.hash = await modelHash(modelHashInputs(this.spec, identity));
    this.rows = rows;
    this.s.cache = { hash: this.hash, state: 'loading' };
    this.emit();
    this.tabs(); // listen to other tabs from the start (deleted caches, regeneration progress)
    await this.deps.status.time('cache', () => this.load());
  }

  /** Resolves the cache: stored, else the shipped asset (verified, stored), else missing with the reason. */
  async load(): Promise<void> {
    try {
      this.store ??= await this.openStore();
      const r = await resolveCache(this.store, this.expectation(), { baseUrl: this.deps.config.embeddingsBaseUrl });
      // A cache this browser had stored before is gone: the browser cleared or evicted site data.
      const lost = this.deps.config.knownCaches?.includes(this.hash!) ? 'the cache stored in this browser was gone (site data cleared or evicted by the browser)' : '';
      if (r.state === 'ready') this.use(r.cache, [lost && r.fetched ? `${lost}: restored from the shipped copy` : '', r.notice ?? ''].filter(Boolean).join('; ') || undefined);
      else this.s.cache = { hash: this.hash!, state: 'missing', message: lost ? `${lost}, and the app ships no copy: regenerate it or import a backup` : r.message };
    } catch (e) {
      this.s.cache = { hash: this.hash!, state: 'failed', message: errorMessage(e) };
    }
    await this.refreshStorageEstimate();
    this.emit();
  }

  private expectation(): CacheExpectation {
    const t = this.deps.taxonomy();
    const rows = t ? { skill: t.skills.length, occupation: t.occupations.length } : this.rows!;
    return { hash: this.hash!, modelId: this.deps.preset.embedder.id, dims: this.deps.preset.embedder.dims, rows };
  }

  private use(cache: ActiveCache, notice?: string): void {
    this.setActive(cache);
    this.s.cache = cacheView(cache, notice);
  }

  /** The one place the active cache changes, so concept search always runs over exactly its matrices. */
  setActive(cache: ActiveCache | undefined): void {
    const { config, search, session } = this.deps;
    const mode = config.forceWasm ? 'off' : (config.gpuSearch ?? 'auto');
    const matrices = search.use(cache?.matrices, cache?.manifest.storage ?? 'int8', mode, session.gpu);
    this.active = cache && matrices ? { ...cache, matrices } : cache;
  }

  /** The IndexedDB store; a newer app version in another tab closes it, and the status says so. */
  private openStore(): Promise<CacheStore> {
    return openCacheStore({
      onVersionChange: () => {
        this.s.error = 'A newer version of this app is open in another tab: reload this tab. (The embedding cache stays stored; semantic matching keeps working until then.)';
        this.emit();
      },
    });
  }

  /** Origin storage use and quota for the cache panel (and for quota messages). */
  private async refreshStorageEstimate(): Promise<void> {
    try {
      const est = await globalThis.navigator?.storage?.estimate?.();
      if (est?.quota !== undefined && est.usage !== undefined) this.s.storage = { usage: est.usage, quota: est.quota };
    } catch {
      // Not available here: the panel shows no figures.
    }
  }

  // ---- regeneration ----

  private regen(view: Partial<RegenerationView>): RegenerationView {
    this.s.regeneration = { ...this.s.regeneration, ...view };
    this.emit();
    return this.s.regeneration;
  }

  async estimateRegeneration(): Promise<RegenerationView> {
    const e = this.deps.session.embedder;
    const taxonomy = this.deps.taxonomy();
    if (!e || !taxonomy) throw new Error(this.s.embedder.error ?? 'the embedding model is not loaded yet');
    this.regen({ state: 'estimating', message: undefined });
    const est = await this.deps.session.queue.run(() => estimateRegeneration(e, taxonomy));
    const job = await this.store?.getJob(this.hash!);
    const remaining = job ? est.total - job.doneRows : est.total;
    return this.regen({
      state: 'awaiting-confirmation',
      total: est.total,
      done: job?.doneRows ?? 0,
      rate: est.rate,
      etaSeconds: remaining / est.rate,
      resumed: Boolean(job?.doneRows),
      message: `about ${Math.ceil(remaining / est.rate / 60)} min on ${this.s.backend?.toUpperCase()} (${est.rate.toFixed(1)} texts/s measured on a sample)`,
    });
  }

  async regenerate(): Promise<RegenerationView> {
    const { session } = this.deps;
    const e = session.embedder;
    const taxonomy = this.deps.taxonomy();
    if (!e || !taxonomy || !this.hash) throw new Error(this.s.embedder.error ?? 'the embedding model is not loaded yet');
    this.store ??= await this.openStore();
    this.regenAbort = new AbortController();
    this.regen({ state: 'running', message: undefined });
    try {
      const cache = await regenerateCache({
        store: this.store,
        embedder: {
          dims: e.dims,
          embed: async (t) => {
            const delay = this.deps.regenerationDelayMs();
            if (delay) await new Promise((r) => setTimeout(r, delay));
            return session.embed(t);
          },
        },
        spec: this.spec,
        taxonomy,
        hash: this.hash,
        inputs: modelHashInputs(this.spec, taxonomy),
        dtype: e.dtype,
        computedOn: `browser ${this.s.backend}`,
        storage: DEFAULT_STORAGE,
        signal: this.regenAbort.signal,
        onProgress: (p) => {
          this.regen({ ...p, state: 'running' });
          this.tabs()?.postMessage({ type: 'progress', hash: this.hash, ...p } satisfies TabMessage);
        },
      });
      this.use(cache);
      await this.recheck();
      return this.regen({ state: 'done', message: 'the new cache is active' });
    } catch (err) {
      if (err instanceof RegenerationBusyError) {
        void this.followOtherTab(this.hash);
        return this.regen({ state: 'busy-elsewhere', done: 0, total: 0, message: 'regenerating in another tab; this tab takes over if that one closes' });
      }
      if (this.regenAbort.signal.aborted) return this.regen({ state: 'cancelled', message: 'cancelled; the chunks written so far are kept and a new run resumes from them' });
      await this.refreshStorageEstimate();
      return this.regen({ state: 'failed', message: `the previous cache stays in use. ${errorMessage(err)}` });
    } finally {
      this.regenAbort = undefined;
    }
  }

  cancelRegeneration(): void {
    this.regenAbort?.abort();
  }

  // ---- other tabs ----

  /** Messages between tabs of this origin: regeneration progress and deleted caches. */
  private tabs(): BroadcastChannel | undefined {
    if (typeof BroadcastChannel === 'undefined') return undefined;
    if (!this.tabChannel) {
      this.tabChannel = new BroadcastChannel('esco-embedding-cache');
      this.tabChannel.addEventListener('message', (ev: MessageEvent<TabMessage>) => void this.onTabMessage(ev.data));
    }
    return this.tabChannel;
  }

  private async onTabMessage(m: TabMessage): Promise<void> {
    if (m.type === 'progress' && m.hash === this.hash && this.s.regeneration.state === 'busy-elsewhere') {
      this.regen({ done: m.done, total: m.total, rate: m.rate, etaSeconds: m.etaSeconds, resumed: m.resumed });
    } else if (m.type === 'deleted' && m.hash === this.hash && this.active) {
      // Never keep using a cache another tab deleted: drop it and resolve again (shipped asset, or regenerate).
      this.setActive(undefined);
      this.s.cache = { hash: this.hash, state: 'loading', message: 'this cache was deleted in another tab' };
      this.emit();
      await this.load();
      if (this.s.cache.state === 'ready') this.s.cache.message = 'the cache was deleted in another tab and has been restored from the shipped copy';
      this.emit();
    }
  }

  /**
   * Another tab holds the regeneration lock: show its progress, wait for the lock, then either use
   * the cache it finished or, if it went away mid-run, take over from the chunks it wrote.
   */
  private async followOtherTab(hash: string): Promise<void> {
    this.tabs();
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    if (!locks || this.following) return;
    this.following = true;
    try {
      await locks.request(regenerationLockName(hash), async () => {});
    } finally {
      this.following = false;
    }
    if (hash !== this.hash || this.s.regeneration.state !== 'busy-elsewhere') return;
    if (await this.store?.getJob(hash)) {
      await this.regenerate();
      return;
    }
    await this.load();
    await this.recheck();
    this.regen({ state: 'done', message: 'regenerated in another tab; the new cache is active here too' });
  }

  // ---- backups and stale caches ----

  async exportCache(): Promise<{ fileName: string; bytes: Uint8Array }> {
    if (!this.store || !this.hash) throw new Error('no cache is active');
    return exportCache(this.store, this.hash);
  }

  async importCache(bytes: Uint8Array): Promise<CacheView> {
    if (!this.deps.taxonomy()) throw new Error('the taxonomy is not loaded yet');
    this.store ??= await this.openStore();
    let cache: ActiveCache;
    try {
      cache = await importCache(this.store, bytes, this.expectation());
    } finally {
      await this.refreshStorageEstimate();
      this.emit();
    }
    this.use(cache);
    await this.recheck();
    this.emit();
    return this.s.cache;
  }

  async listStaleCaches(): Promise<StaleCacheView[]> {
    if (!this.hash) return [];
    this.store ??= await this.openStore();
    // A cache that another preset uses on this taxonomy is kept for that preset, not stale.
    const current = new Map<string, string>();
    const taxonomy = await this.deps.taxonomyLoaded();
    if (taxonomy) for (const p of Object.values(PRESETS)) current.set(await modelHash(modelHashInputs(p.id === this.deps.preset.id ? this.spec : p.embedder, taxonomy)), p.id);
    return (await this.store.listStale(this.hash)).map((c) => ({
      hash: c.hash,
      modelId: c.manifest.model.id,
      usedByPreset: current.get(c.hash) ?? null,
      source: c.source,
      bytes: c.bytes,
      storedAt: c.storedAt,
      escoVersion: c.manifest.inputs.taxonomy.escoVersion,
    }));
  }

  async deleteCache(hash: string): Promise<void> {
    if (hash === this.hash) throw new Error('the active cache cannot be deleted while in use');
    this.store ??= await this.openStore();
    await this.store.deleteCache(hash);
    this.tabs()?.postMessage({ type: 'deleted', hash } satisfies TabMessage);
  }
}

function cacheView(cache: ActiveCache, message?: string): CacheView {
  return {
    hash: cache.manifest.hash,
    state: 'ready',
    source: cache.source,
    bytes: cache.bytes,
    storage: cache.manifest.storage,
    computedDtype: cache.manifest.model.computedDtype,
    createdAt: cache.manifest.createdAt,
    message,
  };
}

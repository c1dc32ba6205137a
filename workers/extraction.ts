// Extraction in the engine worker: runs the pipeline (src/core/pipeline.ts) over the active cache
// with the page's label mentions, sends partial results while the reranker refines them, and owns
// the reranker policy: on, off, or automatic (loaded after start-up, timed on this device, used
// when a full shortlist fits the budget, else offered by the page as "Refine with the reranker").
// It also gives the page's title ranking the model's nearest occupations (nearestOccupations).
import { buildLexicalIndex, type LexicalIndex, type LexicalMatch } from '../src/core/lexical.ts';
import type { ModelPreset } from '../src/core/models.ts';
import { SELF_CHECK_TEXTS } from '../src/core/embeddingManifest.ts';
import { errorText as errorMessage } from '../src/core/errors.ts';
import { queryEmbedder } from '../src/core/models.ts';
import { extract, rerankPassage, titleReadingWithin, type ExtractionProgress, type ExtractionResult, type ExtractOptions, type TitleReading } from '../src/core/pipeline.ts';
import type { ModelHit } from '../src/core/occupationRanking.ts';
import { automaticReranker } from '../src/core/rerankShortlist.ts';
import { titleModelOf } from '../src/core/titleModel.ts';
import { documentTagger, taggerFor, type SpanTagger } from '../src/core/spanTagger.ts';
import type { Taxonomy } from '../src/core/taxonomy.ts';
import { defaultThresholds } from '../src/core/thresholds.ts';
import type { ActiveCache } from '../src/db/cacheManager.ts';
import { tokenStatesOf, type TextStates } from '../src/runtime/tokenStates.ts';
import type { LoadedReranker } from '../src/runtime/transformersModels.ts';
import type { LabelVectors } from '../src/core/labelVectors.ts';
import type { LabelWordIndex } from '../src/core/labelWords.ts';
import type { ConceptSearchBackends } from './conceptSearch.ts';
import type { ExtractRequest } from './engineApi.ts';
import type { StatusReporter } from './engineStatus.ts';
import { DocumentLanguages } from './documentLanguages.ts';
import { LabelVectorsLoader } from './labelVectorsLoader.ts';
import type { ModelSession } from './modelSession.ts';

/** The least time between two partial results sent to the page while the reranker refines one text. */
const PARTIAL_MIN_INTERVAL_MS = 250;
/** How long an automatic-mode extraction waits for the reranker's first timing before finishing without it. */
const RERANK_DECISION_WAIT_MS = 10_000;
/** Pairs timed after the reranker loads (two queries of two passages, as the shortlist's calls are small). */
const RERANK_TIMING_PAIRS = 4;

export interface ExtractionDeps {
  preset: ModelPreset;
  status: StatusReporter;
  session: ModelSession;
  search: ConceptSearchBackends;
  /** The reranker setting at start (the page's, persisted); setRerankerSetting() changes it. */
  rerankerSetting: boolean | 'auto';
  taxonomy(): Taxonomy | undefined;
  cache(): ActiveCache | undefined;
  /** e2e hook: a pause per reranked pair, so a test can make the (fast) test reranker as slow as a real one. */
  rerankDelayMsPerPair(): number;
  /**
   * Folders of the span taggers and the label vectors, and the taxonomy's URL, beside which the
   * label packs lie (EngineConfig.taggersBaseUrl, .labelVectorsBaseUrl, .taxonomyUrl).
   */
  assets: { taggers?: string; labelVectors?: string; taxonomy: string };
}

/** What one text brings to the extraction context beside the cache: the page's readings and the language's vectors. */
interface TextContext {
  mentions?: (text: string) => LexicalMatch[];
  titleOccupation?: (text: string) => TitleReading;
  tagger?: SpanTagger;
  labelVectors?: LabelVectors;
  labelWords?: readonly LabelWordIndex[];
}

export class Extraction {
  private lexical?: Promise<LexicalIndex>;
  private reranker?: LoadedReranker;
  private rerankerLoad?: Promise<LoadedReranker | undefined>;
  private setting: boolean | 'auto';
  private tagger?: Promise<SpanTagger | undefined>;

  private readonly labelVectors: LabelVectorsLoader;
  private languages?: DocumentLanguages;

  constructor(private readonly deps: ExtractionDeps) {
    this.setting = deps.rerankerSetting;
    this.labelVectors = new LabelVectorsLoader(deps.assets.labelVectors, (view) => {
      this.s.labelVectors = view;
      deps.status.emit();
    });
  }

  private get s() {
    return this.deps.status.s;
  }

  /**
   * The worker's own label index (merged into dense results), built after start-up so it does not
   * delay it; extract() builds it itself if it comes first.
   */
  useLexicalIndex(index: Promise<LexicalIndex>): void {
    this.lexical = index;
  }

  /** The taxonomy and the worker's label index (built here if start-up has not built it yet). */
  private async labelData(): Promise<{ taxonomy: Taxonomy; lexical: LexicalIndex }> {
    const taxonomy = this.deps.taxonomy();
    if (!taxonomy) throw new Error('the taxonomy is not loaded yet');
    return { taxonomy, lexical: await (this.lexical ??= Promise.resolve(buildLexicalIndex(taxonomy))) };
  }

  /**
   * A batch document read as the page reads a pasted text (documentLanguages.ts): its language's
   * labels, its title's occupation (with the model where no label names it), the language's label
   * vectors and the label coverage, which the page adds to a pasted text's results itself.
   */
  async extractDocument(text: string): Promise<ExtractionResult> {
    const { taxonomy, lexical } = await this.labelData();
    this.languages ??= new DocumentLanguages(taxonomy, lexical, this.deps.assets.taxonomy);
    const titleModel = { presetId: this.deps.preset.id, nearest: (texts: string[], k: number) => this.nearestOccupations(texts, k) };
    const { request, labelWords } = await this.languages.read(text, titleModel);
    return this.extract(text, request, undefined, labelWords);
  }

  /** `labelWords`: the label coverage computed here (batch documents); the page computes it for a pasted text. */
  async extract(text: string, request?: ExtractRequest, onProgress?: ExtractionProgress, labelWords?: readonly LabelWordIndex[]): Promise<ExtractionResult> {
    const { taxonomy, lexical } = await this.labelData();
    const cache = this.deps.cache();
    const dense = this.s.denseReady && this.deps.session.embedder && cache;
    // The page's mentions (text's language + English) replace the English-only label stage; the
    // pipeline may analyse a prefix of the text, so spans beyond it are dropped there.
    const { mentions, refine, titleOccupation, labelPack, ...options } = request ?? {};
    const title = titleOccupation ? (t: string) => titleReadingWithin(titleOccupation, t.length) : undefined;
    // Asked for after the embedding-stage result went out: semantic results never wait for the reranker.
    const reranker = dense ? () => (refine ? this.rerankerModel() : this.rerankerDecided()) : undefined;
    const given = mentions ? (t: string) => mentions.filter((m) => m.end <= t.length) : undefined;
    // The shortlist centres on the preset's cuts unless the page sends the user's.
    const cuts = defaultThresholds(this.deps.preset.id);
    const withFocus = { rerankFocus: { skill: cuts.skillThreshold, occupation: cuts.occupationThreshold }, ...options };
    // Over comlink the callback returns a promise; a page that went away must not leave it unhandled.
    // A fast reranker finishes batches faster than the page can render them: at most one partial per
    // PARTIAL_MIN_INTERVAL_MS after the embedding-stage one.
    let last = -Infinity;
    const progress: ExtractionProgress | undefined =
      onProgress &&
      ((p, d, t) => {
        const at = performance.now();
        if (d > 0 && at - last < PARTIAL_MIN_INTERVAL_MS) return;
        last = at;
        void Promise.resolve(onProgress(p, d, t) as unknown).catch(() => {});
      });
    const tagger = dense ? await this.spanTagger() : undefined;
    // an English-only model reads no other language: the build makes label vectors for multilingual ones only
    const labelVectors =
      dense && labelPack && this.deps.preset.languages === 'multilingual'
        ? await this.labelVectors.get({ modelHash: cache.manifest.hash, language: labelPack.language, packContentHash: labelPack.contentHash, dims: cache.manifest.dims, skills: taxonomy.skills.length })
        : undefined;
    const context = { mentions: given, titleOccupation: title, tagger, labelVectors, labelWords };
    const result = await this.deps.session.onWebGpu(() => this.run(text, taxonomy, lexical, dense ? cache : undefined, reranker, withFocus, context, progress));
    if (this.deps.search.hasHelpers) this.deps.status.emit(); // the model panel's search counters
    return result;
  }

  /** The model's nearest occupations of title texts (EngineApi.nearestOccupations); empty lists before semantic matching is ready. */
  async nearestOccupations(texts: string[], k: number): Promise<ModelHit[][]> {
    const cache = this.deps.cache();
    if (!this.s.denseReady || !this.deps.session.embedder || !cache) return texts.map(() => []);
    const { session, preset } = this.deps;
    const search = this.deps.search.search();
    const model = titleModelOf(
      preset.id,
      queryEmbedder({ dims: preset.embedder.dims, embed: (t) => session.embed(t) }, preset.embedder),
      cache.matrices.occupation,
      search ? (q, count, depth) => search('occupation', q, count, depth) : undefined,
    );
    return session.onWebGpu(() => model.nearest(texts, k));
  }

  private run(
    text: string,
    taxonomy: Taxonomy,
    lexical: LexicalIndex,
    cache: ActiveCache | undefined,
    reranker: (() => Promise<LoadedReranker | undefined>) | undefined,
    options: Partial<ExtractOptions>,
    { mentions, titleOccupation, tagger, labelVectors, labelWords }: TextContext,
    onProgress?: ExtractionProgress,
  ): Promise<ExtractionResult> {
    const { session, preset } = this.deps;
    return extract(
      text,
      {
        taxonomy,
        lexical,
        matrices: cache?.matrices,
        embedder: cache ? queryEmbedder({ dims: preset.embedder.dims, embed: (t) => session.embed(t) }, preset.embedder) : undefined,
        rerankerWhenReady: reranker
          ? async () => {
              const r = await reranker();
              return r ? { rerank: (q, p) => session.queue.run(() => r.rerank(q, p)) } : undefined;
            }
          : undefined,
        ...(mentions ? { mentions } : {}),
        ...(titleOccupation ? { titleOccupation } : {}),
        ...(tagger ? { tagSpans: documentTagger(tagger, (texts, o) => this.tokenStates(texts, o)) } : {}),
        ...(labelVectors ? { labelVectors } : {}),
        ...(labelWords ? { labelWords } : {}),
        search: this.deps.search.search(),
      },
      options,
      onProgress,
    );
  }

  /**
   * The preset's span tagger, fetched once (precached with the app). A preset that ships none
   * (404) keeps clause-level candidates; a tagger that cannot be read is reported and left out, so
   * extraction goes on as before.
   */
  private spanTagger(): Promise<SpanTagger | undefined> {
    const base = this.deps.assets.taggers;
    if (!base) return Promise.resolve(undefined);
    this.tagger ??= (async () => {
      const spec = this.deps.preset.embedder;
      try {
        const r = await fetch(new URL(`${this.deps.preset.id}.json`, base));
        // A host that answers unknown paths with the app's page (an SPA fallback) means "none" too.
        if (r.status === 404 || (r.ok && /text\/html/.test(r.headers.get('content-type') ?? ''))) {
          this.s.tagger = { phase: 'none', message: `${this.deps.preset.embedder.displayName} has no span tagger: whole clauses are matched` };
          return undefined;
        }
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        const tagger = taggerFor(await r.json(), spec);
        this.s.tagger = { phase: 'ready' };
        return tagger;
      } catch (e) {
        this.s.tagger = { phase: 'failed', message: `span tagger unavailable, whole clauses are matched: ${errorMessage(e)}` };
        return undefined;
      } finally {
        this.deps.status.emit();
      }
    })();
    return this.tagger;
  }

  /** Word states from the loaded embedder's own graph, through the one inference queue. */
  private tokenStates(texts: string[], o: { prefix: string }): Promise<TextStates[]> {
    const e = this.deps.session.embedder;
    if (!e) throw new Error(this.s.embedder.error ?? 'the embedding model is not loaded yet');
    return this.deps.session.queue.run(() => tokenStatesOf(e).states(texts, o));
  }

  /** The reranker alone (the API's rerank()), when the setting has it on. */
  async rerank(query: string, passages: string[]): Promise<Float32Array> {
    const r = await this.rerankerIfEnabled();
    if (!r) throw new Error(this.s.reranker.error ?? 'the reranker is disabled');
    return this.deps.session.queue.run(() => r.rerank(query, passages));
  }

  setRerankerSetting(enabled: boolean | 'auto'): void {
    this.setting = enabled;
    this.resolveRerankerSetting();
    if ((this.s.reranker.enabled || enabled === 'auto') && this.s.reranker.phase === 'failed') this.rerankerLoad = undefined;
    this.timeRerankerIfAutomatic();
  }

  /** After retryModels(): a reranker that failed to load may load now. */
  forgetRerankerLoad(): void {
    this.rerankerLoad = undefined;
    if (this.s.reranker.phase === 'failed') this.s.reranker.phase = 'idle';
  }

  /** Whether the reranker is on: the setting, or in the automatic setting the timing's verdict. */
  resolveRerankerSetting(): void {
    this.s.reranker.automatic = this.setting === 'auto';
    const automatic = automaticReranker(this.s.reranker.timing, this.s.reranker.limit, this.s.reranker.budgetMs) === true;
    this.s.reranker.enabled = Boolean(this.deps.preset.reranker) && (this.setting === 'auto' ? automatic : this.setting);
  }

  /**
   * The automatic setting decides on a measurement: after start-up the reranker is loaded in the
   * background and timed (rerankerModel()), then resolveRerankerSetting() turns it on or leaves the
   * page to offer it. Extractions meanwhile show their embedding-stage results and wait a little for
   * the decision (rerankerDecided()); the page refines a text left unrefined once it turns on.
   */
  timeRerankerIfAutomatic(): void {
    if (this.setting === 'auto' && this.deps.preset.reranker && this.s.backend && !this.s.reranker.timing) void this.rerankerModel();
  }

  private async rerankerIfEnabled(): Promise<LoadedReranker | undefined> {
    if (!this.s.reranker.enabled) return undefined;
    return this.rerankerModel();
  }

  /**
   * The reranker for an extraction under the current setting. Automatic and still being loaded and
   * timed: waits for the decision up to RERANK_DECISION_WAIT_MS (the embedding-stage results are on
   * screen meanwhile); a decision that comes later re-runs the text from the page.
   */
  private async rerankerDecided(): Promise<LoadedReranker | undefined> {
    const pending = this.setting === 'auto' && !this.s.reranker.timing ? this.rerankerLoad : undefined;
    if (pending) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([pending, new Promise((r) => (timer = setTimeout(r, RERANK_DECISION_WAIT_MS)))]);
      clearTimeout(timer);
    }
    return this.rerankerIfEnabled();
  }

  /** Loads the reranker once (following the embedder's device) and times it; undefined when it cannot load. */
  private async rerankerModel(): Promise<LoadedReranker | undefined> {
    const spec = this.deps.preset.reranker;
    if (!spec || !this.s.backend) return undefined;
    if (this.reranker) return this.reranker;
    this.rerankerLoad ??= (async () => {
      this.s.reranker.phase = 'loading';
      this.s.reranker.error = undefined;
      this.deps.status.emit(true);
      try {
        const loaded = await this.deps.session.loadReranker(spec);
        this.reranker = {
          ...loaded,
          rerank: async (q, p) => {
            const delay = this.deps.rerankDelayMsPerPair();
            if (delay) await new Promise((r) => setTimeout(r, delay * p.length));
            return loaded.rerank(q, p);
          },
        };
        await this.measureReranker();
        this.s.reranker.phase = 'ready';
        return this.reranker;
      } catch (e) {
        this.s.reranker.phase = 'failed';
        this.s.reranker.error = `reranker unavailable, extraction continues without it: ${errorMessage(e)}`;
        return undefined;
      } finally {
        this.deps.status.emit(true);
      }
    })();
    return this.rerankerLoad;
  }

  /**
   * Times the loaded reranker on RERANK_TIMING_PAIRS realistic pairs (sentences of an ad against the
   * passages the pipeline sends: label, alternative labels and description), after one untimed pair
   * that pays the first run's set-up. The result goes to the status and decides the automatic setting.
   */
  async measureReranker(): Promise<void> {
    const r = this.reranker;
    if (!r) return;
    const queue = this.deps.session.queue;
    const skills = this.deps.taxonomy()?.skills ?? [];
    const passages = Array.from({ length: RERANK_TIMING_PAIRS }, (_, i) =>
      skills.length ? rerankPassage(skills[Math.floor(((i + 0.5) * skills.length) / RERANK_TIMING_PAIRS)]) : SELF_CHECK_TEXTS[i % SELF_CHECK_TEXTS.length],
    );
    const queries = [SELF_CHECK_TEXTS[0], SELF_CHECK_TEXTS[2]];
    await queue.run(() => r.rerank(queries[0], passages.slice(0, 1)));
    const t0 = performance.now();
    const half = RERANK_TIMING_PAIRS / 2;
    for (let q = 0; q < queries.length; q++) await queue.run(() => r.rerank(queries[q], passages.slice(q * half, (q + 1) * half)));
    const ms = performance.now() - t0;
    this.s.reranker.timing = { perPairMs: ms / RERANK_TIMING_PAIRS, pairs: RERANK_TIMING_PAIRS, backend: r.device === 'webgpu' ? 'webgpu' : 'wasm', dtype: r.dtype };
    this.resolveRerankerSetting();
    this.deps.status.emit(true);
  }
}

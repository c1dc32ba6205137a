// Builds the CLI's analyser: the same extraction context `npm run eval` uses (taxonomy asset,
// lexical index, the shipped int8 concept matrices, the query embedder and, where the preset has
// one, the reranker and the span tagger), loaded from .generated/models (npm run models:fetch / the generated test
// models) or a hub-layout host. `none` is label matching only. Contexts are cached per process so
// tests and benchmarks that run the CLI in-process load each model once. Label matching runs in the
// text's language plus English, as in the app (src/core/languageMatching.ts; the label packs are
// read from public/taxonomy/), and the title's occupation is looked for with the preset's model where no
// label names it (src/core/titleModel.ts); the extract CLI and the HTTP service (scripts/serve-api.ts) use it.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LABEL_PACK_INDEX_PATH, labelPackAssetPath } from '../../src/core/labelPacks.ts';
import { LabelMatching, type LabelPackSource, type TextLabels } from '../../src/core/languageMatching.ts';
import { buildLexicalIndex, type LexicalIndex } from '../../src/core/lexical.ts';
import { modelHash, modelHashInputs } from '../../src/core/modelHash.ts';
import type { LabelVectors } from '../../src/core/labelVectors.ts';
import { findPreset, queryEmbedder, type Dtype, type EmbedderSpec, type RerankerSpec } from '../../src/core/models.ts';
import { extract, extractLexical, type ExtractionContext, type ExtractionResult, type ExtractOptions } from '../../src/core/pipeline.ts';
import { documentTagger, taggerFor, type SpanTagger } from '../../src/core/spanTagger.ts';
import type { Taxonomy } from '../../src/core/taxonomy.ts';
import { titleModelOf, type TitleModel } from '../../src/core/titleModel.ts';
import { tokenStatesOf } from '../../src/runtime/tokenStates.ts';
import { configureTransformers, loadEmbedder, loadReranker, type LoadedEmbedder, type LoadedReranker } from '../../src/runtime/transformersModels.ts';
import { ROOT } from '../build-taxonomy.ts';
import { readLabelVectors } from '../label-vectors.ts';
// (never an import of prepare-assets.ts: it is an entry script with top-level await, and the eval
// harness, which the tagger training imports, reads this module: a cycle would never settle)
import { loadShippedAsset, loadTaxonomyAsset, shippedAssetDir, TAGGER_ASSET_DIR, TEST_MODELS_DIR } from '../precompute.ts';

export interface ModelChoice {
  /** A preset id (bge-small-en, minilm, bge-m3, test) or 'none'. */
  model: string;
  /** Folder in hub layout; default .generated/models when the model is provisioned there. */
  local?: string;
  /** Hub-layout host (default https://huggingface.co/ when the model is not provisioned locally). */
  host?: string;
  /** Query embedder dtype; default the Node dtype, q8 where that is fp32 (about 3x faster on CPU; concept matrices stay as shipped). */
  dtype?: Dtype;
  /** Use the preset's reranker when it has one (default true). */
  rerank?: boolean;
  /** The documents' language: '' or 'auto' (default) detects it per text, as the app does; a code fixes it. */
  language?: string;
}

/** Per text: its language ('' or 'auto': detected, as in the app) and options over the analyser's. */
export interface AnalyseCall {
  language?: string;
  options?: Partial<ExtractOptions>;
}

export interface AnalysedText {
  result: ExtractionResult;
  /** The text's language plan, display labels and notices (languageMatching.ts). */
  language: TextLabels;
}

export interface Analyser {
  presetId: string;
  describe: string;
  /** The text's language: detected per text unless the choice fixed it. */
  analyse: (text: string) => Promise<ExtractionResult>;
  /** The result with the text's language plan and display labels (the HTTP service). */
  analyseText: (text: string, call?: AnalyseCall) => Promise<AnalysedText>;
  /** The loaded models (absent for `none`). */
  embedderSpec?: EmbedderSpec;
  /** Plain embedder (passages) and the query embedder (segments: the spec's query instruction). */
  embedder?: LoadedEmbedder;
  queryEmbedder?: ExtractionContext['embedder'];
  reranker?: LoadedReranker;
  rerankerSpec?: RerankerSpec;
  /** Hash of the embedding space of the concept matrices in use (null: label matching only). */
  modelHash: string | null;
  /** The query embedder's dtype (absent for `none`). */
  dtype?: Dtype;
}

let taxonomyCache: { taxonomy: Taxonomy; lexical: LexicalIndex } | undefined;
let matchingCache: LabelMatching | undefined;
const analysers = new Map<string, Promise<Analyser>>();

/** Label packs as the app's assets, read from public/taxonomy/ (`dir`: the folder holding taxonomy/). */
export function nodeLabelPackSource(publicDir = join(ROOT, 'public')): LabelPackSource {
  const read = async (path: string) => JSON.parse(await readFile(join(publicDir, path), 'utf8')) as unknown;
  return {
    index: () => read(LABEL_PACK_INDEX_PATH),
    pack: (language) => read(labelPackAssetPath(language)),
  };
}

/** The process's label matching (packs and matchers built once per language). */
export function labelMatching(): LabelMatching {
  if (!matchingCache) {
    const { taxonomy, lexical } = loadTaxonomyAndLexical();
    matchingCache = new LabelMatching({ taxonomy, englishIndex: lexical }, nodeLabelPackSource());
  }
  return matchingCache;
}

export function loadTaxonomyAndLexical(): { taxonomy: Taxonomy; lexical: LexicalIndex } {
  if (!taxonomyCache) {
    const taxonomy = loadTaxonomyAsset();
    taxonomyCache = { taxonomy, lexical: buildLexicalIndex(taxonomy) };
  }
  return taxonomyCache;
}

/** The preset's span tagger as the app ships it (public/taggers/, made by prepare-assets), or null: clause-level candidates. */
export function shippedTagger(presetId: string, spec: EmbedderSpec): SpanTagger | null {
  const file = join(TAGGER_ASSET_DIR, `${presetId}.json`);
  return existsSync(file) ? taggerFor(readFileSync(file, 'utf8'), spec) : null;
}

export function defaultQueryDtype(model: string): Dtype | undefined {
  if (model === 'none') return undefined;
  const node = findPreset(model).embedder.dtype.node;
  return node === 'fp32' ? 'q8' : node;
}

export async function buildAnalyser(choice: ModelChoice, options: Partial<ExtractOptions> = {}): Promise<Analyser> {
  const key = JSON.stringify({ ...choice, options });
  let a = analysers.get(key);
  if (!a) {
    a = load(choice, options);
    analysers.set(key, a);
    a.catch(() => analysers.delete(key));
  }
  return a;
}

async function load(choice: ModelChoice, options: Partial<ExtractOptions>): Promise<Analyser> {
  const { taxonomy, lexical } = loadTaxonomyAndLexical();
  const matching = labelMatching();
  const fixed = choice.language && choice.language !== 'auto' ? choice.language : '';
  const analyseWith = (
    run: (text: string, ctx: ExtractionContext, options: Partial<ExtractOptions>) => Promise<ExtractionResult> | ExtractionResult,
    ctx: ExtractionContext,
    titleModel?: TitleModel,
    vectorsOf?: (language: string) => Promise<LabelVectors | undefined>,
  ) =>
    async (text: string, call: AnalyseCall = {}): Promise<AnalysedText> => {
      const want = call.language && call.language !== 'auto' ? call.language : fixed;
      // the title's occupation with the model where no label names it (src/core/titleModel.ts), as in the app
      const language = await matching.forText(text, { language: want, ...(titleModel ? { titleModel } : {}) });
      const match = language.plan.matchLanguage;
      const labelVectors = match && vectorsOf ? await vectorsOf(match) : undefined;
      const withLanguage = {
        ...ctx,
        ...(language.mentions ? { mentions: language.mentions } : {}),
        ...(language.titleOccupation ? { titleOccupation: language.titleOccupation } : {}),
        ...(labelVectors ? { labelVectors } : {}),
        labelWords: language.labelWords,
      };
      const result = await run(text, withLanguage, { ...options, ...call.options });
      return { result, language };
    };
  if (choice.model === 'none') {
    const analyseText = analyseWith(extractLexical, { taxonomy, lexical });
    return { presetId: 'none', describe: 'label matching only (no model)', analyse: async (t) => (await analyseText(t)).result, analyseText, modelHash: null };
  }
  const preset = findPreset(choice.model);
  const spec = preset.embedder;
  const dir = await shippedAssetDir(spec, taxonomy);
  if (!dir) throw new Error(`no precomputed concept embeddings for ${spec.id} on this taxonomy: run "npm run precompute -- --model ${choice.model}" first`);
  const { matrices } = await loadShippedAsset(dir, { skill: taxonomy.skills.length, occupation: taxonomy.occupations.length });
  const provisioned = spec.isTestModel || existsSync(join(TEST_MODELS_DIR, spec.id, 'config.json'));
  const local = choice.local ? resolve(choice.local) : provisioned && !choice.host ? TEST_MODELS_DIR : undefined;
  configureTransformers({ modelHost: choice.host, localModelPath: local });
  const dtype = choice.dtype ?? defaultQueryDtype(choice.model)!;
  const embedder = await loadEmbedder(spec, { backend: 'node', dtype, localModelPath: local, modelHost: choice.host });
  const rerankerSpec = choice.rerank === false ? null : preset.reranker;
  const reranker = rerankerSpec ? await loadReranker(rerankerSpec, { backend: 'node', dtype: rerankerSpec.dtype.node, localModelPath: local, modelHost: choice.host }) : undefined;
  const query = queryEmbedder(embedder, spec);
  const tagger = shippedTagger(preset.id, spec);
  const states = tokenStatesOf(embedder);
  const ctx: ExtractionContext = { taxonomy, lexical, matrices, embedder: query, reranker, ...(tagger ? { tagSpans: documentTagger(tagger, (texts, o) => states.states(texts, o)) } : {}) };
  const source = local ? `folder ${local}` : (choice.host ?? 'the Hugging Face hub');
  const hash = await modelHash(modelHashInputs(spec, taxonomy));
  // the skill labels of the text's language, where the build made vectors of them (scripts/label-vectors.ts)
  const labelVectors = new Map<string, Promise<LabelVectors | undefined>>();
  const vectorsOf = (language: string) => {
    let v = labelVectors.get(language);
    if (!v) {
      // checked against the pack the matcher already loaded (a pack that failed: none)
      v = matching.labels(language).then(
        (labels) => readLabelVectors({ modelHash: hash, language, dims: spec.dims, taxonomy, packContentHash: labels.contentHash }),
        () => undefined,
      );
      labelVectors.set(language, v);
    }
    return v;
  };
  const analyseText = analyseWith(extract, ctx, titleModelOf(preset.id, query, matrices.occupation), vectorsOf);
  return {
    presetId: preset.id,
    describe: `${spec.displayName} (${dtype})${tagger ? ' + span tagger' : ''}${reranker ? ` + ${rerankerSpec!.displayName}` : ''} from ${source}`,
    analyse: async (t) => (await analyseText(t)).result,
    analyseText,
    embedderSpec: spec,
    embedder,
    queryEmbedder: query,
    ...(reranker ? { reranker, rerankerSpec: rerankerSpec! } : {}),
    modelHash: hash,
    dtype,
  };
}

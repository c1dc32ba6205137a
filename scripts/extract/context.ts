// Builds the CLI's analyser: the same extraction context `npm run eval` uses (taxonomy asset,
// lexical index, the shipped int8 concept matrices, the query embedder and, where the preset has
// one, the reranker), loaded from .generated/models (npm run models:fetch / the generated test
// models) or a hub-layout host. `none` is label matching only. Contexts are cached per process so
// tests and benchmarks that run the CLI in-process load each model once.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildLexicalIndex, type LexicalIndex } from '../../src/core/lexical.ts';
import { findPreset, queryEmbedder, type Dtype } from '../../src/core/models.ts';
import { extract, extractLexical, type ExtractionContext, type ExtractionResult, type ExtractOptions } from '../../src/core/pipeline.ts';
import type { Taxonomy } from '../../src/core/taxonomy.ts';
import { configureTransformers, loadEmbedder, loadReranker } from '../../src/runtime/transformersModels.ts';
import { loadShippedAsset, loadTaxonomyAsset, shippedAssetDir, TEST_MODELS_DIR } from '../precompute.ts';

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
}

export interface Analyser {
  presetId: string;
  describe: string;
  analyse: (text: string) => Promise<ExtractionResult>;
}

let taxonomyCache: { taxonomy: Taxonomy; lexical: LexicalIndex } | undefined;
const analysers = new Map<string, Promise<Analyser>>();

export function loadTaxonomyAndLexical(): { taxonomy: Taxonomy; lexical: LexicalIndex } {
  if (!taxonomyCache) {
    const taxonomy = loadTaxonomyAsset();
    taxonomyCache = { taxonomy, lexical: buildLexicalIndex(taxonomy) };
  }
  return taxonomyCache;
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
  if (choice.model === 'none') {
    const ctx: ExtractionContext = { taxonomy, lexical };
    return { presetId: 'none', describe: 'label matching only (no model)', analyse: async (t) => extractLexical(t, ctx, options) };
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
  const ctx: ExtractionContext = { taxonomy, lexical, matrices, embedder: queryEmbedder(embedder, spec), reranker };
  const source = local ? `folder ${local}` : (choice.host ?? 'the Hugging Face hub');
  return {
    presetId: preset.id,
    describe: `${spec.displayName} (${dtype})${reranker ? ` + ${rerankerSpec!.displayName}` : ''} from ${source}`,
    analyse: (t) => extract(t, ctx, options),
  };
}

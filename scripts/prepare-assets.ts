// Makes sure the generated, git-ignored assets exist and are current before dev, build and test:
// the taxonomy asset (rebuilt when its ESCO inputs changed) and, with --test-models, the generated
// test models and their precomputed embedding asset. Each step is also its own npm script.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTaxonomyAsset, locateSources, taxonomyIsUpToDate } from './build-taxonomy.ts';

export async function prepareTaxonomy(): Promise<void> {
  const source = locateSources();
  if (taxonomyIsUpToDate(source)) return;
  console.log(`building taxonomy asset from ${source.dir} ...`);
  const r = await buildTaxonomyAsset(source);
  console.log(`taxonomy: ${r.skills} skills, ${r.occupations} occupation-kind concepts (${(r.ms / 1000).toFixed(1)} s)`);
}

export async function prepareAssets(options: { testModels?: boolean } = {}): Promise<void> {
  await prepareTaxonomy();
  if (options.testModels) await prepareTestModels();
}

/**
 * Generated test models and the shipped embedding asset of the test embedder. An existing asset is
 * checked against the live model on a sample of concepts (code or model changes can make it stale
 * without changing its hash inputs) and recomputed when it does not match.
 */
export async function prepareTestModels(): Promise<void> {
  const { generateTestModels } = await import('./generate-test-models.ts');
  const { precompute, shippedAssetDir, loadShippedAsset, loadTaxonomyAsset, TEST_MODELS_DIR } = await import('./precompute.ts');
  const { TEST_EMBEDDER } = await import('../src/core/models.ts');
  const { conceptText } = await import('../src/core/conceptText.ts');
  const { cosine, getRow } = await import('../src/core/vectors.ts');
  const { configureTransformers, loadEmbedder } = await import('../src/runtime/transformersModels.ts');
  await generateTestModels(TEST_MODELS_DIR);
  const taxonomy = loadTaxonomyAsset();
  configureTransformers({ localModelPath: TEST_MODELS_DIR });
  const embedder = await loadEmbedder(TEST_EMBEDDER, { backend: 'node', dtype: TEST_EMBEDDER.dtype.node, localModelPath: TEST_MODELS_DIR });
  try {
    const dir = await shippedAssetDir(TEST_EMBEDDER, taxonomy);
    if (dir) {
      try {
        const { matrices } = await loadShippedAsset(dir, { skill: taxonomy.skills.length, occupation: taxonomy.occupations.length });
        const sample = [0, Math.floor(taxonomy.skills.length / 2), taxonomy.skills.length - 1];
        const fresh = await embedder.embed(sample.map((i) => conceptText(taxonomy.skills[i])));
        const dims = TEST_EMBEDDER.dims;
        if (sample.every((row, j) => cosine(getRow(matrices.skill, row), fresh.subarray(j * dims, (j + 1) * dims)) > 0.99)) return;
        console.log('the test embedding asset does not match the test model any more: recomputing');
      } catch (e) {
        console.log(`the test embedding asset is unusable (${(e as Error).message}): recomputing`);
      }
    }
    console.log('precomputing the test embedder asset ...');
    const r = await precompute({ spec: TEST_EMBEDDER, embedder, taxonomy, dtype: TEST_EMBEDDER.dtype.node, batchSize: 256, log: () => {} });
    console.log(`test embedding asset: ${r.dir}`);
  } finally {
    await embedder.dispose();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await prepareAssets({ testModels: process.argv.includes('--test-models') });
  } catch (e) {
    console.error(`preparing assets failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

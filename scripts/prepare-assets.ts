// Makes sure the generated, git-ignored assets exist and are current before dev, build and test:
// the taxonomy asset (rebuilt when its ESCO inputs changed). Each step is also its own npm script.
import { buildTaxonomyAsset, locateSources, taxonomyIsUpToDate } from './build-taxonomy.ts';

export async function prepareTaxonomy(): Promise<void> {
  const source = locateSources();
  if (taxonomyIsUpToDate(source)) return;
  console.log(`building taxonomy asset from ${source.dir} ...`);
  const r = await buildTaxonomyAsset(source);
  console.log(`taxonomy: ${r.skills} skills, ${r.occupations} occupation-kind concepts (${(r.ms / 1000).toFixed(1)} s)`);
}

export async function prepareAssets(): Promise<void> {
  await prepareTaxonomy();
}

try {
  await prepareAssets();
} catch (e) {
  console.error(`preparing assets failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

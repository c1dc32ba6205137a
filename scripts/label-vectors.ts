// Skill label vectors in other languages (src/core/labelVectors.ts), on disk: computed from a label
// pack with the preset's embedder and written to public/label-vectors/<model hash>/<language>.{json,bin}
// (the app fetches them when a text is in that language), and read back by the extract CLI and the
// HTTP service. prepare-assets.ts decides when they are built; this module only computes, writes and reads.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { attachLabelPack, labelPackAssetPath, validateLabelPack, type LocalizedLabels } from '../src/core/labelPacks.ts';
import { buildLabelVectorsManifest, decodeLabelVectors, LABEL_VECTORS_DIR, labelVectorsPath, labelVectorTexts, LabelVectorsError, type LabelVectors, type LabelVectorsManifest } from '../src/core/labelVectors.ts';
import { passageText, type Embedder, type EmbedderSpec } from '../src/core/models.ts';
import type { Taxonomy } from '../src/core/taxonomy.ts';
import { encodeMatrix, quantizeMatrix, type MatrixStorage } from '../src/core/vectors.ts';
import { ROOT } from './build-taxonomy.ts';

export const PUBLIC_DIR = join(ROOT, 'public');
/** Where prepare-assets writes the shipped label vectors (public/label-vectors/). */
export const LABEL_VECTORS_ASSET_DIR = join(PUBLIC_DIR, LABEL_VECTORS_DIR);

/** The language's label pack as shipped in public/taxonomy/, attached to the taxonomy. */
export function shippedLabels(taxonomy: Taxonomy, language: string, publicDir = PUBLIC_DIR): LocalizedLabels | undefined {
  const file = join(publicDir, labelPackAssetPath(language));
  if (!existsSync(file)) return undefined;
  return attachLabelPack(taxonomy, validateLabelPack(JSON.parse(readFileSync(file, 'utf8')), taxonomy));
}

/**
 * Embeds the pack's skill labels as passages (the concept vectors' prefix) in batches and writes the
 * manifest and matrix under `publicDir`, each appearing complete or not at all.
 */
export async function computeLabelVectors(o: {
  spec: EmbedderSpec;
  embedder: Embedder;
  modelHash: string;
  labels: LocalizedLabels;
  /** The English asset's skill matrix SHA-256 (its manifest): LabelVectorsManifest.conceptsSha256. */
  conceptsSha256: string;
  storage?: MatrixStorage;
  batchSize?: number;
  /** The label-vectors folder to write into (default public/label-vectors/). */
  dir?: string;
  log?: (line: string) => void;
}): Promise<LabelVectorsManifest> {
  const texts = labelVectorTexts(o.labels);
  const dims = o.spec.dims;
  const batchSize = o.batchSize ?? 256;
  const all = new Float32Array(texts.length * dims);
  const t0 = performance.now();
  let lastLog = t0;
  for (let start = 0; start < texts.length; start += batchSize) {
    const batch = texts.slice(start, start + batchSize).map((t) => passageText(o.spec, t.text));
    const vectors = await o.embedder.embed(batch);
    if (vectors.length !== batch.length * dims) throw new Error(`label vectors (${o.labels.language}): the model gave ${vectors.length / batch.length} dims, expected ${dims}`);
    all.set(vectors, start * dims);
    const now = performance.now();
    if (o.log && now - lastLog > 5000) {
      lastLog = now;
      o.log(`${o.labels.language}: ${start + batch.length}/${texts.length} labels (${((start + batch.length) / ((now - t0) / 1000)).toFixed(0)}/s)`);
    }
  }
  const matrix = encodeMatrix(quantizeMatrix(all, texts.length, dims, o.storage ?? 'int8'));
  const manifest = await buildLabelVectorsManifest({
    language: o.labels.language,
    modelHash: o.modelHash,
    packContentHash: o.labels.contentHash,
    conceptsSha256: o.conceptsSha256,
    storage: o.storage ?? 'int8',
    dims,
    owners: texts.map((t) => t.owner),
    matrix,
  });
  const paths = labelVectorsPath(o.modelHash, o.labels.language);
  const at = (p: string) => join(o.dir ?? LABEL_VECTORS_ASSET_DIR, p);
  mkdirSync(dirname(at(paths.matrix)), { recursive: true });
  // matrix first, manifest last: a reader that finds the manifest finds its matrix
  writeFileSync(`${at(paths.matrix)}.tmp`, matrix);
  renameSync(`${at(paths.matrix)}.tmp`, at(paths.matrix));
  writeFileSync(`${at(paths.manifest)}.tmp`, JSON.stringify(manifest));
  renameSync(`${at(paths.manifest)}.tmp`, at(paths.manifest));
  return manifest;
}

/** The manifest of a written asset, or undefined when missing or unreadable. */
export function labelVectorsManifestAt(modelHash: string, language: string, dir = LABEL_VECTORS_ASSET_DIR): LabelVectorsManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, labelVectorsPath(modelHash, language).manifest), 'utf8')) as LabelVectorsManifest;
  } catch {
    return undefined;
  }
}

/**
 * The language's vectors for the model, checked against the language's pack (its content hash); undefined
 * when none were built (the text is then compared with the English vectors only, as in the app).
 */
export async function readLabelVectors(
  expect: { modelHash: string; language: string; dims: number; taxonomy: Taxonomy; packContentHash: string },
  dir = LABEL_VECTORS_ASSET_DIR,
): Promise<LabelVectors | undefined> {
  const manifest = labelVectorsManifestAt(expect.modelHash, expect.language, dir);
  if (!manifest) return undefined;
  const bytes = new Uint8Array(readFileSync(join(dir, labelVectorsPath(expect.modelHash, expect.language).matrix)));
  try {
    return await decodeLabelVectors(manifest, bytes, { ...expect, skills: expect.taxonomy.skills.length });
  } catch (e) {
    if (e instanceof LabelVectorsError) {
      console.warn(`${e.message}: rebuild with "npm run prepare:assets"; English vectors only`);
      return undefined;
    }
    throw e;
  }
}

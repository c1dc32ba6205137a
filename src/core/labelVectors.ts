// Skill label vectors in a text's language: the preferred skill labels of one label pack
// (labelPacks.ts), embedded as passages by the preset's model, searched beside the English concept
// vectors so that a German passage is also compared with German labels. Measured (EVAL.md, `npm run
// eval -- --kind inlang`): across languages multilingual-e5-small ranks the right skill a fifth lower
// than in English (MRR 0.508 against 0.620); the language's own labels win back 40% of that (0.554).
// Built at build time per model and language (scripts/prepare-assets.ts), fetched by the worker and
// read by the extract CLI and the HTTP service (scripts/label-vectors.ts).
//
// Only a pack that labels most skills gets vectors: rows for a subset (French labels only ESCO's
// collection skills) would favour that subset over every skill the language does not label.
import { sha256Hex } from './hash.ts';
import type { KindCoverage, LocalizedLabels } from './labelPacks.ts';
import { decodeMatrix, encodedByteLength, type ConceptMatrix, type MatrixStorage } from './vectors.ts';

// 2: preferred labels only, as the English skill vectors (CONCEPT_TEXT_TEMPLATE.skill).
export const LABEL_VECTORS_FORMAT = 2;

/** The least share of the taxonomy's skills a pack must label to get vectors (see the header). */
export const MIN_SKILL_COVERAGE = 0.5;

/** The folder of all label vectors, under the app's base (public/ at build time). */
export const LABEL_VECTORS_DIR = 'label-vectors';

/** Where a model's vectors of one language lie, relative to LABEL_VECTORS_DIR. */
export function labelVectorsPath(modelHash: string, language: string): { manifest: string; matrix: string } {
  return { manifest: `${modelHash}/${language}.json`, matrix: `${modelHash}/${language}.bin` };
}

export interface LabelVectorsManifest {
  format: number;
  language: string;
  /** The embedding space: the English cache's model hash (same model, same passage prefix). */
  modelHash: string;
  /** The label pack the labels came from (LabelPack.contentHash): another pack needs other vectors. */
  packContentHash: string;
  /**
   * SHA-256 of the English skill matrix they were computed beside: the build recomputes both when
   * the model's output changed without its hash (prepare-assets.ts).
   */
  conceptsSha256: string;
  storage: MatrixStorage;
  dims: number;
  rows: number;
  bytes: number;
  sha256: string;
  /** Per row, the skill's index in taxonomy.skills. */
  owners: number[];
  createdAt: string;
}

/** Decoded and checked: what the pipeline searches (ExtractionContext.labelVectors). */
export interface LabelVectors {
  language: string;
  matrix: ConceptMatrix;
  owners: Int32Array;
}

export class LabelVectorsError extends Error {
  override name = 'LabelVectorsError';
}

/** Whether a pack labels enough of the taxonomy's skills to be given vectors (MIN_SKILL_COVERAGE), from its coverage in the pack index. */
export function packWantsVectors(skills: Pick<KindCoverage, 'concepts' | 'labelled'> | undefined): boolean {
  return Boolean(skills && skills.concepts > 0 && skills.labelled / skills.concepts >= MIN_SKILL_COVERAGE);
}

/**
 * The texts to embed: each labelled skill's preferred label, as the English skill vectors embed
 * theirs (CONCEPT_TEXT_TEMPLATE.skill). Alternative labels were measured too (EVAL.md, ninth
 * session): they rank ESCO's own German descriptions a little better but bring short forms
 * ("CSJS" for JavaScript) that match any short passage of an ad.
 */
export function labelVectorTexts(labels: Pick<LocalizedLabels, 'skills'>): { owner: number; text: string }[] {
  const out: { owner: number; text: string }[] = [];
  labels.skills.forEach((entry, owner) => {
    const text = entry?.label.trim();
    if (text) out.push({ owner, text });
  });
  return out;
}

export async function buildLabelVectorsManifest(
  args: Pick<LabelVectorsManifest, 'language' | 'modelHash' | 'packContentHash' | 'conceptsSha256' | 'storage' | 'dims'> & { owners: ArrayLike<number>; matrix: Uint8Array },
): Promise<LabelVectorsManifest> {
  const { owners, matrix, ...fields } = args;
  return {
    format: LABEL_VECTORS_FORMAT,
    ...fields,
    rows: owners.length,
    bytes: matrix.byteLength,
    sha256: await sha256Hex(matrix),
    owners: Array.from(owners),
    createdAt: new Date().toISOString(),
  };
}

/**
 * Checks a manifest and its matrix bytes against what the caller expects (the active model hash,
 * the language's current pack, the model's dims, the taxonomy's skill count) and decodes them.
 * Any mismatch throws LabelVectorsError: the caller goes on with the English vectors alone.
 */
export async function decodeLabelVectors(
  value: unknown,
  bytes: Uint8Array,
  expect: { modelHash: string; language: string; packContentHash?: string; dims: number; skills: number },
): Promise<LabelVectors> {
  const m = value as Partial<LabelVectorsManifest> | null;
  const fail = (why: string): never => {
    throw new LabelVectorsError(`skill label vectors (${expect.language}): ${why}`);
  };
  if (!m || typeof m !== 'object' || m.format !== LABEL_VECTORS_FORMAT) fail('not a label vectors manifest (wrong or missing format)');
  const manifest = m as LabelVectorsManifest;
  if (manifest.language !== expect.language) fail(`the file is for "${manifest.language}"`);
  if (manifest.modelHash !== expect.modelHash) fail(`made for model hash ${manifest.modelHash}, the active one is ${expect.modelHash}`);
  if (expect.packContentHash && manifest.packContentHash !== expect.packContentHash) fail('made from another version of the label pack');
  if (manifest.dims !== expect.dims) fail(`${manifest.dims} dims, the model gives ${expect.dims}`);
  if (manifest.storage !== 'int8' && manifest.storage !== 'f16') fail(`unknown storage "${String(manifest.storage)}"`);
  if (!Array.isArray(manifest.owners) || manifest.owners.length !== manifest.rows) fail('owners do not match the row count');
  if (manifest.owners.some((o) => !Number.isInteger(o) || o < 0 || o >= expect.skills)) fail('a row belongs to no skill of this taxonomy');
  const want = encodedByteLength(manifest.rows, manifest.dims, manifest.storage);
  if (bytes.byteLength !== want || manifest.bytes !== want) fail(`matrix is ${bytes.byteLength} bytes, expected ${want} (truncated or corrupt)`);
  if ((await sha256Hex(bytes)) !== manifest.sha256) fail('matrix checksum mismatch (corrupt file)');
  return {
    language: manifest.language,
    matrix: decodeMatrix(bytes, manifest.rows, manifest.dims, manifest.storage),
    owners: Int32Array.from(manifest.owners),
  };
}

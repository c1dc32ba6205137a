// Concept matrices for evaluation, embedded once per (model, dtype, concept-text variant, taxonomy)
// and kept under .generated/eval-cache/ (git-ignored), so ablations re-use them: embedding the whole
// taxonomy takes minutes on a laptop CPU. Written in parts as it goes, so an interrupted run resumes.
// `npx tsx scripts/eval/embedCache.ts --model bge-small-en --concepts desc,label,...` warms the cache.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CONCEPT_TEXT_VARIANTS, type ConceptTextVariant } from '../../src/core/conceptText.ts';
import { findPreset, passageText, type Dtype, type Embedder, type EmbedderSpec } from '../../src/core/models.ts';
import { conceptsOf, type ConceptKind, type Taxonomy } from '../../src/core/taxonomy.ts';
import { configureTransformers, loadEmbedder } from '../../src/runtime/transformersModels.ts';
import { ROOT } from '../build-taxonomy.ts';
import { loadTaxonomyAsset, TEST_MODELS_DIR } from '../precompute.ts';

export const EVAL_CACHE_DIR = join(ROOT, '.generated', 'eval-cache');
export const REAL_MODELS_DIR = join(ROOT, '.generated', 'models');
const PART_ROWS = 4096;

/** Rows of embedded concept texts; `owner[r]` is the concept row r belongs to (several rows per concept for multi-vector variants). */
export interface ConceptVectors {
  values: Float32Array;
  rows: number;
  dims: number;
  owner: Int32Array;
  concepts: number;
}

export function cacheKey(spec: EmbedderSpec, dtype: Dtype, variant: ConceptTextVariant, taxonomy: Taxonomy, kind: ConceptKind): string {
  // the weights and the passage prefix change the vectors as the model id does (modelHash.ts)
  const model = [spec.id, spec.weightsRevision, spec.passagePrefix ? 'passage' : undefined].filter(Boolean).join('-').replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${model}__${dtype}__${variant.id}-v${variant.version}__${taxonomy.escoVersion}-${taxonomy.contentHash.slice(0, 12)}__${kind}`;
}

export function variantTexts(variant: ConceptTextVariant, taxonomy: Taxonomy, kind: ConceptKind, spec: Pick<EmbedderSpec, 'passagePrefix'> = {}): { texts: string[]; owner: Int32Array } {
  const texts: string[] = [];
  const owners: number[] = [];
  conceptsOf(taxonomy, kind).forEach((c, i) => {
    for (const t of variant.texts(c)) {
      texts.push(passageText(spec, t));
      owners.push(i);
    }
  });
  return { texts, owner: Int32Array.from(owners) };
}

/** The cached matrix, or embeds it (with `embedder`, loaded lazily) and caches it. */
export async function conceptVectors(
  spec: EmbedderSpec,
  dtype: Dtype,
  variant: ConceptTextVariant,
  taxonomy: Taxonomy,
  kind: ConceptKind,
  getEmbedder: () => Promise<Embedder>,
  log: (l: string) => void = (l) => console.error(l),
): Promise<ConceptVectors> {
  const key = cacheKey(spec, dtype, variant, taxonomy, kind);
  const file = join(EVAL_CACHE_DIR, `${key}.f32`);
  const { texts, owner } = variantTexts(variant, taxonomy, kind, spec);
  const dims = spec.dims;
  const concepts = conceptsOf(taxonomy, kind).length;
  if (existsSync(file)) {
    const buf = readFileSync(file);
    const values = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    if (values.length !== texts.length * dims) throw new Error(`${file}: ${values.length} values, expected ${texts.length} x ${dims}; delete it`);
    return { values: new Float32Array(values), rows: texts.length, dims, owner, concepts };
  }
  // Every text of a single-vector variant may already sit in the multi-vector cache (label, label +
  // description): gather those rows instead of embedding again.
  const multi = CONCEPT_TEXT_VARIANTS.multi;
  const multiFile = join(EVAL_CACHE_DIR, `${cacheKey(spec, dtype, multi, taxonomy, kind)}.f32`);
  if (variant.id !== multi.id && existsSync(multiFile)) {
    const mt = variantTexts(multi, taxonomy, kind, spec);
    const rowOf = new Map<string, number>();
    mt.texts.forEach((t, r) => {
      if (!rowOf.has(t)) rowOf.set(t, r);
    });
    if (texts.every((t) => rowOf.has(t))) {
      const b = readFileSync(multiFile);
      const mv = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
      const values = new Float32Array(texts.length * dims);
      texts.forEach((t, i) => values.set(mv.subarray(rowOf.get(t)! * dims, (rowOf.get(t)! + 1) * dims), i * dims));
      writeFileSync(file, Buffer.from(values.buffer));
      log(`  ${key}: gathered from the multi-vector cache`);
      return { values, rows: texts.length, dims, owner, concepts };
    }
  }
  const partsDir = join(EVAL_CACHE_DIR, `${key}.parts`);
  mkdirSync(partsDir, { recursive: true });
  const values = new Float32Array(texts.length * dims);
  const embedder = await getEmbedder();
  const t0 = performance.now();
  let done = 0;
  for (let start = 0; start < texts.length; start += PART_ROWS) {
    const n = Math.min(PART_ROWS, texts.length - start);
    const part = join(partsDir, `${start}-${n}.f32`);
    if (existsSync(part)) {
      const b = readFileSync(part);
      values.set(new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4), start * dims);
      continue;
    }
    const v = await embedder.embed(texts.slice(start, start + n));
    values.set(v, start * dims);
    writeFileSync(`${part}.tmp-${process.pid}`, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    renameSync(`${part}.tmp-${process.pid}`, part);
    done += n;
    const s = (performance.now() - t0) / 1000;
    log(`  ${key}: ${start + n}/${texts.length} (${(done / s).toFixed(0)} texts/s)`);
  }
  writeFileSync(`${file}.tmp-${process.pid}`, Buffer.from(values.buffer));
  renameSync(`${file}.tmp-${process.pid}`, file);
  rmSync(partsDir, { recursive: true, force: true });
  return { values, rows: texts.length, dims, owner, concepts };
}

/** Loads an embedder for a preset from the provisioned real models (or the generated test models). */
export async function loadPresetEmbedder(presetId: string, dtype: Dtype): Promise<Embedder> {
  const spec = findPreset(presetId).embedder;
  const local = spec.isTestModel ? TEST_MODELS_DIR : REAL_MODELS_DIR;
  configureTransformers({ localModelPath: resolve(local) });
  return loadEmbedder(spec, { backend: 'node', dtype, localModelPath: resolve(local) });
}

async function main() {
  const { values } = parseArgs({ options: { model: { type: 'string', default: 'bge-small-en' }, dtype: { type: 'string', default: 'fp32' }, concepts: { type: 'string', default: 'desc' }, kinds: { type: 'string', default: 'skill,occupation' } } });
  const taxonomy = loadTaxonomyAsset();
  const spec = findPreset(values.model!).embedder;
  const dtype = values.dtype as Dtype;
  let embedder: Embedder | undefined;
  const get = async () => (embedder ??= await loadPresetEmbedder(values.model!, dtype));
  for (const id of values.concepts!.split(',')) {
    const variant = CONCEPT_TEXT_VARIANTS[id];
    if (!variant) throw new Error(`unknown concept variant ${id} (known: ${Object.keys(CONCEPT_TEXT_VARIANTS).join(', ')})`);
    for (const kind of values.kinds!.split(',') as ConceptKind[]) {
      const t0 = performance.now();
      const v = await conceptVectors(spec, dtype, variant, taxonomy, kind, get);
      console.log(`${values.model} ${dtype} ${id} ${kind}: ${v.rows} rows (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`embed cache failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}

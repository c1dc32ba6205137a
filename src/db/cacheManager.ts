// The embedding cache lifecycle on top of the IndexedDB store: find the cache for the active model
// hash (IndexedDB, else the shipped asset fetched and verified, else "regenerate needed"),
// regenerate it in the browser chunk by chunk (resumable, cancellable, locked against other tabs,
// switched in only when complete), and back it up / restore it as one file.
// Browser-agnostic: fetch and the store are injected, so Node tests run it on fake-indexeddb.
import { buildManifest, decodeCacheFile, encodeCacheFile, KINDS, verifyMatrices, type MatrixBytes } from '../core/cacheAsset.ts';
import { conceptText } from '../core/conceptText.ts';
import { ManifestError, SELF_CHECK_TEXTS, validateManifest, type EmbeddingManifest, type MatrixStorage } from '../core/embeddingManifest.ts';
import { passageText, type Dtype, type Embedder, type EmbedderSpec } from '../core/models.ts';
import type { ModelHashInputs } from '../core/modelHash.ts';
import type { ConceptKind, Taxonomy } from '../core/taxonomy.ts';
import { encodeMatrix, quantizeMatrix, type ConceptMatrix } from '../core/vectors.ts';
import { CacheQuotaError, withExclusiveLock, type CacheSource, type CacheStore } from './cacheStore.ts';

export interface ActiveCache {
  manifest: EmbeddingManifest;
  matrices: Record<ConceptKind, ConceptMatrix>;
  source: CacheSource;
  bytes: number;
}

export interface CacheExpectation {
  hash: string;
  modelId: string;
  dims: number;
  rows: Record<ConceptKind, number>;
}

export type ResolveResult =
  /** `fetched`: the shipped asset was downloaded (IndexedDB did not have it). */
  | { state: 'ready'; cache: ActiveCache; notice?: string; fetched: boolean }
  | { state: 'missing'; message: string };

const sumBytes = (b: MatrixBytes) => KINDS.reduce((s, k) => s + b[k].byteLength, 0);

/** IndexedDB first; else the shipped asset (verified, then stored); else missing. */
export async function resolveCache(
  store: CacheStore,
  expect: CacheExpectation,
  shipped: { baseUrl: string; fetchImpl?: typeof fetch },
): Promise<ResolveResult> {
  let notice: string | undefined;
  const stored = await store.getCache(expect.hash);
  if (stored) {
    try {
      const manifest = validateManifest(stored.manifest, { hash: expect.hash, dims: expect.dims, rows: expect.rows });
      const bytes = await store.getMatrices(expect.hash);
      if (!bytes) throw new ManifestError('matrices missing from IndexedDB');
      return { state: 'ready', cache: { manifest, matrices: await verifyMatrices(manifest, bytes), source: stored.source, bytes: sumBytes(bytes) }, fetched: false };
    } catch (e) {
      // A bad entry is never used; the shipped asset may still replace it.
      notice = `the stored cache was refused (${(e as Error).message})`;
    }
  }

  const fetchImpl = shipped.fetchImpl ?? fetch;
  const base = `${shipped.baseUrl.replace(/\/?$/, '/')}${expect.hash}/`;
  let res: Response;
  try {
    res = await fetchImpl(`${base}manifest.json`);
  } catch (e) {
    return { state: 'missing', message: `no embedding cache for this model (hash ${expect.hash}) and the shipped asset could not be fetched (${(e as Error).message}): regenerate it` };
  }
  const noAsset = `no precomputed cache for this model (hash ${expect.hash}) in this browser or shipped with the app: regenerate it${notice ? `; ${notice}` : ''}`;
  if (!res.ok) return { state: 'missing', message: noAsset };
  // A dev server or an SPA fallback answers a missing file with index.html (200, text/html): that is
  // a missing asset, not a broken one.
  const body = await res.text();
  if (/html/i.test(res.headers.get('content-type') ?? '') || /^\s*</.test(body)) return { state: 'missing', message: noAsset };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    throw new ManifestError(`shipped asset manifest.json is not valid JSON (${(e as Error).message})`);
  }
  const manifest = validateManifest(json, { hash: expect.hash, dims: expect.dims, rows: expect.rows });
  const bytes = {} as MatrixBytes;
  for (const kind of KINDS) {
    const r = await fetchImpl(`${base}${manifest.matrices[kind].file}`);
    if (!r.ok) throw new ManifestError(`shipped asset ${manifest.matrices[kind].file}: HTTP ${r.status}`);
    bytes[kind] = new Uint8Array(await r.arrayBuffer());
  }
  const matrices = await verifyMatrices(manifest, bytes);
  try {
    await store.putCache(manifest, 'shipped', bytes);
  } catch (e) {
    // Still usable for this session; the next start fetches it again.
    notice = `the verified cache could not be stored in IndexedDB (${(e as Error).message})`;
  }
  return { state: 'ready', cache: { manifest, matrices, source: 'shipped', bytes: sumBytes(bytes) }, notice, fetched: true };
}

export interface RegenerationProgress {
  done: number;
  total: number;
  rate: number;
  etaSeconds: number;
  resumed: boolean;
}

export interface RegenerationArgs {
  store: CacheStore;
  embedder: Embedder;
  spec: EmbedderSpec;
  taxonomy: Taxonomy;
  hash: string;
  inputs: ModelHashInputs;
  dtype: Dtype;
  computedOn: string;
  storage: MatrixStorage;
  chunkRows?: number;
  signal?: AbortSignal;
  onProgress?: (p: RegenerationProgress) => void;
  locks?: LockManager | null;
}

export class RegenerationBusyError extends Error {
  override name = 'RegenerationBusyError';
  constructor() {
    super('another tab is regenerating this embedding cache; wait for it to finish');
  }
}

export const DEFAULT_CHUNK_ROWS = 256;

/**
 * Embeds the taxonomy chunk by chunk, writing each chunk to IndexedDB as it completes; resumes a job
 * left by a reload or crash; stores the finished cache in one transaction, so the previous cache
 * stays in use until the new one is complete. Cancelling (signal) keeps the written chunks.
 */
/** The cross-tab lock a regeneration of one cache holds (Web Locks name). */
export function regenerationLockName(hash: string): string {
  return `esco-regenerate-${hash}`;
}

export async function regenerateCache(a: RegenerationArgs): Promise<ActiveCache> {
  const result = await withExclusiveLock(regenerationLockName(a.hash), () => runRegeneration(a), { locks: a.locks, lease: a.store });
  if ('busy' in result) throw new RegenerationBusyError();
  return result;
}

async function runRegeneration(a: RegenerationArgs): Promise<ActiveCache> {
  const chunkRows = a.chunkRows ?? DEFAULT_CHUNK_ROWS;
  const dims = a.spec.dims;
  const totals = { skill: a.taxonomy.skills.length, occupation: a.taxonomy.occupations.length };
  let job = await a.store.getJob(a.hash);
  if (job && (job.dims !== dims || job.chunkRows !== chunkRows || job.totals.skill !== totals.skill || job.totals.occupation !== totals.occupation)) {
    await a.store.deleteJob(a.hash);
    job = undefined;
  }
  const resumed = Boolean(job && job.doneRows > 0);
  if (!job) {
    job = await a.store.createJob({
      hash: a.hash,
      manifestDraft: {
        format: 1,
        hash: a.hash,
        inputs: a.inputs,
        model: { id: a.spec.id, displayName: a.spec.displayName, isTestModel: a.spec.isTestModel, computedDtype: a.dtype, computedOn: a.computedOn },
        storage: a.storage,
        dims,
        selfCheck: { texts: [], vectors: [] },
      },
      chunkRows,
      totals,
      dims,
      startedAt: Date.now(),
    });
  }
  const completed = await a.store.completedChunks(a.hash);
  const total = totals.skill + totals.occupation;
  let done = 0;
  for (const kind of KINDS) for (const c of completed[kind]) done += Math.min(chunkRows, totals[kind] - c * chunkRows);
  const t0 = Date.now();
  const doneAtStart = done;
  const report = () => {
    const secs = (Date.now() - t0) / 1000;
    const rate = secs > 0 ? (done - doneAtStart) / secs : 0;
    a.onProgress?.({ done, total, rate, etaSeconds: rate > 0 ? (total - done) / rate : Number.NaN, resumed });
  };
  report();

  for (const kind of KINDS) {
    const concepts = kind === 'skill' ? a.taxonomy.skills : a.taxonomy.occupations;
    const have = new Set(completed[kind]);
    for (let chunk = 0; chunk * chunkRows < totals[kind]; chunk++) {
      if (have.has(chunk)) continue;
      a.signal?.throwIfAborted();
      const texts = concepts.slice(chunk * chunkRows, (chunk + 1) * chunkRows).map((c) => passageText(a.spec, conceptText(c)));
      const vectors = await a.embedder.embed(texts);
      if (vectors.length !== texts.length * dims) throw new Error(`the model returned ${vectors.length / texts.length} dims, expected ${dims}`);
      a.signal?.throwIfAborted();
      try {
        await a.store.putChunk(a.hash, kind, chunk, vectors);
      } catch (e) {
        // The chunk alone is small: say what the rest of the job needs (remaining float32 chunks,
        // then the finished cache), so the user frees enough at once.
        if (!(e instanceof CacheQuotaError)) throw e;
        const remaining = (total - done) * dims * 4 + total * (a.storage === 'f16' ? dims * 2 : dims + 4);
        throw new CacheQuotaError(remaining, e.availableBytes, { cause: e });
      }
      done += texts.length;
      report();
    }
  }

  const bytes = {} as MatrixBytes;
  for (const kind of KINDS) bytes[kind] = encodeMatrix(quantizeMatrix(await a.store.readChunks(a.hash, kind), totals[kind], dims, a.storage));
  const reference = await a.embedder.embed(SELF_CHECK_TEXTS);
  const manifest = await buildManifest({
    hash: a.hash,
    inputs: a.inputs,
    spec: a.spec,
    computedDtype: a.dtype,
    computedOn: a.computedOn,
    storage: a.storage,
    matrices: bytes,
    rows: totals,
    selfCheck: { texts: SELF_CHECK_TEXTS, vectors: SELF_CHECK_TEXTS.map((_, i) => Array.from(reference.subarray(i * dims, (i + 1) * dims))) },
  });
  const matrices = await verifyMatrices(manifest, bytes);
  await a.store.putCache(manifest, 'regenerated', bytes);
  await a.store.deleteJob(a.hash);
  return { manifest, matrices, source: 'regenerated', bytes: sumBytes(bytes) };
}

/** Measures the embedding rate on a sample of concept texts, for the time estimate shown before regenerating. */
export async function estimateRegeneration(embedder: Embedder, taxonomy: Taxonomy, sample = 32): Promise<{ rate: number; total: number; etaSeconds: number }> {
  const step = Math.max(1, Math.floor(taxonomy.skills.length / sample));
  const texts = Array.from({ length: sample }, (_, i) => conceptText(taxonomy.skills[(i * step) % taxonomy.skills.length]));
  const t0 = Date.now();
  await embedder.embed(texts);
  const rate = texts.length / Math.max(1e-3, (Date.now() - t0) / 1000);
  const total = taxonomy.skills.length + taxonomy.occupations.length;
  return { rate, total, etaSeconds: total / rate };
}

export async function exportCache(store: CacheStore, hash: string): Promise<{ fileName: string; bytes: Uint8Array }> {
  const info = await store.getCache(hash);
  const bytes = await store.getMatrices(hash);
  if (!info || !bytes) throw new Error(`no embedding cache stored for model hash ${hash}`);
  const model = info.manifest.model.id.replace(/[^a-z0-9.-]+/gi, '_');
  return { fileName: `esco-embeddings-${model}-${hash}.escoemb`, bytes: encodeCacheFile(info.manifest, bytes) };
}

/** Verifies everything before storing; a file from another model is refused with both named. */
export async function importCache(store: CacheStore, file: Uint8Array, expect: CacheExpectation): Promise<ActiveCache> {
  const { manifest, bytes, matrices } = await decodeCacheFile(file, expect);
  await store.putCache(manifest, 'imported', bytes);
  return { manifest, matrices, source: 'imported', bytes: sumBytes(bytes) };
}

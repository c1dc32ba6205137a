// The cache lifecycle on fake-indexeddb: resolution order (IndexedDB, shipped asset, missing),
// refusal of bad assets, regeneration with resume after an interruption, locking, backup/restore.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildManifest, encodeCacheFile, KINDS, type MatrixBytes } from '../core/cacheAsset.ts';
import { conceptText } from '../core/conceptText.ts';
import { ManifestError, SELF_CHECK_TEXTS } from '../core/embeddingManifest.ts';
import type { EmbedderSpec } from '../core/models.ts';
import { modelHash, modelHashInputs } from '../core/modelHash.ts';
import { TAXONOMY_FORMAT, type OccupationConcept, type SkillConcept, type Taxonomy } from '../core/taxonomy.ts';
import { HashingEmbedder } from '../core/testing/standIns.ts';
import { encodeMatrix, quantizeMatrix } from '../core/vectors.ts';
import { exportCache, importCache, regenerateCache, RegenerationBusyError, resolveCache, type CacheExpectation } from './cacheManager.ts';
import { openCacheStore, type CacheStore } from './cacheStore.ts';

const DIMS = 32;
const SPEC: EmbedderSpec = {
  role: 'embedder', id: 'stand-in/hashing', revision: 'main', displayName: 'hashing stand-in', isTestModel: true, dims: DIMS,
  pooling: 'cls', normalize: true, maxLength: 512, dtype: { webgpuF16: 'fp32', webgpu: 'fp32', wasm: 'fp32', node: 'fp32' }, approxBytes: {},
};

const skill = (i: number): SkillConcept => ({ uri: `u:s${i}`, label: `skill number ${i} topic${i % 7}`, altLabels: [], description: `does thing ${i}`, skillType: 'knowledge', reuseLevel: '', groups: [] });
const occupation = (i: number): OccupationConcept => ({ uri: `u:o${i}`, label: `occupation ${i} role${i % 5}`, altLabels: [], description: '', iscoCode: '1234', isIscoGroup: false, parent: -1, essentialSkills: [], optionalSkills: [] });
const taxonomy: Taxonomy = {
  format: TAXONOMY_FORMAT, escoVersion: '9.9.9', language: 'en', contentHash: 'c'.repeat(64), skillGroups: [],
  skills: Array.from({ length: 50 }, (_, i) => skill(i)),
  occupations: Array.from({ length: 20 }, (_, i) => occupation(i)),
};
const rows = { skill: 50, occupation: 20 };

async function makeAsset(embedder = new HashingEmbedder(DIMS)) {
  const inputs = modelHashInputs(SPEC, taxonomy);
  const hash = await modelHash(inputs);
  const bytes = {} as MatrixBytes;
  for (const kind of KINDS) {
    const concepts = kind === 'skill' ? taxonomy.skills : taxonomy.occupations;
    bytes[kind] = encodeMatrix(quantizeMatrix(await embedder.embed(concepts.map(conceptText)), concepts.length, DIMS, 'int8'));
  }
  const ref = await embedder.embed(SELF_CHECK_TEXTS);
  const manifest = await buildManifest({
    hash, inputs, spec: SPEC, computedDtype: 'fp32', computedOn: 'test', storage: 'int8', matrices: bytes, rows,
    selfCheck: { texts: SELF_CHECK_TEXTS, vectors: SELF_CHECK_TEXTS.map((_, i) => Array.from(ref.subarray(i * DIMS, (i + 1) * DIMS))) },
  });
  return { hash, manifest, bytes };
}

function fakeHost(files: Map<string, Uint8Array | string>) {
  const requests: string[] = [];
  const fetchImpl = (async (input: RequestInfo | URL) => {
    const url = String(input);
    requests.push(url);
    const body = files.get(url);
    if (body === undefined) return new Response('not found', { status: 404 });
    return new Response(typeof body === "string" ? body : body.slice());
  }) as typeof fetch;
  return { fetchImpl, requests };
}

const BASE = 'http://app.test/embeddings/';
let factory: IDBFactory;
let store: CacheStore;
let expectation: CacheExpectation;

beforeEach(async () => {
  factory = new IDBFactory();
  store = await openCacheStore({ factory });
  expectation = { hash: await modelHash(modelHashInputs(SPEC, taxonomy)), modelId: SPEC.id, dims: DIMS, rows };
});

function hostFor(a: Awaited<ReturnType<typeof makeAsset>>) {
  return new Map<string, Uint8Array | string>([
    [`${BASE}${a.hash}/manifest.json`, JSON.stringify(a.manifest)],
    [`${BASE}${a.hash}/skill.bin`, a.bytes.skill],
    [`${BASE}${a.hash}/occupation.bin`, a.bytes.occupation],
  ]);
}

describe('resolveCache', () => {
  it('says a regeneration is needed when neither IndexedDB nor the app has the cache', async () => {
    const { fetchImpl } = fakeHost(new Map());
    const r = await resolveCache(store, expectation, { baseUrl: BASE, fetchImpl });
    expect(r.state).toBe('missing');
    expect(r.state === 'missing' && r.message).toMatch(/regenerate/);
  });

  it('reports an SPA fallback page (index.html for a missing manifest) as no precomputed cache, not as bad JSON', async () => {
    const spa = (async () => new Response('<!doctype html><html><body>app</body></html>', { status: 200, headers: { 'content-type': 'text/html' } })) as typeof fetch;
    const r = await resolveCache(store, expectation, { baseUrl: BASE, fetchImpl: spa });
    expect(r.state).toBe('missing');
    expect(r.state === 'missing' && r.message).toMatch(/^no precomputed cache for this model \(hash [0-9a-f]+\)/);
    const broken = (async () => new Response('{"hash": ', { status: 200, headers: { 'content-type': 'application/json' } })) as typeof fetch;
    await expect(resolveCache(store, expectation, { baseUrl: BASE, fetchImpl: broken })).rejects.toThrow(/manifest\.json is not valid JSON/);
  });

  it('loads the shipped asset once, stores it, and then starts from IndexedDB without fetching', async () => {
    const asset = await makeAsset();
    const host = fakeHost(hostFor(asset));
    const first = await resolveCache(store, expectation, { baseUrl: BASE, fetchImpl: host.fetchImpl });
    expect(first.state).toBe('ready');
    expect(first.state === 'ready' && first.cache.source).toBe('shipped');
    expect(host.requests).toHaveLength(3);
    const reopened = await openCacheStore({ factory });
    const second = await resolveCache(reopened, expectation, { baseUrl: BASE, fetchImpl: host.fetchImpl });
    expect(second.state === 'ready' && second.cache.matrices.skill.rows).toBe(50);
    expect(host.requests).toHaveLength(3);
  });

  it('refuses a corrupt shipped matrix and stores nothing', async () => {
    const asset = await makeAsset();
    const files = hostFor(asset);
    const bad = asset.bytes.skill.slice();
    bad[bad.length - 1] ^= 0xff;
    files.set(`${BASE}${asset.hash}/skill.bin`, bad);
    await expect(resolveCache(store, expectation, { baseUrl: BASE, fetchImpl: fakeHost(files).fetchImpl })).rejects.toThrow(/checksum mismatch/);
    expect(await store.listCaches()).toEqual([]);
  });

  it('refuses a truncated shipped matrix and a manifest whose counts do not match the taxonomy', async () => {
    const asset = await makeAsset();
    const files = hostFor(asset);
    files.set(`${BASE}${asset.hash}/occupation.bin`, asset.bytes.occupation.slice(0, 100));
    await expect(resolveCache(store, expectation, { baseUrl: BASE, fetchImpl: fakeHost(files).fetchImpl })).rejects.toThrow(/truncated or corrupt/);
    const wrongRows = { ...expectation, rows: { skill: 51, occupation: 20 } };
    await expect(resolveCache(store, wrongRows, { baseUrl: BASE, fetchImpl: fakeHost(hostFor(asset)).fetchImpl })).rejects.toThrow(ManifestError);
    expect(await store.listCaches()).toEqual([]);
  });

  it('lists caches of other model hashes as stale', async () => {
    const asset = await makeAsset();
    const other = { ...asset.manifest, hash: 'ffffffffffffffff' };
    await store.putCache(other, 'imported', asset.bytes);
    await resolveCache(store, expectation, { baseUrl: BASE, fetchImpl: fakeHost(hostFor(asset)).fetchImpl });
    const stale = await store.listStale(expectation.hash);
    expect(stale.map((s) => s.hash)).toEqual(['ffffffffffffffff']);
  });
});

describe('regenerateCache', () => {
  const args = async (embedder: HashingEmbedder, extra: Partial<Parameters<typeof regenerateCache>[0]> = {}) => ({
    store, embedder, spec: SPEC, taxonomy, hash: expectation.hash, inputs: modelHashInputs(SPEC, taxonomy), dtype: 'fp32' as const,
    computedOn: 'test', storage: 'int8' as const, chunkRows: 8, locks: null, ...extra,
  });

  it('embeds every concept in chunks, reports progress and activates the cache only when complete', async () => {
    const embedder = new HashingEmbedder(DIMS);
    const progress: number[] = [];
    const cache = await regenerateCache(await args(embedder, { onProgress: (p) => progress.push(p.done) }));
    expect(cache.source).toBe('regenerated');
    expect(progress.at(-1)).toBe(70);
    expect(progress.length).toBe(1 + 7 + 3);
    const stored = await store.getCache(expectation.hash);
    expect(stored?.source).toBe('regenerated');
    expect(await store.getJob(expectation.hash)).toBeUndefined();
    // Same vectors as the shipped asset path computes for the same model.
    const asset = await makeAsset();
    expect(stored?.manifest.matrices.skill.sha256).toBe(asset.manifest.matrices.skill.sha256);
  });

  it('resumes from the chunks written before an interruption instead of starting over', async () => {
    const first = new HashingEmbedder(DIMS);
    const abort = new AbortController();
    let chunks = 0;
    await expect(
      regenerateCache(await args(first, { signal: abort.signal, onProgress: () => { if (++chunks === 4) abort.abort(); } })),
    ).rejects.toThrow();
    expect((await store.getJob(expectation.hash))?.doneRows).toBe(24);
    expect(await store.getCache(expectation.hash)).toBeUndefined();

    const reopened = await openCacheStore({ factory });
    const second = new HashingEmbedder(DIMS);
    let resumed = false;
    const cache = await regenerateCache({ ...(await args(second, { onProgress: (p) => { resumed ||= p.resumed; } })), store: reopened });
    expect(resumed).toBe(true);
    expect(second.texts).toBe(70 - 24 + SELF_CHECK_TEXTS.length);
    expect(cache.manifest.matrices.skill.sha256).toBe((await makeAsset()).manifest.matrices.skill.sha256);
  });

  it('keeps the previous cache in use while regenerating, until the new one is complete', async () => {
    const asset = await makeAsset();
    await store.putCache(asset.manifest, 'shipped', asset.bytes);
    const abort = new AbortController();
    await expect(regenerateCache(await args(new HashingEmbedder(DIMS), { signal: abort.signal, onProgress: (p) => { if (p.done >= 16) abort.abort(); } }))).rejects.toThrow();
    expect((await store.getCache(expectation.hash))?.source).toBe('shipped');
  });

  it('refuses to run while another tab holds the lock', async () => {
    const held = { request: async (_n: string, _o: LockOptions, cb: (l: Lock | null) => Promise<unknown>) => cb(null) } as unknown as LockManager;
    await expect(regenerateCache(await args(new HashingEmbedder(DIMS), { locks: held }))).rejects.toThrow(RegenerationBusyError);
  });
});

describe('backup and restore', () => {
  it('round-trips the active cache through one export file', async () => {
    const asset = await makeAsset();
    await store.putCache(asset.manifest, 'shipped', asset.bytes);
    const file = await exportCache(store, asset.hash);
    expect(file.fileName).toContain(asset.hash);
    const fresh = await openCacheStore({ factory: new IDBFactory() });
    const imported = await importCache(fresh, file.bytes, expectation);
    expect(imported.source).toBe('imported');
    expect(await fresh.getMatrices(asset.hash)).toEqual(asset.bytes);
  });

  it('refuses a file from another model naming both, and a truncated file, storing nothing', async () => {
    const asset = await makeAsset();
    const otherManifest = { ...asset.manifest, hash: '0123456789abcdef', model: { ...asset.manifest.model, id: 'Xenova/other-model' } };
    const foreign = encodeCacheFile(otherManifest, asset.bytes);
    await expect(importCache(store, foreign, expectation)).rejects.toThrow(/Xenova\/other-model.*0123456789abcdef.*stand-in\/hashing/);
    const good = encodeCacheFile(asset.manifest, asset.bytes);
    await expect(importCache(store, good.slice(0, good.length - 10), expectation)).rejects.toThrow(/truncated/);
    const flipped = good.slice();
    flipped[flipped.length - 1] ^= 1;
    await expect(importCache(store, flipped, expectation)).rejects.toThrow(/checksum/);
    expect(await store.listCaches()).toEqual([]);
  });
});

// Tests for the IndexedDB cache store on fake-indexeddb: atomic cache writes, integrity checks,
// quota failures that leave existing caches intact, and resumable regeneration jobs.
import 'fake-indexeddb/auto'; // idb needs the IDB globals (and IDBKeyRange); each test still gets its own factory
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { MANIFEST_FORMAT, ManifestError, type EmbeddingManifest } from '../core/embeddingManifest.ts';
import type { ConceptKind } from '../core/taxonomy.ts';
import { CacheIntegrityError, CacheQuotaError, openCacheStore, StoreClosedError, type CacheStore, type RegenJob } from './cacheStore.ts';

function makeManifest(hash: string, bytes: Record<ConceptKind, number>, model = 'test/model'): EmbeddingManifest {
  return {
    format: MANIFEST_FORMAT,
    hash,
    inputs: {
      modelId: model,
      revision: 'r1',
      pooling: 'cls',
      normalize: true,
      maxLength: 64,
      textTemplate: { id: 't', version: 1 },
      taxonomy: { escoVersion: 'v1.2.0', language: 'en', contentHash: 'abc' },
      dims: 4,
    },
    model: { id: model, displayName: 'Test model', isTestModel: true, computedDtype: 'fp32', computedOn: 'node' },
    storage: 'int8',
    dims: 4,
    matrices: {
      skill: { file: 'skills.bin', rows: bytes.skill / 4, bytes: bytes.skill, sha256: 'x' },
      occupation: { file: 'occupations.bin', rows: bytes.occupation / 4, bytes: bytes.occupation, sha256: 'y' },
    },
    selfCheck: { texts: ['a'], vectors: [[1, 0, 0, 0]] },
    createdAt: '2025-01-01T00:00:00.000Z',
  };
}

function bytesOf(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
}

const opened: CacheStore[] = [];
async function open(factory: IDBFactory, extra: Parameters<typeof openCacheStore>[0] = {}): Promise<CacheStore> {
  const store = await openCacheStore({ factory, name: 'test-cache', estimate: async () => ({}), ...extra });
  opened.push(store);
  return store;
}

afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

describe('caches', () => {
  it('round-trips a cache with byte equality and reports its summary', async () => {
    let clock = 1000;
    const store = await open(new IDBFactory(), { now: () => clock });
    const manifest = makeManifest('aaaa', { skill: 40, occupation: 24 });
    const skill = bytesOf(40, 1);
    const occupation = bytesOf(24, 2);
    await store.putCache(manifest, 'shipped', { skill, occupation });
    clock = 2000;

    const summary = await store.getCache('aaaa');
    expect(summary).toEqual({ hash: 'aaaa', manifest, source: 'shipped', storedAt: 1000, bytes: 64 });
    const matrices = await store.getMatrices('aaaa');
    expect(matrices?.skill).toBeInstanceOf(Uint8Array);
    expect(Array.from(matrices!.skill)).toEqual(Array.from(skill));
    expect(Array.from(matrices!.occupation)).toEqual(Array.from(occupation));
    expect(await store.getCache('nope')).toBeUndefined();
    expect(await store.getMatrices('nope')).toBeUndefined();
  });

  it('stores only the bytes of a view, not its whole underlying buffer', async () => {
    const store = await open(new IDBFactory());
    const big = bytesOf(1000, 3);
    const skill = big.subarray(100, 140);
    const occupation = big.subarray(500, 524);
    await store.putCache(makeManifest('view', { skill: 40, occupation: 24 }), 'regenerated', { skill, occupation });
    const matrices = (await store.getMatrices('view'))!;
    expect(matrices.skill.buffer.byteLength).toBe(40);
    expect(Array.from(matrices.skill)).toEqual(Array.from(skill));
    expect(Array.from(matrices.occupation)).toEqual(Array.from(occupation));
  });

  it('refuses matrices whose byte length mismatches the manifest and stores nothing', async () => {
    const store = await open(new IDBFactory());
    const manifest = makeManifest('bad', { skill: 40, occupation: 24 });
    await expect(store.putCache(manifest, 'imported', { skill: bytesOf(40, 1), occupation: bytesOf(23, 2) })).rejects.toBeInstanceOf(
      CacheIntegrityError,
    );
    await expect(store.putCache(manifest, 'imported', { skill: bytesOf(41, 1), occupation: bytesOf(24, 2) })).rejects.toThrow(
      /skill matrix has 41 bytes, the manifest says 40/,
    );
    expect(await store.getCache('bad')).toBeUndefined();
    expect(await store.getMatrices('bad')).toBeUndefined();
    expect(await store.listCaches()).toEqual([]);
  });

  it('refuses a malformed manifest', async () => {
    const store = await open(new IDBFactory());
    const manifest = { ...makeManifest('m', { skill: 4, occupation: 4 }), format: 999 };
    await expect(store.putCache(manifest, 'imported', { skill: bytesOf(4, 0), occupation: bytesOf(4, 0) })).rejects.toBeInstanceOf(ManifestError);
    expect(await store.listCaches()).toEqual([]);
  });

  it('replaces an entry with the same hash', async () => {
    let clock = 1;
    const store = await open(new IDBFactory(), { now: () => clock });
    await store.putCache(makeManifest('h1', { skill: 8, occupation: 8 }), 'shipped', { skill: bytesOf(8, 1), occupation: bytesOf(8, 2) });
    clock = 2;
    const next = makeManifest('h1', { skill: 12, occupation: 4 }, 'other/model');
    await store.putCache(next, 'regenerated', { skill: bytesOf(12, 5), occupation: bytesOf(4, 6) });

    const caches = await store.listCaches();
    expect(caches).toHaveLength(1);
    expect(caches[0]).toMatchObject({ hash: 'h1', source: 'regenerated', storedAt: 2, bytes: 16 });
    expect(caches[0].manifest.model.id).toBe('other/model');
    const matrices = (await store.getMatrices('h1'))!;
    expect(Array.from(matrices.skill)).toEqual(Array.from(bytesOf(12, 5)));
    expect(Array.from(matrices.occupation)).toEqual(Array.from(bytesOf(4, 6)));
  });

  it('lists caches newest first, lists stale ones and deletes', async () => {
    let clock = 10;
    const store = await open(new IDBFactory(), { now: () => clock });
    for (const [hash, size] of [['old', 8], ['active', 16], ['newer', 4]] as const) {
      await store.putCache(makeManifest(hash, { skill: size, occupation: size }, `model/${hash}`), 'shipped', {
        skill: bytesOf(size, 1),
        occupation: bytesOf(size, 2),
      });
      clock += 10;
    }
    expect((await store.listCaches()).map((c) => c.hash)).toEqual(['newer', 'active', 'old']);
    const stale = await store.listStale('active');
    expect(stale.map((c) => [c.hash, c.bytes, c.manifest.model.id])).toEqual([
      ['newer', 8, 'model/newer'],
      ['old', 16, 'model/old'],
    ]);

    await store.deleteCache('old');
    expect(await store.getCache('old')).toBeUndefined();
    expect(await store.getMatrices('old')).toBeUndefined();
    expect((await store.listStale('active')).map((c) => c.hash)).toEqual(['newer']);
    // The others are untouched, matrices included.
    expect(Array.from((await store.getMatrices('active'))!.skill)).toEqual(Array.from(bytesOf(16, 1)));
    await store.deleteCache('does-not-exist');
    expect(await store.listCaches()).toHaveLength(2);
  });

  it('is shared between connections on the same database', async () => {
    const factory = new IDBFactory();
    const a = await open(factory);
    await a.putCache(makeManifest('shared', { skill: 4, occupation: 4 }), 'shipped', { skill: bytesOf(4, 1), occupation: bytesOf(4, 2) });
    const b = await open(factory);
    expect((await b.getCache('shared'))?.bytes).toBe(8);
    const other = await open(new IDBFactory());
    expect(await other.listCaches()).toEqual([]);
  });
});

describe('quota failures', () => {
  type PutFn = (this: IDBObjectStore, value: unknown, key?: IDBValidKey) => IDBRequest;
  const proto = IDBObjectStore.prototype as unknown as { put: PutFn };
  const originalPut = proto.put;

  afterEach(() => {
    proto.put = originalPut;
  });

  function isOccupationMatrix(store: IDBObjectStore, value: unknown): boolean {
    return store.name === 'matrices' && (value as { kind?: unknown }).kind === 'occupation';
  }

  async function seed(store: CacheStore): Promise<void> {
    await store.putCache(makeManifest('keep', { skill: 8, occupation: 8 }), 'shipped', { skill: bytesOf(8, 1), occupation: bytesOf(8, 2) });
    await store.putCache(makeManifest('same', { skill: 4, occupation: 4 }), 'shipped', { skill: bytesOf(4, 3), occupation: bytesOf(4, 4) });
  }

  async function expectSeedIntact(store: CacheStore): Promise<void> {
    expect((await store.listCaches()).map((c) => c.hash).sort()).toEqual(['keep', 'same']);
    const keep = (await store.getMatrices('keep'))!;
    expect(Array.from(keep.skill)).toEqual(Array.from(bytesOf(8, 1)));
    expect(Array.from(keep.occupation)).toEqual(Array.from(bytesOf(8, 2)));
    const same = (await store.getMatrices('same'))!;
    expect((await store.getCache('same'))?.source).toBe('shipped');
    expect(Array.from(same.skill)).toEqual(Array.from(bytesOf(4, 3)));
    expect(Array.from(same.occupation)).toEqual(Array.from(bytesOf(4, 4)));
  }

  it('maps a QuotaExceededError thrown by a put to CacheQuotaError and writes nothing', async () => {
    const store = await open(new IDBFactory(), { estimate: async () => ({ quota: 5_000_000, usage: 4_000_000 }) });
    await seed(store);
    proto.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (isOccupationMatrix(this, value)) throw new DOMException('disk full', 'QuotaExceededError');
      return originalPut.call(this, value, key);
    };

    const big = 3_000_000;
    for (const hash of ['new', 'same']) {
      const error = await store
        .putCache(makeManifest(hash, { skill: big, occupation: 1000 }), 'regenerated', { skill: new Uint8Array(big), occupation: new Uint8Array(1000) })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(CacheQuotaError);
      const quota = error as CacheQuotaError;
      expect(quota.neededBytes).toBe(big + 1000);
      expect(quota.availableBytes).toBe(1_000_000);
      expect(quota.message).toMatch(/3\.1 MB/);
      expect(quota.message).toMatch(/1\.0 MB is available/);
    }
    proto.put = originalPut;
    expect(await store.getCache('new')).toBeUndefined();
    expect(await store.getMatrices('new')).toBeUndefined();
    await expectSeedIntact(store);
  });

  it('maps a transaction aborted with QuotaExceededError (reported only as tx.error)', async () => {
    const store = await open(new IDBFactory());
    await seed(store);
    proto.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      const request = originalPut.call(this, value, key);
      if (isOccupationMatrix(this, value)) {
        // fake-indexeddb's internal abort: how a browser fails a commit that runs out of space
        // (the requests get AbortError, the transaction's error is QuotaExceededError).
        (this.transaction as unknown as { _abort(name: string): void })._abort('QuotaExceededError');
      }
      return request;
    };
    const error = await store
      .putCache(makeManifest('same', { skill: 12, occupation: 12 }), 'regenerated', { skill: bytesOf(12, 9), occupation: bytesOf(12, 9) })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(CacheQuotaError);
    expect((error as CacheQuotaError).neededBytes).toBe(24);
    // No estimate available: the message still says what is needed.
    expect((error as CacheQuotaError).availableBytes).toBeUndefined();
    expect((error as CacheQuotaError).message).toMatch(/needs about 0\.1 MB/);
    proto.put = originalPut;
    await expectSeedIntact(store);
  });

  it('maps quota failures when storing a chunk and keeps the job progress unchanged', async () => {
    const store = await open(new IDBFactory());
    await store.createJob(jobInput('q', { skill: 4, occupation: 2 }));
    await store.putChunk('q', 'skill', 0, rowsFor(0, 2));
    proto.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (this.name === 'chunks') throw new DOMException('disk full', 'QuotaExceededError');
      return originalPut.call(this, value, key);
    };
    await expect(store.putChunk('q', 'skill', 1, rowsFor(2, 2))).rejects.toMatchObject({ name: 'CacheQuotaError', neededBytes: 2 * DIMS * 4 });
    proto.put = originalPut;
    expect((await store.getJob('q'))?.doneRows).toBe(2);
    expect(await store.completedChunks('q')).toEqual({ skill: [0], occupation: [] });
  });

  it('leaves other errors as they are', async () => {
    const store = await open(new IDBFactory());
    await seed(store);
    proto.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (isOccupationMatrix(this, value)) throw new DOMException('boom', 'UnknownError');
      return originalPut.call(this, value, key);
    };
    await expect(
      store.putCache(makeManifest('same', { skill: 4, occupation: 4 }), 'imported', { skill: bytesOf(4, 7), occupation: bytesOf(4, 7) }),
    ).rejects.toMatchObject({ name: 'UnknownError' });
    proto.put = originalPut;
    await expectSeedIntact(store);
  });
});

const DIMS = 3;

function jobInput(hash: string, totals: Record<ConceptKind, number>, chunkRows = 2): Omit<RegenJob, 'updatedAt' | 'doneRows'> {
  const { matrices: _m, createdAt: _c, ...draft } = { ...makeManifest(hash, { skill: 4, occupation: 4 }), dims: DIMS };
  return { hash, manifestDraft: draft, chunkRows, totals, dims: DIMS, startedAt: 5 };
}

/** Rows [first, first+count) with values that encode row and dimension, to check placement. */
function rowsFor(first: number, count: number, kindOffset = 0): Float32Array {
  const out = new Float32Array(count * DIMS);
  for (let r = 0; r < count; r++) for (let d = 0; d < DIMS; d++) out[r * DIMS + d] = kindOffset + (first + r) * 10 + d;
  return out;
}

describe('regeneration jobs', () => {
  it('creates a job, stores chunks out of order, resumes after a reopen and concatenates in row order', async () => {
    const factory = new IDBFactory();
    let clock = 100;
    const first = await open(factory, { now: () => clock });
    // skill: 5 rows in chunks of 2 -> 3 chunks (2, 2, 1 rows); occupation: 3 rows -> 2 chunks.
    const job = await first.createJob(jobInput('job1', { skill: 5, occupation: 3 }));
    expect(job).toMatchObject({ hash: 'job1', chunkRows: 2, dims: DIMS, startedAt: 5, updatedAt: 100, doneRows: 0 });
    expect(await first.getJob('job1')).toEqual(job);
    expect(await first.completedChunks('job1')).toEqual({ skill: [], occupation: [] });

    clock = 200;
    await first.putChunk('job1', 'skill', 2, rowsFor(4, 1));
    await first.putChunk('job1', 'occupation', 1, rowsFor(2, 1, 1000));
    await first.putChunk('job1', 'skill', 0, rowsFor(0, 2));
    expect(await first.completedChunks('job1')).toEqual({ skill: [0, 2], occupation: [1] });
    expect(await first.getJob('job1')).toMatchObject({ doneRows: 4, updatedAt: 200 });
    await expect(first.readChunks('job1', 'skill')).rejects.toThrow(/1 of 3 skill chunks are missing \(1\)/);

    // "Reload": a new connection on the same database continues where the old one stopped.
    first.close();
    clock = 300;
    const second = await open(factory, { now: () => clock });
    const resumed = (await second.getJob('job1'))!;
    expect(resumed.doneRows).toBe(4);
    const done = await second.completedChunks('job1');
    expect(done).toEqual({ skill: [0, 2], occupation: [1] });
    await second.putChunk('job1', 'skill', 1, rowsFor(2, 2));
    await second.putChunk('job1', 'occupation', 0, rowsFor(0, 2, 1000));
    expect(await second.getJob('job1')).toMatchObject({ doneRows: 8, updatedAt: 300 });

    expect(Array.from(await second.readChunks('job1', 'skill'))).toEqual(Array.from(rowsFor(0, 5)));
    expect(Array.from(await second.readChunks('job1', 'occupation'))).toEqual(Array.from(rowsFor(0, 3, 1000)));
  });

  it('does not count a rewritten chunk twice and keeps the latest data', async () => {
    const store = await open(new IDBFactory());
    await store.createJob(jobInput('j', { skill: 2, occupation: 0 }));
    await store.putChunk('j', 'skill', 0, new Float32Array(2 * DIMS).fill(1));
    await store.putChunk('j', 'skill', 0, rowsFor(0, 2));
    expect((await store.getJob('j'))?.doneRows).toBe(2);
    expect(Array.from(await store.readChunks('j', 'skill'))).toEqual(Array.from(rowsFor(0, 2)));
    // A kind with no rows has no chunks and reads as empty.
    expect(await store.readChunks('j', 'occupation')).toHaveLength(0);
  });

  it('refuses chunks of the wrong size, out of range or for an unknown job', async () => {
    const store = await open(new IDBFactory());
    await store.createJob(jobInput('j', { skill: 5, occupation: 3 }));
    await expect(store.putChunk('j', 'skill', 0, rowsFor(0, 1))).rejects.toThrow(/expected 2 rows x 3 dims = 6/);
    // The last chunk is short: it must hold exactly the remaining row.
    await expect(store.putChunk('j', 'skill', 2, rowsFor(4, 2))).rejects.toBeInstanceOf(CacheIntegrityError);
    await expect(store.putChunk('j', 'skill', 3, rowsFor(6, 2))).rejects.toThrow(/out of range/);
    await expect(store.putChunk('j', 'skill', -1, rowsFor(0, 2))).rejects.toThrow(/out of range/);
    await expect(store.putChunk('nope', 'skill', 0, rowsFor(0, 2))).rejects.toThrow(/no regeneration job/);
    await expect(store.readChunks('nope', 'skill')).rejects.toBeInstanceOf(CacheIntegrityError);
    expect(await store.completedChunks('j')).toEqual({ skill: [], occupation: [] });
    expect((await store.getJob('j'))?.doneRows).toBe(0);
  });

  it('createJob replaces a job with the same hash and drops its chunks', async () => {
    const store = await open(new IDBFactory());
    await store.createJob(jobInput('j', { skill: 4, occupation: 2 }));
    await store.putChunk('j', 'skill', 0, rowsFor(0, 2));
    const replaced = await store.createJob(jobInput('j', { skill: 4, occupation: 2 }, 4));
    expect(replaced).toMatchObject({ chunkRows: 4, doneRows: 0 });
    expect(await store.completedChunks('j')).toEqual({ skill: [], occupation: [] });
    await expect(store.createJob({ ...jobInput('k', { skill: 1, occupation: 1 }), chunkRows: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(store.createJob({ ...jobInput('k', { skill: 1, occupation: 1 }), hash: 'other' })).rejects.toThrow(/manifest draft/);
  });

  it('deleteJob removes the job and its chunks but not other jobs', async () => {
    const store = await open(new IDBFactory());
    await store.createJob(jobInput('a', { skill: 2, occupation: 2 }));
    await store.createJob(jobInput('b', { skill: 2, occupation: 2 }));
    // A hash that is a prefix of another must not catch its chunks.
    await store.createJob(jobInput('ab', { skill: 2, occupation: 2 }));
    for (const hash of ['a', 'b', 'ab']) {
      await store.putChunk(hash, 'skill', 0, rowsFor(0, 2));
      await store.putChunk(hash, 'occupation', 0, rowsFor(0, 2));
    }
    await store.deleteJob('a');
    expect(await store.getJob('a')).toBeUndefined();
    expect(await store.completedChunks('a')).toEqual({ skill: [], occupation: [] });
    expect(await store.completedChunks('ab')).toEqual({ skill: [0], occupation: [0] });
    expect(await store.completedChunks('b')).toEqual({ skill: [0], occupation: [0] });
    expect((await store.listJobs()).map((j) => j.hash).sort()).toEqual(['ab', 'b']);
    // Re-creating the deleted job starts from nothing.
    await store.createJob(jobInput('a', { skill: 2, occupation: 2 }));
    await expect(store.readChunks('a', 'skill')).rejects.toThrow(/missing/);
  });

  it('keeps jobs and caches independent', async () => {
    const store = await open(new IDBFactory());
    await store.putCache(makeManifest('h', { skill: 4, occupation: 4 }), 'shipped', { skill: bytesOf(4, 1), occupation: bytesOf(4, 2) });
    await store.createJob(jobInput('h', { skill: 2, occupation: 2 }));
    await store.putChunk('h', 'skill', 0, rowsFor(0, 2));
    await store.deleteJob('h');
    expect((await store.getMatrices('h'))?.skill).toHaveLength(4);
    await store.createJob(jobInput('h', { skill: 2, occupation: 2 }));
    await store.putChunk('h', 'skill', 0, rowsFor(0, 2));
    await store.deleteCache('h');
    expect(await store.completedChunks('h')).toEqual({ skill: [0], occupation: [] });
  });
});

describe('another tab upgrading the database', () => {
  it('closes this connection, says so once, and refuses later calls with StoreClosedError', async () => {
    const factory = new IDBFactory();
    let told = 0;
    const store = await openCacheStore({ factory, name: 'upgrade-test', onVersionChange: () => told++ });
    expect(await store.listCaches()).toEqual([]);
    // A newer app version opens the same database with a higher version number.
    const newer = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = factory.open('upgrade-test', 2);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    expect(newer.version).toBe(2);
    expect(told).toBe(1);
    await expect(store.listCaches()).rejects.toThrow(StoreClosedError);
    await expect(store.getCache('x')).rejects.toThrow(/newer version of this app is open in another tab: reload/);
    newer.close();
  });
});

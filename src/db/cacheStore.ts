// IndexedDB storage for embedding caches and resumable regeneration jobs, keyed by model hash
// (DESIGN.md "Embedding cache and model hash"). It stores bytes only: the encoded matrix per kind is
// opaque here, and regeneration chunks are raw float32 rows. Every write that must be all-or-nothing
// (a cache entry with both matrices, a chunk with the job's progress) is one transaction, so a crash,
// reload or full disk never leaves a half-written cache behind.
import { wrap, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { validateManifest, type EmbeddingManifest } from '../core/embeddingManifest.ts';
import { isQuotaError } from '../core/errors.ts';
import type { ConceptKind } from '../core/taxonomy.ts';
import { withExclusiveLock as withLock, type ExclusiveLockOptions, type LeaseBackend, type LockBusy } from './locks.ts';

// Re-exported so callers of the store need one import; pass `lease: store` (or use
// store.withExclusiveLock) so the fallback lease lives in the same database as the cache.
export { isLockBusy, LeaseLostError } from './locks.ts';
export type { ExclusiveLockOptions, LeaseBackend, LockBusy } from './locks.ts';

/**
 * withExclusiveLock (locks.ts) whose lease fallback, when no `lease` is given and Web Locks are
 * missing, lives in the default cache database (opened for the lock, closed after it).
 */
export function withExclusiveLock<T>(
  name: string,
  fn: (signal: AbortSignal) => Promise<T>,
  options: ExclusiveLockOptions = {},
): Promise<T | LockBusy> {
  return withLock(name, fn, { openLease: () => openCacheStore(), ...options });
}

export const DEFAULT_DB_NAME = 'esco-embedding-cache';
const DB_VERSION = 1;
const KINDS: readonly ConceptKind[] = ['skill', 'occupation'];

export type CacheSource = 'shipped' | 'regenerated' | 'imported';

export interface CacheSummary {
  hash: string;
  manifest: EmbeddingManifest;
  source: CacheSource;
  storedAt: number;
  /** Sum of the matrix bytes. */
  bytes: number;
}

export interface RegenJob {
  hash: string;
  manifestDraft: Omit<EmbeddingManifest, 'matrices' | 'createdAt'>;
  chunkRows: number;
  totals: Record<ConceptKind, number>;
  dims: number;
  startedAt: number;
  updatedAt: number;
  /** Rows stored so far, both kinds together. */
  doneRows: number;
}

export class CacheQuotaError extends Error {
  override name = 'CacheQuotaError';
  readonly neededBytes: number;
  readonly availableBytes?: number;

  constructor(neededBytes: number, availableBytes?: number, options?: ErrorOptions) {
    const available = availableBytes === undefined ? '' : `, about ${formatMb(availableBytes)} is available`;
    super(
      `Not enough browser storage for the embedding cache: it needs about ${formatMb(neededBytes)}${available}. ` +
        'Delete stale caches or free disk space, then try again.',
      options,
    );
    this.neededBytes = neededBytes;
    if (availableBytes !== undefined) this.availableBytes = availableBytes;
  }
}

export class CacheIntegrityError extends Error {
  override name = 'CacheIntegrityError';
}

export interface CacheStore extends LeaseBackend {
  getCache(hash: string): Promise<CacheSummary | undefined>;
  getMatrices(hash: string): Promise<Record<ConceptKind, Uint8Array> | undefined>;
  /**
   * All-or-nothing: manifest + both matrices in ONE transaction; byte lengths checked against
   * manifest.matrices[kind].bytes (CacheIntegrityError); a quota failure leaves any existing cache
   * untouched and throws CacheQuotaError. Replaces an existing entry with the same hash atomically.
   */
  putCache(manifest: EmbeddingManifest, source: CacheSource, matrices: Record<ConceptKind, Uint8Array>): Promise<void>;
  /** Newest first. */
  listCaches(): Promise<CacheSummary[]>;
  /** Caches whose hash differs from activeHash, for the stale list (with size and model from the manifest). */
  listStale(activeHash: string): Promise<CacheSummary[]>;
  deleteCache(hash: string): Promise<void>;
  getJob(hash: string): Promise<RegenJob | undefined>;
  /** All jobs, e.g. to offer cleaning up jobs left behind for other model hashes. */
  listJobs(): Promise<RegenJob[]>;
  /** Replaces a job with the same hash, dropping its chunks (they may have another chunk layout). */
  createJob(job: Omit<RegenJob, 'updatedAt' | 'doneRows'>): Promise<RegenJob>;
  /**
   * Stores one chunk (rows [chunkIndex*chunkRows, ...) of `kind`) and bumps the job's progress in the
   * same transaction. vectors.length must be rows*dims. Writing a chunk again replaces it without
   * counting its rows twice.
   */
  putChunk(hash: string, kind: ConceptKind, chunkIndex: number, vectors: Float32Array): Promise<void>;
  /** Stored chunk indices per kind, ascending. */
  completedChunks(hash: string): Promise<Record<ConceptKind, number[]>>;
  /** Concatenates the chunks of one kind in row order; throws CacheIntegrityError if any chunk is missing. */
  readChunks(hash: string, kind: ConceptKind): Promise<Float32Array>;
  /** Job + its chunks. */
  deleteJob(hash: string): Promise<void>;
  /** withExclusiveLock (locks.ts) with this store as the lease fallback. */
  withExclusiveLock<T>(name: string, fn: (signal: AbortSignal) => Promise<T>, options?: Omit<ExclusiveLockOptions, 'lease'>): Promise<T | LockBusy>;
  close(): void;
}

export interface OpenCacheStoreOptions {
  name?: string;
  /** IndexedDB factory; tests pass a fresh fake-indexeddb one to isolate databases. */
  factory?: IDBFactory;
  /** Storage estimate for quota errors; navigator.storage.estimate when present. */
  estimate?: () => Promise<{ quota?: number; usage?: number }>;
  /** Clock for storedAt, job timestamps and lease expiry (injectable so tests can expire leases). */
  now?: () => number;
  /**
   * Another tab opened a newer schema version: this connection is closed so that tab can upgrade,
   * and every later call fails with StoreClosedError. Called once, so the app can say "reload".
   */
  onVersionChange?: () => void;
}

/** The database was closed because another tab opened a newer version of it. */
export class StoreClosedError extends Error {
  override name = 'StoreClosedError';
  constructor() {
    super('a newer version of this app is open in another tab: reload this tab to use the embedding cache');
  }
}

interface CacheRecord {
  hash: string;
  manifest: EmbeddingManifest;
  source: CacheSource;
  storedAt: number;
  bytes: number;
}

interface MatrixRecord {
  hash: string;
  kind: ConceptKind;
  data: Uint8Array;
}

interface ChunkRecord {
  hash: string;
  kind: ConceptKind;
  index: number;
  vectors: Float32Array;
}

interface LeaseRecord {
  name: string;
  holder: string;
  expiresAt: number;
}

interface CacheDB extends DBSchema {
  // Summaries apart from the matrices, so listing caches never loads tens of MB.
  caches: { key: string; value: CacheRecord };
  matrices: { key: [string, ConceptKind]; value: MatrixRecord };
  jobs: { key: string; value: RegenJob };
  chunks: { key: [string, ConceptKind, number]; value: ChunkRecord };
  leases: { key: string; value: LeaseRecord };
}

type Db = IDBPDatabase<CacheDB>;

export async function openCacheStore(options: OpenCacheStoreOptions = {}): Promise<CacheStore> {
  const factory = options.factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) throw new Error('IndexedDB is not available in this environment');
  const state = { closed: false };
  const db = await openDb(factory, options.name ?? DEFAULT_DB_NAME, () => {
    state.closed = true;
    options.onVersionChange?.();
  });
  return new IdbCacheStore(db, options.estimate ?? defaultEstimate, options.now ?? Date.now, state);
}

/** Like idb's openDB, but on an injectable factory (idb always uses the global one). */
function openDb(factory: IDBFactory, name: string, onVersionChange: () => void): Promise<Db> {
  const request = factory.open(name, DB_VERSION);
  request.addEventListener('upgradeneeded', (event) => {
    const db = wrap(request.result) as unknown as Db; // idb's wrap() is untyped for databases; the schema is ours
    if (event.oldVersion < 1) {
      db.createObjectStore('caches', { keyPath: 'hash' });
      db.createObjectStore('matrices', { keyPath: ['hash', 'kind'] });
      db.createObjectStore('jobs', { keyPath: 'hash' });
      db.createObjectStore('chunks', { keyPath: ['hash', 'kind', 'index'] });
      db.createObjectStore('leases', { keyPath: 'name' });
    }
  });
  return (wrap(request) as Promise<unknown> as Promise<Db>).then((db) => {
    // Another tab opening a newer schema would otherwise wait on this connection forever.
    db.addEventListener('versionchange', () => {
      db.close();
      onVersionChange();
    });
    return db;
  });
}

async function defaultEstimate(): Promise<{ quota?: number; usage?: number }> {
  const storage = (globalThis as { navigator?: { storage?: { estimate?: () => Promise<StorageEstimate> } } }).navigator?.storage;
  return storage?.estimate ? storage.estimate() : {};
}

function formatMb(bytes: number): string {
  const mb = bytes / 1e6;
  if (mb <= 0) return '0 MB';
  return mb >= 10 ? `${Math.ceil(mb)} MB` : `${(Math.ceil(mb * 10) / 10).toFixed(1)} MB`;
}

/**
 * A typed array that owns exactly its bytes: structured clone copies a view's whole buffer, so a
 * subarray of a large buffer would otherwise store (and count against quota) far more than its rows.
 */
function ownBytes<A extends Uint8Array | Float32Array>(a: A): A {
  const plain = Object.prototype.toString.call(a.buffer) === '[object ArrayBuffer]';
  return plain && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : (a.slice() as A);
}

function chunkCount(job: RegenJob, kind: ConceptKind): number {
  return Math.ceil(job.totals[kind] / job.chunkRows);
}

function chunkRowsAt(job: RegenJob, kind: ConceptKind, index: number): number {
  return Math.min(job.chunkRows, job.totals[kind] - index * job.chunkRows);
}

/**
 * Issues several requests and waits for all. Each request's promise gets its handler as soon as it
 * exists: if a later request throws synchronously, the abort that follows rejects the earlier ones,
 * and with plain Promise.all([...]) those rejections would go unhandled.
 */
async function issueAll(...issue: Array<() => Promise<unknown>>): Promise<void> {
  const pending: Promise<unknown>[] = [];
  try {
    for (const request of issue) pending.push(request());
  } catch (error) {
    for (const p of pending) p.catch(() => undefined);
    throw error;
  }
  await Promise.all(pending);
}

function isKind(kind: unknown): kind is ConceptKind {
  return kind === 'skill' || kind === 'occupation';
}

function isCount(n: unknown, min: number): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= min;
}

function allChunksOf(hash: string): IDBKeyRange {
  // Arrays sort after every string and number, so [hash, []] bounds all [hash, kind, index] keys.
  return IDBKeyRange.bound([hash], [hash, []]);
}

function chunksOfKind(hash: string, kind: ConceptKind): IDBKeyRange {
  return IDBKeyRange.bound([hash, kind], [hash, kind, []]);
}

function summary(record: CacheRecord): CacheSummary {
  return { hash: record.hash, manifest: record.manifest, source: record.source, storedAt: record.storedAt, bytes: record.bytes };
}

class IdbCacheStore implements CacheStore {
  constructor(
    private readonly db: Db,
    private readonly estimate: () => Promise<{ quota?: number; usage?: number }>,
    private readonly now: () => number,
    private readonly state: { closed: boolean } = { closed: false },
  ) {}

  /** The connection, unless another tab's upgrade closed it. */
  private get live(): Db {
    if (this.state.closed) throw new StoreClosedError();
    return this.db;
  }

  /**
   * Runs `body` in one transaction and waits for it to commit. Any failure aborts the transaction
   * (a synchronous throw after some requests were queued would otherwise let those commit), and a
   * quota failure, whether thrown by a request or reported only as the transaction's error, becomes
   * CacheQuotaError.
   */
  private async inTx<N extends StoreNames<CacheDB>[], M extends IDBTransactionMode, R>(
    stores: N,
    mode: M,
    body: (tx: IDBPTransaction<CacheDB, N, M>) => Promise<R>,
    neededBytes = 0,
  ): Promise<R> {
    const tx = this.live.transaction(stores, mode);
    try {
      const result = await body(tx);
      await tx.done;
      return result;
    } catch (error) {
      tx.done.catch(() => undefined); // the abort below rejects it; the caller gets `error` instead
      try {
        tx.abort();
      } catch {
        // Already aborted or finished: nothing left to roll back.
      }
      if (isQuotaError(error) || isQuotaError(tx.error)) throw await this.quotaError(neededBytes, error);
      throw error;
    }
  }

  private async quotaError(neededBytes: number, cause: unknown): Promise<CacheQuotaError> {
    let available: number | undefined;
    try {
      const { quota, usage } = await this.estimate();
      if (quota !== undefined && usage !== undefined) available = Math.max(0, quota - usage);
    } catch {
      // The estimate only improves the message; the quota error stands without it.
    }
    return new CacheQuotaError(neededBytes, available, { cause });
  }

  async getCache(hash: string): Promise<CacheSummary | undefined> {
    const record = await this.live.get('caches', hash);
    return record && summary(record);
  }

  async getMatrices(hash: string): Promise<Record<ConceptKind, Uint8Array> | undefined> {
    return this.inTx(['caches', 'matrices'], 'readonly', async (tx) => {
      const record = await tx.objectStore('caches').get(hash);
      if (!record) return undefined;
      const out = {} as Record<ConceptKind, Uint8Array>;
      for (const kind of KINDS) {
        const matrix = await tx.objectStore('matrices').get([hash, kind]);
        const want = record.manifest.matrices[kind].bytes;
        if (!matrix) throw new CacheIntegrityError(`cache ${hash} has no ${kind} matrix stored`);
        if (matrix.data.byteLength !== want) {
          throw new CacheIntegrityError(`cache ${hash}: stored ${kind} matrix has ${matrix.data.byteLength} bytes, the manifest says ${want}`);
        }
        out[kind] = matrix.data;
      }
      return out;
    });
  }

  async putCache(manifest: EmbeddingManifest, source: CacheSource, matrices: Record<ConceptKind, Uint8Array>): Promise<void> {
    validateManifest(manifest);
    let bytes = 0;
    for (const kind of KINDS) {
      const data: unknown = matrices?.[kind];
      const want = manifest.matrices[kind].bytes;
      if (!(data instanceof Uint8Array)) throw new CacheIntegrityError(`cache ${manifest.hash}: the ${kind} matrix is missing`);
      if (data.byteLength !== want) {
        throw new CacheIntegrityError(`cache ${manifest.hash}: the ${kind} matrix has ${data.byteLength} bytes, the manifest says ${want}`);
      }
      bytes += want;
    }
    const record: CacheRecord = { hash: manifest.hash, manifest, source, storedAt: this.now(), bytes };
    await this.inTx(
      ['caches', 'matrices'],
      'readwrite',
      async (tx) => {
        const caches = tx.objectStore('caches');
        const store = tx.objectStore('matrices');
        await issueAll(
          () => caches.put(record),
          ...KINDS.map((kind) => () => store.put({ hash: manifest.hash, kind, data: ownBytes(matrices[kind]) })),
        );
      },
      bytes,
    );
  }

  async listCaches(): Promise<CacheSummary[]> {
    const records = await this.live.getAll('caches');
    return records.map(summary).sort((a, b) => b.storedAt - a.storedAt);
  }

  async listStale(activeHash: string): Promise<CacheSummary[]> {
    return (await this.listCaches()).filter((c) => c.hash !== activeHash);
  }

  async deleteCache(hash: string): Promise<void> {
    await this.inTx(['caches', 'matrices'], 'readwrite', async (tx) => {
      await issueAll(
        () => tx.objectStore('caches').delete(hash),
        () => tx.objectStore('matrices').delete(IDBKeyRange.bound([hash], [hash, []])),
      );
    });
  }

  async getJob(hash: string): Promise<RegenJob | undefined> {
    return this.live.get('jobs', hash);
  }

  async listJobs(): Promise<RegenJob[]> {
    return this.live.getAll('jobs');
  }

  async createJob(input: Omit<RegenJob, 'updatedAt' | 'doneRows'>): Promise<RegenJob> {
    if (!isCount(input.chunkRows, 1)) throw new RangeError(`chunkRows must be a positive integer, got ${input.chunkRows}`);
    if (!isCount(input.dims, 1)) throw new RangeError(`dims must be a positive integer, got ${input.dims}`);
    for (const kind of KINDS) {
      if (!isCount(input.totals?.[kind], 0)) throw new RangeError(`totals.${kind} must be a non-negative integer`);
    }
    if (input.manifestDraft.hash !== input.hash || input.manifestDraft.dims !== input.dims) {
      throw new RangeError(`job ${input.hash}: the manifest draft is for hash ${input.manifestDraft.hash} with ${input.manifestDraft.dims} dims`);
    }
    const job: RegenJob = {
      hash: input.hash,
      manifestDraft: input.manifestDraft,
      chunkRows: input.chunkRows,
      totals: { skill: input.totals.skill, occupation: input.totals.occupation },
      dims: input.dims,
      startedAt: input.startedAt,
      updatedAt: this.now(),
      doneRows: 0,
    };
    await this.inTx(['jobs', 'chunks'], 'readwrite', async (tx) => {
      await issueAll(
        () => tx.objectStore('chunks').delete(allChunksOf(job.hash)),
        () => tx.objectStore('jobs').put(job),
      );
    });
    return job;
  }

  async putChunk(hash: string, kind: ConceptKind, chunkIndex: number, vectors: Float32Array): Promise<void> {
    if (!isKind(kind)) throw new RangeError(`unknown concept kind "${String(kind)}"`);
    if (!(vectors instanceof Float32Array)) throw new TypeError('chunk vectors must be a Float32Array');
    await this.inTx(
      ['jobs', 'chunks'],
      'readwrite',
      async (tx) => {
        const jobs = tx.objectStore('jobs');
        const chunks = tx.objectStore('chunks');
        const job = await jobs.get(hash);
        if (!job) throw new CacheIntegrityError(`no regeneration job for model hash ${hash}`);
        const count = chunkCount(job, kind);
        if (!isCount(chunkIndex, 0) || chunkIndex >= count) {
          throw new CacheIntegrityError(`job ${hash}: ${kind} chunk ${chunkIndex} is out of range (the job has ${count} ${kind} chunks)`);
        }
        const rows = chunkRowsAt(job, kind, chunkIndex);
        if (vectors.length !== rows * job.dims) {
          throw new CacheIntegrityError(
            `job ${hash}: ${kind} chunk ${chunkIndex} has ${vectors.length} values, expected ${rows} rows x ${job.dims} dims = ${rows * job.dims}`,
          );
        }
        const existed = (await chunks.count([hash, kind, chunkIndex])) > 0;
        const updated: RegenJob = { ...job, updatedAt: this.now(), doneRows: job.doneRows + (existed ? 0 : rows) };
        await issueAll(
          () => chunks.put({ hash, kind, index: chunkIndex, vectors: ownBytes(vectors) }),
          () => jobs.put(updated),
        );
      },
      vectors.byteLength,
    );
  }

  async completedChunks(hash: string): Promise<Record<ConceptKind, number[]>> {
    const keys = await this.live.getAllKeys('chunks', allChunksOf(hash));
    const out: Record<ConceptKind, number[]> = { skill: [], occupation: [] };
    for (const [, kind, index] of keys) out[kind].push(index);
    for (const kind of KINDS) out[kind].sort((a, b) => a - b);
    return out;
  }

  async readChunks(hash: string, kind: ConceptKind): Promise<Float32Array> {
    return this.inTx(['jobs', 'chunks'], 'readonly', async (tx) => {
      const job = await tx.objectStore('jobs').get(hash);
      if (!job) throw new CacheIntegrityError(`no regeneration job for model hash ${hash}`);
      const count = chunkCount(job, kind);
      const out = new Float32Array(job.totals[kind] * job.dims);
      const present = new Set<number>();
      // A cursor rather than getAll, so only one chunk is held besides the output at a time.
      let cursor = await tx.objectStore('chunks').openCursor(chunksOfKind(hash, kind));
      while (cursor) {
        const { index, vectors } = cursor.value;
        const expected = index < count ? chunkRowsAt(job, kind, index) * job.dims : -1;
        if (vectors.length !== expected) {
          throw new CacheIntegrityError(`job ${hash}: stored ${kind} chunk ${index} does not fit the job (${vectors.length} values)`);
        }
        out.set(vectors, index * job.chunkRows * job.dims);
        present.add(index);
        cursor = await cursor.continue();
      }
      const missing: number[] = [];
      for (let i = 0; i < count; i++) if (!present.has(i)) missing.push(i);
      if (missing.length > 0) {
        const list = missing.length > 10 ? `${missing.slice(0, 10).join(', ')}, ...` : missing.join(', ');
        throw new CacheIntegrityError(`job ${hash}: ${missing.length} of ${count} ${kind} chunks are missing (${list})`);
      }
      return out;
    });
  }

  async deleteJob(hash: string): Promise<void> {
    await this.inTx(['jobs', 'chunks'], 'readwrite', async (tx) => {
      await issueAll(
        () => tx.objectStore('jobs').delete(hash),
        () => tx.objectStore('chunks').delete(allChunksOf(hash)),
      );
    });
  }

  async tryAcquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    // One readwrite transaction: IndexedDB serialises those across connections, so two tabs cannot
    // both see the lease free and both take it.
    return this.inTx(['leases'], 'readwrite', async (tx) => {
      const store = tx.objectStore('leases');
      const now = this.now();
      const current = await store.get(name);
      if (current && current.holder !== holder && current.expiresAt > now) return false;
      await store.put({ name, holder, expiresAt: now + ttlMs });
      return true;
    });
  }

  async renewLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.inTx(['leases'], 'readwrite', async (tx) => {
      const store = tx.objectStore('leases');
      const current = await store.get(name);
      if (!current || current.holder !== holder) return false;
      await store.put({ name, holder, expiresAt: this.now() + ttlMs });
      return true;
    });
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.inTx(['leases'], 'readwrite', async (tx) => {
      const store = tx.objectStore('leases');
      const current = await store.get(name);
      if (current && current.holder === holder) await store.delete(name);
    });
  }

  withExclusiveLock<T>(name: string, fn: (signal: AbortSignal) => Promise<T>, options: Omit<ExclusiveLockOptions, 'lease'> = {}): Promise<T | LockBusy> {
    return withLock(name, fn, { ...options, lease: this });
  }

  close(): void {
    this.db.close();
  }
}

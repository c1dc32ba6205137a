// IndexedDB storage of browser batch jobs (src/core/batch), in its own database so the embedding
// cache database is never touched. Per job: the input file(s) themselves (a File is structured-
// cloneable, so a reload resumes without the user picking the file again), the job's options and
// settings, the committed document results and skipped rows, and the runner's checkpoint.
// `checkpointStore(jobId)` is the CheckpointStore the runner commits to: each commit writes the
// batch's documents and skipped rows and the new checkpoint in ONE transaction, so after a crash the
// stored results are exactly those the checkpoint covers. Reads are paged by sequence number, so the
// results table and the streamed downloads never load a whole job at once.
import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import type { BatchCheckpoint, CheckpointStore, CommitBatch, DocumentResult, SkippedRow } from '../core/batch/types.ts';
import type { ConceptKind } from '../core/taxonomy.ts';
import type { ThresholdSettings } from '../core/thresholds.ts';

export const BATCH_DB_NAME = 'esco-batch-jobs';
const DB_VERSION = 1;

export type BatchInputKind = 'csv' | 'jsonl' | 'txt';

export interface BatchInputOptions {
  kind: BatchInputKind;
  /** CSV: the text column and (optional) id column. */
  textColumn?: string;
  idColumn?: string;
  /** JSONL: the text field (default "text") and (optional) id field. */
  textField?: string;
  idField?: string;
}

export type BatchJobState = 'queued' | 'running' | 'paused' | 'done' | 'cancelled' | 'failed';

export interface BatchJob {
  id: string;
  /** Shown in the job list: the file name, or "N text files". */
  name: string;
  createdAt: number;
  updatedAt: number;
  input: BatchInputOptions;
  /** Byte size of all input files (progress and ETA from bytes read). */
  totalBytes: number;
  fileCount: number;
  /** The model preset the job runs with: a resume on another preset is refused. */
  presetId: string;
  /** Thresholds the runner cut with (the view re-cuts with the current sliders). */
  settings: ThresholdSettings;
  kinds: ConceptKind[];
  fingerprint: string;
  /** 'running' in a reloaded page means the session was interrupted: offered as "resume". */
  state: BatchJobState;
  message?: string;
  /** The runner's last committed checkpoint; null before the first commit. */
  checkpoint: BatchCheckpoint | null;
  /**
   * Name, size and date of each input file. `filesStored` false: the files did not fit this
   * browser's storage, so the job runs from the files the user opened, and a reload needs them
   * opened again (checked against these) to resume. Absent on jobs stored before: their files are stored.
   */
  files?: BatchFileInfo[];
  filesStored?: boolean;
}

/** An input file as a job reads it: its name and contents (a File where the user opened one). */
export interface InputFile {
  name: string;
  file: Blob;
}

/** A Blob's modification date where it is a File. */
function modifiedOf(file: Blob): number | undefined {
  return (file as Blob & { lastModified?: number }).lastModified;
}

export interface BatchFileInfo {
  name: string;
  size: number;
  lastModified?: number;
}

/** Whether `files` are the job's input files (same names, sizes and dates, in order), or why not. */
export function sameInputFiles(job: BatchJob, files: InputFile[]): string | null {
  const want = job.files ?? [];
  if (files.length !== want.length) return `this job reads ${want.length} file${want.length === 1 ? '' : 's'}, ${files.length} given`;
  for (const [i, w] of want.entries()) {
    const f = files[i];
    const modified = modifiedOf(f.file);
    if (f.name !== w.name || f.file.size !== w.size || (w.lastModified !== undefined && modified !== undefined && modified !== w.lastModified)) {
      return `${f.name} (${f.file.size.toLocaleString('en')} bytes) is not the job's input file ${w.name} (${w.size.toLocaleString('en')} bytes${w.lastModified ? `, modified ${new Date(w.lastModified).toLocaleString()}` : ''})`;
    }
  }
  return null;
}

interface FileRecord {
  jobId: string;
  index: number;
  name: string;
  file: Blob;
}

interface DocumentRecord {
  jobId: string;
  seq: number;
  doc: DocumentResult;
}

interface SkippedRecord {
  jobId: string;
  seq: number;
  row: SkippedRow;
}

interface BatchDB extends DBSchema {
  jobs: { key: string; value: BatchJob };
  files: { key: [string, number]; value: FileRecord };
  documents: { key: [string, number]; value: DocumentRecord };
  skipped: { key: [string, number]; value: SkippedRecord };
}

type Db = IDBPDatabase<BatchDB>;

export interface OpenBatchStoreOptions {
  name?: string;
  /** IndexedDB factory; tests pass a fresh fake-indexeddb one. */
  factory?: IDBFactory;
  now?: () => number;
}

export interface NewBatchJob {
  name: string;
  input: BatchInputOptions;
  files: InputFile[];
  presetId: string;
  settings: ThresholdSettings;
  kinds: ConceptKind[];
  /** false: store the job without its files (they do not fit); default true. */
  keepFiles?: boolean;
}

/** All keys of one job in a [jobId, number] store, from `from` on. */
function jobRange(jobId: string, from = 0): IDBKeyRange {
  return IDBKeyRange.bound([jobId, from], [jobId, Number.MAX_SAFE_INTEGER]);
}

function randomId(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export class BatchStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  close(): void {
    this.db.close();
  }

  /** Stores a new job with its input files (one transaction: no job without its files, unless keepFiles is false). */
  async createJob(job: NewBatchJob): Promise<BatchJob> {
    const id = randomId();
    const record: BatchJob = {
      id,
      name: job.name,
      createdAt: this.now(),
      updatedAt: this.now(),
      input: job.input,
      totalBytes: job.files.reduce((n, f) => n + f.file.size, 0),
      fileCount: job.files.length,
      presetId: job.presetId,
      settings: job.settings,
      kinds: job.kinds,
      // The job is the identity of its input and options: a resume of it never meets another input.
      fingerprint: `browser-job:${id}:${job.presetId}:${job.kinds.join(',')}`,
      state: 'queued',
      checkpoint: null,
      files: job.files.map((f) => ({ name: f.name, size: f.file.size, lastModified: modifiedOf(f.file) })),
      filesStored: job.keepFiles !== false,
    };
    const tx = this.db.transaction(['jobs', 'files'], 'readwrite');
    try {
      await tx.objectStore('jobs').put(record);
      if (record.filesStored) for (const [index, f] of job.files.entries()) await tx.objectStore('files').put({ jobId: id, index, name: f.name, file: f.file });
      await tx.done;
    } catch (e) {
      // A failed file write (quota) must not leave the job record behind without its files.
      try {
        tx.abort();
      } catch {
        // already aborted by the failure itself
      }
      await tx.done.catch(() => {});
      throw tx.error ?? e;
    }
    return record;
  }

  async getJob(id: string): Promise<BatchJob | undefined> {
    return this.db.get('jobs', id);
  }

  /** Newest first. */
  async listJobs(): Promise<BatchJob[]> {
    const all = await this.db.getAll('jobs');
    return all.sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Updates state and message (never the checkpoint: only commits move it). */
  async setState(id: string, state: BatchJobState, message?: string): Promise<void> {
    const tx = this.db.transaction('jobs', 'readwrite');
    const job = await tx.store.get(id);
    if (job) await tx.store.put({ ...job, state, message, updatedAt: this.now() });
    await tx.done;
  }

  async getFiles(id: string): Promise<InputFile[]> {
    const rows = await this.db.getAll('files', jobRange(id));
    return rows.sort((a, b) => a.index - b.index).map((r) => ({ name: r.name, file: r.file }));
  }

  /** The job, its files, results and skipped rows. */
  async deleteJob(id: string): Promise<void> {
    const tx = this.db.transaction(['jobs', 'files', 'documents', 'skipped'], 'readwrite');
    await Promise.all([
      tx.objectStore('jobs').delete(id),
      tx.objectStore('files').delete(jobRange(id)),
      tx.objectStore('documents').delete(jobRange(id)),
      tx.objectStore('skipped').delete(jobRange(id)),
      tx.done,
    ]);
  }

  /** Up to `limit` document results from sequence number `from` (0-based, in input order). */
  async readDocuments(id: string, from: number, limit: number): Promise<DocumentResult[]> {
    const rows = await this.db.getAll('documents', jobRange(id, from), limit);
    return rows.map((r) => r.doc);
  }

  /** Every committed document result, read in pages of `pageSize` (downloads, aggregates). */
  async *documents(id: string, pageSize = 200): AsyncIterable<DocumentResult[]> {
    for (let from = 0; ; from += pageSize) {
      const page = await this.readDocuments(id, from, pageSize);
      if (page.length) yield page;
      if (page.length < pageSize) return;
    }
  }

  async readSkipped(id: string, from = 0, limit = 1000): Promise<SkippedRow[]> {
    const rows = await this.db.getAll('skipped', jobRange(id, from), limit);
    return rows.map((r) => r.row);
  }

  async countDocuments(id: string): Promise<number> {
    return this.db.count('documents', jobRange(id));
  }

  /** The runner's CheckpointStore for one job. */
  checkpointStore(id: string): CheckpointStore {
    return {
      load: () => this.loadCheckpoint(id),
      commit: (batch, checkpoint) => this.commit(id, batch, checkpoint),
    };
  }

  private async loadCheckpoint(id: string): Promise<BatchCheckpoint | null> {
    const tx = this.db.transaction(['jobs', 'documents', 'skipped'], 'readwrite');
    const job = await tx.objectStore('jobs').get(id);
    if (!job) {
      await tx.done;
      throw new Error(`batch job ${id} does not exist (deleted?)`);
    }
    const cp = job.checkpoint;
    // Commits are single transactions, so nothing should lie past the checkpoint; dropping it anyway
    // keeps the contract (load discards whatever was written after the last commit).
    await tx.objectStore('documents').delete(jobRange(id, cp?.documents ?? 0));
    await tx.objectStore('skipped').delete(jobRange(id, cp?.skipped ?? 0));
    await tx.done;
    return cp ? structuredClone(cp) : null;
  }

  private async commit(id: string, batch: CommitBatch, checkpoint: BatchCheckpoint): Promise<void> {
    const tx = this.db.transaction(['jobs', 'documents', 'skipped'], 'readwrite');
    const jobs = tx.objectStore('jobs');
    const job = await jobs.get(id);
    if (!job) {
      tx.done.catch(() => {}); // the abort below rejects it; the error thrown here says why
      tx.abort();
      throw new Error(`batch job ${id} was deleted while it ran`);
    }
    // Sequence numbers continue from the previous checkpoint: the stored rows stay dense and ordered.
    const docBase = job.checkpoint?.documents ?? 0;
    const skipBase = job.checkpoint?.skipped ?? 0;
    const docs = tx.objectStore('documents');
    const skipped = tx.objectStore('skipped');
    const writes: Promise<unknown>[] = [];
    batch.documents.forEach((doc, i) => writes.push(docs.put({ jobId: id, seq: docBase + i, doc })));
    batch.skipped.forEach((row, i) => writes.push(skipped.put({ jobId: id, seq: skipBase + i, row })));
    writes.push(jobs.put({ ...job, checkpoint, updatedAt: this.now(), state: checkpoint.done ? 'done' : job.state }));
    await Promise.all([...writes, tx.done]);
  }
}

export async function openBatchStore(options: OpenBatchStoreOptions = {}): Promise<BatchStore> {
  const factory = options.factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) throw new Error('IndexedDB is not available in this environment');
  const request = factory.open(options.name ?? BATCH_DB_NAME, DB_VERSION);
  request.addEventListener('upgradeneeded', (event) => {
    const db = wrap(request.result) as unknown as Db; // idb's wrap() is untyped for databases; the schema is ours
    if (event.oldVersion < 1) {
      db.createObjectStore('jobs', { keyPath: 'id' });
      db.createObjectStore('files', { keyPath: ['jobId', 'index'] });
      db.createObjectStore('documents', { keyPath: ['jobId', 'seq'] });
      db.createObjectStore('skipped', { keyPath: ['jobId', 'seq'] });
    }
  });
  const db = await (wrap(request) as Promise<unknown> as Promise<Db>);
  // A newer app version in another tab must not wait on this connection forever.
  db.addEventListener('versionchange', () => db.close());
  return new BatchStore(db, options.now ?? Date.now);
}

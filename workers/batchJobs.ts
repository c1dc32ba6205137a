// Batch jobs in the engine worker: reads a stored job (src/db/batchStore.ts), streams its input
// file(s) through the shared parsers and runner (src/core/batch) into the engine's extraction (each
// document read in its own language, as a pasted text: Extraction.extractDocument), and
// reports progress as a BatchView. Thin on purpose: queueing, checkpoints and aggregation are the
// core's; this wires them to browser files, IndexedDB and the engine. One job runs at a time; its
// documents go through the engine's one inference queue, so a single-text extraction made
// meanwhile interleaves with the batch's documents (it waits for at most one model call).
import { errorText as errorMessage } from '../src/core/errors.ts';
import { csvDocuments, jsonlDocuments, notTextReason, streamChunks } from '../src/core/batch/input.ts';
import { runBatch } from '../src/core/batch/runner.ts';
import type { BatchCheckpoint, InputItem } from '../src/core/batch/types.ts';
import type { ExtractionResult } from '../src/core/pipeline.ts';
import type { Taxonomy } from '../src/core/taxonomy.ts';
import { openBatchStore, sameInputFiles, type BatchJob, type BatchStore, type InputFile } from '../src/db/batchStore.ts';
import type { BatchView } from './engineApi.ts';

export interface BatchJobsDeps {
  /** The model preset the engine runs: a job made with another one is not resumed here. */
  presetId: string;
  taxonomy(): Taxonomy | undefined;
  /** Resolves when semantic extraction is ready; rejects with the reason it cannot become ready. */
  ready(signal: AbortSignal): Promise<void>;
  analyse(text: string): Promise<ExtractionResult>;
  /** `now`: a state change the page should see at once (else progress, which may be throttled). */
  onView(view: BatchView, now: boolean): void;
}

/** Counts the bytes a file's stream yields (the ETA is told from bytes read of the file size). */
function countingStream(blob: Blob, onBytes: (n: number) => void): ReadableStream<string> {
  const counter = new TransformStream<Uint8Array<ArrayBuffer>, BufferSource>({
    transform(chunk, controller) {
      onBytes(chunk.byteLength);
      controller.enqueue(chunk);
    },
  });
  return blob.stream().pipeThrough(counter).pipeThrough(new TextDecoderStream());
}

async function head(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(0, 65536).arrayBuffer());
}

/** Whole text files as documents; a file that is not text is a skipped row (the others still run). */
async function* textFiles(files: InputFile[], onBytes: (n: number) => void): AsyncIterable<InputItem> {
  let n = 0;
  for (const f of files) {
    const line = ++n;
    const reason = notTextReason(await head(f.file));
    if (reason) {
      onBytes(f.file.size);
      yield { type: 'skipped', skipped: { line, id: f.name, code: 'not-text', reason } };
      continue;
    }
    let text = await f.file.text();
    onBytes(f.file.size);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (!/\S/.test(text)) yield { type: 'skipped', skipped: { line, id: f.name, code: 'empty-text', reason: 'empty file' } };
    else yield { type: 'document', doc: { id: f.name, text, line } };
  }
}


export class BatchJobs {
  private view: BatchView | null = null;
  private abort?: AbortController;
  private running?: Promise<void>;
  private cancelRequested = false;
  private storePromise?: Promise<BatchStore>;

  constructor(private readonly deps: BatchJobsDeps) {}

  status(): BatchView | null {
    return this.view;
  }

  private store(): Promise<BatchStore> {
    return (this.storePromise ??= openBatchStore());
  }

  private set(patch: Partial<BatchView>, now = true): void {
    if (!this.view) return;
    this.view = { ...this.view, ...patch };
    this.deps.onView(this.view, now);
  }

  /** Starts or resumes a stored job; returns once it is under way (the run continues in the background). */
  async start(jobId: string, files?: InputFile[]): Promise<BatchView> {
    if (this.running) {
      if (this.view?.jobId === jobId) return this.view;
      throw new Error('another batch job is running: pause or cancel it first');
    }
    const store = await this.store();
    const job = await store.getJob(jobId);
    if (!job) throw new Error('this batch job no longer exists');
    if (job.presetId !== this.deps.presetId) {
      throw new Error(`this job was started with the model preset "${job.presetId}": switch to it in the model panel to resume (results of two models are not mixed)`);
    }
    if (job.filesStored === false && !(job.checkpoint?.done || job.state === 'done')) {
      if (!files) throw new Error(`${(job.files ?? []).map((f) => f.name).join(', ')} did not fit this browser's storage, so it is not kept: open it again to resume`);
      const mismatch = sameInputFiles(job, files);
      if (mismatch) throw new Error(mismatch);
    }
    const cp = job.checkpoint;
    this.view = {
      jobId,
      name: job.name,
      state: job.state === 'done' || cp?.done ? 'done' : 'waiting',
      documents: cp?.documents ?? 0,
      skipped: cp?.skipped ?? 0,
      recordsConsumed: cp?.recordsConsumed ?? 0,
      resumedDocuments: cp?.documents ?? 0,
      bytesRead: 0,
      totalBytes: job.totalBytes,
      docsPerMinute: 0,
      etaSeconds: null,
      message: undefined,
    };
    this.deps.onView(this.view, true);
    if (this.view.state === 'done') return this.view;
    this.abort = new AbortController();
    this.cancelRequested = false;
    this.running = this.run(store, job, this.abort.signal, files).finally(() => {
      this.running = undefined;
      this.abort = undefined;
    });
    return this.view;
  }

  pause(): void {
    this.abort?.abort();
  }

  cancel(): void {
    this.cancelRequested = true;
    this.abort?.abort();
  }

  /**
   * One runner per job across tabs (Web Locks): two runners committing to one job would interleave
   * their commits. A job another tab runs is refused here, and the stored job is left alone.
   */
  private async run(store: BatchStore, job: BatchJob, signal: AbortSignal, files?: InputFile[]): Promise<void> {
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    if (!locks) return this.runLocked(store, job, signal, files);
    await locks.request(`esco-batch-job:${job.id}`, { ifAvailable: true }, async (lock) => {
      if (!lock) {
        this.set({ state: 'failed', message: 'this job is running in another tab of this browser' });
        return;
      }
      await this.runLocked(store, job, signal, files);
    });
  }

  private async runLocked(store: BatchStore, job: BatchJob, signal: AbortSignal, given?: InputFile[]): Promise<void> {
    const stopped = () => (this.cancelRequested ? 'cancelled' : 'paused') as 'cancelled' | 'paused';
    try {
      await store.setState(job.id, 'running');
      this.set({ message: 'waiting for the model and its embedding cache' });
      await this.deps.ready(signal);
      const taxonomy = this.deps.taxonomy();
      if (!taxonomy) throw new Error('the taxonomy is not loaded');
      if (signal.aborted) {
        await store.setState(job.id, stopped());
        this.set({ state: stopped(), message: undefined });
        return;
      }
      this.set({ state: 'running', message: undefined });

      let bytesRead = 0;
      let first: { bytes: number; t: number } | null = null;
      const input = await this.input(store, job, (n) => (bytesRead += n), given);
      const outcome = await runBatch({
        input,
        analyse: (t) => this.deps.analyse(t),
        taxonomy,
        settings: job.settings,
        kinds: job.kinds,
        store: store.checkpointStore(job.id),
        fingerprint: job.fingerprint,
        signal,
        // Small commits: a reload loses at most a second of work.
        commitEvery: 20,
        commitIntervalMs: 1000,
        onProgress: (p) => {
          const t = performance.now();
          if (!first && p.sessionDocuments > 0) first = { bytes: bytesRead, t };
          let etaSeconds: number | null = null;
          if (first && t > first.t && bytesRead > first.bytes) {
            const rate = (bytesRead - first.bytes) / (t - first.t);
            etaSeconds = Math.max(0, (job.totalBytes - bytesRead) / rate / 1000);
          }
          this.set(
            { documents: p.documents, skipped: p.skipped, recordsConsumed: p.recordsConsumed, resumedDocuments: p.resumedDocuments, docsPerMinute: p.docsPerMinute, bytesRead: Math.min(bytesRead, job.totalBytes), etaSeconds },
            false,
          );
        },
      });
      const cp: BatchCheckpoint = outcome.checkpoint;
      const state = outcome.status === 'done' ? 'done' : stopped();
      if (state !== 'done') await store.setState(job.id, state);
      this.set({ state, documents: cp.documents, skipped: cp.skipped, recordsConsumed: cp.recordsConsumed, bytesRead: state === 'done' ? job.totalBytes : this.view?.bytesRead, etaSeconds: state === 'done' ? 0 : null });
    } catch (e) {
      const message = errorMessage(e);
      await store.setState(job.id, 'failed', message).catch(() => {});
      this.set({ state: 'failed', message });
    }
  }

  private async input(store: BatchStore, job: BatchJob, onBytes: (n: number) => void, given?: InputFile[]): Promise<AsyncIterable<InputItem>> {
    const files = job.filesStored === false && given ? given : await store.getFiles(job.id);
    if (!files.length) throw new Error('the job has no stored input file');
    if (job.input.kind === 'txt') return textFiles(files, onBytes);
    const file = files[0].file;
    const reason = notTextReason(await head(file));
    if (reason) throw new Error(`${files[0].name}: ${reason}`);
    const chunks = streamChunks(countingStream(file, onBytes));
    if (job.input.kind === 'csv') return csvDocuments(chunks, { textColumn: job.input.textColumn ?? 'text', idColumn: job.input.idColumn || undefined });
    return jsonlDocuments(chunks, { textField: job.input.textField || undefined, idField: job.input.idField || undefined });
  }
}

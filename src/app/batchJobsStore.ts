// The page's one door to stored batch jobs. The engine worker runs jobs and writes their results
// (workers/batchJobs.ts); the page creates, lists and deletes jobs and reads results page by page
// through this module only, on its own connection to the batch database (src/db/batchStore.ts).
// Components and the batch actions (batch.ts) import jobs' types and reads from here, never from
// src/db, so the page's storage access is one module a reader can audit.
import type { DocumentResult, SkippedRow } from '../core/batch/types.ts';
import { openBatchStore, sameInputFiles, type BatchInputKind, type BatchJob, type BatchStore, type InputFile, type NewBatchJob } from '../db/batchStore.ts';

export type { BatchInputKind, BatchJob, InputFile, NewBatchJob };
/** Whether files the user opened again are a job's input files, or why not. */
export { sameInputFiles };

let storePromise: Promise<BatchStore> | null = null;

/** The page's connection, opened on first use (the worker has another). */
function store(): Promise<BatchStore> {
  return (storePromise ??= openBatchStore());
}

export async function listBatchJobs(): Promise<BatchJob[]> {
  return (await store()).listJobs();
}

/** Stores a new job with its options and (unless `keepFiles: false`) its input files. */
export async function createBatchJob(job: NewBatchJob): Promise<BatchJob> {
  return (await store()).createJob(job);
}

/** Deletes the job, its stored files and every result of it. */
export async function deleteBatchJob(id: string): Promise<void> {
  return (await store()).deleteJob(id);
}

/** Up to `limit` committed documents from sequence number `from` on. */
export async function readBatchDocuments(jobId: string, from: number, limit: number): Promise<DocumentResult[]> {
  return (await store()).readDocuments(jobId, from, limit);
}

/** Every committed document in pages of `pageSize`, so a large job is never read at once. */
export async function* batchDocumentPages(jobId: string, pageSize: number): AsyncIterable<DocumentResult[]> {
  yield* (await store()).documents(jobId, pageSize);
}

export async function readBatchSkipped(jobId: string, from: number, limit: number): Promise<SkippedRow[]> {
  return (await store()).readSkipped(jobId, from, limit);
}

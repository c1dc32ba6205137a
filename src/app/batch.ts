// Actions of the batch view: picking input files (CSV / JSONL / many .txt, with a preview and the
// column choice), creating a job in IndexedDB and asking the engine worker to run, pause, cancel or
// resume it, and the main-thread reads of stored results: pages of the results table, aggregates
// and the streamed downloads. Reads re-cut the stored candidates with the current sliders
// (recutDocument): no worker call and no model run.
import Papa from 'papaparse';
import { Aggregator } from '../core/batch/aggregate.ts';
import { csvHeader, notTextReason, streamChunks } from '../core/batch/input.ts';
import { csvHeaderLine, formatDocument, recutDocument, type OutputFormat } from '../core/batch/rows.ts';
import type { AggregateState, DocumentResult, ResultRow, SkippedRow } from '../core/batch/types.ts';
import type { ConceptKind, Taxonomy } from '../core/taxonomy.ts';
import type { ThresholdSettings } from '../core/thresholds.ts';
import { batchDocumentPages, createBatchJob, deleteBatchJob, listBatchJobs, readBatchDocuments, readBatchSkipped, sameInputFiles, type BatchInputKind, type BatchJob, type InputFile, type NewBatchJob } from './batchJobsStore.ts';
import type { BatchDraft } from './batchState.ts';
import { activePresetId } from './config.ts';
import { downloadBlob } from './download.ts';
import { isQuotaError } from '../core/errors.ts';
import { errorText } from './engineClient.ts';
import { formatBytes } from './format.ts';
import { engine } from './engineService.ts';
import { useAppStore } from './store.ts';

const set = useAppStore.setState;
const get = useAppStore.getState;

function patchBatch(patch: Partial<ReturnType<typeof get>['batch']>): void {
  set((s) => ({ batch: { ...s.batch, ...patch } }));
}

function say(kind: 'ok' | 'error', text: string): void {
  patchBatch({ message: { kind, text } });
}

export async function refreshJobs(): Promise<void> {
  try {
    const jobs = await listBatchJobs();
    const selected = get().batch.selectedJobId;
    patchBatch({ jobs, selectedJobId: selected && jobs.some((j) => j.id === selected) ? selected : (jobs[0]?.id ?? null) });
  } catch (e) {
    say('error', `Could not read the stored batch jobs: ${errorText(e)}`);
  }
}

export function selectJob(id: string): void {
  patchBatch({ selectedJobId: id });
}

// ---- picking input ----

const TEXT_COLUMNS = ['description', 'text', 'body', 'content', 'ad', 'job_description'];
const ID_COLUMNS = ['id', 'job_id', 'ad_id', 'uid', 'key'];

function guess(columns: string[], names: string[]): string | undefined {
  const lower = columns.map((c) => c.trim().toLowerCase());
  for (const n of names) {
    const i = lower.indexOf(n);
    if (i >= 0) return columns[i];
  }
  return undefined;
}

function kindOf(files: File[]): BatchInputKind | null {
  if (files.length > 1 || /\.(txt|text|md)$/i.test(files[0].name)) return 'txt';
  if (/\.(jsonl|ndjson|json)$/i.test(files[0].name)) return 'jsonl';
  if (/\.(csv|tsv)$/i.test(files[0].name) || files[0].type === 'text/csv') return 'csv';
  return null;
}

async function headText(file: File): Promise<string> {
  const text = new TextDecoder().decode(await file.slice(0, 65536).arrayBuffer());
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads what the draft needs: not-text check, columns and the first rows. */
export async function pickFiles(list: FileList | File[]): Promise<void> {
  const files = [...list];
  if (!files.length) return;
  const kind = kindOf(files);
  patchBatch({ message: null });
  if (!kind) {
    say('error', `"${files[0].name}": choose a .csv, .jsonl or .txt file (or several .txt files).`);
    return;
  }
  const name = files.length > 1 ? `${files.length} text files` : files[0].name;
  const draft: BatchDraft = { kind, files, name, columns: [], preview: [], textColumn: '', idColumn: '', problem: null };
  try {
    if (kind !== 'txt') {
      const reason = notTextReason(new Uint8Array(await files[0].slice(0, 65536).arrayBuffer()));
      if (reason) draft.problem = `"${files[0].name}": ${reason}.`;
    }
    if (!draft.problem && kind === 'csv') {
      draft.columns = await csvHeader(streamChunks(files[0].stream().pipeThrough(new TextDecoderStream())));
      const parsed = Papa.parse<string[]>(await headText(files[0]), { preview: 6, skipEmptyLines: true });
      draft.preview = parsed.data.slice(1, 6);
      draft.textColumn = guess(draft.columns, TEXT_COLUMNS) ?? draft.columns[draft.columns.length - 1] ?? '';
      draft.idColumn = guess(draft.columns, ID_COLUMNS) ?? '';
    } else if (!draft.problem && kind === 'jsonl') {
      const lines = (await headText(files[0])).split('\n').slice(0, 6).filter((l) => l.trim());
      const objects: Record<string, unknown>[] = [];
      for (const l of lines) {
        try {
          const v: unknown = JSON.parse(l);
          if (v && typeof v === 'object' && !Array.isArray(v)) objects.push(v as Record<string, unknown>);
        } catch {
          // Reported per line when the job runs.
        }
      }
      draft.columns = [...new Set(objects.flatMap((o) => Object.keys(o)))];
      draft.preview = objects.slice(0, 5).map((o) => draft.columns.map((c) => (o[c] === undefined ? '' : typeof o[c] === 'string' ? (o[c] as string) : JSON.stringify(o[c]))));
      draft.textColumn = guess(draft.columns, TEXT_COLUMNS) ?? 'text';
      draft.idColumn = guess(draft.columns, ID_COLUMNS) ?? '';
    }
  } catch (e) {
    draft.problem = `"${files[0].name}" could not be read: ${errorText(e)}`;
  }
  patchBatch({ draft });
}

export function setDraftColumns(patch: Partial<Pick<BatchDraft, 'textColumn' | 'idColumn'>>): void {
  const d = get().batch.draft;
  if (d) patchBatch({ draft: { ...d, ...patch } });
}

export function discardDraft(): void {
  patchBatch({ draft: null });
}

/** Stores the draft as a job (file included) and asks the worker to run it. */
export async function startDraft(kinds: ConceptKind[] = ['skill', 'occupation']): Promise<void> {
  const s = get();
  const d = s.batch.draft;
  if (!d || d.problem) return;
  if (d.kind === 'csv' && !d.columns.includes(d.textColumn)) {
    say('error', `The CSV has no column "${d.textColumn}": choose the text column.`);
    return;
  }
  try {
    const files = d.files.map((f) => ({ name: f.name, file: f }));
    const newJob: NewBatchJob = {
      name: d.name,
      input:
        d.kind === 'csv'
          ? { kind: 'csv', textColumn: d.textColumn, idColumn: d.idColumn || undefined }
          : d.kind === 'jsonl'
            ? { kind: 'jsonl', textField: d.textColumn || 'text', idField: d.idColumn || undefined }
            : { kind: 'txt' },
      files,
      presetId: activePresetId(s.settings.presetId),
      settings: s.settings.thresholds,
      kinds,
    };
    let job: BatchJob;
    try {
      job = await createBatchJob(newJob);
    } catch (e) {
      if (!isQuotaError(e)) throw e;
      // The file is larger than this browser lets the site store: run it from the open file.
      job = await createBatchJob({ ...newJob, keepFiles: false });
    }
    if (job.filesStored === false) openFiles.set(job.id, files);
    patchBatch({ draft: null, selectedJobId: job.id });
    await runJob(job.id);
    if (job.filesStored === false && !get().batch.message) {
      say('ok', `${d.name} (${formatBytes(job.totalBytes)}) is too large for this browser's storage, so no copy is kept: the batch reads the open file, and after a reload it resumes once you open the same file again. Results are stored as usual.`);
    }
  } catch (e) {
    say('error', `Could not start the batch: ${errorText(e)}`);
  }
}

/**
 * Input files of jobs whose files are not stored (too large), as opened in this page session:
 * the worker reads them from here; after a reload the user opens them again (reopenJobFiles).
 */
const openFiles = new Map<string, InputFile[]>();

/** Whether a job can only resume once its input file is opened again in this page. */
export function needsFiles(job: BatchJob): boolean {
  return job.filesStored === false && !openFiles.has(job.id);
}

/** The user opened a job's input file(s) again: checked against the job, then it resumes. */
export async function reopenJobFiles(job: BatchJob, picked: File[]): Promise<void> {
  const files = picked.map((f) => ({ name: f.name, file: f }));
  const mismatch = sameInputFiles(job, files);
  if (mismatch) {
    say('error', `Not resumed: ${mismatch}.`);
    return;
  }
  openFiles.set(job.id, files);
  await runJob(job.id);
}

export async function runJob(id: string): Promise<void> {
  const client = engine();
  if (!client) return;
  try {
    patchBatch({ selectedJobId: id, message: null });
    await client.startBatch(id, openFiles.get(id));
  } catch (e) {
    say('error', errorText(e));
  }
  await refreshJobs();
}

export async function pauseJob(): Promise<void> {
  await engine()?.pauseBatch().catch((e: unknown) => say('error', errorText(e)));
}

export async function cancelJob(): Promise<void> {
  await engine()?.cancelBatch().catch((e: unknown) => say('error', errorText(e)));
}

export async function deleteJob(id: string): Promise<void> {
  if (get().status?.batch?.jobId === id && ['running', 'waiting'].includes(get().status?.batch?.state ?? '')) {
    say('error', 'Pause or cancel the job before deleting it.');
    return;
  }
  try {
    await deleteBatchJob(id);
    say('ok', 'Deleted the job and its results.');
  } catch (e) {
    say('error', `Delete failed: ${errorText(e)}`);
  }
  await refreshJobs();
}

// ---- reading results (main thread, no worker calls) ----

/** The job's settings equal the sliders': stored rows and aggregates hold as they are. */
export function sameSettings(a: ThresholdSettings, b: ThresholdSettings): boolean {
  return canonical(a) === canonical(b);
}

/** JSON with sorted keys and no undefined fields: two equal settings objects give one string. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function recut(doc: DocumentResult, job: BatchJob, settings: ThresholdSettings, taxonomy: Taxonomy | null): DocumentResult {
  return taxonomy && !sameSettings(job.settings, settings) ? recutDocument(doc, settings, taxonomy) : doc;
}

export interface RowFilter {
  text: string;
  kind: ConceptKind | 'all';
  /** Every ranked candidate, not only those that pass the thresholds. */
  all: boolean;
}

export interface RowPage {
  rows: ResultRow[];
  /** Document sequence numbers the page covers: [fromDoc, nextDoc). */
  fromDoc: number;
  nextDoc: number;
  /** No documents after nextDoc (so far). */
  end: boolean;
}

function rowMatches(r: ResultRow, f: RowFilter): boolean {
  if (!f.all && !r.shown) return false;
  if (f.kind !== 'all' && r.kind !== f.kind) return false;
  if (!f.text) return true;
  const q = f.text.toLowerCase();
  return r.label.toLowerCase().includes(q) || r.uri.toLowerCase().includes(q) || r.id.toLowerCase().includes(q) || r.evidence.some((e) => e.text.toLowerCase().includes(q));
}

/**
 * About `pageRows` matching rows from document `fromDoc` on: documents are read from IndexedDB in
 * small pages until enough rows match, so a page costs what it shows, not the size of the job.
 */
export async function loadRowPage(job: BatchJob, fromDoc: number, f: RowFilter, settings: ThresholdSettings, taxonomy: Taxonomy | null, pageRows = 100): Promise<RowPage> {
  const rows: ResultRow[] = [];
  let next = fromDoc;
  for (;;) {
    const docs = await readBatchDocuments(job.id, next, 100);
    for (const d of docs) {
      for (const r of recut(d, job, settings, taxonomy).rows) if (rowMatches(r, f)) rows.push(r);
      next++;
      if (rows.length >= pageRows) return { rows, fromDoc, nextDoc: next, end: false };
    }
    if (docs.length < 100) return { rows, fromDoc, nextDoc: next, end: true };
  }
}

export async function loadSkipped(job: BatchJob): Promise<SkippedRow[]> {
  return readBatchSkipped(job.id, 0, 10_000);
}

/**
 * Aggregates under the current sliders: the checkpoint's when they are the job's, else counted
 * again over every stored document (re-cut on the main thread, read page by page).
 */
export async function aggregatesFor(job: BatchJob, settings: ThresholdSettings, taxonomy: Taxonomy | null, isStale: () => boolean): Promise<Aggregator | null> {
  if (!taxonomy || sameSettings(job.settings, settings)) return new Aggregator(job.checkpoint?.aggregates);
  const agg = new Aggregator();
  for await (const page of batchDocumentPages(job.id, 500)) {
    if (isStale()) return null;
    for (const d of page) agg.addDocument(recutDocument(d, settings, taxonomy).rows);
    // Yields to the page between pages: a slider drag stays responsive.
    await new Promise((r) => setTimeout(r, 0));
  }
  return agg;
}

export type { AggregateState };

/**
 * Downloads the job's results with the current sliders. The file is a Blob made of one part per
 * page of documents: a 100,000-document result never becomes one string.
 */
export async function downloadJob(job: BatchJob, format: OutputFormat): Promise<void> {
  const s = get();
  try {
    const parts: string[] = format === 'csv' ? ['\ufeff', csvHeaderLine()] : [];
    for await (const page of batchDocumentPages(job.id, 500)) {
      let part = '';
      for (const d of page) part += formatDocument(recut(d, job, s.settings.thresholds, s.taxonomy.data), format, 'shown');
      parts.push(part);
    }
    const base = job.name.replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_') || 'batch';
    downloadBlob(new Blob(parts, { type: format === 'csv' ? 'text/csv;charset=utf-8' : 'application/x-ndjson' }), `${base}-esco.${format}`);
  } catch (e) {
    say('error', `Download failed: ${errorText(e)}`);
  }
}

export async function downloadSkipped(job: BatchJob): Promise<void> {
  const rows = await loadSkipped(job);
  const base = job.name.replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_') || 'batch';
  downloadBlob(new Blob(rows.map((r) => `${JSON.stringify(r)}\n`), { type: 'application/x-ndjson' }), `${base}-skipped.jsonl`);
}

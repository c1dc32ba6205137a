// State of the batch view kept in the app's store (store.ts `batch`): the stored jobs as last
// listed, the selected job, and the file the user picked but has not started yet (with its column
// choices). Live progress is not here: it comes with the engine status (`status.batch`).
import type { BatchInputKind, BatchJob } from './batchJobsStore.ts';

export interface BatchDraft {
  kind: BatchInputKind;
  files: File[];
  name: string;
  /** CSV: column names; JSONL: the first object's keys. */
  columns: string[];
  /** The first rows, as cells in column order (CSV) or field values (JSONL); shown as text only. */
  preview: string[][];
  textColumn: string;
  idColumn: string;
  /** A problem that prevents starting (not text, no header). */
  problem: string | null;
}

export interface BatchUiState {
  jobs: BatchJob[];
  selectedJobId: string | null;
  draft: BatchDraft | null;
  message: { kind: 'ok' | 'error'; text: string } | null;
}

export const initialBatchUiState: BatchUiState = { jobs: [], selectedJobId: null, draft: null, message: null };

/** 'gap-report': the printable skill gap of the single-text view (not restored on reload: the text is not kept). */
export type AppView = 'single' | 'compare' | 'batch' | 'gap-report';

/** The view from the URL (#compare, #batch), so a reload stays on it. */
export function initialView(): AppView {
  const hash = globalThis.location?.hash;
  return hash === '#batch' ? 'batch' : hash === '#compare' ? 'compare' : 'single';
}

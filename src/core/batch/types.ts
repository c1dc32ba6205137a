// Shared types of batch extraction (many documents through the same pipeline): what input parsers
// yield, what the runner hands to a checkpoint store, and the rows the outputs are made of. Pure
// types, used by the Node CLI (scripts/extract.ts) and the browser batch view alike.
import type { Candidate, Evidence } from '../pipeline.ts';
import type { ConceptKind } from '../taxonomy.ts';

/** One document to analyse. `line` is the 1-based physical line where its record starts (for messages). */
export interface BatchDocument {
  id: string;
  text: string;
  line: number;
}

/** Why a row was not analysed. Stable codes for tools; `reason` is the sentence for people. */
export type SkipCode = 'missing-column' | 'empty-text' | 'invalid-json' | 'not-an-object' | 'invalid-id' | 'duplicate-id' | 'malformed-csv' | 'not-text' | 'failed';

export interface SkippedRow {
  line: number;
  /** The row's id when it could be read. */
  id?: string;
  code: SkipCode;
  reason: string;
}

/** What an input parser yields, in input order: a document, or a row that is reported and skipped. */
export type InputItem = { type: 'document'; doc: BatchDocument } | { type: 'skipped'; skipped: SkippedRow };

/** An input problem that stops the run (no such column, not a text file, a row too large to hold). */
export class BatchInputError extends Error {
  override name = 'BatchInputError';
}

/** Evidence kept with a stored candidate: deduplicated spans with their text, so rows need no document text. */
export interface BatchEvidence extends Pick<Evidence, 'start' | 'end' | 'signal' | 'score'> {
  text: string;
}

/**
 * A Candidate with compact evidence. Still a `Candidate`, so applyThresholds re-cuts stored
 * candidates with new settings without re-running any model.
 */
export interface BatchCandidate extends Omit<Candidate, 'evidence'> {
  evidence: (Evidence & { text: string })[];
}

/** One output row: a (document, concept) pair with its scores and evidence. */
export interface ResultRow {
  id: string;
  kind: ConceptKind;
  /** 1-based rank by final score among the document's candidates of this kind. */
  rank: number;
  uri: string;
  label: string;
  /** The score thresholds cut on (thresholds.ts settingsScore). */
  score: number;
  retrieval: number;
  lexical: number;
  rerank?: number;
  /** Whole-document cosine (occupations). */
  document?: number;
  /** Title-line cosine (occupations). */
  title?: number;
  signals: string[];
  iscoGroup?: boolean;
  /** Passes the thresholds (and the per-kind maximum): what the single-text view would show. */
  shown: boolean;
  evidence: BatchEvidence[];
}

/** Everything the runner learned about one document. */
export interface DocumentResult {
  id: string;
  line: number;
  textLength: number;
  /** Compact candidates of the selected kinds (for re-cutting with other thresholds). */
  candidates: BatchCandidate[];
  /** Every candidate of the selected kinds as a row, ranked per kind; `shown` marks those that pass. */
  rows: ResultRow[];
  /** Pipeline notices (e.g. the text was cut to the segmenter's maximum). */
  notices: string[];
}

/** Per-concept document counts: how many documents had each concept among their shown rows. */
export interface AggregateState {
  documents: number;
  /** Documents with at least one shown row of each kind. */
  withAny: Record<ConceptKind, number>;
  /** [kind, URI, preferred label, documents], keyed by URI so shard states merge whatever the taxonomy row order. */
  counts: [ConceptKind, string, string, number][];
}

/** Durable progress of a run: everything needed to resume it without redoing or repeating work. */
export interface BatchCheckpoint {
  version: 1;
  /** Identifies input and options; a resume with another fingerprint is refused. */
  fingerprint: string;
  /** Input records (documents and skipped rows, of every shard) fully handled, in input order. */
  recordsConsumed: number;
  /** Documents of this shard analysed. */
  documents: number;
  skipped: number;
  /** Rows written (shown rows, or in ranked mode all rows). */
  rows: number;
  aggregates: AggregateState;
  /** Milliseconds spent analysing over all sessions of this run. */
  elapsedMs: number;
  done: boolean;
}

/** What one commit makes durable, together with the checkpoint that follows it. */
export interface CommitBatch {
  documents: DocumentResult[];
  skipped: SkippedRow[];
}

/**
 * Where a run keeps its results and progress: files in Node (scripts/extract/fileStore.ts),
 * IndexedDB in the browser. The contract that makes resume exact:
 * - commit() makes the batch and the checkpoint durable together: after a crash load() returns
 *   either the checkpoint before the commit (and nothing of the batch is visible) or the new one
 *   (and all of it is);
 * - load() returns the last committed checkpoint (null for a fresh run) and discards anything
 *   written after it.
 */
export interface CheckpointStore {
  load(): Promise<BatchCheckpoint | null>;
  commit(batch: CommitBatch, checkpoint: BatchCheckpoint): Promise<void>;
}

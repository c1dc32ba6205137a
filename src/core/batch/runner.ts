// The batch runner shared by the CLI and the browser batch view: takes input items in order,
// analyses each document of its shard with the injected extraction function, ranks and cuts the
// candidates (thresholds.ts), counts aggregates, and commits results and progress to a
// CheckpointStore every few documents. A run that was killed resumes from its last commit: the
// input is read again from the start, the records the checkpoint covers are only re-validated
// (cheap; it rebuilds the duplicate-id set), and analysis continues with the first record after
// them, so nothing is computed twice, repeated or left out.
import type { ExtractionResult } from '../pipeline.ts';
import type { ConceptKind, Taxonomy } from '../taxonomy.ts';
import type { ThresholdSettings } from '../thresholds.ts';
import { Aggregator, emptyAggregates } from './aggregate.ts';
import { IdSet } from './ids.ts';
import { compactCandidates, outputRows, rankRows, type OutputMode } from './rows.ts';
import { inShard, type Shard } from './shard.ts';
import type { BatchCheckpoint, CheckpointStore, CommitBatch, DocumentResult, InputItem, SkippedRow } from './types.ts';

export interface BatchProgress {
  /** Input records handled (all shards), documents analysed and rows skipped by this shard, rows output: over all sessions. */
  recordsConsumed: number;
  documents: number;
  skipped: number;
  rows: number;
  /** Documents analysed in this session and the time it has run. */
  sessionDocuments: number;
  sessionMs: number;
  /** This session's throughput. */
  docsPerMinute: number;
  /** Documents a resumed run found already done. */
  resumedDocuments: number;
}

export interface BatchRunOptions {
  input: AsyncIterable<InputItem>;
  /** The pipeline on one text, e.g. `(t) => extract(t, ctx, options)` or `extractLexical`. */
  analyse: (text: string) => Promise<ExtractionResult> | ExtractionResult;
  taxonomy: Taxonomy;
  settings: ThresholdSettings;
  /** Kinds to output; default both. */
  kinds?: readonly ConceptKind[];
  /** What counts as an output row (for the checkpoint's row count); default 'shown'. */
  mode?: OutputMode;
  shard?: Shard;
  store: CheckpointStore;
  /** Identifies input and options (a resume with another one is refused). */
  fingerprint: string;
  /** Commit after this many documents (default 50) or this much time (default 2000 ms), whichever comes first. */
  commitEvery?: number;
  commitIntervalMs?: number;
  /** Abort: stops after the current document, commits, and returns status 'aborted' (pause = abort now, run again later). */
  signal?: AbortSignal;
  onProgress?: (p: BatchProgress) => void;
  onSkipped?: (s: SkippedRow) => void;
  /** Consecutive analysis failures that stop the run (a broken model rather than one odd text); default 5. */
  maxConsecutiveFailures?: number;
  now?: () => number;
}

export interface BatchOutcome {
  status: 'done' | 'aborted';
  checkpoint: BatchCheckpoint;
  aggregates: Aggregator;
  progress: BatchProgress;
}

export class CheckpointMismatchError extends Error {
  override name = 'CheckpointMismatchError';
}

export function freshCheckpoint(fingerprint: string): BatchCheckpoint {
  return { version: 1, fingerprint, recordsConsumed: 0, documents: 0, skipped: 0, rows: 0, aggregates: emptyAggregates(), elapsedMs: 0, done: false };
}

export async function runBatch(o: BatchRunOptions): Promise<BatchOutcome> {
  const now = o.now ?? (() => globalThis.performance.now());
  const kinds = o.kinds ?? (['skill', 'occupation'] as const);
  const mode = o.mode ?? 'shown';
  const commitEvery = o.commitEvery ?? 50;
  const commitIntervalMs = o.commitIntervalMs ?? 2000;
  const maxFailures = o.maxConsecutiveFailures ?? 5;

  const previous = await o.store.load();
  if (previous && previous.fingerprint !== o.fingerprint) {
    throw new CheckpointMismatchError('the checkpoint belongs to another input or other options: run with the same ones, or start afresh');
  }
  let cp: BatchCheckpoint = previous ?? freshCheckpoint(o.fingerprint);
  const aggregates = new Aggregator(cp.aggregates);
  const start = now();
  const resumedDocuments = cp.documents;
  let sessionDocuments = 0;
  const progress = (): BatchProgress => {
    const sessionMs = now() - start;
    return {
      recordsConsumed: cp.recordsConsumed,
      documents: cp.documents + pending.documents.length,
      skipped: cp.skipped + pending.skipped.length,
      rows: cp.rows + pendingRows,
      sessionDocuments,
      sessionMs,
      docsPerMinute: sessionMs > 0 ? (sessionDocuments / sessionMs) * 60_000 : 0,
      resumedDocuments,
    };
  };
  let pending: CommitBatch = { documents: [], skipped: [] };
  let pendingRows = 0;
  if (cp.done) return { status: 'done', checkpoint: cp, aggregates, progress: progress() };

  let lastCommit = now();
  let consumed = 0;
  const commit = async (done: boolean) => {
    const next: BatchCheckpoint = {
      ...cp,
      recordsConsumed: consumed,
      documents: cp.documents + pending.documents.length,
      skipped: cp.skipped + pending.skipped.length,
      rows: cp.rows + pendingRows,
      aggregates: aggregates.state(),
      elapsedMs: cp.elapsedMs + (now() - lastCommit),
      done,
    };
    await o.store.commit(pending, next);
    cp = next;
    pending = { documents: [], skipped: [] };
    pendingRows = 0;
    lastCommit = now();
    o.onProgress?.(progress());
  };

  const seen = new IdSet();
  let failures = 0;
  let aborted = false;
  for await (const item of o.input) {
    if (o.signal?.aborted) {
      aborted = true;
      break;
    }
    consumed++;
    if (!inShard(item, o.shard)) continue;
    let it: InputItem = item;
    if (it.type === 'document' && !seen.add(it.doc.id)) {
      it = { type: 'skipped', skipped: { line: it.doc.line, id: it.doc.id, code: 'duplicate-id', reason: `duplicate id "${it.doc.id}": an earlier row has the same id` } };
    }
    // Covered by the checkpoint: validated again (above) but neither analysed nor reported again.
    if (consumed <= cp.recordsConsumed) continue;
    if (it.type === 'skipped') {
      pending.skipped.push(it.skipped);
      o.onSkipped?.(it.skipped);
    } else {
      const { doc } = it;
      let result: ExtractionResult;
      try {
        result = await o.analyse(doc.text);
        failures = 0;
      } catch (e) {
        if (++failures >= maxFailures) throw e;
        const skipped: SkippedRow = { line: doc.line, id: doc.id, code: 'failed', reason: `analysis failed: ${e instanceof Error ? e.message : String(e)}` };
        pending.skipped.push(skipped);
        o.onSkipped?.(skipped);
        continue;
      }
      const candidates = compactCandidates(result, doc.text, kinds);
      const rows = rankRows(doc.id, candidates, o.settings, o.taxonomy);
      const documentResult: DocumentResult = { id: doc.id, line: doc.line, textLength: doc.text.length, candidates, rows, notices: result.notices };
      aggregates.addDocument(rows);
      pending.documents.push(documentResult);
      pendingRows += mode === 'ranked' ? rows.length : outputRows(documentResult, mode).length;
      sessionDocuments++;
      o.onProgress?.(progress());
    }
    if (pending.documents.length >= commitEvery || (pending.documents.length + pending.skipped.length > 0 && now() - lastCommit >= commitIntervalMs)) {
      await commit(false);
    }
  }
  await commit(!aborted);
  return { status: aborted ? 'aborted' : 'done', checkpoint: cp, aggregates, progress: progress() };
}

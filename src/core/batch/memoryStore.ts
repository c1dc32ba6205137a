// An in-memory CheckpointStore: the reference for what a store must do (tests, and a model for the
// browser's IndexedDB store: keep documents and skipped rows with the checkpoint in one transaction,
// and on load drop whatever a crashed session wrote after its last checkpoint).
import type { BatchCheckpoint, CheckpointStore, CommitBatch, DocumentResult, SkippedRow } from './types.ts';

export class MemoryCheckpointStore implements CheckpointStore {
  documents: DocumentResult[] = [];
  skipped: SkippedRow[] = [];
  checkpoint: BatchCheckpoint | null = null;
  commits = 0;

  async load(): Promise<BatchCheckpoint | null> {
    return this.checkpoint ? structuredClone(this.checkpoint) : null;
  }

  async commit(batch: CommitBatch, checkpoint: BatchCheckpoint): Promise<void> {
    // All or nothing, as one IndexedDB transaction would be.
    this.documents.push(...batch.documents);
    this.skipped.push(...batch.skipped);
    this.checkpoint = structuredClone(checkpoint);
    this.commits++;
  }
}

// The CLI's CheckpointStore: an append-only output file and skipped-rows file, plus
// `<output>.checkpoint.json` holding the runner's checkpoint and the byte lengths of both files at
// that commit. A commit appends and fsyncs the lines first, then replaces the checkpoint atomically
// (write, fsync, rename); a resume truncates both files back to the lengths the checkpoint names,
// so lines written after the last commit by a killed run disappear instead of being duplicated.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { csvHeaderLine, formatDocument, type OutputFormat, type OutputMode } from '../../src/core/batch/rows.ts';
import type { BatchCheckpoint, CheckpointStore, CommitBatch, SkippedRow } from '../../src/core/batch/types.ts';

interface CheckpointFile {
  store: { version: 1; format: OutputFormat; mode: OutputMode; outputBytes: number; skippedBytes: number };
  checkpoint: BatchCheckpoint;
}

export class UnfinishedRunError extends Error {
  override name = 'UnfinishedRunError';
}

export function skippedPath(output: string): string {
  return `${output}.skipped.jsonl`;
}

export function checkpointPath(output: string): string {
  return `${output}.checkpoint.json`;
}

export function skippedLine(s: SkippedRow): string {
  return `${JSON.stringify({ line: s.line, ...(s.id !== undefined ? { id: s.id } : {}), code: s.code, reason: s.reason })}\n`;
}

function fsyncDir(dir: string): void {
  // Makes the rename itself durable; not every platform lets a directory be opened (Windows).
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

export interface FileStoreOptions {
  output: string;
  format: OutputFormat;
  mode: OutputMode;
  /** Continue from the checkpoint when there is one. */
  resume: boolean;
  /** Start afresh even when an unfinished run's checkpoint exists. */
  force?: boolean;
  log?: (line: string) => void;
}

export class FileCheckpointStore implements CheckpointStore {
  readonly skippedFile: string;
  readonly checkpointFile: string;
  private out?: FileHandle;
  private skipped?: FileHandle;
  private outputBytes = 0;
  private skippedBytes = 0;
  /** Whether load() found a checkpoint to continue from. */
  resumed = false;

  constructor(private readonly o: FileStoreOptions) {
    this.skippedFile = skippedPath(o.output);
    this.checkpointFile = checkpointPath(o.output);
  }

  async load(): Promise<BatchCheckpoint | null> {
    const log = this.o.log ?? (() => {});
    if (existsSync(this.checkpointFile)) {
      let saved: CheckpointFile;
      try {
        saved = JSON.parse(readFileSync(this.checkpointFile, 'utf8')) as CheckpointFile;
      } catch (e) {
        throw new Error(`${this.checkpointFile} is unreadable (${(e as Error).message}): delete it and the output to start afresh`);
      }
      if (this.o.resume) {
        if (saved.store.format !== this.o.format || saved.store.mode !== this.o.mode) {
          throw new Error(`${this.checkpointFile} was written for --format ${saved.store.format}${saved.store.mode === 'ranked' ? ' --ranked' : ''}: resume with the same output options`);
        }
        for (const [file, bytes] of [[this.o.output, saved.store.outputBytes], [this.skippedFile, saved.store.skippedBytes]] as const) {
          const size = existsSync(file) ? statSync(file).size : -1;
          if (size < bytes) throw new Error(`${file} is shorter than its checkpoint says (${size} < ${bytes} bytes): it was changed since; start afresh without --resume`);
          truncateSync(file, bytes);
        }
        this.outputBytes = saved.store.outputBytes;
        this.skippedBytes = saved.store.skippedBytes;
        this.out = await open(this.o.output, 'a');
        this.skipped = await open(this.skippedFile, 'a');
        this.resumed = true;
        log(`resuming: ${saved.checkpoint.documents.toLocaleString('en')} documents already done (${saved.checkpoint.recordsConsumed.toLocaleString('en')} input records)`);
        return saved.checkpoint;
      }
      if (!saved.checkpoint.done && !this.o.force) {
        throw new UnfinishedRunError(`${this.checkpointFile} belongs to an unfinished run: add --resume to continue it, or --force to start afresh`);
      }
    } else if (this.o.resume) {
      log('no checkpoint found: starting afresh');
    }
    await rm(this.checkpointFile, { force: true });
    this.out = await open(this.o.output, 'w');
    this.skipped = await open(this.skippedFile, 'w');
    if (this.o.format === 'csv') {
      const header = csvHeaderLine();
      await this.out.write(header);
      this.outputBytes = Buffer.byteLength(header);
    }
    return null;
  }

  async commit(batch: CommitBatch, checkpoint: BatchCheckpoint): Promise<void> {
    if (!this.out || !this.skipped) throw new Error('FileCheckpointStore.commit before load');
    let text = '';
    for (const d of batch.documents) text += formatDocument(d, this.o.format, this.o.mode);
    if (text) {
      const buf = Buffer.from(text, 'utf8');
      await this.out.write(buf);
      this.outputBytes += buf.byteLength;
    }
    await this.out.sync();
    if (batch.skipped.length) {
      const buf = Buffer.from(batch.skipped.map(skippedLine).join(''), 'utf8');
      await this.skipped.write(buf);
      this.skippedBytes += buf.byteLength;
      await this.skipped.sync();
    }
    const saved: CheckpointFile = {
      store: { version: 1, format: this.o.format, mode: this.o.mode, outputBytes: this.outputBytes, skippedBytes: this.skippedBytes },
      checkpoint,
    };
    const tmp = `${this.checkpointFile}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(JSON.stringify(saved));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.checkpointFile);
    fsyncDir(dirname(this.checkpointFile));
  }

  async close(): Promise<void> {
    await this.out?.close();
    await this.skipped?.close();
    this.out = this.skipped = undefined;
  }
}

/** Writes a small JSON file atomically (the summary). */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFile(`${file}.tmp`, `${JSON.stringify(value, null, 1)}\n`);
  await rename(`${file}.tmp`, file);
}

// Opens the CLI's input as a stream of input items: a CSV, a JSONL file, a .txt file (one document
// per line) or a folder of .txt files (one document per file). Checks up front what would make the
// whole run pointless (no such file, not a text file, no such column), so that the CLI fails in a
// second with a clear message instead of after loading a model.
import { createReadStream, existsSync, readdirSync, statSync, type ReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { csvDocuments, csvHeader, jsonlDocuments, notTextReason, textFileDocuments, textLineDocuments } from '../../src/core/batch/input.ts';
import { BatchInputError, type InputItem } from '../../src/core/batch/types.ts';

export type InputFormat = 'csv' | 'jsonl' | 'txt' | 'txt-dir';

export interface InputOptions {
  path: string;
  format?: 'csv' | 'jsonl' | 'txt';
  idColumn?: string;
  textColumn?: string;
  delimiter?: string;
}

export interface OpenedInput {
  format: InputFormat;
  path: string;
  /** Bytes (a file) or files (a folder) in all, for the progress line. */
  size: number;
  /** A fresh pass over the input (the runner reads it from the start, also on resume). */
  items(): AsyncIterable<InputItem>;
  /** Bytes (files) read so far by the current pass. */
  position(): number;
  /** What identifies this input for the checkpoint. */
  identity: Record<string, unknown>;
}

const CHUNK = 256 * 1024;

function formatFromName(path: string): InputOptions['format'] | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.txt') return 'txt';
  return undefined;
}

async function sniff(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const reason = notTextReason(buf.subarray(0, bytesRead));
    if (reason) throw new BatchInputError(`${path}: ${reason}`);
  } finally {
    await fh.close();
  }
}

export async function openInput(o: InputOptions): Promise<OpenedInput> {
  const path = resolve(o.path);
  if (!existsSync(path)) throw new BatchInputError(`${o.path}: no such file or folder`);
  const st = statSync(path);
  if (st.isDirectory()) {
    const files = readdirSync(path).filter((f) => f.toLowerCase().endsWith('.txt')).sort();
    if (!files.length) throw new BatchInputError(`${o.path}: the folder has no .txt files`);
    let done = 0;
    return {
      format: 'txt-dir',
      path,
      size: files.length,
      position: () => done,
      identity: { path, files: files.length, mtimeMs: st.mtimeMs },
      items: () => {
        done = 0;
        return textFileDocuments(
          (async function* () {
            for (const name of files) {
              const bytes = await readFile(join(path, name));
              done++;
              // A binary file among the texts is one skipped row, not the end of the run.
              yield { name, text: notTextReason(bytes.subarray(0, 64 * 1024)) ? '\u0000' : bytes.toString('utf8') };
            }
          })(),
        );
      },
    };
  }
  const format = o.format ?? formatFromName(path);
  if (!format) throw new BatchInputError(`${o.path}: cannot tell the input format from the file name: add --input-format csv, jsonl or txt`);
  if (st.size === 0) throw new BatchInputError(`${o.path}: the file is empty`);
  await sniff(path);
  const delimiter = o.delimiter ?? (extname(path).toLowerCase() === '.tsv' ? '\t' : undefined);
  let stream: ReadStream | undefined;
  const chunks = (): AsyncIterable<string> => {
    stream = createReadStream(path, { encoding: 'utf8', highWaterMark: CHUNK });
    return stream;
  };
  if (format === 'csv') {
    if (!o.textColumn) throw new BatchInputError('a CSV input needs --text-column (and usually --id-column)');
    const header = await csvHeader(chunks(), { delimiter });
    stream?.destroy();
    for (const [flag, col] of [['--text-column', o.textColumn], ['--id-column', o.idColumn]] as const) {
      if (col !== undefined && !header.some((h) => h === col || h.trim() === col.trim())) {
        throw new BatchInputError(`${o.path}: no column "${col}" (${flag}); the columns are ${header.slice(0, 30).map((h) => JSON.stringify(h)).join(', ')}`);
      }
    }
  }
  return {
    format,
    path,
    size: st.size,
    position: () => stream?.bytesRead ?? 0,
    identity: { path, size: st.size, mtimeMs: st.mtimeMs },
    items: () => {
      if (format === 'csv') return csvDocuments(chunks(), { textColumn: o.textColumn!, idColumn: o.idColumn, delimiter });
      if (format === 'jsonl') return jsonlDocuments(chunks(), { textField: o.textColumn ?? 'text', idField: o.idColumn });
      return textLineDocuments(chunks());
    },
  };
}

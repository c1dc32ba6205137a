// Streaming input parsers for batch extraction: CSV (chosen id and text columns; quoted multi-line
// cells, BOM, any line ending, through papaparse), JSONL, and plain texts. Each takes decoded text
// chunks (an AsyncIterable<string>: a Node read stream with an encoding, or a browser File's
// stream through a TextDecoderStream via `streamChunks`) and yields documents and skipped rows in
// input order, holding at most one chunk and one record in memory, however large the file.
// Row problems (missing field, empty text, invalid JSON, malformed quotes) are yielded as skipped
// rows with their line number; only problems that make the whole input unusable throw
// BatchInputError (a missing column, a file that is not text, a record larger than maxRecordChars).
import Papa from 'papaparse';
import { BatchInputError, type InputItem, type SkippedRow } from './types.ts';

/** A record (CSV row, JSONL line) longer than this stops the run: usually an unclosed quote swallowing the file. */
export const DEFAULT_MAX_RECORD_CHARS = 16 * 1024 * 1024;

export interface CsvInputOptions {
  /** Column holding the document text. */
  textColumn: string;
  /** Column holding the document id; absent: the 1-based record number. */
  idColumn?: string;
  /** Field delimiter; absent: detected from the first chunk (papaparse's guess among , ; tab |). */
  delimiter?: string;
  maxRecordChars?: number;
}

export interface JsonlInputOptions {
  /** Field holding the text; default "text". */
  textField?: string;
  /** Field holding the id; absent: the 1-based line number. */
  idField?: string;
  maxRecordChars?: number;
}

/** Reads a web ReadableStream of strings as chunks (browser: file.stream().pipeThrough(new TextDecoderStream())). */
export async function* streamChunks(stream: ReadableStream<string>): AsyncIterable<string> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value) yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Chunks with a leading byte-order mark removed (a UTF-8 BOM decodes to U+FEFF). */
async function* withoutBom(chunks: AsyncIterable<string>): AsyncIterable<string> {
  let first = true;
  for await (const c of chunks) {
    if (first) {
      first = false;
      const s = c.charCodeAt(0) === 0xfeff ? c.slice(1) : c;
      if (s) yield s;
      continue;
    }
    if (c) yield c;
  }
}

/**
 * Checks the first bytes of a file: a reason when it is not UTF-8 text (NUL bytes, UTF-16, invalid
 * UTF-8), else null. Pass up to the first 64 KB; a multi-byte character cut at the end is fine.
 */
export function notTextReason(head: Uint8Array): string | null {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) {
    return 'the file is UTF-16 text; save it as UTF-8';
  }
  const nul = head.indexOf(0);
  if (nul >= 0) return `the file is not text (a NUL byte at offset ${nul}; a spreadsheet, archive or other binary file?)`;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return 'the file is not valid UTF-8 text; save it as UTF-8';
  }
  return null;
}

/** Physical lines a piece of text ends: '\n' (also ending '\r\n'), or '\r' in a file with old Mac line ends. */
function countLineBreaks(s: string, from: number, to: number, cr: boolean): number {
  const ch = cr ? '\r' : '\n';
  let n = 0;
  for (let i = s.indexOf(ch, from); i >= 0 && i < to; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

/** Enough text to guess delimiter and line break reliably (papaparse looks at the first 10 rows). */
function enoughToGuess(s: string, maxChars: number): boolean {
  if (s.length >= Math.min(64 * 1024, maxChars)) return true;
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) if (++n >= 11) return true;
  return false;
}

/** A text for analysis: trimmed check only (offsets refer to the text as given). */
function isBlank(text: string): boolean {
  return !/\S/.test(text);
}

interface RawCsvRow {
  fields: string[];
  line: number;
  error?: string;
}

/**
 * CSV records from text chunks. papaparse parses each chunk (plus the unfinished record carried over
 * from the last one); the last record of a chunk is held back until the next chunk shows where it
 * ends, which is how papaparse's own streamers join chunks. Delimiter and line break are guessed
 * once from the first rows (papaparse's guess) and then fixed for every later chunk.
 */
async function* csvRecords(chunks: AsyncIterable<string>, delimiter: string | undefined, maxRecordChars: number): AsyncIterable<RawCsvRow> {
  let carry = '';
  let line = 1;
  let dialect: { delimiter: string; newline: string } | undefined;
  const parse = (input: string, final: boolean): RawCsvRow[] => {
    const d = dialect!;
    const rows: { data: string[]; cursor: number; errors: Papa.ParseError[] }[] = [];
    Papa.parse<string[]>(input, {
      delimiter: d.delimiter,
      newline: d.newline as Papa.ParseConfig['newline'],
      skipEmptyLines: false,
      step: (s) => rows.push({ data: s.data, cursor: s.meta.cursor, errors: s.errors }),
    });
    const out: RawCsvRow[] = [];
    let prev = 0;
    const keep = final ? rows.length : rows.length - 1;
    for (let i = 0; i < keep; i++) {
      const row = rows[i];
      const error = row.errors.find((e) => e.code === 'MissingQuotes' || e.code === 'InvalidQuotes');
      out.push({ fields: row.data, line, error: error ? `${error.message.toLowerCase()} (${error.code})` : undefined });
      line += countLineBreaks(input, prev, row.cursor, d.newline === '\r');
      prev = row.cursor;
    }
    carry = final ? '' : input.slice(prev);
    return out;
  };
  // Delimiter and line break are guessed once, from the first rows, and then fixed: a later chunk
  // guessed on its own could come out differently.
  const lock = (sample: string) => {
    const probe = Papa.parse<string[]>(sample, { preview: 10, delimiter: delimiter ?? '', skipEmptyLines: true });
    dialect = { delimiter: delimiter ?? probe.meta.delimiter, newline: probe.meta.linebreak || '\n' };
  };
  for await (const chunk of withoutBom(chunks)) {
    const input = carry + chunk;
    if (!dialect) {
      if (!enoughToGuess(input, maxRecordChars)) {
        carry = input;
        continue;
      }
      lock(input);
    }
    for (const row of parse(input, false)) yield row;
    if (carry.length > maxRecordChars) {
      throw new BatchInputError(`line ${line}: a record is longer than ${maxRecordChars.toLocaleString('en')} characters (an unclosed quote?)`);
    }
  }
  if (carry) {
    if (!dialect) lock(carry);
    for (const row of parse(carry, true)) yield row;
  }
}

function columnIndex(header: string[], name: string, role: string): number {
  const i = header.indexOf(name);
  if (i >= 0) return i;
  const trimmed = header.findIndex((h) => h.trim() === name.trim());
  if (trimmed >= 0) return trimmed;
  const shown = header.slice(0, 30).map((h) => JSON.stringify(h)).join(', ');
  throw new BatchInputError(`the CSV has no ${role} column "${name}" (columns: ${shown}${header.length > 30 ? ', ...' : ''})`);
}

/** Reads the CSV header only: the column names (for a column picker or an early check). */
export async function csvHeader(chunks: AsyncIterable<string>, options: Pick<CsvInputOptions, 'delimiter' | 'maxRecordChars'> = {}): Promise<string[]> {
  for await (const row of csvRecords(chunks, options.delimiter, options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS)) return row.fields;
  throw new BatchInputError('the CSV file is empty (no header row)');
}

/** Documents from a CSV with a header row. Throws BatchInputError when a chosen column does not exist. */
export async function* csvDocuments(chunks: AsyncIterable<string>, options: CsvInputOptions): AsyncIterable<InputItem> {
  let header: string[] | null = null;
  let textCol = -1;
  let idCol = -1;
  let record = 0;
  for await (const row of csvRecords(chunks, options.delimiter, options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS)) {
    if (!header) {
      header = row.fields;
      textCol = columnIndex(header, options.textColumn, 'text');
      idCol = options.idColumn !== undefined ? columnIndex(header, options.idColumn, 'id') : -1;
      continue;
    }
    // A blank line is no record (papaparse reports it as one empty field).
    if (row.fields.length === 1 && row.fields[0] === '' && !row.error) continue;
    record++;
    const skip = (s: Omit<SkippedRow, 'line'>): InputItem => ({ type: 'skipped', skipped: { line: row.line, ...s } });
    const id = idCol >= 0 ? row.fields[idCol] : String(record);
    if (row.error) {
      yield skip({ id, code: 'malformed-csv', reason: row.error });
      continue;
    }
    if (idCol >= 0 && (id === undefined || id.trim() === '')) {
      yield skip({ code: id === undefined ? 'missing-column' : 'invalid-id', reason: id === undefined ? `the row has ${row.fields.length} fields: no "${options.idColumn}" column` : 'empty id' });
      continue;
    }
    const text = row.fields[textCol];
    if (text === undefined) {
      yield skip({ id, code: 'missing-column', reason: `the row has ${row.fields.length} fields: no "${options.textColumn}" column` });
      continue;
    }
    if (isBlank(text)) {
      yield skip({ id, code: 'empty-text', reason: 'empty text' });
      continue;
    }
    yield { type: 'document', doc: { id: id.trim(), text, line: row.line } };
  }
  if (!header) throw new BatchInputError('the CSV file is empty (no header row)');
}

/** Lines of a text stream with their 1-based numbers (\n, \r\n; a final line without newline too). */
export async function* textLines(chunks: AsyncIterable<string>, maxRecordChars = DEFAULT_MAX_RECORD_CHARS): AsyncIterable<{ text: string; line: number }> {
  let carry = '';
  let line = 0;
  for await (const chunk of withoutBom(chunks)) {
    let s = carry + chunk;
    let from = 0;
    for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', from)) {
      const end = nl > from && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield { text: s.slice(from, end), line: ++line };
      from = nl + 1;
    }
    carry = s.slice(from);
    s = '';
    if (carry.length > maxRecordChars) throw new BatchInputError(`line ${line + 1}: a line is longer than ${maxRecordChars.toLocaleString('en')} characters`);
  }
  if (carry) yield { text: carry.endsWith('\r') ? carry.slice(0, -1) : carry, line: ++line };
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Documents from JSON Lines: one object per line with a text field (and an id field). Blank lines are ignored. */
export async function* jsonlDocuments(chunks: AsyncIterable<string>, options: JsonlInputOptions = {}): AsyncIterable<InputItem> {
  const textField = options.textField ?? 'text';
  for await (const { text: raw, line } of textLines(chunks, options.maxRecordChars)) {
    if (isBlank(raw)) continue;
    const skip = (s: Omit<SkippedRow, 'line'>): InputItem => ({ type: 'skipped', skipped: { line, ...s } });
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      yield skip({ code: 'invalid-json', reason: `invalid JSON: ${(e as Error).message}` });
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      yield skip({ code: 'not-an-object', reason: 'the line is JSON but not an object' });
      continue;
    }
    const obj = value as Record<string, unknown>;
    let id = String(line);
    if (options.idField !== undefined) {
      const v = idOf(obj[options.idField]);
      if (v === undefined) {
        yield skip({ code: options.idField in obj ? 'invalid-id' : 'missing-column', reason: options.idField in obj ? `"${options.idField}" is not a non-empty string or number` : `no "${options.idField}" field` });
        continue;
      }
      id = v;
    }
    const text = obj[textField];
    if (typeof text !== 'string') {
      yield skip({ id, code: 'missing-column', reason: textField in obj ? `"${textField}" is not a string` : `no "${textField}" field` });
      continue;
    }
    if (isBlank(text)) {
      yield skip({ id, code: 'empty-text', reason: 'empty text' });
      continue;
    }
    yield { type: 'document', doc: { id, text, line } };
  }
}

/** Documents from plain text, one per non-blank line; the id is the line number. */
export async function* textLineDocuments(chunks: AsyncIterable<string>): AsyncIterable<InputItem> {
  for await (const { text, line } of textLines(chunks)) {
    if (isBlank(text)) continue;
    yield { type: 'document', doc: { id: String(line), text, line } };
  }
}

/** Documents from whole text files (many .txt files): the id is the file name. */
export async function* textFileDocuments(files: AsyncIterable<{ name: string; text: string }> | Iterable<{ name: string; text: string }>): AsyncIterable<InputItem> {
  let n = 0;
  for await (const f of files) {
    n++;
    const text = f.text.charCodeAt(0) === 0xfeff ? f.text.slice(1) : f.text;
    if (text.indexOf('\u0000') >= 0) yield { type: 'skipped', skipped: { line: n, id: f.name, code: 'not-text', reason: 'the file is not text' } };
    else if (isBlank(text)) yield { type: 'skipped', skipped: { line: n, id: f.name, code: 'empty-text', reason: 'empty file' } };
    else yield { type: 'document', doc: { id: f.name, text, line: n } };
  }
}

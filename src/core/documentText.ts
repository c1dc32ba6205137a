// Reading a job ad or CV from a file: the size limit, what kind of file it really is (from its
// bytes, not its name), PDF text assembly from pdf.js text items, DOCX via a raw-text extractor,
// and typed, user-facing errors. The PDF and DOCX libraries are passed in (DocumentLibraries), so
// this module stays free of DOM and bundler specifics: the app hands it pdf.js's browser build
// with a bundled worker, Node tests the legacy build. The returned text is exactly what the app
// shows and computes offsets on.

/** Files above this are refused before their bytes are read (a CV or an ad is far smaller). */
export const MAX_DOCUMENT_FILE_BYTES = 20 * 1024 * 1024;

/** A page counts as text only with at least this many letters (a scan's page number is not text). */
const MIN_LETTERS_PER_TEXT_PAGE = 3;

export type DocumentKind = 'pdf' | 'docx' | 'text';

export type DocumentErrorCode =
  | 'too-large'
  | 'image'
  | 'unsupported'
  | 'no-text-layer'
  | 'encrypted'
  | 'corrupt'
  | 'empty'
  | 'read-failed';

export class DocumentFileError extends Error {
  override readonly name = 'DocumentFileError';
  constructor(
    readonly code: DocumentErrorCode,
    /** The user-facing sentence, naming the file. */
    message: string,
    /** The kind the bytes showed, where known (a corrupt PDF is still kind 'pdf'). */
    readonly kind?: DocumentKind,
  ) {
    super(message);
  }
}

export interface DocumentText {
  text: string;
  kind: DocumentKind;
  /** PDF only. */
  pages?: number;
  /** Things the user should know about the text (pages without text, a misleading extension, ...). */
  notes: string[];
}

/** What is needed of a File (a browser File satisfies it). */
export interface DocumentSource {
  name: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

// ---- the libraries, as far as this module uses them ----

/** A pdf.js text item; marked-content entries (no `str`) are skipped. */
export interface PdfTextItem {
  str: string;
  /** [a, b, c, d, x, y] in PDF user space. */
  transform: number[];
  width: number;
  height: number;
  hasEOL?: boolean;
}

interface PdfPage {
  getTextContent(): Promise<{ items: ReadonlyArray<PdfTextItem | object> }>;
  cleanup?(): unknown;
}

interface PdfDocument {
  numPages: number;
  getPage(pageNumber: number): Promise<PdfPage>;
  destroy(): Promise<void>;
}

export interface PdfJs {
  getDocument(params: {
    data: Uint8Array;
    isEvalSupported: boolean;
    verbosity: number;
    disableFontFace: boolean;
  }): { promise: Promise<PdfDocument>; destroy(): Promise<void> };
}

export interface DocumentLibraries {
  /** pdf.js, loaded on first use (text files never load it). */
  pdfjs(): Promise<PdfJs>;
  /** mammoth's extractRawText on these bytes (the input shape differs between browser and Node). */
  docxRawText(bytes: Uint8Array): Promise<{ value: string; messages: ReadonlyArray<{ type: string; message: string }> }>;
}

export interface ReadOptions {
  /** PDF pages read so far, for a progress line on long documents. */
  onProgress?(pagesDone: number, pageCount: number): void;
}

// ---- size ----

export function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : mb.toFixed(1)} MB`;
}

/** Throws 'too-large' when `size` is over the limit; callers run it before reading any byte. */
export function checkDocumentSize(name: string, size: number, limit = MAX_DOCUMENT_FILE_BYTES): void {
  if (size > limit) {
    throw new DocumentFileError(
      'too-large',
      `"${name}" is ${formatMegabytes(size)}; files up to ${formatMegabytes(limit)} can be opened. Paste the text instead.`,
    );
  }
}

// ---- sniffing ----

export type Sniffed =
  | { kind: 'empty' }
  | { kind: 'pdf' }
  | { kind: 'docx'; intact: boolean }
  | { kind: 'text'; encoding: 'utf-8' | 'utf-16le' | 'utf-16be' }
  | { kind: 'image'; format: string }
  /** A known non-document format, described for the message ("an Excel workbook"). */
  | { kind: 'other'; what: string; advice: string }
  | { kind: 'binary' };

function startsWith(bytes: Uint8Array, sig: ArrayLike<number>, at = 0): boolean {
  if (bytes.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[at + i] !== sig[i]) return false;
  return true;
}

function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

function asciiAt(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

function imageFormat(bytes: Uint8Array): string | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'PNG';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'JPEG';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'GIF';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'WebP';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'TIFF';
  if (startsWith(bytes, ascii('ftyp'), 4)) {
    const brand = asciiAt(bytes, 8, 4);
    if (/^(heic|heix|heif|mif1|msf1)$/.test(brand)) return 'HEIC';
    if (/^avi[fs]$/.test(brand)) return 'AVIF';
  }
  // BMP: "BM", then a DIB header size that only bitmaps have (text starting with "BM" does not).
  if (startsWith(bytes, ascii('BM')) && bytes.length >= 18 && [12, 40, 52, 56, 108, 124].includes(new DataView(bytes.buffer, bytes.byteOffset).getUint32(14, true))) {
    return 'BMP';
  }
  return null;
}

/**
 * The names in a ZIP's central directory, or null when it cannot be found (a truncated file).
 * Enough of the format to tell a Word document from other ZIP-based files; no decompression.
 */
export function zipEntryNames(bytes: Uint8Array): string[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record is 22 bytes plus a comment of up to 65,535.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let eocd = bytes.length - 22; eocd >= lowest; eocd--) {
    if (view.getUint32(eocd, true) !== 0x06054b50) continue;
    const count = view.getUint16(eocd + 10, true);
    const start = view.getUint32(eocd + 16, true);
    const names: string[] = [];
    let at = start;
    for (let i = 0; i < count; i++) {
      if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) return null;
      const nameLength = view.getUint16(at + 28, true);
      const extraLength = view.getUint16(at + 30, true);
      const commentLength = view.getUint16(at + 32, true);
      names.push(new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength)));
      at += 46 + nameLength + extraLength + commentLength;
    }
    return names;
  }
  return null;
}

function sniffZip(bytes: Uint8Array, fileName: string): Sniffed {
  const names = zipEntryNames(bytes);
  if (names === null) {
    // No directory: judge by the first entry's name (Word writes its OOXML parts first) or the extension.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const firstName = bytes.length >= 30 ? asciiAt(bytes, 30, Math.min(view.getUint16(26, true), bytes.length - 30)) : '';
    const looksWord = /^(\[Content_Types\]\.xml|_rels\/|word\/|docProps\/)/.test(firstName) || /\.docx$/i.test(fileName);
    return looksWord ? { kind: 'docx', intact: false } : { kind: 'other', what: 'a damaged ZIP archive', advice: 'open a PDF, DOCX or text file' };
  }
  if (names.includes('word/document.xml')) return { kind: 'docx', intact: true };
  const save = 'save it as DOCX or PDF and open that';
  if (names.includes('xl/workbook.xml')) return { kind: 'other', what: 'an Excel workbook', advice: save };
  if (names.includes('ppt/presentation.xml')) return { kind: 'other', what: 'a PowerPoint presentation', advice: save };
  if (names.includes('content.xml') && names.includes('mimetype')) return { kind: 'other', what: 'an OpenDocument file', advice: save };
  if (names.includes('[Content_Types].xml')) return { kind: 'other', what: 'an Office file that is not a Word document', advice: save };
  return { kind: 'other', what: 'a ZIP archive', advice: 'unpack it and open the document inside' };
}

/** What the bytes are. The file name only breaks ties for damaged ZIPs. */
export function sniffDocument(bytes: Uint8Array, fileName = ''): Sniffed {
  if (bytes.length === 0) return { kind: 'empty' };
  // Readers accept a PDF header anywhere in the first KiB (some writers put junk before it).
  const head = asciiAt(bytes, 0, Math.min(bytes.length, 1024));
  if (head.includes('%PDF-')) return { kind: 'pdf' };
  const image = imageFormat(bytes);
  if (image) return { kind: 'image', format: image };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return sniffZip(bytes, fileName);
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return { kind: 'other', what: 'an old Word (.doc) or other Office 97-2003 file', advice: 'save it as DOCX or PDF and open that' };
  }
  if (startsWith(bytes, ascii('{\\rtf'))) return { kind: 'other', what: 'an RTF document', advice: 'save it as DOCX or PDF and open that' };
  if (startsWith(bytes, [0xff, 0xfe])) return { kind: 'text', encoding: 'utf-16le' };
  if (startsWith(bytes, [0xfe, 0xff])) return { kind: 'text', encoding: 'utf-16be' };
  if (bytes.includes(0)) return { kind: 'binary' };
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { kind: 'text', encoding: 'utf-8' };
  } catch {
    return { kind: 'binary' };
  }
}

// ---- text normalisation ----

/** Plain text files: only line endings and the byte-order mark change, so the text is the file's. */
export function normalisePlainText(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/**
 * Text taken out of a PDF or DOCX: unified line endings, control characters and soft hyphens
 * removed (a soft hyphen at a line end joins the word: "manage\u00AD\nment" -> "management"),
 * no-break spaces as spaces, trailing spaces cut, at most one blank line between paragraphs.
 * `collapseSpaces` also merges runs of spaces (PDF text items often leave doubles).
 */
export function normaliseExtractedText(text: string, collapseSpaces = false): string {
  let s = text
    .replace(/\r\n?/g, '\n')
    .replace(/\f/g, '\n\n')
    .replace(/\u00AD\n/g, '')
    // Control characters other than tab and newline, soft hyphens, BOMs and zero-width spaces carry no text.
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F\u00AD\uFEFF\u200B]/g, '')
    .replace(/[\u00A0\u2007\u202F]/g, ' ');
  if (collapseSpaces) s = s.replace(/ {2,}/g, ' ');
  return s
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function letterCount(s: string): number {
  return s.match(/\p{L}/gu)?.length ?? 0;
}

// ---- PDF ----

function isTextItem(item: PdfTextItem | object): item is PdfTextItem {
  return typeof (item as { str?: unknown }).str === 'string';
}

/**
 * One page's text from pdf.js items, in content order (the order the page was written, which is
 * reading order for what word processors produce). A new line starts where pdf.js marks an end of
 * line or the baseline moves by more than half the font size; a space is put between items that
 * leave a horizontal gap; a vertical gap of more than 1.8 lines, or a jump back up the page (a new
 * column), starts a new paragraph (blank line).
 */
export function pdfPageText(items: ReadonlyArray<PdfTextItem | object>): string {
  interface Line {
    text: string;
    y: number;
    size: number;
  }
  const lines: Line[] = [];
  let text = '';
  let lineY = 0;
  let lineSize = 0;
  let lastY = 0;
  let lastSize = 0;
  let lastEnd = 0;
  const endLine = () => {
    if (text.trim()) lines.push({ text: text.trimEnd(), y: lineY, size: lineSize });
    text = '';
  };
  for (const item of items) {
    if (!isTextItem(item)) continue;
    const [, , c, d, x, y] = item.transform;
    const size = Math.hypot(c, d) || item.height || 1;
    if (item.str) {
      if (text && Math.abs(y - lastY) > Math.max(size, lastSize) / 2) endLine();
      if (!text) {
        lineY = y;
        lineSize = size;
      } else if (x - lastEnd > 0.2 * Math.min(size, lastSize) && !/\s$/.test(text) && !/^\s/.test(item.str)) {
        text += ' ';
      }
      text += item.str;
      lineSize = Math.max(lineSize, size);
      lastY = y;
      lastSize = size;
      lastEnd = x + item.width;
    }
    if (item.hasEOL) endLine();
  }
  endLine();
  let out = '';
  lines.forEach((line, i) => {
    if (i > 0) {
      const prev = lines[i - 1];
      const drop = prev.y - line.y;
      const paragraph = drop > 1.8 * Math.max(prev.size, line.size) || drop < -Math.max(prev.size, line.size);
      out += paragraph ? '\n\n' : '\n';
    }
    out += line.text;
  });
  return out;
}

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function pdfError(name: string, e: unknown): DocumentFileError {
  const errorName = (e as { name?: unknown } | null)?.name;
  if (errorName === 'PasswordException') {
    return new DocumentFileError('encrypted', `"${name}" is password-protected; open an unprotected copy or paste the text.`, 'pdf');
  }
  return new DocumentFileError('corrupt', `"${name}" looks like a PDF but could not be read (the file is damaged or incomplete: ${describeError(e)}).`, 'pdf');
}

async function readPdf(name: string, bytes: Uint8Array, libs: DocumentLibraries, options: ReadOptions): Promise<DocumentText> {
  let pdfjs: PdfJs;
  try {
    pdfjs = await libs.pdfjs();
  } catch (e) {
    throw new DocumentFileError('read-failed', `The PDF reader could not be loaded (${describeError(e)}); reload the page and try again.`, 'pdf');
  }
  const task = pdfjs.getDocument({ data: bytes, isEvalSupported: false, verbosity: 0, disableFontFace: true });
  let doc: PdfDocument;
  try {
    doc = await task.promise;
  } catch (e) {
    void task.destroy();
    throw pdfError(name, e);
  }
  try {
    const pageTexts: string[] = [];
    const unreadable: number[] = [];
    let textless = 0;
    for (let n = 1; n <= doc.numPages; n++) {
      try {
        const page = await doc.getPage(n);
        const text = pdfPageText((await page.getTextContent()).items);
        page.cleanup?.();
        if (letterCount(text) >= MIN_LETTERS_PER_TEXT_PAGE) pageTexts.push(text);
        else textless++;
      } catch {
        unreadable.push(n);
      }
      options.onProgress?.(n, doc.numPages);
    }
    if (doc.numPages === 0) throw new DocumentFileError('empty', `"${name}" has no pages.`, 'pdf');
    if (unreadable.length === doc.numPages) throw pdfError(name, new Error('no page could be read'));
    if (pageTexts.length === 0) {
      throw new DocumentFileError('no-text-layer', `"${name}" has no text layer — it looks scanned; run OCR first or paste the text.`, 'pdf');
    }
    const notes: string[] = [];
    if (textless > 0) {
      notes.push(`${textless} of ${doc.numPages} pages have no text layer (scanned?); their text is missing. Run OCR on the file to include them.`);
    }
    if (unreadable.length > 0) notes.push(`Page${unreadable.length > 1 ? 's' : ''} ${unreadable.join(', ')} could not be read and ${unreadable.length > 1 ? 'are' : 'is'} missing.`);
    return { text: normaliseExtractedText(pageTexts.join('\n\n'), true), kind: 'pdf', pages: doc.numPages, notes };
  } finally {
    await doc.destroy();
  }
}

// ---- DOCX and text ----

async function readDocx(name: string, bytes: Uint8Array, libs: DocumentLibraries): Promise<DocumentText> {
  let result: Awaited<ReturnType<DocumentLibraries['docxRawText']>>;
  try {
    result = await libs.docxRawText(bytes);
  } catch (e) {
    throw new DocumentFileError(
      'corrupt',
      `"${name}" looks like a Word document (.docx) but could not be read (the file is damaged or incomplete: ${describeError(e)}).`,
      'docx',
    );
  }
  // mammoth ends every paragraph with a blank line; normalising keeps exactly one between them.
  const text = normaliseExtractedText(result.value);
  if (!text) throw new DocumentFileError('empty', `"${name}" contains no text.`, 'docx');
  const notes = result.messages.some((m) => m.type === 'error') ? ['Parts of the document could not be read and may be missing.'] : [];
  return { text, kind: 'docx', notes };
}

function readText(name: string, bytes: Uint8Array, encoding: 'utf-8' | 'utf-16le' | 'utf-16be'): DocumentText {
  let decoded: string;
  try {
    decoded = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new DocumentFileError('unsupported', `"${name}" is not a plain text file (its ${encoding.toUpperCase()} text is damaged).`);
  }
  const text = normalisePlainText(decoded);
  if (!text.trim()) throw new DocumentFileError('empty', `"${name}" contains no text.`, 'text');
  return { text, kind: 'text', notes: encoding === 'utf-8' ? [] : [`Read as ${encoding.toUpperCase()} text.`] };
}

const EXTENSION_KIND: Record<string, DocumentKind> = { pdf: 'pdf', docx: 'docx', txt: 'text', text: 'text', md: 'text' };
const KIND_NAME: Record<DocumentKind, string> = { pdf: 'a PDF', docx: 'a Word document (DOCX)', text: 'a text file' };

/**
 * Reads a document file into the text the app shows: checks the size before reading, sniffs the
 * bytes, extracts, normalises. Throws DocumentFileError for every refusal.
 */
export async function readDocument(source: DocumentSource, libs: DocumentLibraries, options: ReadOptions = {}): Promise<DocumentText> {
  const { name } = source;
  checkDocumentSize(name, source.size);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await source.arrayBuffer());
  } catch (e) {
    throw new DocumentFileError('read-failed', `"${name}" could not be read: ${describeError(e)}`);
  }
  checkDocumentSize(name, bytes.length);
  const sniffed = sniffDocument(bytes, name);
  let result: DocumentText;
  switch (sniffed.kind) {
    case 'empty':
      throw new DocumentFileError('empty', `"${name}" is empty.`);
    case 'image':
      throw new DocumentFileError('image', `"${name}" is an image (${sniffed.format}); open a PDF, DOCX or text file.`);
    case 'other':
      throw new DocumentFileError('unsupported', `"${name}" is ${sniffed.what}, not a PDF, DOCX or text file; ${sniffed.advice}.`);
    case 'binary':
      throw new DocumentFileError('unsupported', `"${name}" is not a plain text file, PDF or Word document (.docx).`);
    case 'pdf':
      result = await readPdf(name, bytes, libs, options);
      break;
    case 'docx':
      result = await readDocx(name, bytes, libs);
      break;
    case 'text':
      result = readText(name, bytes, sniffed.encoding);
      break;
  }
  const claimed = EXTENSION_KIND[/\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? ''];
  if (claimed && claimed !== result.kind) result.notes.unshift(`"${name}" is ${KIND_NAME[result.kind]}, not what its name says; it was read as one.`);
  return result;
}

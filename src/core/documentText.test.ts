// Document input end to end in Node: the fixtures of e2e/fixtures/documents.ts go through
// readDocument with the real libraries (pdf.js's legacy build, mammoth's Node build), and each
// bad file must fail with its own error code before or instead of producing text.
import { extractRawText } from 'mammoth';
import { describe, expect, it } from 'vitest';
import {
  AD_DOCX_TEXT,
  adDocx,
  buildPdf,
  CV_PDF_PAGES,
  CV_PDF_TEXT,
  cvPdf,
  emptyDocx,
  encryptedPdf,
  jpegHeader,
  legacyDocHeader,
  oversizeSource,
  scannedPdf,
  sourceOf,
  tinyPng,
  truncatedDocx,
  truncatedPdf,
  workbookZip,
} from '../../e2e/fixtures/documents.ts';
import {
  checkDocumentSize,
  DocumentFileError,
  MAX_DOCUMENT_FILE_BYTES,
  normaliseExtractedText,
  pdfPageText,
  readDocument,
  sniffDocument,
  zipEntryNames,
  type DocumentErrorCode,
  type DocumentLibraries,
  type PdfJs,
} from './documentText.ts';

let pdfjsLoads = 0;
const nodeLibraries: DocumentLibraries = {
  async pdfjs() {
    pdfjsLoads++;
    return (await import('pdfjs-dist/legacy/build/pdf.mjs')) as PdfJs;
  },
  docxRawText: (bytes) => extractRawText({ buffer: Buffer.from(bytes) }),
};

const read = (name: string, bytes: Uint8Array) => readDocument(sourceOf(name, bytes), nodeLibraries);

async function errorOf(promise: Promise<unknown>): Promise<DocumentFileError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof DocumentFileError) return e;
    throw e;
  }
  throw new Error('expected a DocumentFileError, got a result');
}

async function expectCode(promise: Promise<unknown>, code: DocumentErrorCode, message: RegExp): Promise<DocumentFileError> {
  const error = await errorOf(promise);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  return error;
}

describe('readDocument: good files', () => {
  it('reads the two-page PDF in reading order: lines, a paragraph gap, pages as paragraphs', async () => {
    const doc = await read('cv.pdf', cvPdf());
    expect(doc.kind).toBe('pdf');
    expect(doc.pages).toBe(2);
    expect(doc.text).toBe(CV_PDF_TEXT);
    expect(doc.notes).toEqual([]);
    // The skills line was two runs on one baseline: joined with one space, not split into lines.
    expect(doc.text.split('\n')).toContain('Skills: Python, project management, customer service');
  });

  it('reports page progress while reading a PDF', async () => {
    const seen: string[] = [];
    await readDocument(sourceOf('cv.pdf', cvPdf()), nodeLibraries, { onProgress: (done, total) => seen.push(`${done}/${total}`) });
    expect(seen).toEqual(['1/2', '2/2']);
  });

  it('reads the DOCX paragraphs separated by blank lines, runs joined, XML entities decoded', async () => {
    const doc = await read('ad.docx', adDocx());
    expect(doc).toEqual({ text: AD_DOCX_TEXT, kind: 'docx', notes: [] });
    expect(doc.text).toContain('R & Python');
  });

  it('reads UTF-8 text as it is, apart from the BOM and CRLF line ends', async () => {
    const bytes = new TextEncoder().encode('\uFEFFKenntnisse:  Java\r\nGrüße\r\n');
    const doc = await read('ad.txt', bytes);
    expect(doc).toEqual({ text: 'Kenntnisse:  Java\nGrüße\n', kind: 'text', notes: [] });
  });

  it('reads UTF-16 text with a byte-order mark', async () => {
    const body = 'Pflegefachkraft (m/w/d)';
    const bytes = new Uint8Array(2 + body.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < body.length; i++) bytes[2 + i * 2] = body.charCodeAt(i);
    const doc = await read('ad.txt', bytes);
    expect(doc.text).toBe(body);
    expect(doc.notes).toEqual(['Read as UTF-16LE text.']);
  });

  it('trusts the bytes over the name, and says so', async () => {
    const doc = await read('cv.txt', cvPdf());
    expect(doc.kind).toBe('pdf');
    expect(doc.text).toBe(CV_PDF_TEXT);
    expect(doc.notes[0]).toMatch(/"cv\.txt" is a PDF, not what its name says/);
  });

  it('does not load pdf.js for text files', async () => {
    const before = pdfjsLoads;
    await read('a.txt', new TextEncoder().encode('SQL'));
    expect(pdfjsLoads).toBe(before);
  });
});

describe('readDocument: refusals', () => {
  it('refuses a file over the limit before reading a byte of it', async () => {
    const source = oversizeSource('huge.pdf', MAX_DOCUMENT_FILE_BYTES);
    await expectCode(readDocument(source, nodeLibraries), 'too-large', /"huge\.pdf" is 20 MB; files up to 20 MB/);
    expect(source.reads).toBe(0);
    // At the limit exactly it is accepted.
    expect(() => checkDocumentSize('ok.pdf', MAX_DOCUMENT_FILE_BYTES)).not.toThrow();
  });

  it('refuses a PDF with no text layer (a scan) and points to OCR', async () => {
    const error = await expectCode(read('scan.pdf', scannedPdf()), 'no-text-layer', /no text layer — it looks scanned; run OCR first or paste the text/);
    expect(error.kind).toBe('pdf');
  });

  it('keeps the text pages of a partly scanned PDF and notes the others', async () => {
    const page = (s: string) => `BT /F1 11 Tf 1 0 0 1 72 700 Tm (${s}) Tj ET`;
    const doc = await read('mixed.pdf', buildPdf([page('Skills: welding'), 'q 0.5 g 72 72 200 200 re f Q', page('Forklift licence')]));
    expect(doc.text).toBe('Skills: welding\n\nForklift licence');
    expect(doc.pages).toBe(3);
    expect(doc.notes).toEqual([expect.stringMatching(/^1 of 3 pages have no text layer/)]);
  });

  it('refuses a password-protected PDF (pdf.js asks for a password)', async () => {
    await expectCode(read('locked.pdf', encryptedPdf()), 'encrypted', /"locked\.pdf" is password-protected/);
  });

  it('refuses a damaged PDF and a damaged DOCX as corrupt, naming their kind', async () => {
    expect((await expectCode(read('cut.pdf', truncatedPdf()), 'corrupt', /looks like a PDF but could not be read/)).kind).toBe('pdf');
    expect((await expectCode(read('cut.docx', truncatedDocx()), 'corrupt', /looks like a Word document \(\.docx\) but could not be read/)).kind).toBe('docx');
  });

  it('refuses images whatever their name says', async () => {
    await expectCode(read('cv.pdf', tinyPng()), 'image', /^"cv\.pdf" is an image \(PNG\); open a PDF, DOCX or text file\.$/);
    await expectCode(read('cv.docx', jpegHeader()), 'image', /is an image \(JPEG\)/);
  });

  it('refuses empty files and documents without text', async () => {
    await expectCode(read('empty.txt', new Uint8Array()), 'empty', /"empty\.txt" is empty/);
    await expectCode(read('blank.txt', new TextEncoder().encode(' \n\t\n')), 'empty', /contains no text/);
    await expectCode(read('blank.docx', emptyDocx()), 'empty', /contains no text/);
  });

  it('refuses binary and other formats with advice', async () => {
    await expectCode(read('photo.png', new Uint8Array([0x89, 0x50])), 'unsupported', /is not a plain text file, PDF or Word document/);
    await expectCode(read('cv.doc', legacyDocHeader()), 'unsupported', /old Word \(\.doc\).*save it as DOCX or PDF/);
    await expectCode(read('book.xlsx', workbookZip()), 'unsupported', /an Excel workbook/);
    await expectCode(read('x.txt', new Uint8Array([0x41, 0xc3, 0x28])), 'unsupported', /not a plain text file/);
  });

  it('reports a failure to load the PDF reader as read-failed', async () => {
    const broken: DocumentLibraries = { ...nodeLibraries, pdfjs: () => Promise.reject(new Error('chunk missing')) };
    await expectCode(readDocument(sourceOf('cv.pdf', cvPdf()), broken), 'read-failed', /PDF reader could not be loaded \(chunk missing\)/);
  });
});

describe('sniffing', () => {
  it('tells kinds apart by their bytes', () => {
    expect(sniffDocument(cvPdf()).kind).toBe('pdf');
    expect(sniffDocument(new Uint8Array([0x20, 0x0a, ...cvPdf()])).kind).toBe('pdf');
    expect(sniffDocument(adDocx())).toEqual({ kind: 'docx', intact: true });
    expect(sniffDocument(truncatedDocx(), 'x.bin')).toEqual({ kind: 'docx', intact: false });
    expect(sniffDocument(tinyPng())).toEqual({ kind: 'image', format: 'PNG' });
    expect(sniffDocument(new TextEncoder().encode('BMW service technician'))).toEqual({ kind: 'text', encoding: 'utf-8' });
    expect(sniffDocument(new Uint8Array([0x41, 0x00, 0x42])).kind).toBe('binary');
  });

  it('lists a zip directory', () => {
    expect(zipEntryNames(adDocx())).toEqual(['[Content_Types].xml', '_rels/.rels', 'word/document.xml']);
    expect(zipEntryNames(truncatedDocx())).toBeNull();
  });
});

describe('PDF text assembly', () => {
  const item = (str: string, x: number, y: number, width: number, size = 10, hasEOL = false) => ({
    str,
    transform: [size, 0, 0, size, x, y],
    width,
    height: size,
    hasEOL,
  });

  it('breaks lines on a baseline change, keeps superscripts on their line, spaces gaps', () => {
    const text = pdfPageText([
      item('Java', 100, 700, 20),
      item('2', 121, 703, 4, 6), // superscript: 3 units up, same line, no gap
      item('Kotlin', 140, 700, 25), // gap of 15 -> a space
      item('SQL', 100, 688, 15), // next line
      { type: 'beginMarkedContent' }, // marked content carries no text
      item('Docker', 100, 640, 30), // more than 1.8 lines down: new paragraph
    ]);
    expect(text).toBe('Java2 Kotlin\nSQL\n\nDocker');
  });

  it('honours pdf.js end-of-line marks and a jump back up the page (a second column)', () => {
    const text = pdfPageText([item('left one', 72, 700, 40, 10, true), item('left two', 72, 688, 40), item('right', 320, 700, 30)]);
    expect(text).toBe('left one\nleft two\n\nright');
  });

  it('produces exactly the fixture pages', async () => {
    const pdfjs = (await nodeLibraries.pdfjs()) as PdfJs;
    const doc = await pdfjs.getDocument({ data: cvPdf(), isEvalSupported: false, verbosity: 0, disableFontFace: true }).promise;
    try {
      for (let n = 1; n <= doc.numPages; n++) {
        expect(pdfPageText((await (await doc.getPage(n)).getTextContent()).items)).toBe(CV_PDF_PAGES[n - 1].text);
      }
    } finally {
      await doc.destroy();
    }
  });
});

describe('normaliseExtractedText', () => {
  it('joins soft-hyphenated words, drops controls, unifies spaces and blank lines', () => {
    expect(normaliseExtractedText('manage\u00ADment  skills\u00A0\r\n\r\n\r\n\r\nnext\u0007 \f end', true)).toBe('management skills\n\nnext\n\n end');
    expect(normaliseExtractedText('a\tb  c')).toBe('a\tb  c');
  });
});

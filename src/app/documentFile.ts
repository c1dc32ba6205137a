// Opening a PDF, DOCX or text file in the browser, with nothing uploaded: src/core/documentText.ts
// does the checks and text assembly; this module supplies the browser builds of the libraries.
// pdf.js and mammoth are loaded only when such a file is opened (separate chunks, so the app's
// first load does not grow), and pdf.js's worker is a bundled asset imported with Vite's `?url`:
// no CDN, so it works offline once the service worker has precached the build.
import { readDocument, type DocumentLibraries, type DocumentText, type PdfJs, type ReadOptions } from '../core/documentText.ts';

export { DocumentFileError, MAX_DOCUMENT_FILE_BYTES, type DocumentErrorCode, type DocumentKind, type DocumentText } from '../core/documentText.ts';

let pdfjsLoading: Promise<PdfJs> | null = null;

function loadPdfjs(): Promise<PdfJs> {
  pdfjsLoading ??= Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]).then(([pdfjs, worker]) => {
    pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
    return pdfjs;
  });
  // A failed chunk load (offline before the first precache) may succeed on the next try.
  pdfjsLoading.catch(() => (pdfjsLoading = null));
  return pdfjsLoading;
}

const browserLibraries: DocumentLibraries = {
  pdfjs: loadPdfjs,
  async docxRawText(bytes) {
    const mammoth = await import('mammoth');
    // mammoth's browser build takes an ArrayBuffer (its Node build a Buffer); copy out exactly these bytes.
    const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return (mammoth.default ?? mammoth).extractRawText({ arrayBuffer });
  },
};

/**
 * The text of a picked or dropped file, exactly as the text pane should show it. Rejects with a
 * DocumentFileError (code + user-facing message) for files it cannot or should not read.
 */
export function readDocumentFile(file: File, options?: ReadOptions): Promise<DocumentText> {
  return readDocument(file, browserLibraries, options);
}

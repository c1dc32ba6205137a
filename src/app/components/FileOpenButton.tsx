// Opening a document into a text pane: FileOpenButton (a button over a hidden file input, the
// keyboard route) and DropZone (a wrapper that takes dropped files). Both read .txt, .pdf and
// .docx in the browser (src/app/documentFile.ts), say "Reading <name>…" while busy, and hand the
// pane either the text or a user-facing message; the pane decides what to do with either.
import { useEffect, useRef, useState, type DragEvent, type ReactNode } from 'react';
import { DocumentFileError, readDocumentFile, type DocumentText } from '../documentFile.ts';

export const DOCUMENT_ACCEPT =
  '.txt,.pdf,.docx,text/plain,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export interface DocumentFileHandlers {
  /** The file's text, exactly as the pane should show it; `doc` has its kind, page count and notes. */
  onText(text: string, fileName: string, doc: DocumentText): void;
  /** Why the file could not be opened, as one sentence naming it. The pane's text is not touched. */
  onError(message: string): void;
}

interface Busy {
  name: string;
  pagesDone?: number;
  pageCount?: number;
}

/** One read at a time per component; a newer file supersedes an older one still being read. */
function useDocumentRead({ onText, onError }: DocumentFileHandlers) {
  const [busy, setBusy] = useState<Busy | null>(null);
  const latest = useRef(0);
  useEffect(() => () => void (latest.current = -1), []);
  const read = async (file: File) => {
    const id = ++latest.current;
    const current = () => latest.current === id;
    setBusy({ name: file.name });
    try {
      const doc = await readDocumentFile(file, {
        onProgress: (pagesDone, pageCount) => current() && pageCount > 1 && setBusy({ name: file.name, pagesDone, pageCount }),
      });
      if (current()) onText(doc.text, file.name, doc);
    } catch (e) {
      if (current()) onError(e instanceof DocumentFileError ? e.message : `"${file.name}" could not be read: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      if (current()) setBusy(null);
    }
  };
  return { busy, read };
}

function BusyLine({ busy }: { busy: Busy | null }) {
  return (
    <span className="file-busy" role="status">
      {busy && `Reading ${busy.name}…`}
      {busy?.pageCount ? <span aria-hidden="true"> page {busy.pagesDone} of {busy.pageCount}</span> : null}
    </span>
  );
}

export interface FileOpenButtonProps extends DocumentFileHandlers {
  /** The button's text. */
  label?: string;
  /** The hidden input's accessible name (tests pick the input by it); defaults to the label. */
  inputLabel?: string;
  disabled?: boolean;
}

export function FileOpenButton({ label = 'Open file…', inputLabel, disabled, ...handlers }: FileOpenButtonProps) {
  const input = useRef<HTMLInputElement>(null);
  const { busy, read } = useDocumentRead(handlers);
  return (
    <>
      <button type="button" onClick={() => input.current?.click()} disabled={disabled || busy !== null}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        accept={DOCUMENT_ACCEPT}
        className="visually-hidden"
        tabIndex={-1}
        aria-label={inputLabel ?? label.replace(/…$/, '')}
        onChange={(e) => {
          const file = e.target.files?.[0];
          // Cleared at once so picking the same file again still fires a change.
          e.target.value = '';
          if (file) void read(file);
        }}
      />
      <BusyLine busy={busy} />
    </>
  );
}

export interface DropZoneProps extends DocumentFileHandlers {
  children: ReactNode;
  className?: string;
}

/**
 * Takes files dropped anywhere on its children. Dragged text is left alone, so a textarea inside
 * still inserts it itself.
 */
export function DropZone({ children, className, ...handlers }: DropZoneProps) {
  const [dragging, setDragging] = useState(false);
  const { busy, read } = useDocumentRead(handlers);
  const hasFiles = (e: DragEvent) => e.dataTransfer.types.includes('Files');
  return (
    <div
      className={['drop-zone', dragging && 'dragging', className].filter(Boolean).join(' ')}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) setDragging(false);
      }}
      onDrop={(e) => {
        setDragging(false);
        const file = e.dataTransfer.files[0];
        if (!file) return;
        e.preventDefault();
        void read(file);
      }}
    >
      {children}
      <BusyLine busy={busy} />
    </div>
  );
}

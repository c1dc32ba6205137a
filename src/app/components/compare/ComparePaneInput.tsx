// One text pane of the CV against job ad view: a labelled textarea (typing, pasting) and a file
// opener (button or drop) for .txt, .pdf and .docx. A file that cannot be read shows its message here and leaves the
// pane's text as it was. The textarea is also where evidence is shown: the results select a span.
import { setPaneFileError, setPaneText } from '../../compare.ts';
import { PANE_NAMES, PANE_NOUNS, type PaneId } from '../../compareState.ts';
import { selectTextSpan } from '../../evidenceJump.ts';
import { useAppStore } from '../../store.ts';
import { DropZone, FileOpenButton, type DocumentFileHandlers } from '../FileOpenButton.tsx';
import { SourceTextarea } from '../SourceTextarea.tsx';

const PLACEHOLDER: Record<PaneId, string> = {
  ad: 'Paste the job ad here, or open a file…',
  cv: 'Paste the CV here, or open a PDF, DOCX or text file…',
};

export function ComparePaneInput({ id }: { id: PaneId }) {
  const pane = useAppStore((s) => s.compare[id]);
  const textareaId = `compare-${id}-text`;
  const fileHandlers: DocumentFileHandlers = {
    onText: (text, name) => setPaneText(id, text, 'file', name),
    onError: (message) => setPaneFileError(id, message),
  };
  return (
    <section className={`panel compare-pane compare-pane-${id}`} aria-labelledby={`${textareaId}-heading`} data-testid={`compare-pane-${id}`}>
      <h2 id={`${textareaId}-heading`}>{PANE_NAMES[id]}</h2>
      <label htmlFor={textareaId} className="field-label">
        {PANE_NAMES[id]} text {pane.fileName && <span className="hint">(from {pane.fileName})</span>}
      </label>
      <DropZone {...fileHandlers}>
        <SourceTextarea id={textareaId} className="source-text compare-text" value={pane.text} placeholder={PLACEHOLDER[id]} onEdit={(text, source) => setPaneText(id, text, source)} />
      </DropZone>
      <div className="button-row">
        <FileOpenButton label={`Open ${PANE_NOUNS[id]} file…`} inputLabel={`${PANE_NAMES[id]} file`} {...fileHandlers} />
        <button type="button" onClick={() => setPaneText(id, '', 'clear')} disabled={!pane.text}>
          Clear
        </button>
        <span className="muted char-count" aria-live="off">
          {pane.text.length.toLocaleString()} characters
        </span>
      </div>
      {pane.fileError && (
        <p className="message error" role="alert">
          {pane.fileError}
        </p>
      )}
      {pane.error && (
        <p className="message error" role="alert">
          {pane.error}
        </p>
      )}
    </section>
  );
}

/** Selects a span of a pane's text: how the comparison's quotes point at their evidence. */
export function showEvidence(id: PaneId, start: number, end: number): void {
  selectTextSpan(`compare-${id}-text`, start, end);
}

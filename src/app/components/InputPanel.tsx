// The text input: a labelled textarea that takes typing and pasting, and opens .txt, .pdf and .docx
// files (read in the browser, nothing uploaded) from a button (the keyboard route) or by dropping
// them on the pane, plus buttons for a sample ad and clearing. A file that cannot be read shows its
// message here and leaves the current text as it was.
import { useState } from 'react';
import { clearText, loadSample } from '../actions.ts';
import { useAppStore } from '../store.ts';
import { DropZone, FileOpenButton, type DocumentFileHandlers } from './FileOpenButton.tsx';
import { SourceTextarea } from './SourceTextarea.tsx';

interface FileMessage {
  error: boolean;
  text: string;
}

export function InputPanel() {
  const text = useAppStore((s) => s.text);
  const setText = useAppStore((s) => s.setText);
  const [fileMessages, setFileMessages] = useState<FileMessage[]>([]);

  const fileHandlers: DocumentFileHandlers = {
    onText: (fileText, _name, doc) => {
      setText(fileText, 'file');
      setFileMessages(doc.notes.map((note) => ({ error: false, text: note })));
    },
    onError: (message) => setFileMessages([{ error: true, text: message }]),
  };

  return (
    <section className="panel input-panel" aria-labelledby="input-heading">
      <h2 id="input-heading">Your text</h2>
      <label htmlFor="source-text" className="field-label">
        Job ad or CV{' '}
        <span className="hint">(paste it here, or open or drop a .txt, .pdf or .docx file; it never leaves this device)</span>
      </label>
      <DropZone {...fileHandlers}>
        <SourceTextarea id="source-text" className="source-text" value={text} placeholder="Paste a job ad or CV in any language…" onEdit={setText} />
      </DropZone>
      <div className="button-row">
        <button type="button" onClick={loadSample}>
          Try a sample job ad
        </button>
        {/* The input's name is kept from the .txt-only opener: the e2e specs pick the input by it. */}
        <FileOpenButton label="Open file…" inputLabel="Text file to analyse" {...fileHandlers} />
        <button
          type="button"
          onClick={() => {
            clearText();
            setFileMessages([]);
          }}
          disabled={!text}
        >
          Clear
        </button>
        <span className="muted char-count" aria-live="off">
          {text.length.toLocaleString()} characters
        </span>
      </div>
      {fileMessages.map((m) =>
        m.error ? (
          <p key={m.text} className="message error" role="alert">
            {m.text}
          </p>
        ) : (
          <p key={m.text} className="message warn" role="status">
            {m.text}
          </p>
        ),
      )}
    </section>
  );
}

// The text input: a labelled textarea that takes typing, pasting and dropped .txt files, plus
// buttons for a sample ad, opening a file (the keyboard route to file input) and clearing.
import { useRef, useState, type DragEvent } from 'react';
import { clearText, loadSample, loadTextFile } from '../actions.ts';
import { useAppStore } from '../store.ts';

export function InputPanel() {
  const text = useAppStore((s) => s.text);
  const setText = useAppStore((s) => s.setText);
  const [fileError, setFileError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const pasted = useRef(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const takeFile = async (file: File | undefined) => {
    if (!file) return;
    setFileError(await loadTextFile(file));
  };

  const onDrop = (e: DragEvent<HTMLTextAreaElement>) => {
    setDragging(false);
    if (e.dataTransfer.files.length === 0) return; // dropped text: the textarea inserts it itself
    e.preventDefault();
    void takeFile(e.dataTransfer.files[0]);
  };

  return (
    <section className="panel input-panel" aria-labelledby="input-heading">
      <h2 id="input-heading">Your text</h2>
      <label htmlFor="source-text" className="field-label">
        Job ad or CV <span className="hint">(paste it here, or drop a .txt file; it never leaves this device)</span>
      </label>
      <textarea
        id="source-text"
        className={dragging ? 'source-text dragging' : 'source-text'}
        value={text}
        spellCheck={false}
        placeholder="Paste a job ad or CV in any language…"
        onChange={(e) => {
          setText(e.target.value, pasted.current ? 'paste' : 'typing');
          pasted.current = false;
        }}
        onPaste={() => {
          // The change event that follows is the paste: extract at once instead of debouncing.
          pasted.current = true;
          setTimeout(() => (pasted.current = false), 0);
        }}
        onDragOver={(e) => {
          if (e.dataTransfer.types.includes('Files')) {
            e.preventDefault();
            setDragging(true);
          }
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      />
      <div className="button-row">
        <button type="button" onClick={loadSample}>
          Try a sample job ad
        </button>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Open .txt file…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".txt,.md,text/plain"
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Text file to analyse"
          onChange={(e) => {
            void takeFile(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
        <button type="button" onClick={clearText} disabled={!text}>
          Clear
        </button>
        <span className="muted char-count" aria-live="off">
          {text.length.toLocaleString()} characters
        </span>
      </div>
      {fileError && (
        <p className="message error" role="alert">
          {fileError}
        </p>
      )}
    </section>
  );
}

// Picking the batch input: drop or open a CSV, a JSONL file or many .txt files; for CSV and JSONL
// the id and text columns are chosen next to a preview of the first rows (cells shown as text).
import { useRef, useState, type DragEvent } from 'react';
import { discardDraft, pickFiles, setDraftColumns, startDraft } from '../../batch.ts';
import { useAppStore } from '../../store.ts';

export function BatchInput() {
  const draft = useAppStore((s) => s.batch.draft);
  const fileInput = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    if (e.dataTransfer.files.length) void pickFiles(e.dataTransfer.files);
  };

  return (
    <div className="batch-input">
      <div
        className={dragging ? 'batch-drop dragging' : 'batch-drop'}
        data-testid="batch-drop"
        onDragOver={(e) => {
          if (e.dataTransfer.types.includes('Files')) {
            e.preventDefault();
            setDragging(true);
          }
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop a .csv, .jsonl or several .txt files here, or</p>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Open files…
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          accept=".csv,.tsv,.jsonl,.ndjson,.json,.txt,.md,text/plain,text/csv"
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Batch input files"
          onChange={(e) => {
            if (e.target.files) void pickFiles(e.target.files);
            e.target.value = '';
          }}
        />
      </div>
      {draft && (
        <div className="batch-draft" data-testid="batch-draft">
          <p>
            <strong>{draft.name}</strong> <span className="muted">({draft.kind.toUpperCase()})</span>
          </p>
          {draft.problem && (
            <p className="message error" role="alert">
              {draft.problem}
            </p>
          )}
          {!draft.problem && draft.kind !== 'txt' && (
            <div className="batch-columns">
              <label className="inline-field">
                Text {draft.kind === 'csv' ? 'column' : 'field'}
                <select value={draft.textColumn} onChange={(e) => setDraftColumns({ textColumn: e.target.value })}>
                  {!draft.columns.includes(draft.textColumn) && <option value={draft.textColumn}>{draft.textColumn || '(choose)'}</option>}
                  {draft.columns.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </label>
              <label className="inline-field">
                Id {draft.kind === 'csv' ? 'column' : 'field'}
                <select value={draft.idColumn} onChange={(e) => setDraftColumns({ idColumn: e.target.value })}>
                  <option value="">(row number)</option>
                  {draft.columns.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          )}
          {!draft.problem && draft.preview.length > 0 && (
            <div className="batch-preview-wrap">
              <table className="batch-preview" data-testid="batch-preview">
                <caption className="muted">First rows</caption>
                <thead>
                  <tr>
                    {draft.columns.map((c) => (
                      <th key={c} scope="col" className={c === draft.textColumn ? 'chosen' : c === draft.idColumn ? 'chosen-id' : undefined}>
                        {c}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {draft.preview.map((row, i) => (
                    <tr key={i}>
                      {draft.columns.map((c, j) => (
                        <td key={c}>{(row[j] ?? '').slice(0, 160)}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {draft.kind === 'txt' && <p className="muted">{draft.files.length} file(s); each file is one document, its id is the file name.</p>}
          <div className="button-row">
            <button type="button" className="primary" disabled={Boolean(draft.problem)} onClick={() => void startDraft()}>
              Start batch
            </button>
            <button type="button" onClick={discardDraft}>
              Discard
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

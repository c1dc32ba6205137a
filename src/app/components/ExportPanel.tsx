// Export of the shown results: JSON and CSV downloads and copying to the clipboard, with a
// visible confirmation or error.
import { copyResults, downloadResults } from '../actions.ts';
import { selectDisplayed } from '../selectors.ts';
import { useAppStore } from '../store.ts';

export function ExportPanel() {
  const hasResult = useAppStore((s) => selectDisplayed(s) !== null);
  const message = useAppStore((s) => s.exportMessage);
  return (
    <section className="panel export-panel" aria-labelledby="export-heading">
      <h2 id="export-heading">Export results</h2>
      <div className="button-row">
        <button type="button" onClick={() => downloadResults('json')} disabled={!hasResult}>
          Download JSON
        </button>
        <button type="button" onClick={() => downloadResults('csv')} disabled={!hasResult}>
          Download CSV
        </button>
        <button type="button" onClick={() => void copyResults('json')} disabled={!hasResult}>
          Copy JSON
        </button>
        <button type="button" onClick={() => void copyResults('csv')} disabled={!hasResult}>
          Copy CSV
        </button>
      </div>
      <p className={message?.kind === 'error' ? 'message error' : 'message'} role="status" aria-live="polite" hidden={!message}>
        {message?.text}
      </p>
    </section>
  );
}

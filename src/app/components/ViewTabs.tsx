// Switches between the single-text view and the batch view (kept in the URL hash: #batch).
import { setView } from '../../batch.ts';
import { useAppStore } from '../../store.ts';

export function ViewTabs() {
  const view = useAppStore((s) => s.view);
  return (
    <nav className="view-tabs" aria-label="View">
      <button type="button" aria-pressed={view === 'single'} className={view === 'single' ? 'tab active' : 'tab'} onClick={() => setView('single')}>
        One text
      </button>
      <button type="button" aria-pressed={view === 'batch'} className={view === 'batch' ? 'tab active' : 'tab'} onClick={() => setView('batch')}>
        Batch
      </button>
    </nav>
  );
}

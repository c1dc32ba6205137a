// Switches between the single-text view, the CV against job ad view and the batch view (kept in
// the URL hash: #compare, #batch).
import { setView } from '../view.ts';
import { useAppStore } from '../store.ts';

export function ViewTabs() {
  const view = useAppStore((s) => s.view);
  return (
    <nav className="view-tabs" aria-label="View">
      <button type="button" aria-pressed={view === 'single'} className={view === 'single' ? 'tab active' : 'tab'} onClick={() => setView('single')}>
        One text
      </button>
      <button type="button" aria-pressed={view === 'compare'} className={view === 'compare' ? 'tab active' : 'tab'} onClick={() => setView('compare')}>
        CV against job ad
      </button>
      <button type="button" aria-pressed={view === 'batch'} className={view === 'batch' ? 'tab active' : 'tab'} onClick={() => setView('batch')}>
        Batch
      </button>
    </nav>
  );
}
